"""Pilot steps that drive the real reader over briefs/: shared by the screenshot script and the
snapshot tests, so both wait for the same screens the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.search import SearchScreen

LIBRARY = "briefs"
"""Relative to the repository, so the paths the reader shows never name this machine."""
THEME = "textual-dark"
MOST_PAUSES = 500
"""Pauses allowed for the app to settle before giving up (no time is measured)."""

Ready = Callable[[BriefingApp], bool]
RunBefore = Callable[[Pilot[int]], Awaitable[None]]


def reader(open_at: str | None = None) -> BriefingApp:
    """The real app on the bundled briefs, without the file watcher or animations."""
    app = BriefingApp([LIBRARY], open_at, watch=False)
    app.animation_level = "none"
    return app


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


def library_shown(app: BriefingApp) -> bool:
    """True once the library is loaded and the first place opened (a briefing, or what
    --open names)."""
    return app.library is not None and app.history.current is not None


def opened(*keys: str, ready: Ready, what: str) -> RunBefore:
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


def on_main(pane: str) -> Ready:
    """The main screen, with `pane` active and focused."""

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
    """A dossier, its page filled."""
    screen = app.screen
    return isinstance(screen, DossierScreen) and bool(screen.page.blocks)


def search_results_for(text: str) -> Ready:
    """The search screen showing results for `text`."""

    def ready(app: BriefingApp) -> bool:
        screen = app.screen
        return isinstance(screen, SearchScreen) and screen.query_text == text and bool(screen.hits)

    return ready
