"""LinkPage on its own: stops, scrolling where there are none, clicks, positions, hints, safety."""

from __future__ import annotations

import pytest
from conftest import page_lines, page_text
from textual.app import App, ComposeResult

from briefing_tui.model.links import Link
from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.messages import EntityRequested, SourceRequested
from briefing_tui.ui.screens.link_hints import hint_labels
from briefing_tui.ui.widgets.link_page import Block, LinkPage, PagePosition, reflow


def actor(name: str) -> EntityRef:
    return EntityRef("actor", name)


def long_page() -> list[Block]:
    """A link, forty lines without any, then a block of two links, then ten plain lines."""
    blocks = [Block().text("Top ").link("First", actor("first"))]
    blocks += [Block(gap=0).text(f"plain line {n}") for n in range(40)]
    blocks.append(
        Block(anchor=EntityRef("event", "e1", "b"), briefing="b", sources=("s1", "s2"))
        .link("Second", actor("second"))
        .text(" and ")
        .link("Cited", EntityRef("source", "s3", "b"), sources=("s3",), grade="C3")
    )
    blocks += [Block(gap=0).text(f"tail {n}") for n in range(10)]
    return blocks


class PageApp(App[None]):
    """One page, and every message it posts."""

    def __init__(self, blocks: list[Block]) -> None:
        super().__init__()
        self.blocks = blocks
        self.requested: list[EntityRef] = []
        self.sources: list[SourceRequested] = []

    def compose(self) -> ComposeResult:
        yield LinkPage(self.blocks)

    def on_mount(self) -> None:
        self.query_one(LinkPage).focus()

    def on_entity_requested(self, message: EntityRequested) -> None:
        self.requested.append(message.ref)

    def on_source_requested(self, message: SourceRequested) -> None:
        self.sources.append(message)


async def test_down_moves_to_a_near_stop_and_scrolls_a_page_where_there_is_none() -> None:
    app = PageApp(long_page())
    async with app.run_test(size=(40, 12)) as pilot:
        page = app.query_one(LinkPage)
        assert page.cursor == 0
        await pilot.press("j")
        # The next stop is far below: the page scrolls instead, the cursor stays.
        assert page.cursor == 0
        assert page.scroll_y > 0
        for _ in range(10):
            if page.cursor == 1:
                break
            await pilot.press("j")
        assert page.cursor == 1
        assert 1 in page.visible_stops()
        await pilot.press("j")
        assert page.cursor == 2
        before = page.scroll_y
        await pilot.press("j")  # no stop below: scroll like a plain scroll view
        assert page.cursor == 2
        assert page.scroll_y == before + 1
        await pilot.press("g")
        assert (page.cursor, page.scroll_y) == (0, 0)
        await pilot.press("G")
        assert page.cursor == 2
        assert page.scroll_y == page.max_scroll_y


async def test_enter_follows_and_s_asks_for_the_sources_of_the_stop_or_block() -> None:
    app = PageApp(long_page())
    async with app.run_test(size=(40, 12)) as pilot:
        page = app.query_one(LinkPage)
        await pilot.press("enter")
        assert app.requested == [actor("first")]
        await pilot.press("s")  # the first block cites nothing
        assert app.sources == []
        await pilot.press("G")
        await pilot.press("s")
        assert app.sources[-1].source_ids == ["s3"]
        assert app.sources[-1].grades == {"s3": ["C3"]}
        await pilot.press("k", "s")
        assert (app.sources[-1].briefing, app.sources[-1].source_ids) == ("b", ["s1", "s2"])
        assert page.cursor == 1


async def test_a_click_on_a_link_follows_it() -> None:
    app = PageApp([Block().text("Go to ").link("Target", actor("target")).text(" now")])
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        await pilot.click(LinkPage, offset=(1 + 1 + len("Go to "), 0))
        assert app.requested == [actor("target")]
        await pilot.click(LinkPage, offset=(2, 0))  # plain text: nothing to follow
        assert app.requested == [actor("target")]
        assert page.cursor == 0


async def test_position_restores_cursor_scroll_and_highlight() -> None:
    app = PageApp(long_page())
    async with app.run_test(size=(40, 12)) as pilot:
        page = app.query_one(LinkPage)
        event = EntityRef("event", "e1", "b")
        assert page.show_anchor(event)
        await pilot.pause()
        assert page.cursor == 1
        assert page.anchor == event
        saved = page.position
        assert saved.scroll_y > 0
        await pilot.press("g")
        page.restore(PagePosition())
        assert page.anchor is None
        page.restore(saved)
        await pilot.pause()
        assert page.position == saved
        assert not page.show_anchor(EntityRef("event", "missing", "b"))


async def test_position_survives_a_narrower_width() -> None:
    blocks = [Block().text("word " * 200), Block().link("End", actor("end"))]
    app = PageApp(blocks)
    async with app.run_test(size=(60, 10)) as pilot:
        page = app.query_one(LinkPage)
        await pilot.press("G")
        assert page.cursor == 0
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        assert 0 in page.visible_stops()


async def test_unresolved_stops_are_marked_and_reported() -> None:
    block = (
        Block()
        .text("See ")
        .prose(
            "[[known]] and [[lost|Lost one]]",
            lambda link: actor(link.target) if link.target == "known" else None,
        )
    )
    app = PageApp([block])
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        assert "See known and ⚠ Lost one" in page_text(page)
        await pilot.press("j", "enter")
        assert app.requested == []
        assert page.current_stop is not None and page.current_stop.target == "lost"


async def test_text_that_looks_like_markup_or_controls_is_shown_as_written() -> None:
    nasty = "[bold]x[/] [@click=app.quit]q[/] [/oops] \x1b[31mred\x07"
    app = PageApp([Block().text(nasty).line().link(nasty, actor("a"))])
    async with app.run_test(size=(80, 6)) as pilot:
        page = app.query_one(LinkPage)
        lines = page_lines(page)
        assert "[bold]x[/] [@click=app.quit]q[/] [/oops] ␛[31mred␇" in lines[0]
        await pilot.click(LinkPage, offset=(3, 0))
        assert app.is_running


async def test_hints_draw_labels_over_visible_stops() -> None:
    app = PageApp([Block().link("Alpha", actor("a")).text(" ").link("Beta", actor("b"))])
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        page.show_hints({0: "a", 1: "s"})
        await pilot.pause()
        assert page_lines(page)[0].startswith("alpha seta")
        page.show_hints({})
        await pilot.pause()
        assert page_lines(page)[0].startswith("Alpha Beta")


def test_hint_labels_are_prefix_free() -> None:
    assert hint_labels(3) == ["a", "s", "d"]
    many = hint_labels(100)
    assert len(many) == len(set(many)) == 100
    assert all(len(label) == 2 for label in many)


def test_roles_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        Block().text("x", "[bold]")


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("one\ntwo\n", "one two"),
        ("one\n\ntwo", "one\n\ntwo"),
        ("list:\n- a\n- b\ncontinued", "list:\n- a\n- b continued"),
        ("  indented\n    lines  ", "indented lines"),
    ],
)
def test_prose_is_reflowed(written: str, shown: str) -> None:
    assert reflow(written) == shown


def test_links_that_span_a_line_break_are_joined() -> None:
    seen: list[Link] = []
    Block().prose("[[a|two\n  words]]", lambda link: seen.append(link) or None)
    assert [link.label for link in seen] == ["two words"]
