"""Make the screenshots in screenshots/ by driving the real reader over briefs/ with keys.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Each view is an SVG of a 120x40 terminal. Where `rsvg-convert` or the `cairosvg` module is
available, a PNG of each is written too (for looking at them; the project needs neither).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.help import HelpScreen
from briefing_tui.ui.screens.link_hints import LinkHintScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.search import SearchScreen

REPO = Path(__file__).resolve().parent.parent
LIBRARY = "briefs"
"""Relative to the repository: the reader shows paths relative to where it runs."""
SIZE = (120, 40)
THEME = "textual-dark"
MOST_PAUSES = 500

Ready = Callable[[BriefingApp], bool]


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot: where the reader opens, the keys pressed, what must be on screen."""

    name: str
    ready: Ready
    keys: tuple[str, ...] = ()
    open_at: str | None = None


def on_main(pane: str) -> Ready:
    """The main screen with `pane` active and focused."""

    def ready(app: BriefingApp) -> bool:
        screen = app.screen
        return (
            isinstance(screen, MainScreen)
            and screen.active_pane == pane
            and screen.focused is screen.page(pane)
        )

    return ready


def on_screen(kind: type) -> Ready:
    """A screen of `kind` on top."""
    return lambda app: isinstance(app.screen, kind)


def on_dossier(app: BriefingApp) -> bool:
    """A dossier with its page filled."""
    return isinstance(app.screen, DossierScreen) and bool(app.screen.page.blocks)


def search_results_for(text: str) -> Ready:
    """The search screen showing results for `text`."""

    def ready(app: BriefingApp) -> bool:
        screen = app.screen
        return isinstance(screen, SearchScreen) and screen.query_text == text and bool(screen.hits)

    return ready


SEARCHED = "faylaq"
SHOTS = (
    Shot("main", on_main("summary")),
    Shot("timeline", on_main("timeline"), keys=("2", "j", "j")),
    Shot("dossier", on_dossier, open_at="faylaq-al-sham"),
    Shot("search", search_results_for(SEARCHED), keys=("slash", *SEARCHED)),
    Shot("help", on_screen(HelpScreen), keys=("question_mark",)),
    Shot("link-hints", on_screen(LinkHintScreen), keys=("f",)),
)


async def settle(pilot: Pilot[int], ready: Ready, what: str) -> None:
    """Let workers finish and the screen refresh until `ready` holds."""
    app = pilot.app
    assert isinstance(app, BriefingApp)
    for _ in range(MOST_PAUSES):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if ready(app) and not any(worker.is_running for worker in app.workers):
            break
    else:
        raise RuntimeError(f"the reader never showed {what}")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def take(shot: Shot, out: Path) -> Path:
    """Run the reader, press the shot's keys, save the SVG; its path."""
    app = BriefingApp([LIBRARY], shot.open_at, watch=False)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        app.theme = THEME
        await settle(pilot, lambda a: a.library is not None and a.history.current is not None, "it")
        if shot.keys:
            await pilot.press(*shot.keys)
        await settle(pilot, shot.ready, shot.name)
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a steady text cursor, not one caught mid-blink
        await pilot.pause()
        return Path(app.save_screenshot(f"{shot.name}.svg", path=str(out)))


def png_converter() -> Callable[[Path, Path], None] | None:
    """A way to turn an SVG into a PNG, if this machine has one."""
    rsvg = shutil.which("rsvg-convert")
    if rsvg is not None:

        def with_rsvg(svg: Path, png: Path) -> None:
            subprocess.run([rsvg, "--output", str(png), str(svg)], check=True)

        return with_rsvg
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None

    def with_cairosvg(svg: Path, png: Path) -> None:
        cairosvg.svg2png(url=str(svg), write_to=str(png))

    return with_cairosvg


def main(argv: list[str] | None = None) -> int:
    """Take every screenshot; 0 when all were written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(REPO)
    convert = png_converter()
    # A private cache: the search index is built afresh, and the user's is left alone.
    with tempfile.TemporaryDirectory(prefix="briefing-tui-screenshots-") as cache:
        os.environ["XDG_CACHE_HOME"] = os.path.join(cache, "cache")
        os.environ["XDG_STATE_HOME"] = os.path.join(cache, "state")
        for shot in SHOTS:
            svg = asyncio.run(take(shot, out))
            print(svg.relative_to(REPO) if svg.is_relative_to(REPO) else svg)
            if convert is not None:
                convert(svg, svg.with_suffix(".png"))
    if convert is None:
        print("no SVG to PNG converter (rsvg-convert or cairosvg): only SVGs written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
