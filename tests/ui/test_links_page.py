"""LinkPage on its own: stops, scrolling where there are none, clicks, positions, hints, safety."""

from __future__ import annotations

import pytest
from conftest import page_lines, page_text
from rich.color import Color
from rich.style import Style as RichStyle
from textual.app import App, ComposeResult
from textual.color import Color as TextualColor

from briefing_tui.model.links import Link
from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.messages import EntityRequested, SourceRequested
from briefing_tui.ui.screens.link_hints import hint_labels
from briefing_tui.ui.widgets.link_page import ROLES, Block, LinkPage, PagePosition, reflow


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


async def test_a_page_opens_at_its_top_even_when_its_first_link_lies_below() -> None:
    blocks = [Block(gap=0).text(f"plain line {n}") for n in range(30)]
    blocks.append(Block().link("Far", actor("far")))
    app = PageApp(blocks)
    async with app.run_test(size=(40, 12)) as pilot:
        page = app.query_one(LinkPage)
        await pilot.pause()
        assert page.scroll_y == 0
        assert page_lines(page)[0].startswith("plain line 0")
        assert page.visible_stops() == []
        await pilot.press("enter")  # reveals the stop out of sight rather than following it
        await pilot.pause()
        assert app.requested == []
        assert page.cursor == 0
        assert 0 in page.visible_stops()
        await pilot.press("enter")
        await pilot.pause()
        assert app.requested == [actor("far")]


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


def luminance(color: Color) -> float:
    """Relative luminance (WCAG) of a colour."""

    def channel(value: int) -> float:
        value_ = value / 255
        return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(style: RichStyle) -> float:
    """The contrast ratio (WCAG, 1 to 21) of a segment's text on its background."""
    assert style.color is not None and style.bgcolor is not None
    lighter, darker = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def styles_of(page: LinkPage, text: str) -> list[RichStyle]:
    """The style of every rendered segment whose text is `text`."""
    return [
        segment.style
        for y in range(page.scrollable_content_region.height)
        for segment in page.render_line(y)
        if segment.text == text and segment.style is not None
    ]


async def test_hints_are_inserted_before_the_links_on_a_readable_badge() -> None:
    app = PageApp(
        [Block().text("See ").link("Alpha", actor("a")).text(" ").link("Beta", actor("b"))]
    )
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        page.show_hints({0: "a", 1: "s"})
        await pilot.pause()
        assert page_lines(page)[0].startswith("See aAlpha sBeta")
        warning = TextualColor.parse(app.current_theme.warning).rich_color.get_truecolor()
        for label in ("a", "s"):
            (badge,) = styles_of(page, label)
            # Drawn on the theme's warning colour (not lost, as Textual's partial style loses
            # an opaque background), in a colour that reads on it.
            assert badge.bgcolor is not None
            shown = badge.bgcolor.get_truecolor()
            assert all(abs(a - b) <= 2 for a, b in zip(shown, warning, strict=True)), shown
            assert badge.bold and contrast(badge) >= 4.5
        # The cursor is not drawn while the labels are: only the labels stand out.
        assert not any(style.reverse for style in styles_of(page, "Alpha"))
        page.show_hints({})
        await pilot.pause()
        assert page_lines(page)[0].startswith("See Alpha Beta")
        assert all(style.reverse for style in styles_of(page, "Alpha"))


async def test_hints_that_would_be_pushed_off_the_line_are_drawn_over_their_links() -> None:
    words = "x" * 29
    block = Block().text(words + " ").link("Al", actor("a")).text(" ").link("Be", actor("b"))
    app = PageApp([block])
    async with app.run_test(size=(40, 6)) as pilot:  # 36 cells of text, 35 used
        page = app.query_one(LinkPage)
        page.show_hints({0: "aa"})
        await pilot.pause()
        # Inserted: the rest of the line moves right, past the edge while the hints show.
        assert page_lines(page)[0].rstrip() == words + " aaAl B"
        page.show_hints({0: "aa", 1: "ss"})  # "ss" inserted too would end past the edge
        await pilot.pause()
        assert page_lines(page)[0].rstrip() == words + " aa ss"


