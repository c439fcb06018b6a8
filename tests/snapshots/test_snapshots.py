"""Snapshot tests: the reader's screens on the bundled briefs, at 80x24 and 120x40, as SVG."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from briefing_tui.ui.screens.help import HelpScreen

# The pilot steps live with the screenshot script, which takes the same screens.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from pilot_steps import on_dossier, on_main, on_screen, opened, reader, search_results_for

REPO = Path(__file__).resolve().parents[2]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

SnapCompare = Callable[..., bool]
on_help = on_screen(HelpScreen)


@pytest.fixture(autouse=True)
def repository_and_private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run from the repository (paths are shown relative to it) with a private cache and
    state, so the search index is built afresh and nothing of the user's is touched."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The newest briefing, opened at its summary; at 120x40 the library list and all four
    panes, at 80x24 one pane under tabs."""
    run_before = opened(ready=on_main("summary"), what="the summary")
    assert snap_compare(reader(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_timeline_pane(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """2 focuses the timeline of the briefing, the cursor on its first link."""
    run_before = opened("2", ready=on_main("timeline"), what="the timeline")
    assert snap_compare(reader(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_dossier(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """The dossier of Faylaq al-Sham, opened with --open."""
    run_before = opened(ready=on_dossier, what="the dossier")
    app = reader(open_at="faylaq-al-sham")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """? over the main screen: its keys, then how reading works."""
    run_before = opened("question_mark", ready=on_help, what="the help")
    assert snap_compare(reader(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_search_with_results(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """/ and a query typed: the results, best first, their hits highlighted."""
    query = "faylaq"
    ready = search_results_for(query)
    typing = opened("slash", *query, ready=ready, what="the search results")

    async def run_before(pilot: Pilot[int]) -> None:
        await typing(pilot)
        # The text cursor blinks on a timer: hide it, so every run draws the same frame.
        pilot.app.screen.query_one("#search-input", Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(reader(), terminal_size=size, run_before=run_before)
