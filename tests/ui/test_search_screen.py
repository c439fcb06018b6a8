"""The search screen: results as you type, Enter opening one in context, n and N after."""

from __future__ import annotations

import itertools
import re
import threading
from pathlib import Path

import pytest
from conftest import BRIEFS, NARROW, WIDE, loaded, reader
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from briefing_tui.model.library import Library
from briefing_tui.model.refs import EntityRef
from briefing_tui.model.search import KIND_ORDER, SearchIndex, UpdateCancelled
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.search import (
    HIT_STYLE,
    KIND_WIDTH,
    LibrarySearch,
    SearchScreen,
    folded_snippet,
    lead_trimmed,
    start_indexing,
)

FAYLAQ = EntityRef("actor", "faylaq-al-sham")
IDLIB_OCT = "idlib-2020-10-turkey-russia"
DUWAYLI_STRIKE = EntityRef("event", "evt-duwayli-strike", "idlib-2020-10-turkey-russia")


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


def result_of(screen: SearchScreen, ref: EntityRef) -> Content:
    """The result shown for `ref`."""
    return next(
        content for hit, content in zip(screen.hits, results(screen), strict=True) if hit.ref == ref
    )


def shown_lines(screen: SearchScreen) -> list[str]:
    """The lines of the result list as drawn on the screen."""
    shown = screen.query_one("#search-results", OptionList)
    return [shown.render_line(y).text for y in range(shown.scrollable_content_region.height)]


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
        event = result_of(screen, DUWAYLI_STRIKE)
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


def test_whitespace_is_folded_across_the_snippet_and_kept_around_hits() -> None:
    pieces = [("…strike hit a\n  ", False), ("Faylaq", True), (" al-Sham\ttraining ", False)]
    assert folded_snippet(pieces) == [
        ("…strike hit a ", False),
        ("Faylaq", True),
        (" al-Sham training", False),
    ]
    # A run of spaces spanning two pieces is one space; one inside a hit phrase stays a hit.
    pieces = [("a ", False), (" air", True), (" ", True), ("strike", True), ("  ", False)]
    assert folded_snippet(pieces) == [("a ", False), ("air strike", True)]


def test_the_text_before_the_first_hit_is_cut_at_a_word() -> None:
    pieces = [("…on 26 October 2020 a Russian air strike hit a ", False), ("Faylaq", True)]
    trimmed = lead_trimmed(pieces, lead=20)
    assert trimmed == [("…air strike hit a ", False), ("Faylaq", True)]
    assert lead_trimmed(trimmed, lead=20) == trimmed


async def test_snippets_keep_the_spaces_around_each_hit() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        screen = await search(pilot, app, "faylaq")
        briefing = result_of(screen, EntityRef("briefing", "idlib-2020-10-turkey-russia"))
        snippet = briefing.plain.splitlines()[2]
        assert "hit a Faylaq al-Sham training camp" in snippet
        assert "Faylaq" in highlighted_words(briefing)
        for content in results(screen):
            text = content.plain + " "
            for span in content.spans:
                if span.style == HIT_STYLE:
                    # No hit runs into the word before or after it.
                    assert not text[span.start - 1].isalnum(), text
                    assert not text[span.end].isalnum(), text


async def test_each_result_is_a_few_indented_lines_cut_with_an_ellipsis_at_80_columns() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=NARROW) as pilot:
        await loaded(app, pilot)
        screen = await search(pilot, app, "faylaq")
        lines = [line.rstrip() for line in shown_lines(screen)]
        item_start = re.compile(rf"^ ({'|'.join(KIND_ORDER)}) +\S")
        below_title = " " * (KIND_WIDTH + 1)
        for line in lines:
            if not line.strip():
                continue
            assert item_start.match(line) or (
                line.startswith(below_title) and line[len(below_title)] != " "
            ), f"a line that is neither a result's first line nor indented under it: {line!r}"
        assert any(line.endswith("…") for line in lines)
        # No result wraps: each takes as many lines as it has.
        heights = [len(content.plain.splitlines()) for content in results(screen)]
        shown = screen.query_one("#search-results", OptionList)
        assert shown.virtual_size.height == sum(heights)
        assert all(2 <= height <= 3 for height in heights)