async def test_without_colour_hints_and_cursor_are_reversed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PageApp(
        [Block().text("See ").link("Alpha", actor("a")).text(" ").link("Beta", actor("b"))]
    )
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        assert all(style.reverse for style in styles_of(page, "Alpha"))
        assert not any(style.reverse for style in styles_of(page, "Beta"))
        assert all(style.underline for style in styles_of(page, "Beta"))
        page.show_hints({0: "a", 1: "s"})
        await pilot.pause()
        for label in ("a", "s"):
            (badge,) = styles_of(page, label)
            assert badge.reverse and badge.bold
            # Reversed, a coloured background would have turned the badge back into text.
            assert badge.bgcolor is None or badge.bgcolor == styles_of(page, "See ")[0].bgcolor


async def test_without_colour_the_opened_entity_still_stands_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PageApp([Block().text("plain"), Block(anchor=EntityRef("event", "e1", "b")).text("it")])
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        assert page.show_anchor(EntityRef("event", "e1", "b"))
        await pilot.pause()
        ((plain,), (opened,)) = styles_of(page, "plain"), styles_of(page, "it")

        def grey(style: RichStyle) -> float:
            # What the monochrome filter keeps of a background: its lightness.
            red, green, blue = (style.bgcolor or Color.default()).get_truecolor()
            return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255

        assert abs(grey(opened) - grey(plain)) > 0.1


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_role_reads_on_dark_and_light_themes(theme: str) -> None:
    block = Block()
    for role in ROLES:
        block.text(role, role).text(" ")
    block.link("link", actor("a")).text(" ").link("next", actor("b")).text(" ")
    block.link("lost", None)
    app = PageApp([block])
    async with app.run_test(size=(120, 6)) as pilot:
        app.theme = theme
        await pilot.pause()
        page = app.query_one(LinkPage)
        for text in (*ROLES, "link", "next", "⚠ lost"):
            styles = styles_of(page, text)
            assert styles, text
            for style in styles:
                # WCAG's large-text minimum: muted text is meant to be quieter, never faint.
                assert contrast(style) >= 3, (theme, text, style)


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


async def test_wrapped_lines_keep_their_indent_and_hang_under_a_leading_label() -> None:
    note = "a note long enough to wrap onto a second and a third line"
    blocks = [
        Block(indent=2).text("indented block of words that wraps at the edge"),
        Block()
        .text("Sources: ", "label")
        .link("First source", actor("s1"))
        .text(", ")
        # A stop on a continuation line must still be found there.
        .link("Second source", actor("s2"))
        .text(", ")
        .link("Third", actor("s3")),
        Block()
        .text("allied with ", "label")
        .link("Turkey", actor("t"))
        .line()
        # A written line's own leading spaces are kept on its continuation lines.
        .text("    ")
        .text(note, "muted"),
        Block().text("A paragraph is not indented at all when it wraps onto the next line."),
    ]
    app = PageApp(blocks)
    async with app.run_test(size=(34, 30)) as pilot:  # 30 cells of text
        page = app.query_one(LinkPage)
        lines = [line.rstrip() for line in page_lines(page)]
        assert lines[:3] == ["  indented block of words that", "  wraps at the edge", ""]
        assert lines[3:6] == [
            "Sources: First source, Second",
            "         source, Third",
            "",
        ]
        assert lines[6:10] == [
            "allied with Turkey",
            "    a note long enough to wrap",
            "    onto a second and a third",
            "    line",
        ]
        assert lines[11:14] == [
            "A paragraph is not indented at",
            "all when it wraps onto the",
            "next line.",
        ]
        # The stop split across the hang is one stop, and a click on its second half follows it.
        second = [stop.label for stop in page.stops].index("Second source")
        await pilot.click(LinkPage, offset=(1 + 9 + 2, 4))
        assert app.requested == [page.stops[second].ref]
        await pilot.click(LinkPage, offset=(1 + 2, 4))  # the hang itself is blank
        assert app.requested == [page.stops[second].ref]


