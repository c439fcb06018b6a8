"""Snapshot tests: the reader's screens on the bundled briefs, at 80x24 and 120x40, as SVG."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.help import HelpScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.search import SearchScreen

REPO = Path(__file__).resolve().parents[2]
LIBRARY = "briefs"
"""Relative to the repository, so the paths the reader shows never name this machine."""
THEME = "textual-dark"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
MOST_PAUSES = 500
"""Pauses allowed for the app to settle before the test gives up (no time is measured)."""

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[int]], Awaitable[None]]


@pytest.fixture(autouse=True)
def repository_and_private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run from the repository (paths are shown relative to it) with a private cache and
    state, so the search index is built afresh and nothing of the user's is touched."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def reader(open_at: str | None = None) -> BriefingApp:
    """The real app on the bundled briefs, without the file watcher or animations."""
    app = BriefingApp([LIBRARY], open_at, watch=False)
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot[int], ready: Callable[[BriefingApp], bool], what: str) -> None:
    """Let workers finish and the screen refresh until `ready` holds."""
    app = pilot.app
    assert isinstance(app, BriefingApp)
    for _ in range(MOST_PAUSES):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if ready(app) and not any(worker.is_running for worker in app.workers):
            break
    else:
        raise AssertionError(f"the reader never showed {what}")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def library_shown(app: BriefingApp) -> bool:
    """True once the library is loaded and the first place opened (a briefing, or what
    --open names)."""
    return app.library is not None and app.history.current is not None


def opened(*keys: str, ready: Callable[[BriefingApp], bool], what: str) -> RunBefore:
    """A pilot: wait for the library, fix the theme, press `keys`, wait for `ready`."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, BriefingApp)
        app.theme = THEME
        await settle(pilot, library_shown, "the library")
        if keys:
            await pilot.press(*keys)
        await settle(pilot, ready, what)

    return run_before


def on_main(pane: str) -> Callable[[BriefingApp], bool]:
    """The main screen, with `pane` active and focused."""

    def ready(app: BriefingApp) -> bool:
        screen = app.screen
        return (
            isinstance(screen, MainScreen)
            and screen.active_pane == pane
            and screen.focused is screen.page(pane)
        )

    return ready


def on_dossier(app: BriefingApp) -> bool:
    """A dossier, its page filled."""
    screen = app.screen
    return isinstance(screen, DossierScreen) and bool(screen.page.blocks)


def on_help(app: BriefingApp) -> bool:
    """The help screen."""
    return isinstance(app.screen, HelpScreen)


def search_results_for(text: str) -> Callable[[BriefingApp], bool]:
    """The search screen showing results for `text`."""

    def ready(app: BriefingApp) -> bool:
        screen = app.screen
        return isinstance(screen, SearchScreen) and screen.query_text == text and bool(screen.hits)

    return ready


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
