"""Dossiers: an actor or place across the whole library, reached and left by following links."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

from conftest import BRIEFS, WIDE, loaded, page_lines, reader
from textual.pilot import Pilot

from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.navigation import Location
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.widgets.link_page import LinkPage, Stop

IDLIB_OCT = "idlib-2020-10-turkey-russia"
IDLIB_MARCH = "idlib-2020-03-moscow-protocol"
FAYLAQ = EntityRef("actor", "faylaq-al-sham")
NFL = EntityRef("actor", "national-front-for-liberation")
STRIKE = EntityRef("event", "evt-duwayli-strike", IDLIB_OCT)


async def move_to(pilot: Pilot[int], page: LinkPage, wanted: Callable[[Stop], bool]) -> int:
    """Press j until the cursor is on a stop `wanted` accepts; the stop's index."""
    for _ in range(300):
        stop = page.current_stop
        if stop is not None and wanted(stop):
            return page.cursor  # type: ignore[return-value]
        await pilot.press("j")
    raise AssertionError("no such stop on the page")


async def open_actor(pilot: Pilot[int], main: MainScreen, actor: EntityRef) -> None:
    """Open an actor's dossier as a reader would: the actors pane, j to its link, Enter."""
    await pilot.press("3")
    await move_to(pilot, main.page("actors"), lambda stop: stop.ref == actor)
    await pilot.press("enter")
    await pilot.pause()


def dossier_page(app: BriefingApp) -> LinkPage:
    assert isinstance(app.screen, DossierScreen)
    return app.screen.query_one("#dossier", LinkPage)


def page_plain(page: LinkPage) -> str:
    return "\n".join(block.plain for block in page.blocks)


def section(page: LinkPage, heading: str) -> str:
    """The text of the blocks under a heading, up to the next heading."""
    lines: list[str] = []
    inside = False
    for block in page.blocks:
        if block.parts and block.parts[0][1] == "heading":
            if inside:
                break
            inside = block.plain.startswith(heading)
            continue
        if inside:
            lines.append(block.plain)
    return "\n".join(lines)


async def test_follow_links_through_dossiers_and_back_again() -> None:
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("2")
        timeline = main.page("timeline")
        start = await move_to(pilot, timeline, lambda stop: stop.ref == FAYLAQ)
        start_scroll = timeline.position.scroll_y
        await pilot.press("enter")
        await pilot.pause()

        # The actor's dossier: relations both ways, events in date order, questions, briefings.
        page = dossier_page(app)
        assert app.screen.location.ref == FAYLAQ  # type: ignore[attr-defined]
        text = page_plain(page)
        assert text.startswith("Faylaq al-Sham\narmed group · SY")
        relations = section(page, "Relations")
        assert "member of National Front for Liberation" in relations
        assert "opposes Syria" in relations
        events = section(page, "Events")
        assert events.index("28 Sep 2020") < events.index("26 Oct 2020")
        assert "target · confirmed · in Idlib, October 2020" in events
        assert "Did fighters from the wars in Libya" in section(page, "Questions about it")
        assert "Nagorno-Karabakh, November 2020" in section(page, "Briefings that mention it")

        # A related actor: the inverse labels read from its side.
        faylaq_cursor = await move_to(pilot, page, lambda stop: stop.ref == NFL)
        await pilot.press("enter")
        await pilot.pause()
        page = dossier_page(app)
        assert app.screen.location.ref == NFL  # type: ignore[attr-defined]
        relations = section(page, "Relations")
        assert "backed by Turkey" in relations
        assert "has member Faylaq al-Sham" in relations
        assert "part of Syrian National Army" in relations

        # Another briefing that mentions it.
        march = EntityRef("briefing", IDLIB_MARCH)
        nfl_cursor = await move_to(pilot, page, lambda stop: stop.ref == march)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is main and main.shown == march

        # Back, step by step, to where it started, each page as it was left.
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.location.ref == NFL  # type: ignore[attr-defined]
        assert dossier_page(app).cursor == nfl_cursor
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.location.ref == FAYLAQ  # type: ignore[attr-defined]
        assert dossier_page(app).cursor == faylaq_cursor
        assert dossier_page(app).current_stop.ref == NFL  # type: ignore[union-attr]
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert main.shown == EntityRef("briefing", IDLIB_OCT)
        assert main.active_pane == "timeline"
        assert timeline.cursor == start
        assert timeline.position.scroll_y == start_scroll
        assert not app.history.can_back

        await pilot.press("alt+right")
        await pilot.pause()
        assert app.screen.location.ref == FAYLAQ  # type: ignore[attr-defined]
        assert dossier_page(app).cursor == faylaq_cursor


async def test_an_event_of_a_dossier_opens_in_its_briefing_highlighted() -> None:
    app = reader([BRIEFS], open_at=FAYLAQ.id)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = dossier_page(app)
        await move_to(pilot, page, lambda stop: stop.ref == STRIKE)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is main and main.shown == STRIKE
        assert main.active_pane == "timeline"
        assert main.page("timeline").anchor == STRIKE
        await pilot.press("backspace")
        await pilot.pause()
        assert dossier_page(app).current_stop.ref == STRIKE  # type: ignore[union-attr]


async def test_q_closes_a_dossier_back_to_the_briefing() -> None:
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await open_actor(pilot, main, FAYLAQ)
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is main and main.shown == EntityRef("briefing", IDLIB_OCT)