async def test_a_long_label_does_not_hang_on_a_narrow_page() -> None:
    block = Block().text("also known as ", "label").text("one name, another name, and more")
    app = PageApp([block])
    async with app.run_test(size=(34, 6)) as pilot:  # the label takes half the width
        await pilot.pause()
        lines = [line.rstrip() for line in page_lines(app.query_one(LinkPage))]
        assert lines[:2] == ["also known as one name,", "another name, and more"]


async def test_every_key_the_page_binds_does_something() -> None:
    app = PageApp(long_page())
    async with app.run_test(size=(40, 12)):
        page = app.query_one(LinkPage)
        bindings = [
            active.binding for active in app.screen.active_bindings.values() if active.node is page
        ]
        keys = {binding.key for binding in bindings}
        # The scroll view's sideways keys do nothing on a page that never scrolls sideways.
        assert not keys & {"left", "right", "ctrl+pageup", "ctrl+pagedown"}
        assert {"up", "down", "j", "k", "enter", "pageup", "pagedown"} <= keys
        for binding in bindings:
            assert callable(getattr(page, f"action_{binding.action}", None)), binding
        described = {binding.description for binding in bindings}
        assert not described & {"Scroll Left", "Scroll Right", "Page Left", "Page Right"}


async def test_text_dragged_over_is_selected_and_copied() -> None:
    app = PageApp([Block().text("Go to ").link("Target", actor("target")).text(" now")])
    async with app.run_test(size=(40, 6)) as pilot:
        page = app.query_one(LinkPage)
        await pilot.mouse_down(LinkPage, offset=(1 + 3, 0))
        await pilot.hover(LinkPage, offset=(1 + 11, 0))
        await pilot.mouse_up(LinkPage, offset=(1 + 11, 0))
        await pilot.pause()
        assert app.screen.get_selected_text() == "to Target"
        assert app.requested == []  # a drag that ends on a link does not follow it
        selected = {s.text: s.style for s in page.render_line(0) if s.style is not None}
        assert selected["to "].bgcolor != selected["Go "].bgcolor
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("ctrl+c")
        assert copied == ["to Target"]


async def test_a_page_prepared_ahead_shows_as_drawn_then_without_wrapping_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def dossier() -> tuple[Block, ...]:
        return (
            Block().text("Top ").link("First", actor("first")),
            Block().text("and ").link("Second", actor("second")).text(" word" * 30),
        )

    wrapped: list[int] = []
    drawn: list[int] = []
    wrap_block = LinkPage._wrap_block
    draw = LinkPage._draw

    def counting_wrap(self: LinkPage, layout: object, index: int) -> None:
        wrapped.append(index)
        wrap_block(self, layout, index)  # type: ignore[arg-type]

    def counting_draw(*args: object) -> object:
        drawn.append(args[-1])  # type: ignore[arg-type]
        return draw(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(LinkPage, "_wrap_block", counting_wrap)
    monkeypatch.setattr(LinkPage, "_draw", staticmethod(counting_draw))
    app = PageApp([Block().text("Before")])
    async with app.run_test(size=(40, 12)) as pilot:
        page = app.query_one(LinkPage)
        page.set_blocks(dossier())
        await pilot.pause()
        unprepared = [page.render_line(y) for y in range(page.size.height)]
        page.set_blocks((Block().text("Between"),))
        await pilot.pause()
        prepared = dossier()
        wrapped.clear()
        drawn.clear()
        page.prepare(prepared)
        assert page_text(page).startswith("Between")  # the page shown is left as it is
        assert wrapped == [0, 1] and drawn == list(range(len(drawn))) and len(drawn) > 2
        wrapped.clear()
        drawn.clear()
        page.set_blocks(prepared)
        await pilot.pause()
        assert wrapped == []
        assert drawn == [0]  # only the line the cursor is on
        assert [page.render_line(y) for y in range(page.size.height)] == unprepared
