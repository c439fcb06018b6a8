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

from pilot_steps import Ready, on_dossier, on_main, on_screen, opened, reader, search_results_for
from textual.widgets import Input

from briefing_tui.ui.screens.help import HelpScreen
from briefing_tui.ui.screens.link_hints import LinkHintScreen

REPO = Path(__file__).resolve().parent.parent
SIZE = (120, 40)


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot: where the reader opens, the keys pressed, what must be on screen."""

    name: str
    ready: Ready
    keys: tuple[str, ...] = ()
    open_at: str | None = None


SEARCHED = "faylaq"
SHOTS = (
    Shot("main", on_main("summary")),
    Shot("timeline", on_main("timeline"), keys=("2", "j", "j")),
    Shot("dossier", on_dossier, open_at="faylaq-al-sham"),
    Shot("search", search_results_for(SEARCHED), keys=("slash", *SEARCHED)),
    Shot("help", on_screen(HelpScreen), keys=("question_mark",)),
    Shot("link-hints", on_screen(LinkHintScreen), keys=("f",)),
)


async def take(shot: Shot, out: Path) -> Path:
    """Run the reader, press the shot's keys, save the SVG; its path."""
    app = reader(shot.open_at)
    async with app.run_test(size=SIZE) as pilot:
        await opened(*shot.keys, ready=shot.ready, what=shot.name)(pilot)
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