async def test_a_place_dossier_has_coordinates_events_and_briefings() -> None:
    app = reader([BRIEFS], open_at="idlib-governorate")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        page = dossier_page(app)
        assert page.border_title == "Place"
        text = page_plain(page)
        assert text.startswith("Idlib Governorate\nplace · SY")
        events = section(page, "Events")
        assert events.count("\n    ") == 7
        assert events.startswith("Dec 2019 – Mar 2020  Government offensive in Idlib")
        briefings = section(page, "Briefings that mention it")
        assert "Idlib, October 2020" in briefings and "Idlib, February–March 2020" in briefings
    app = reader([BRIEFS], open_at="manbij")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert "at 36.53° N, 37.95° E" in page_plain(dossier_page(app))


REGISTRY = """\
schema: actors/1
actors:
  - id: north
    name: North
    kind: state
    country: FR
    aliases: [The North]
    profile: Registry profile of the North.
    relations:
      - {kind: leads, target: south, since: "2019"}
"""

GAMMA = """\
schema: briefing/1
id: gamma
title: "Gamma [bold]report[/]"
as_of: "2022-01"
summary: About [[north]] and [[hill]].
actors:
  - id: north
    name: Northland
    kind: armed-group
    country: DE
    aliases: ["[red]Nordland[/]"]
    profile: "Gamma says [[south]] is its rival. [/unbalanced]"
  - id: south
    name: South
    kind: state
places:
  - {id: hill, name: The Hill, lat: 10.5, lon: -20.25, country: FR}
timeline:
  - id: e-one
    date: "2021-03"
    title: Second meeting
    actors: [{ref: north, role: mediator}]
    place: hill
  - id: e-zero
    date: "2020-12-24"
    title: First meeting
    actors: [north]
questions:
  - id: q-north
    text: Does [[north]] hold [[hill]]?
    about: [north, hill]
"""

DELTA = """\
schema: briefing/1
id: delta
title: Delta
as_of: "2022-02"
summary: Later on [[north]].
places:
  - {id: hill, name: Hill Top, lat: 11, lon: -20.25}
"""


def disagreeing_library(root: Path) -> Path:
    root.mkdir()
    (root / "actors.yaml").write_text(REGISTRY, encoding="utf-8")
    (root / "gamma.yaml").write_text(GAMMA, encoding="utf-8")
    (root / "delta.yaml").write_text(DELTA, encoding="utf-8")
    return root


async def test_each_document_is_shown_with_what_it_says_and_where_they_disagree(
    tmp_path: Path,
) -> None:
    app = reader([disagreeing_library(tmp_path / "library")], open_at="north")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        page = dossier_page(app)
        text = page_plain(page)
        assert text.startswith("North\nstate · FR")
        assert "also known as The North, [red]Nordland[/]" in text
        disagree = section(page, "Where the documents disagree")
        assert "name     North in registry " in disagree
        assert "Northland in Gamma [bold]report[/]" in disagree
        assert "armed group in Gamma" in disagree
        assert "FR in registry" in disagree and "DE in Gamma" in disagree
        says = section(page, "What the documents say")
        assert "Registry profile of the North." in says
        assert "Gamma says South is its rival. [/unbalanced]" in says
        assert "leads South (since 2019)" in section(page, "Relations")
        events = section(page, "Events")
        assert events.index("First meeting") < events.index("Second meeting")
        assert "mediator · reported · in Gamma" in events
        assert "Does North hold Hill Top?" in section(page, "Questions about it")
        briefings = section(page, "Briefings that mention it")
        assert briefings.index("Delta") < briefings.index("Gamma")
        # The profile's link to South is a stop, resolved in the briefing that wrote it.
        assert EntityRef("actor", "south") in [stop.ref for stop in page.stops]

    app = reader([tmp_path / "library"], open_at="hill")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        page = dossier_page(app)
        assert "at 11° N, 20.25° W" in page_plain(page)
        disagree = section(page, "Where the documents disagree")
        assert "The Hill in Gamma" in disagree and "Hill Top in Delta" in disagree
        assert "10.5 in Gamma" in disagree and "11.0 in Delta" in disagree
        assert "Second meeting" in section(page, "Events")


async def test_a_dossier_of_an_unknown_entity_says_so() -> None:
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        app.push_screen(DossierScreen(Location(EntityRef("actor", "nobody"))))
        await pilot.pause()
        assert page_plain(dossier_page(app)) == "Nothing in the library is called nobody."


async def test_long_titles_wrap_under_themselves_and_are_never_cut_mid_word() -> None:
    app = reader([BRIEFS], open_at="faylaq-al-sham")
    async with app.run_test(size=(80, 100)) as pilot:
        await loaded(app, pilot)
        lines = [line.rstrip() for line in page_lines(dossier_page(app))]
        dated = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}\?*  ")
        wrapped = 0
        for line, following in itertools.pairwise(lines):
            if dated.match(line):
                # What follows a dated line (its title wrapped, or the event's status) is
                # indented: nothing but a heading or a new item starts at the left edge.
                assert not following or following.startswith(" ") or dated.match(following), (
                    line,
                    following,
                )
                wrapped += following.startswith(" " * dated.match(line).end())  # type: ignore[union-attr]
        assert wrapped >= 3  # two events and two briefings have titles too long for one line
        text = "\n".join(lines)
        assert "with Turkey grows" in text and "tension w…" not in text
        questions = text.split("Questions about it")[1].split("Briefings that mention it")[0]
        assert "among the recruiters?\n    open · in Nagorno-Karabakh" in questions
