"""Dossiers prepared while the cursor rests on their link, and the dossier screen's styles
kept between visits unless the app's styling changed meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import BRIEFS, WIDE, loaded, reader
from test_dossier import (
    FAYLAQ,
    IDLIB_OCT,
    NFL,
    dossier_page,
    move_to,
    open_actor,
    page_plain,
)
from textual.color import Color

from briefing_tui.model.library import Library
from briefing_tui.model.refs import EntityRef
from briefing_tui.ui import app as app_module
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.widgets import dossier_blocks as blocks_module
from briefing_tui.ui.widgets.dossier_blocks import KeptDossiers
from briefing_tui.ui.widgets.footer import KeyFooter
from briefing_tui.ui.widgets.link_page import KEPT_PAGES, Block, LinkPage


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[EntityRef]:
    """The refs whose dossier blocks are built, in order."""
    refs: list[EntityRef] = []
    build = blocks_module.dossier_blocks

    def counting(library: Library, ref: EntityRef) -> list[blocks_module.Block]:
        refs.append(ref)
        return build(library, ref)

    monkeypatch.setattr(blocks_module, "dossier_blocks", counting)
    return refs


@pytest.mark.parametrize("screen_made", ["before", "after"])
async def test_the_dossier_under_the_cursor_is_built_and_wrapped_before_enter(
    built: list[EntityRef], monkeypatch: pytest.MonkeyPatch, screen_made: str
) -> None:
    wrapped: list[Block] = []
    wrap_block = LinkPage._wrap_block

    def noting(self: LinkPage, layout: Any, index: int) -> None:
        wrapped.append(layout.blocks[index])
        wrap_block(self, layout, index)

    monkeypatch.setattr(LinkPage, "_wrap_block", noting)
    if screen_made == "after":  # the dossier screen made once the dossier is prepared
        monkeypatch.setattr(app_module, "WARM_AFTER", 3600)
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        if screen_made == "before":
            await asyncio.sleep(app_module.WARM_AFTER * 2)
        await pilot.press("3")
        await move_to(pilot, main.page("actors"), lambda stop: stop.ref == FAYLAQ)
        await asyncio.sleep(app_module.PREPARE_AFTER * 3)
        await pilot.pause()
        if screen_made == "after":
            await app._warm_dossier_screen()
            await pilot.pause()
            await pilot.pause()
        assert built[-1] == FAYLAQ
        count = len(built)
        wrapped.clear()
        await pilot.press("enter")
        await pilot.pause()
        page = dossier_page(app)
        assert page_plain(page).startswith("Faylaq al-Sham\n")
        # Shown as prepared, not built again (the first link of the page it opens may be
        # prepared meanwhile, once it has been shown a tenth of a second).
        assert FAYLAQ not in built[count:]
        assert page.blocks[0] not in wrapped  # and its top wrapped ahead


async def test_a_link_left_at_once_is_not_prepared(
    built: list[EntityRef], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough that no stop on the way rests that long, however busy the machine (each
    # step of move_to waits for the app to go idle): only the rest on NFL below does.
    monkeypatch.setattr(app_module, "PREPARE_AFTER", 1.5)
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("actors")
        await pilot.press("3")
        await move_to(pilot, page, lambda stop: stop.ref == FAYLAQ)
        page.cursor = None
        page.cursor = next(i for i, s in enumerate(page.stops) if s.ref == NFL)
        await asyncio.sleep(app_module.PREPARE_AFTER * 3)
        await pilot.pause()
        assert FAYLAQ not in built and built[-1] == NFL


async def test_the_first_link_of_a_page_just_opened_is_prepared_too(
    built: list[EntityRef],
) -> None:
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await open_actor(pilot, main, NFL)
        first = dossier_page(app).current_stop
        assert first is not None and first.ref is not None and first.ref.kind == "actor"
        await asyncio.sleep(app_module.PREPARE_AFTER * 3)  # the reader reads; no key moves
        await pilot.pause()
        assert built[-1] == first.ref
        count = len(built)
        await pilot.press("enter")
        await pilot.pause()
        assert app.library is not None
        assert page_plain(dossier_page(app)).startswith(app.library.title_of(first.ref) + "\n")
        assert first.ref not in built[count:]  # shown as prepared, not built at the press


def test_a_prepared_dossier_pushes_no_shown_one_out() -> None:
    library = Library.load([BRIEFS])
    kept = KeptDossiers()
    actors = [EntityRef("actor", actor_id) for actor_id in sorted(library.actors)]
    shown = actors[:KEPT_PAGES]
    first = [kept.blocks(library, ref) for ref in shown]
    for ref in actors[KEPT_PAGES : KEPT_PAGES + 3]:
        kept.prepare(library, ref)
    assert kept.prepare(library, shown[0]) is first[0]  # already at hand
    again = [kept.blocks(library, ref) for ref in shown]
    assert all(a is b for a, b in zip(first, again, strict=True))
    prepared = actors[KEPT_PAGES + 2]
    shown_prepared = kept.blocks(library, prepared)
    assert kept.blocks(library, prepared) is shown_prepared
    # Another library (a reload) builds afresh.
    assert kept.blocks(Library.load([BRIEFS]), prepared) is not shown_prepared


async def test_the_dossier_screen_is_restyled_only_when_the_styling_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    restyled: list[DossierScreen] = []
    update = DossierScreen.update_node_styles

    def counting(self: DossierScreen, animate: bool = True) -> None:
        restyled.append(self)
        update(self, animate)

    monkeypatch.setattr(DossierScreen, "update_node_styles", counting)
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)

        async def open_faylaq() -> None:
            await open_actor(pilot, main, FAYLAQ)
            assert isinstance(app.screen, DossierScreen)

        async def back() -> None:
            await pilot.press("backspace")
            await pilot.pause()
            assert app.screen is main

        await open_faylaq()
        page = dossier_page(app)
        dark_border = page.styles.border_top[1]
        await back()
        restyled.clear()
        await open_faylaq()
        assert restyled == []  # nothing changed: its styles are as they were
        await back()
        app.theme = "nord"  # another accent, which frames the dossier
        await pilot.pause()
        await open_faylaq()
        assert restyled  # the theme changed while it was set aside
        nord_border = dossier_page(app).styles.border_top[1]
        assert nord_border != dark_border
        assert nord_border == Color.parse(app.get_css_variables()["accent"])


async def test_the_dossier_screen_is_made_unseen_before_the_first_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Made ready with Textual's private steps for a screen shown (`DossierScreen.make_ready`):
    # if one of them changed, the first dossier would still show, but built as it is shown.
    pushed: list[DossierScreen] = []
    mounted = DossierScreen.on_mount
    recomposed: list[KeyFooter] = []
    recompose = KeyFooter.recompose
    restyled: list[DossierScreen] = []
    update = DossierScreen.update_node_styles
    ticked: list[DossierScreen] = []
    tick = DossierScreen._on_timer_update

    def noting(self: DossierScreen) -> None:
        pushed.append(self)
        mounted(self)

    def noting_tick(self: DossierScreen) -> None:
        ticked.append(self)
        tick(self)

    async def noting_recompose(self: KeyFooter) -> None:
        recomposed.append(self)
        await recompose(self)

    def noting_update(self: DossierScreen, animate: bool = True) -> None:
        restyled.append(self)
        update(self, animate)

    monkeypatch.setattr(DossierScreen, "on_mount", noting)
    monkeypatch.setattr(KeyFooter, "recompose", noting_recompose)
    monkeypatch.setattr(DossierScreen, "update_node_styles", noting_update)
    monkeypatch.setattr(DossierScreen, "_on_timer_update", noting_tick)
    app = reader([BRIEFS], open_at=IDLIB_OCT)
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        focused = app.focused
        await asyncio.sleep(app_module.WARM_AFTER * 2)
        await pilot.pause()
        assert len(pushed) == 1  # composed and mounted
        assert app.screen is main and app.focused is focused  # and not shown
        screen = pushed[0]
        footer = screen.query_one(KeyFooter)
        # Laid out, with the keys it shows for its page.
        assert screen.page.size.width > 0 and footer.size.width > 0
        assert "Follow" in [getattr(key, "description", "") for key in footer.query("FooterKey")]
        assert ticked  # its update timer started: its first frame waits for no first tick
        recomposed.clear()
        await open_actor(pilot, main, FAYLAQ)
        assert app.screen is screen
        assert page_plain(dossier_page(app)).startswith("Faylaq al-Sham\n")
        assert app.focused is dossier_page(app)
        assert footer not in recomposed and screen not in restyled  # shown as made
