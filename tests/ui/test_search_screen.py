"""The search screen: results as you type, Enter opening one in context, n and N after."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BRIEFS, WIDE, loaded, reader
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.search import HIT_STYLE, SearchScreen

FAYLAQ = EntityRef("actor", "faylaq-al-sham")


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's index in its own cache folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


async def settle(pilot: Pilot[int], app: BriefingApp) -> None:
    """Wait for the search workers and for their results to be shown."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def search(pilot: Pilot[int], app: BriefingApp, typed: str) -> SearchScreen:
    """Open the search (unless open), type (replacing what is there), wait for results."""
    if not isinstance(app.screen, SearchScreen):
        await pilot.press("slash")
        await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press("home", "ctrl+k", *typed)
    await settle(pilot, app)
    return screen


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status", Static).render())


def results(screen: SearchScreen) -> list[Content]:
    shown = screen.query_one("#search-results", OptionList)
    return [shown.get_option_at_index(i).prompt for i in range(shown.option_count)]  # type: ignore[misc]


def highlighted_words(content: Content) -> list[str]:
    return [
        content.plain[span.start : span.end] for span in content.spans if span.style == HIT_STYLE
    ]


async def test_a_misspelt_name_finds_the_actor_and_enter_opens_its_dossier() -> None:
    app = reader([BRIEFS], open_at="idlib-2020-10-turkey-russia")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        start = main.shown
        screen = await search(pilot, app, "faylaw")
        assert screen.hits[0].ref == FAYLAQ
        first = results(screen)[0]
        kind_and_name = first.plain.splitlines()[0]
        assert kind_and_name.split() == ["actor", "Faylaq", "al-Sham"]
        assert highlighted_words(first) == ["Faylaw"]
        assert status(screen).startswith("1 result")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == FAYLAQ
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is main and main.shown == start


async def test_results_show_kind_title_briefing_and_highlighted_snippet() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        screen = await search(pilot, app, "duwayli strike")
        assert len(screen.hits) > 1
        event = next(
            content
            for hit, content in zip(screen.hits, results(screen), strict=True)
            if hit.ref == EntityRef("event", "evt-duwayli-strike", "idlib-2020-10-turkey-russia")
        )
        kind_title, where, snippet = event.plain.splitlines()
        assert kind_title.split()[0] == "event"
        assert "Russian air strike on a Faylaq al-Sham camp" in kind_title
        assert where.strip().startswith("in Idlib, October 2020")
        assert {word.lower() for word in highlighted_words(event)} >= {"strike"}
        assert snippet.strip()


async def test_a_malformed_query_says_what_is_wrong_and_esc_closes() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        screen = await search(pilot, app, '"unbalanced')
        assert status(screen).startswith("⚠ unbalanced quote")
        assert screen.query_one("#search-status").has_class("-error")
        assert results(screen) == []
        await pilot.press("enter")  # nothing to open: stays, says so
        await pilot.pause()
        assert app.screen is screen
        await search(pilot, app, "kind:nonsense")
        assert status(screen).startswith("⚠ ")
        await search(pilot, app, "turkey")
        assert not screen.query_one("#search-status").has_class("-error")
        assert results(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main


async def test_down_chooses_another_result_and_n_n_step_through_them() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        screen = await search(pilot, app, "kind:event strike")
        hits = list(screen.hits)
        assert len(hits) >= 3
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.history.current is not None
        assert app.history.current.ref == hits[1].ref
        assert app.last_search is not None and app.last_search.current == 1

        await pilot.press("n")
        await pilot.pause()
        assert app.history.current.ref == hits[2].ref
        await pilot.press("N", "N")
        await pilot.pause()
        assert app.history.current.ref == hits[0].ref
        await pilot.press("N")  # before the first: round to the last
        await pilot.pause()
        assert app.history.current.ref == hits[-1].ref
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.page("timeline").anchor == hits[-1].ref

        # Each result opened is a visit: back goes through them again.
        await pilot.press("backspace")
        await pilot.pause()
        assert app.history.current.ref == hits[0].ref


async def test_n_without_a_search_says_so(notes: list[str]) -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        shown = main.shown
        await pilot.press("n")
        await pilot.pause()
        assert main.shown == shown
        assert any("search with /" in note for note in notes)


async def test_the_search_reopens_with_the_last_query_and_markup_stays_literal() -> None:
    app = reader(open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        screen = await search(pilot, app, "alpha talks")
        top = results(screen)[0].plain
        assert "Alpha talks [bold]x[/] and [@click=app.quit]quit[/]" in top
        await pilot.press("enter")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "alpha")
        await pilot.press("slash")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#search-input", Input).value == "alpha talks"
        assert screen.hits and screen.hits[0].ref == EntityRef("briefing", "alpha")


async def test_enter_typed_before_the_results_come_opens_the_best_one() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"faylaw", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == FAYLAQ
