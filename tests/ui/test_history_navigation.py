"""History between locations: back and forward like a browser, each pane put back as it was."""

from __future__ import annotations

from conftest import WIDE, loaded, reader

from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.navigation import Location, ReadingHistory, view_for
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.widgets.link_page import PagePosition

ALPHA = EntityRef("briefing", "alpha")
BETA = EntityRef("briefing", "beta")
NORTH = EntityRef("actor", "north")


def test_reading_history_keeps_the_state_each_location_was_left_in() -> None:
    history = ReadingHistory()
    assert history.current is None
    assert history.visit(ALPHA) == Location(ALPHA)
    history.leave({"pane": "timeline"})
    history.visit(NORTH)
    history.leave({"page": PagePosition(cursor=3)})
    back = history.back()
    assert back is not None and back.ref == ALPHA
    assert back.state == {"pane": "timeline"}
    assert not back.fresh
    forward = history.forward()
    assert forward is not None and forward.state == {"page": PagePosition(cursor=3)}
    assert history.forward() is None
    history.back()
    history.visit(BETA)
    assert not history.can_forward
    assert [history.back().ref, history.back()] == [ALPHA, None]  # type: ignore[union-attr]


def test_actors_and_places_have_dossiers_the_rest_the_main_screen() -> None:
    assert view_for(NORTH) == "dossier"
    assert view_for(EntityRef("place", "capital")) == "dossier"
    assert view_for(EntityRef("event", "e", "alpha")) == "main"
    assert view_for(ALPHA) == "main"


async def test_back_and_forward_restore_pane_and_positions() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("3", "j", "j")
        actors_cursor = main.page("actors").cursor
        await pilot.press("1", "j")
        summary_cursor = main.page("summary").cursor
        await pilot.press("3")
        await pilot.press("enter")  # follows the stop under the actors cursor
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        dossier_ref = app.screen.location.ref
        await pilot.press("j")
        dossier_cursor = app.screen.query_one("#dossier").cursor
        app.open_ref(BETA)
        await pilot.pause()
        assert app.screen is main and main.shown == BETA

        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == dossier_ref
        assert app.screen.query_one("#dossier").cursor == dossier_cursor

        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is main and main.shown == ALPHA
        assert main.active_pane == "actors"
        assert main.page("actors").cursor == actors_cursor
        assert main.page("summary").cursor == summary_cursor

        await pilot.press("alt+right", "alt+right")
        await pilot.pause()
        assert main.shown == BETA
        await pilot.press("alt+right")  # nothing further: stays
        assert main.shown == BETA


async def test_opening_a_part_of_the_briefing_shown_is_a_visit_too() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        app.open_ref(EntityRef("question", "q-deal", "alpha"))
        await pilot.pause()
        assert main.active_pane == "questions"
        assert main.page("questions").anchor == EntityRef("question", "q-deal", "alpha")
        await pilot.press("backspace")
        await pilot.pause()
        assert main.active_pane == "summary"
        assert main.shown == ALPHA
