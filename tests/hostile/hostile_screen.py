"""Reading the reader's screen as a terminal would show it: the exported SVG, back into rows."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot

from briefing_tui.model.text import has_controls
from briefing_tui.ui.app import BriefingApp

_TEXT = re.compile(
    r'<text class="[^"]*" x="(?P<x>[\d.]+)" y="[\d.]+" textLength="(?P<length>[\d.]+)" '
    r'clip-path="url\(#[\w-]+-line-(?P<row>\d+)\)">(?P<text>.*?)</text>',
    re.DOTALL,
)


def screen_rows(svg: str) -> list[str]:
    """The rows of an exported screenshot as text, each character at its cell."""
    placed: dict[int, list[tuple[float, str]]] = {}
    cell_width = 0.0
    for match in _TEXT.finditer(svg):
        text = html.unescape(match["text"]).replace("\xa0", " ")
        if text and text != "\n":
            cells = cell_len(text)
            if cells and not cell_width:
                cell_width = float(match["length"]) / cells
            placed.setdefault(int(match["row"]), []).append((float(match["x"]), text))
    rows: list[str] = []
    for row in range(max(placed, default=-1) + 1):
        line = ""
        for x, text in sorted(placed.get(row, [])):
            column = round(x / cell_width) if cell_width else 0
            line += " " * max(0, column - cell_len(line)) + text
        rows.append(line)
    return rows


def cell_of(line: str, text: str) -> int:
    """The cell (column) where `text` starts in a row of the screen (it must be there)."""
    return cell_len(line[: line.index(text)])


def find_on_screen(rows: Sequence[str], text: str) -> tuple[int, int] | None:
    """(column, row) of the first cell of `text` on the screen, or None."""
    for row, line in enumerate(rows):
        if text in line:
            return cell_of(line, text), row
    return None


def unsafe_characters(svg: str) -> list[str]:
    """The characters of a screenshot that must never reach a terminal (ESC, C1, bidi...)."""
    return sorted({c for c in svg if c not in "\n\t" and has_controls(c)})


def reader(paths: Sequence[Path], open_at: str | None = None) -> BriefingApp:
    """The real app, without the file watcher (tests reload with `r`)."""
    return BriefingApp([str(p) for p in paths], open_at, watch=False)


async def settle(app: BriefingApp, pilot: Pilot[int]) -> None:
    """Let workers finish (all but the file watcher, which never does) and the screen catch up."""
    for _ in range(200):
        working = [worker for worker in app.workers if worker.group != "watch"]
        if working:  # an empty list would mean every worker, the watcher too
            await app.workers.wait_for_complete(working)
        await pilot.pause()
        if not any(worker.is_running for worker in working):
            break
    await pilot.pause()


async def loaded(app: BriefingApp, pilot: Pilot[int]) -> None:
    """Wait until the library is loaded and its first briefing shown."""
    for _ in range(200):
        await settle(app, pilot)
        if app.library is not None:
            break
    await pilot.pause()
    assert app.library is not None, "the library never loaded"
