"""The loading view: a count of documents over a bar, or why the library could not load."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from conftest import NARROW, reader
from textual.pilot import Pilot

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.messages import LibraryFailed, LibraryProgress
from briefing_tui.ui.widgets.loading import BAR_WIDTH, LoadingProgress, progress_bar


def test_the_bar_fills_in_proportion_and_says_the_percentage() -> None:
    assert progress_bar(0, None).plain == "━" * BAR_WIDTH
    assert progress_bar(1, 4).plain == "━" * BAR_WIDTH + "  25%"
    assert progress_bar(0, 0).plain.endswith(" 100%")
    quarter = progress_bar(1, 4)
    filled = [span for span in quarter.spans if str(span.style) == "$primary"]
    assert [(span.start, span.end) for span in filled] == [(0, BAR_WIDTH // 4)]


def shown(app: BriefingApp) -> str:
    """The loading view's text as drawn."""
    view = app.main_screen.query_one(LoadingProgress)
    return "\n".join(view.render_line(y).text.strip() for y in range(view.size.height))


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.pause()


@asynccontextmanager
async def loading() -> AsyncIterator[tuple[BriefingApp, Pilot[int]]]:
    """The reader on its loading view, for good: its library never loads."""
    app = reader()
    app.load_library = lambda *args, **kwargs: None  # type: ignore[method-assign]
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert "Loading the library…" in shown(app)
        yield app, pilot


async def test_progress_counts_documents_and_a_failure_is_said_literally() -> None:
    async with loading() as (app, pilot):
        app.post_message(LibraryProgress(500, 2000))
        await settle(pilot)
        assert "Loading the library… 500 of 2000 documents" in shown(app)
        assert "25%" in shown(app)
        app.post_message(LibraryFailed("OSError: [bold]no[/] such folder"))
        await settle(pilot)
        assert "Could not load the library: OSError: [bold]no[/] such folder" in shown(app)
        assert "%" not in shown(app)


async def test_the_footer_lists_the_keys_while_the_library_loads() -> None:
    async with loading() as (app, _):
        keys = [getattr(key, "description", "") for key in app.main_screen.query("FooterKey")]
        assert "Quit" in keys and "Search" in keys and "Library" in keys
