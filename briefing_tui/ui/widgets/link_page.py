"""A Lynx-style page: blocks of styled text in which links are stops the cursor moves between."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content, Span
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style

from ...model.links import Link, split_prose
from ...model.refs import EntityRef
from ...model.text import one_line, visible
from ..messages import EntityRequested, SourceRequested, StopReached

ROLES = (
    "title",
    "heading",
    "muted",
    "label",
    "strong",
    "accent",
    "warning",
    "error",
    "success",
)
"""Roles a block's text may take; each is styled by the component class `link-page--<role>`."""

UNRESOLVED_MARK = "⚠ "

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Prose as written in YAML, reflowed: lines of a paragraph joined with spaces, blank lines
    kept as paragraph breaks, list items (`- `, `1. `) kept on their own lines."""
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        lines: list[str] = []
        for raw in paragraph.splitlines():
            line = raw.strip()
            if lines and line and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            elif line:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def hanging_indent(plain: str, start: int, end: int, labels: Mapping[int, int], room: int) -> int:
    """How far the continuation lines of the written line `plain[start:end]` are indented: under
    the text after a leading label (`Sources: `, `claim 1: `, a padded `judgment `), else as far
    as the line's own leading spaces; never so far that little room is left to wrap in.
    `labels` maps where each label part starts to where it ends."""
    text_at = start
    while text_at < end and plain[text_at] == " ":
        text_at += 1
    if text_at == end:
        return 0
    hang = text_at - start
    label_end = labels.get(start) or labels.get(text_at)
    if label_end is not None and label_end < end and label_end - start <= room // 3:
        hang = max(hang, label_end - start)
    return hang if hang <= room // 2 else 0


def wrap_hanging(line: Content, room: int, hang: int) -> list[Content]:
    """A written line wrapped into `room` cells, its continuation lines indented by the cells
    of its first `hang` characters."""
    if not hang or line.cell_length <= room:
        return line.wrap(room)
    head, rest = line[:hang], line[hang:]
    cells = head.cell_length
    rows = rest.wrap(max(1, room - cells))
    return [head + rows[0], *(row.pad_left(cells) for row in rows[1:])]


def with_badges(
    line: Content, badges: Sequence[tuple[int, str]], style: Style, width: int
) -> Content:
    """`line` with each label of `badges` (offset, label) inserted before the text at its
    offset, in `style`; the rest of the line moves right and may run past `width`. Where the
    last label itself would not fit, every label is drawn over the start of its text instead."""
    inserted = line
    shift = 0
    fits = True
    for start, label in sorted(badges):
        at = start + shift
        inserted = inserted[:at] + Content.styled(label, style) + inserted[at:]
        shift += len(label)
        fits = inserted[: at + len(label)].cell_length <= width
    if fits:
        return inserted
    for start, label in badges:
        at = max(0, min(start, width - len(label)))
        line = line[:at] + Content.styled(label, style) + line[at + len(label) :]
    return line


@dataclass(frozen=True, slots=True)
class Stop:
    """A place on a page the reader can follow: a link in prose, a reference, a citation."""

    label: str
    """What the page shows for it (already made visible)."""
    ref: EntityRef | None
    """What it opens; None when it resolves to nothing."""
    target: str = ""
    """The target as written, named when the link does not resolve."""
    sources: tuple[str, ...] = ()
    """Ids of the sources this stop cites (a citation cites its own source)."""
    grade: str = ""
    """The grade the citation gives its source here (`B2`), for a citation."""

    @property
    def resolved(self) -> bool:
        """True when following the stop opens something."""
        return self.ref is not None


@dataclass(frozen=True, slots=True)
class PagePosition:
    """Where a reader is on a page: the cursor stop, the scroll offset, the highlighted entity."""

    cursor: int | None = None
    scroll_y: int = 0
    anchor: EntityRef | None = None
    width: int | None = None
    """The width the page was wrapped to when this was taken (None: a page not shown yet)."""


@dataclass(slots=True)
class Block:
    """A paragraph of a page: text in roles, some of it stops. Build it with the chained methods.

    `anchor` is the entity the block presents (an event, a question): opening that entity
    scrolls to the block and highlights it. `sources` are the ids of the sources the block
    cites, shown by `s`; `briefing` is the briefing they belong to; `grades` what each
    citation of the block grades its source (filled by `link(..., grade=)`).

    Every line of the block is indented by `indent`. A written line that wraps keeps its
    leading spaces on the lines it wraps onto, and one that starts with a `label` (text in
    that role: `Sources: `, a padded column) hangs them under the text after the label.
    """

    anchor: EntityRef | None = None
    briefing: str | None = None
    sources: tuple[str, ...] = ()
    indent: int = 0
    gap: int = 1
    """Blank lines before the block (not before the first block of a page)."""
    grades: dict[str, list[str]] = field(default_factory=dict)
    parts: list[tuple[str, str, int | None]] = field(default_factory=list)
    """(text, role, index of the stop in `stops` or None)."""
    stops: list[Stop] = field(default_factory=list)

    def text(self, text: str, role: str = "") -> Block:
        """Add untrusted text in a role; control characters are made visible."""
        if role and role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if text:
            self.parts.append((visible(text), role, None))
        return self

    def line(self) -> Block:
        """End the current line."""
        self.parts.append(("\n", "", None))
        return self

    def link(
        self,
        label: str,
        ref: EntityRef | None,
        *,
        target: str = "",
        sources: Sequence[str] = (),
        grade: str = "",
    ) -> Block:
        """Add a stop; with `ref` None it is shown as unresolved (marked, still focusable).
        A citation names its source in `sources` and the grade it gives it in `grade`."""
        shown = one_line(label) or one_line(target) or "?"
        stop = Stop(shown, ref, one_line(target) or shown, tuple(sources), grade)
        if grade:
            for source in sources:
                grades = self.grades.setdefault(source, [])
                if grade not in grades:
                    grades.append(grade)
        self.stops.append(stop)
        text = shown if ref is not None else UNRESOLVED_MARK + shown
        self.parts.append((text, "", len(self.stops) - 1))
        return self

    def prose(
        self,
        text: str,
        resolve: Callable[[Link], EntityRef | None],
        role: str = "",
        *,
        title_of: Callable[[EntityRef], str] | None = None,
    ) -> Block:
        """Add prose, reflowed, whose `[[links]]` become stops resolved by `resolve`. A link
        without a label shows `title_of` its entity when given (a name rather than an id)."""
        for piece in split_prose(reflow(text)):
            if isinstance(piece, str):
                self.text(piece, role)
                continue
            ref = resolve(piece)
            label = piece.text
            if piece.label is None and ref is not None and title_of is not None:
                label = title_of(ref)
            self.link(label, ref, target=piece.target)
        return self

    @property
    def plain(self) -> str:
        """The block's text without styles (for tests and search)."""
        return "".join(text for text, _, _ in self.parts)


