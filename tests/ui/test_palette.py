"""The command palette: any briefing, actor or place by a fuzzy name or alias, and the views."""

from __future__ import annotations

import re

import pytest
from conftest import BRIEFS, WIDE, loaded, reader
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.command import CommandList, CommandPalette
from textual.fuzzy import Matcher
from textual.pilot import Pilot

from briefing_tui.model.refs import EntityRef
from briefing_tui.ui import commands
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.commands import Candidate, fuzzy_score, name_score, prepared_destinations
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.problems import ProblemsScreen

FAYLAQ = EntityRef("actor", "faylaq-al-sham")


async def palette(pilot: Pilot[int], app: BriefingApp, typed: str) -> list[str]:
    """Open the palette, type, and return what it lists (plain text, in order)."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    commands = app.screen.query_one(CommandList)
    return [
        commands.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(commands.option_count)
    ]


async def test_the_palette_finds_an_actor_by_fuzzy_name_and_opens_its_dossier() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        start = main.shown
        listed = await palette(pilot, app, "fylq")
        assert listed[0] == "Faylaq al-Sham  actor"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == FAYLAQ
        # Opened through the reader's navigation: the history records it.
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is main and main.shown == start


async def test_the_palette_finds_an_actor_by_alias() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        listed = await palette(pilot, app, "sham legion")
        assert listed[0] == "Sham Legion  Faylaq al-Sham  actor"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == FAYLAQ


async def test_the_palette_opens_briefings_places_and_views() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        listed = await palette(pilot, app, "moscow protocol")
        assert listed[0].startswith("Idlib, February–March 2020")
        assert listed[0].endswith("briefing · as of 31 Mar 2020")
        await pilot.press("enter")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "idlib-2020-03-moscow-protocol")

        listed = await palette(pilot, app, "stepanakert")
        assert listed[0].startswith("Stepanakert") and listed[0].endswith("place")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == EntityRef("place", "stepanakert")

        listed = await palette(pilot, app, "problems")
        assert listed[0].startswith("Problems")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)


async def test_the_palette_lists_views_and_briefings_before_anything_is_typed() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        listed = await palette(pilot, app, "")
        for view in ("Search the library", "Problems", "Keys and help"):
            assert any(line.startswith(view) for line in listed)
        assert any(line.startswith("Nagorno-Karabakh, November 2020") for line in listed)
        assert "Faylaq al-Sham  actor" in listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_names_in_the_palette_are_never_markup() -> None:
    app = reader(open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        listed = await palette(pilot, app, "alpha talks")
        assert listed[0] == (
            "Alpha talks [bold]x[/] and [@click=app.quit]quit[/]  briefing · as of 2 May 2021"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "alpha")


@given(
    query=st.text(alphabet="aeilmqsy -", min_size=1, max_size=5),
    name=st.text(alphabet="aeilmqsyAFS -", min_size=1, max_size=20),
)
@settings(max_examples=150)
def test_the_quick_score_is_the_fuzzy_matchers_own(query: str, name: str) -> None:
    matcher = Matcher(query)
    lowered = name.lower()
    candidate = Candidate(name, lowered, frozenset(m.start() for m in re.finditer(r"\w+", lowered)))
    assert fuzzy_score(matcher, query.lower(), candidate) == pytest.approx(matcher.match(name))


async def test_one_letter_lists_only_the_best_few_and_names_are_prepared_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(commands, "HIT_LIMIT", 3)
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert app.library is not None
        prepared = prepared_destinations(app.library)
        listed = await palette(pilot, app, "s")
        entities = [line for line in listed if line.endswith(("actor", "place")) or "as of" in line]
        assert len(entities) == 3  # of the dozens of names holding an s
        # The best three of every name that holds an s, in order.
        matcher = Matcher("s")
        ranked = []
        for position, (destination, candidates) in enumerate(prepared):
            first_best = max(candidates, key=lambda c: name_score(matcher, "s", c))
            score = name_score(matcher, "s", first_best)
            if score > 0:
                ranked.append((-score, position, first_best.name, destination.detail))
        assert len(ranked) > 10
        best = sorted(ranked)[:3]
        assert [(line.split("  ")[0], line.split("  ")[-1]) for line in entities] == [
            (name, detail) for _, _, name, detail in best
        ]
        assert prepared_destinations(app.library) is prepared
        await pilot.press("escape")
        await pilot.pause()
        await palette(pilot, app, "s")
        assert prepared_destinations(app.library) is prepared