async def test_the_index_is_built_in_a_worker_as_soon_as_the_library_loads(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    prepare = LibrarySearch.prepare

    def recorded(self: LibrarySearch, library: Library) -> None:
        threads.append(threading.current_thread())
        prepare(self, library)

    monkeypatch.setattr(LibrarySearch, "prepare", recorded)
    app = reader([library_copy])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert app.library is not None
        assert app.library_search.ready_for(app.library)  # before / is ever pressed
        assert threads and threading.main_thread() not in threads
        first = app.library

        (library_copy / "alpha.yaml").write_text(
            (library_copy / "alpha.yaml").read_text().replace("Alpha talks", "Gamma talks")
        )
        await pilot.press("r")
        await loaded(app, pilot)
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.library is not first:
                break
        assert app.library is not first
        assert app.library_search.ready_for(app.library)
        assert threading.main_thread() not in threads

        screen = await search(pilot, app, "gamma")
        assert "Indexing" not in status(screen)
        assert screen.hits and screen.hits[0].ref == EntityRef("briefing", "alpha")


async def test_results_name_what_links_without_a_label_point_to() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        screen = await search(pilot, app, "join")
        question = result_of(
            screen, EntityRef("question", "q-fighter-direction", "idlib-2020-10-turkey-russia")
        )
        title, _, snippet = question.plain.splitlines()
        assert "Nagorno-Karabakh join Faylaq al-Sham, or did Faylaq al-Sham" in title
        assert "join Faylaq al-Sham" in snippet
        assert "faylaq-al-sham" not in question.plain

        screen = await search(pilot, app, "pressure on ankara")
        judgment = result_of(
            screen, EntityRef("judgment", "j-pressure-on-ankara", "idlib-2020-10-turkey-russia")
        )
        assert "The strike on Faylaq al-Sham, a faction Turkey backs" in judgment.plain
        assert "(Was the strike a message to" in judgment.plain
        assert "q-russian-motive" not in judgment.plain


def test_an_update_given_up_part_way_leaves_the_index_as_it_was() -> None:
    library = Library.load([BRIEFS])
    with SearchIndex([BRIEFS], use_cache=False) as index:
        asked = itertools.count()
        with pytest.raises(UpdateCancelled):
            index.update_from(library, lambda: next(asked) >= 2)
        assert index.count() == 0
        assert len(index.update_from(library).indexed) == len(library.documents)


def test_closing_the_search_stops_indexing_so_quitting_never_waits_for_it() -> None:
    library = Library.load([BRIEFS])
    search = LibrarySearch(use_cache=False)
    search.close()  # as the reader does when it quits, maybe while a worker indexes
    with pytest.raises(UpdateCancelled):
        search.prepare(library)
    assert not search.ready_for(library)


async def test_a_query_typed_while_the_library_loads_runs_once_it_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexed: list[Library] = []
    prepare = LibrarySearch.prepare

    def recorded(self: LibrarySearch, library: Library) -> None:
        indexed.append(library)
        prepare(self, library)

    monkeypatch.setattr(LibrarySearch, "prepare", recorded)
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        whole = app.library
        assert whole is not None and indexed == [whole]
        # As while the part of a large library loaded so far is shown: nothing to search yet.
        app.library_search.library = None
        screen = await search(pilot, app, "faylaq")
        assert status(screen).startswith("The library is still loading")
        assert screen.hits == [] and indexed == [whole]  # the part shown is never indexed
        start_indexing(app, whole)  # the whole library has loaded
        for _ in range(100):
            await settle(pilot, app)
            if screen.hits:
                break
            await pilot.pause(0.05)
        assert screen.hits and screen.hits[0].ref == EntityRef("briefing", IDLIB_OCT)