WRAP_AHEAD = 0
"""Screens of lines wrapped beyond the bottom of the view before the first frame; the rest of
the page is wrapped after it has been drawn, a slice at a time."""
KEPT_PAGES = 8
"""Pages (tuples of blocks) a page keeps wrapped after showing others, for going back."""
WRAP_SLICE = 0.004
"""Seconds of wrapping in one slice, between two frames."""


@dataclass(slots=True, eq=False)
class _Layout:
    """A page wrapped at one width, block by block from the top: its lines so far and where
    every stop and block of the blocks wrapped fell."""

    width: int
    styles: tuple[Style, ...]
    """The styles wrapped into the lines: other styles (a new theme) mean wrapping afresh."""
    blocks: Sequence[Block]
    """The blocks wrapped (the page's, or those of a page prepared ahead)."""
    lines: list[Content] = field(default_factory=list)
    line_block: list[int] = field(default_factory=list)
    line_stops: list[list[tuple[int, int, int]]] = field(default_factory=list)
    """Per line: (stop, start, end) in the line's character offsets."""
    stop_lines: list[tuple[int, int]] = field(default_factory=list)
    """Per stop of the blocks wrapped: its first and last line."""
    block_lines: list[tuple[int, int]] = field(default_factory=list)
    """Per block wrapped: its first and last line."""
    stop_styles: dict[Style, int] = field(default_factory=dict)
    """The marker style of each stop wrapped, to find it again in the wrapped lines."""
    published: int = -1
    """The lines the page scrolls through so far (its virtual height)."""
    strips: dict[int, tuple[tuple[int | None, Style, Style | None], Strip]] = field(
        default_factory=dict
    )
    """Lines drawn, by line number, with what they were drawn with: the cursor on the line,
    the line's style and the cursor's."""
    strips_width: int = 0
    """The width the strips were drawn at."""


@dataclass(frozen=True, slots=True)
class _Shown:
    """A page shown before, kept to be shown again as it was wrapped and drawn."""

    source: tuple[Block, ...]
    blocks: list[Block]
    stops: list[Stop]
    stop_block: list[int]
    layout: _Layout | None

    @classmethod
    def unwrapped(cls, source: tuple[Block, ...]) -> _Shown:
        """`source` as a page not wrapped yet, its stops numbered in reading order."""
        blocks = list(source)
        stops: list[Stop] = []
        stop_block: list[int] = []
        for index, block in enumerate(blocks):
            stops.extend(block.stops)
            stop_block.extend([index] * len(block.stops))
        return cls(source, blocks, stops, stop_block, None)


@dataclass(frozen=True, slots=True)
class _PageStyles:
    """The styles a page draws with, in one state of its pseudo-classes."""

    spans: tuple[Style, ...]
    """Links, unresolved links and each role, as wrapped into the lines."""
    cursor: Style
    hint: Style
    base: Style
    anchor: Style


class _Frame(NamedTuple):
    """What every line of a frame is drawn with."""

    width: int
    styles: _PageStyles
    layout: _Layout | None
    top: int
    selection: Selection | None


class LinkPage(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable page of blocks. up/down/j/k move between stops (scrolling where there is
    none), Enter or a click follows one by posting `EntityRequested`, `s` posts
    `SourceRequested` for the sources cited at the cursor.

    It binds its own keys only: the page never scrolls sideways, so the scroll view's
    left/right keys would do nothing (and the help would list them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next link", show=False),
        Binding("up,k", "cursor_up", "Previous link", show=False),
        Binding("home,g", "first", "Top", show=False),
        Binding("end,G", "last", "Bottom", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "follow", "Follow"),
        Binding("s", "sources", "Sources"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "link-page--link",
        "link-page--unresolved",
        "link-page--cursor",
        "link-page--anchor",
        "link-page--hint",
        *(f"link-page--{role}" for role in ROLES),
    }

    DEFAULT_CSS = """
    LinkPage {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        padding: 0 1;
        & > .link-page--link { text-style: underline; color: $text-accent; }
        & > .link-page--unresolved { text-style: italic; color: $text-warning; }
        & > .link-page--cursor { text-style: bold; }
        &:focus > .link-page--cursor { text-style: reverse bold; }
        & > .link-page--anchor { background: $boost; }
        & > .link-page--hint { background: $warning; color: auto 90%; text-style: bold; }
        & > .link-page--title { text-style: bold; color: $text-primary; }
        & > .link-page--heading { text-style: bold; color: $text-secondary; }
        & > .link-page--muted { color: $text-muted; }
        & > .link-page--label { color: $text-muted; }
        & > .link-page--strong { text-style: bold; }
        & > .link-page--accent { color: $text-accent; }
        & > .link-page--warning { color: $text-warning; }
        & > .link-page--error { color: $text-error; text-style: bold; }
        & > .link-page--success { color: $text-success; }
        /* Without colour the cursor and the hints still stand out. A hint loses its
           background: reversed, a coloured one would turn the label back into plain text. */
        &:nocolor > .link-page--cursor { text-style: reverse bold; }
        /* Shown in grey, $boost is too faint to see: a darker band marks the opened entity. */
        &:nocolor > .link-page--anchor { background: $foreground 20%; }
        &:nocolor > .link-page--hint {
            background: transparent;
            color: $foreground;
            text-style: reverse bold;
        }
    }
    """

    def __init__(
        self,
        blocks: Iterable[Block] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._blocks: list[Block] = []
        self._stops: list[Stop] = []
        self._stop_block: list[int] = []
        self._layout: _Layout | None = None
        self._cursor: int | None = None
        self._anchor: EntityRef | None = None
        self._pending: PagePosition | None = None
        self._reveal_anchor = False
        self._hints: dict[int, str] = {}
        self._wrapping = False
        self._source: tuple[Block, ...] | None = None
        self._recent: OrderedDict[int, _Shown] = OrderedDict()
        self._ahead: _Shown | None = None
        """A page prepared ahead, not shown yet: kept apart, so that preparing pages pushes
        none of the pages shown out of `_recent`."""
        self._style_cache: dict[tuple[int, ...], _PageStyles] = {}
        self._frame: _Frame | None = None
        self.set_blocks(blocks)

    # The page's content

    @property
    def blocks(self) -> Sequence[Block]:
        """The blocks shown, in order."""
        return self._blocks

    @property
    def stops(self) -> Sequence[Stop]:
        """Every stop of the page, in reading order; the cursor is an index into it."""
        return self._stops

    def set_blocks(self, blocks: Iterable[Block], position: PagePosition | None = None) -> None:
        """Show new blocks; restore `position` if given, else start at the top.

        A tuple of blocks is taken as unchanging: shown again while the page still keeps it
        among the last few shown, it keeps the lines already wrapped and drawn for it."""
        if self._source is not None:
            self._recent[id(self._source)] = _Shown(
                self._source, self._blocks, self._stops, self._stop_block, self._layout
            )
            self._recent.move_to_end(id(self._source))
            while len(self._recent) > KEPT_PAGES:
                self._recent.popitem(last=False)
        kept = self._kept(blocks) if isinstance(blocks, tuple) else None
        shown = kept or _Shown.unwrapped(tuple(blocks))
        self._blocks, self._stops, self._stop_block = shown.blocks, shown.stops, shown.stop_block
        self._layout = shown.layout
        if self._layout is not None:
            self._layout.published = -1  # the page's size is this page's again
        self._source = blocks if isinstance(blocks, tuple) else None
        self._hints = {}
        self.restore(position or PagePosition(cursor=0 if self._stops else None))
        self.refresh()

    def _kept(self, blocks: tuple[Block, ...]) -> _Shown | None:
        """`blocks` as shown before or prepared ahead, taken out of where they were kept."""
        kept = self._recent.pop(id(blocks), None)
        if kept is not None and kept.source is blocks:
            return kept
        ahead = self._ahead
        if ahead is None or ahead.source is not blocks:
            return None
        self._ahead = None
        return ahead

    def prepare(self, blocks: tuple[Block, ...]) -> None:
        """Wrap and draw the top of `blocks` as `set_blocks` shows them on a first visit (at
        the top, the cursor on the first stop), for `set_blocks` to find done: called while
        the reader looks at the link that opens them. The lines are drawn without the cursor,
        which is drawn on its own line or two when shown."""
        if blocks is self._source or any(kept.source is blocks for kept in self._recent.values()):
            return
        width = self.scrollable_content_region.width
        height = self.scrollable_content_region.height
        if width <= 0 or height <= 0:
            return
        ahead = _Shown.unwrapped(blocks)
        styles = self._styles()
        layout = _Layout(width, styles.spans, ahead.blocks)
        self._wrap_until(layout, line=(1 + WRAP_AHEAD) * height)
        layout.strips_width = width
        for line_no, line in enumerate(layout.lines[:height]):
            strip = self._draw(line, styles.base, width, line_no)
            layout.strips[line_no] = ((None, styles.base, None), strip)
        self._ahead = _Shown(blocks, ahead.blocks, ahead.stops, ahead.stop_block, layout)

    # Position, for history

    @property
    def position(self) -> PagePosition:
        """The cursor, scroll offset and highlighted entity, to restore later."""
        if self._pending is not None:
            return self._pending
        layout = self._layout
        width = layout.width if layout is not None else None
        return PagePosition(self._cursor, round(self.scroll_y), self._anchor, width)

    def restore(self, position: PagePosition) -> None:
        """Put the cursor, scroll offset and highlight back where `position` says."""
        cursor = position.cursor
        if cursor is not None and not 0 <= cursor < len(self._stops):
            cursor = 0 if self._stops else None
        shown = (self._cursor, self._anchor, round(self.scroll_y))
        self._cursor = cursor
        self._anchor = position.anchor
        self._pending = PagePosition(cursor, position.scroll_y, position.anchor, position.width)
        self._reveal_anchor = False
        self._apply_pending()
        if self._pending is not None or shown != (cursor, self._anchor, round(self.scroll_y)):
            # Only then: a refresh draws the whole page again, border and all, on the next
            # frame (going back to a briefing restores every pane).
            self.refresh()

    def show_anchor(self, ref: EntityRef) -> bool:
        """Scroll to the first block presenting `ref`, highlight it and put the cursor on its
        first stop (none if it has none); False when no block presents it."""
        index = self._block_of(ref)
        if index is None:
            return False
        self._anchor = ref
        self._cursor = self._first_stop_of_block(index)
        self._pending = PagePosition(self._cursor, 0, ref)
        self._reveal_anchor = True
        self._apply_pending()
        self.refresh()
        return True

    @property
    def anchor(self) -> EntityRef | None:
        """The entity whose blocks are highlighted (the one last opened here)."""
        return self._anchor

    # The cursor

    @property
    def cursor(self) -> int | None:
        """The index of the current stop in `stops`, or None on a page without stops."""
        return self._cursor

    @cursor.setter
    def cursor(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self._stops):
            raise IndexError(f"no stop {index} on this page")
        self._cursor = index
        self._scroll_to_stop(index)
        self.refresh()
        self._reached()

    def _reached(self) -> None:
        """Say which entity the stop now under the cursor opens: it may be prepared ahead."""
        stop = self.current_stop
        if stop is not None and stop.ref is not None:
            self.post_message(StopReached(stop.ref))

    @property
    def current_stop(self) -> Stop | None:
        """The stop under the cursor."""
        return None if self._cursor is None else self._stops[self._cursor]

    @property
    def current_block(self) -> Block | None:
        """The block holding the cursor, else the highlighted block, else the top visible one."""
        if self._cursor is not None:
            return self._blocks[self._stop_block[self._cursor]]
        if self._anchor is not None and (index := self._block_of(self._anchor)) is not None:
            return self._blocks[index]
        layout = self._ensure_layout()
        if layout and layout.lines:
            top = min(round(self.scroll_y), len(layout.lines) - 1)
            return self._blocks[layout.line_block[top]]
        return self._blocks[0] if self._blocks else None

    def cited_sources(self) -> SourceRequested | None:
        """What `s` asks for: the sources cited by the stop under the cursor, else by its block
        (with the grades given there); None where nothing is cited."""
        stop = self.current_stop
        block = self.current_block
        if stop is not None and stop.sources:
            briefing = stop.ref.briefing if stop.ref is not None else None
            briefing = briefing or (block.briefing if block else None)
            if briefing is not None:
                grades = {source: [stop.grade] for source in stop.sources if stop.grade}
                return SourceRequested(briefing, list(stop.sources), grades)
        if block is not None and block.sources and block.briefing is not None:
            grades = {source: list(found) for source, found in block.grades.items()}
            return SourceRequested(block.briefing, list(block.sources), grades)
        return None

    # Link hints

    def visible_stops(self) -> list[int]:
        """Indexes of the stops at least partly inside the visible part of the page."""
        layout = self._ensure_layout()
        if layout is None or not self.display:
            return []
        top = round(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        return [
            index
            for index, (first, last) in enumerate(layout.stop_lines)
            if last >= top and first < bottom
        ]

    def show_hints(self, hints: Mapping[int, str]) -> None:
        """Put a label before each stop given (stop index → label), in place of the cursor;
        empty to clear them."""
        self._hints = dict(hints)
        self.refresh()

    # Actions

    def action_cursor_down(self) -> None:
        """Move to the next stop, or scroll down where there is none near."""
        self._move(+1)

    def action_cursor_up(self) -> None:
        """Move to the previous stop, or scroll up where there is none near."""
        self._move(-1)

    def action_first(self) -> None:
        """Go to the top, cursor on the first stop."""
        self.scroll_to(y=0, animate=False, immediate=True)
        if self._stops:
            self._cursor = 0
            self._scroll_to_stop(0)
            self._reached()
        self.refresh()

    def action_last(self) -> None:
        """Go to the bottom, cursor on the last stop."""
        layout = self._ensure_layout()
        if layout is not None:
            self._wrap_until(layout)
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        if self._stops:
            self._cursor = len(self._stops) - 1
            self._scroll_to_stop(self._cursor)
            self._reached()
        self.refresh()

    def action_follow(self) -> None:
        """Open the stop under the cursor (or reveal it, if it is scrolled out of sight)."""
        if self._cursor is None:
            return
        if self._cursor not in self.visible_stops():
            self._scroll_to_stop(self._cursor)
            self.refresh()
            return
        self.follow(self._cursor)

    def follow(self, index: int) -> None:
        """Follow stop `index`: post `EntityRequested`, or say that it is unresolved."""
        stop = self._stops[index]
        if index != self._cursor:
            # Only then: a frame drawn now would hold back, by up to a frame, the one that
            # shows what the link opens.
            self._cursor = index
            self.refresh()
        if stop.ref is None:
            self.notify(f"unresolved link: {stop.target}", severity="warning", markup=False)
            return
        self.post_message(EntityRequested(stop.ref))

    def action_sources(self) -> None:
        """Ask for the sources cited at the cursor."""
        request = self.cited_sources()
        if request is None:
            self.notify("No sources are cited here.", markup=False)
            return
        self.post_message(request)

    # Moving and scrolling

    def _move(self, direction: int) -> None:
        layout = self._ensure_layout()
        if layout is None:
            return
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        bottom = top + height
        visible = set(self.visible_stops())
        count = len(self._stops)
        if direction > 0:
            if self._cursor is not None and self._cursor in visible:
                start = self._cursor + 1
            else:
                start = next((i for i in range(count) if self._stop_span(i)[0] >= top), count)
            target = start if start < count else None
            near = target is not None and self._stop_span(target)[0] < bottom + height - 1
        else:
            if self._cursor is not None and self._cursor in visible:
                start = self._cursor - 1
            else:
                # Stops not wrapped yet lie below the view, which is wrapped through.
                wrapped = len(layout.stop_lines)
                start = next(
                    (i for i in reversed(range(wrapped)) if layout.stop_lines[i][1] < bottom), -1
                )
            target = start if start >= 0 else None
            near = target is not None and self._stop_span(target)[1] > top - height
        if target is not None and near:
            self._cursor = target
            self._scroll_to_stop(target)
            self.refresh()
            self._reached()
        elif target is not None:
            self.scroll_to(y=top + direction * (height - 1), animate=False, immediate=True)
        else:
            self.scroll_to(y=top + direction, animate=False, immediate=True)

    def _scroll_to_stop(self, index: int | None) -> None:
        if index is None or self._ensure_layout() is None:
            return
        first, last = self._stop_span(index)
        self._scroll_to_lines(first, last)

    def _scroll_to_lines(self, first: int, last: int, *, top: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        y = round(self.scroll_y)
        if top or first < y:
            y = first
        elif last >= y + height:
            y = min(first, last - height + 1)
        if y != round(self.scroll_y):
            self.scroll_to(y=y, animate=False, immediate=True)

    def _apply_pending(self) -> None:
        pending = self._pending
        layout = self._ensure_layout()
        if pending is None or layout is None or self.scrollable_content_region.height <= 0:
            return
        self._pending = None
        if self._reveal_anchor and pending.anchor is not None:
            self._reveal_anchor = False
            index = self._block_of(pending.anchor)
            if index is not None:
                first, _ = self._wrap_until(layout, block=index).block_lines[index]
                self._wrap_until(layout, line=first + (1 + WRAP_AHEAD) * self.size.height)
                self.scroll_to(y=max(0, first - 1), animate=False, immediate=True)
                return
        self._wrap_until(layout, line=pending.scroll_y + (1 + WRAP_AHEAD) * self.size.height)
        self.scroll_to(y=pending.scroll_y, animate=False, immediate=True)
        rewrapped = pending.width is not None and pending.width != layout.width
        if rewrapped and pending.cursor is not None and pending.cursor not in self.visible_stops():
            # The width changed since the position was saved: keep the cursor in sight. A
            # page shown for the first time stays at its top even when its first stop lies
            # below the view (j or Enter brings it in sight, as on any page scrolled by hand).
            self._scroll_to_stop(pending.cursor)

    def _block_of(self, ref: EntityRef) -> int | None:
        return next((i for i, block in enumerate(self._blocks) if block.anchor == ref), None)

    def _first_stop_of_block(self, block_index: int) -> int | None:
        try:
            return self._stop_block.index(block_index)
        except ValueError:
            return None

    # Layout and rendering

    def _part_style(self, name: str) -> Style:
        """The style a component class gives part of a line.

        Textual's partial visual style leaves out `reverse`, drops an opaque background and
        works out `auto` colours against no background at all (white, unreadable on a light
        theme): take the colour and background from the full style, worked out against what
        lies beneath the page."""
        component = f"link-page--{name}"
        styles = self.get_component_styles(component)
        style = self.get_visual_style(component, partial=True)
        if styles.has_rule("color") or styles.has_rule("background"):
            full = self.get_visual_style(component)
            style = style + Style(
                background=full.background if styles.has_rule("background") else None,
                foreground=full.foreground if styles.has_rule("color") else None,
            )
        if styles.text_style.reverse:
            style = style + Style(reverse=True)
        return style

    def _styles(self) -> _PageStyles:
        """The page's styles, worked out once per state of its pseudo-classes: every line
        drawn asks for them, and working them out walks the CSS each time."""
        key = self._pseudo_classes_cache_key
        styles = self._style_cache.get(key)
        if styles is None:
            styles = _PageStyles(
                spans=tuple(self._part_style(name) for name in ("link", "unresolved", *ROLES)),
                cursor=self._part_style("cursor"),
                hint=self._part_style("hint"),
                base=self.get_visual_style(),
                anchor=self.get_visual_style("link-page--anchor"),
            )
            self._style_cache[key] = styles
        return styles

    def notify_style_update(self) -> None:
        self._style_cache.clear()
        super().notify_style_update()

    def _ensure_layout(self) -> _Layout | None:
        """The layout at the current width and styles, wrapped at least through the view
        (and `WRAP_AHEAD` screens below it)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return None
        styles = self._styles().spans
        layout = self._layout
        if layout is None or layout.width != width or layout.styles != styles:
            if layout is not None and self._pending is None:
                # Rewrapping moves lines: keep the cursor and roughly the scroll offset.
                self._pending = PagePosition(
                    self._cursor, round(self.scroll_y), self._anchor, layout.width
                )
            layout = self._layout = _Layout(width, styles, self._blocks)
        height = max(1, self.size.height)
        self._wrap_until(layout, line=round(self.scroll_y) + (1 + WRAP_AHEAD) * height)
        return layout

    def _wrap_rest_later(self) -> None:
        """After the frame being drawn, wrap a slice of what remains of the page. Asked for
        while drawing: asked for earlier, on a screen not yet shown, the slice would run
        before that screen's first frame."""
        layout = self._layout
        remaining = layout is not None and len(layout.block_lines) < len(layout.blocks)
        if remaining and not self._wrapping:
            self._wrapping = True
            self.call_after_refresh(self._wrap_rest)

    def _wrap_rest(self) -> None:
        """Wrap one slice of what remains of the page, then ask for the next."""
        self._wrapping = False
        layout = self._layout
        if layout is None:
            return
        self._wrap_until(layout, deadline=time.perf_counter() + WRAP_SLICE, resize=False)
        self._wrap_rest_later()

    def _stop_span(self, index: int) -> tuple[int, int]:
        """The first and last line of stop `index`, wrapping through its block if need be."""
        layout = self._layout
        assert layout is not None
        if index >= len(layout.stop_lines):
            self._wrap_until(layout, block=self._stop_block[index])
        return layout.stop_lines[index]

    def _wrap_until(
        self,
        layout: _Layout,
        *,
        line: int | None = None,
        block: int | None = None,
        deadline: float | None = None,
        resize: bool = True,
    ) -> _Layout:
        """Wrap more blocks into `layout`: until it has more than `line` lines, or holds
        `block`, or the time is past `deadline`; with none of them, the whole page. The
        scrollable size takes in the lines asked for, unless `resize` is False (wrapping in
        the background), and the whole page once it is wrapped."""
        blocks = layout.blocks
        count = len(layout.block_lines)
        while count < len(blocks):
            if line is not None and len(layout.lines) > line:
                break
            if block is not None and count > block:
                break
            if deadline is not None and time.perf_counter() > deadline:
                break
            self._wrap_block(layout, count)
            count += 1
        if layout is not self._layout:
            return layout
        # The scrollable size grows only as far as someone looks, and to the whole page once
        # it is all wrapped: every new size redraws the page.
        shown = layout.published
        if count >= len(blocks):
            needed = len(layout.lines)
        elif not resize:
            return layout
        elif line is not None:
            needed = min(len(layout.lines), line + 1)
        elif block is not None and layout.block_lines:
            needed = layout.block_lines[min(block, count - 1)][1] + 1
        else:
            needed = shown
        if shown < needed or (count >= len(blocks) and shown != needed):
            layout.published = len(layout.lines)
            virtual_size = Size(layout.width, layout.published)
            if virtual_size != self.virtual_size:
                self.virtual_size = virtual_size
                self._scroll_update(virtual_size)
        return layout

    def _wrap_block(self, layout: _Layout, block_index: int) -> None:
        """Wrap the next block of the page into `layout`."""
        link_style, unresolved_style, *rest = layout.styles
        role_styles = dict(zip(ROLES, rest, strict=True))
        width = layout.width
        stop_styles = layout.stop_styles
        block = layout.blocks[block_index]
        stop_base = len(layout.stop_lines)
        if block_index and block.gap:
            for _ in range(block.gap):
                layout.lines.append(Content(""))
                layout.line_block.append(block_index)
                layout.line_stops.append([])
        text: list[str] = []
        spans: list[Span] = []
        labels: dict[int, int] = {}
        offset = 0
        for part_text, role, stop in block.parts:
            end = offset + len(part_text)
            if stop is not None:
                resolved = block.stops[stop].ref is not None
                spans.append(Span(offset, end, link_style if resolved else unresolved_style))
                marker = Style.from_meta({"stop": stop_base + stop})
                stop_styles[marker] = stop_base + stop
                spans.append(Span(offset, end, marker))
            elif role:
                spans.append(Span(offset, end, role_styles[role]))
                if role == "label":
                    labels[offset] = end
            text.append(part_text)
            offset = end
        content = Content("".join(text), spans)
        plain = content.plain
        indent = min(block.indent, max(0, width - 10))
        room = max(1, width - indent)
        first_line = len(layout.lines)
        start = 0
        for written in plain.split("\n"):
            end = start + len(written)
            hang = hanging_indent(plain, start, end, labels, room)
            for line in wrap_hanging(content[start:end], room, hang):
                if indent:
                    line = line.pad_left(indent)
                found = [
                    (stop_styles[span.style], span.start, span.end)
                    for span in line.spans
                    if isinstance(span.style, Style) and span.style in stop_styles
                ]
                layout.lines.append(line)
                layout.line_block.append(block_index)
                layout.line_stops.append(found)
            start = end + 1
        last_line = len(layout.lines) - 1
        layout.block_lines.append((first_line, last_line))
        # A stop wrapped away entirely (an empty label) falls back on its block's lines.
        spans_of: list[tuple[int, int] | None] = [None] * len(block.stops)
        for line_no in range(first_line, last_line + 1):
            for stop, _, _ in layout.line_stops[line_no]:
                known = spans_of[stop - stop_base]
                spans_of[stop - stop_base] = (
                    (line_no, line_no) if known is None else (known[0], line_no)
                )
        layout.stop_lines.extend(
            (first_line, last_line) if found is None else found for found in spans_of
        )

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        self._ensure_layout()
        self._apply_pending()
        # Worked out once for every line drawn in this frame, not once per line (a third of
        # drawing a page whose lines are all drawn already).
        self._frame = self._frame_state()
        try:
            strips = super().render_lines(crop)
        finally:
            self._frame = None
        self._wrap_rest_later()
        return strips

    def _frame_state(self) -> _Frame:
        return _Frame(
            self.scrollable_content_region.width,
            self._styles(),
            self._ensure_layout(),
            round(self.scroll_y),
            self.text_selection,
        )

    def render_line(self, y: int) -> Strip:
        width, styles, layout, top, selection = self._frame or self._frame_state()
        line_no = top + y
        if layout is None or line_no >= len(layout.lines):
            return Strip.blank(width, styles.base.rich_style)
        selected = None if selection is None else selection.get_span(line_no)
        if self._hints or selected is not None:
            return self._render_line(layout, styles, line_no, width, selected)
        # A line is drawn again only when its text or the styles it is drawn in changed:
        # moving the cursor, focusing the page or coming back to it redraws every visible
        # line, most of them as they were.
        cursor = next(
            (stop for stop, _, _ in layout.line_stops[line_no] if stop == self._cursor), None
        )
        base = styles.anchor if self._in_anchor(layout, line_no) else styles.base
        drawn_with = (cursor, base, None if cursor is None else styles.cursor)
        strips = layout.strips
        if layout.strips_width != width:
            layout.strips_width = width
            strips.clear()
        cached = strips.get(line_no)
        if cached is not None and cached[0] == drawn_with:
            return cached[1]
        strip = self._render_line(layout, styles, line_no, width, None)
        strips[line_no] = (drawn_with, strip)
        return strip

    def _in_anchor(self, layout: _Layout, line_no: int) -> bool:
        block = layout.blocks[layout.line_block[line_no]]
        return self._anchor is not None and block.anchor == self._anchor

    def _render_line(
        self,
        layout: _Layout,
        styles: _PageStyles,
        line_no: int,
        width: int,
        selected: tuple[int, int] | None,
    ) -> Strip:
        base = styles.anchor if self._in_anchor(layout, line_no) else styles.base
        line = layout.lines[line_no]
        if self._hints:
            # The cursor is not drawn while hints are: a reversed cursor beside a reversed
            # label (as without colour) would read as one label.
            badges = [
                (start, label)
                for stop, start, _ in layout.line_stops[line_no]
                if (label := self._hints.get(stop)) and layout.stop_lines[stop][0] == line_no
            ]
            if badges:
                line = with_badges(line, badges, styles.hint, width)
        elif self._cursor is not None:
            for stop, start, end in layout.line_stops[line_no]:
                if stop == self._cursor:
                    line = line.stylize(styles.cursor, start, end)
        if selected is not None:
            start, end = selected
            end = len(line.plain) if end == -1 else end
            line = line.stylize(self.screen.get_visual_style("screen--selection"), start, end)
        return self._draw(line, base, width, line_no)

    @staticmethod
    def _draw(line: Content, base: Style, width: int, line_no: int) -> Strip:
        """Line `line_no` of the page, `width` cells wide on `base`."""
        segments = line.render_segments(base)
        # Offsets let the reader select text with the mouse and copy it (ctrl+c).
        strip = Strip(segments).crop_extend(0, width, base.rich_style)
        return strip.apply_offsets(0, line_no)

    # Selecting text

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The text the reader selected with the mouse, as shown (wrapped lines and all)."""
        layout = self._ensure_layout()
        if layout is None:
            return None
        self._wrap_until(layout)
        return selection.extract("\n".join(line.plain for line in layout.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # Events

    def on_resize(self, event: events.Resize) -> None:
        self._apply_pending()

    def on_focus(self) -> None:
        self.refresh()
        self._reached()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        stop = event.style.meta.get("stop")
        if isinstance(stop, int) and 0 <= stop < len(self._stops):
            event.stop()
            self.focus()
            self.follow(stop)
