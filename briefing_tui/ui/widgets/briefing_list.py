"""The library list: every briefing, newest first, with a badge counting its file's problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.styles import RulesMap
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model.refs import EntityRef
from ...model.text import one_line
from ..messages import EntityRequested
from .briefing_blocks import human_date

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from textual.strip import Strip

    from ...model.library import Library


def row_texts(library: Library, briefing_id: str) -> tuple[str, str, str]:
    """A briefing's title, date, and badge counting its problems (empty without any)."""
    briefing = library.briefings[briefing_id]
    problems = library.problems(briefing_id)
    badge = f"  ⚠ {problems}" if problems else ""
    return one_line(briefing.title), human_date(briefing.as_of), badge


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where `text` (words between single spaces) breaks into lines of `width` cells: greedy,
    word by word, a word wider than a line folded; the spaces at breaks are dropped."""
    width = max(width, 1)
    if cell_len(text) <= width:
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start = end = used = 0
    position = 0
    for word in text.split(" "):
        word_start, position = position, position + len(word) + 1
        cells = cell_len(word)
        if end > start and used + 1 + cells <= width:
            end, used = word_start + len(word), used + 1 + cells
            continue
        if end > start:
            lines.append((start, end))
        start = end = word_start
        used = 0
        for index, character in enumerate(word, word_start):
            wide = cell_len(character)
            if index > start and used + wide > width:
                lines.append((start, index))
                start, used = index, 0
            end, used = index + 1, used + wide
    if end > start or not lines:
        lines.append((start, end))
    return lines


class BriefingRow(Visual):
    """One briefing's option, broken into lines by words at the list's width.

    The list measures every option to lay itself out: a `Content` prompt laid itself out to
    say its height, half a second at 2,000 briefings. A row is measured from its plain words
    and made a `Content` only when it is drawn."""

    def __init__(self, library: Library, briefing_id: str) -> None:
        self._library = library
        self._briefing_id = briefing_id
        self._texts: tuple[str, str, str] | None = None
        self._breaks: tuple[int, list[list[tuple[int, int]]]] | None = None

    @property
    def texts(self) -> tuple[str, str, str]:
        """The title, the date and the badge, as plain text."""
        if self._texts is None:
            self._texts = row_texts(self._library, self._briefing_id)
        return self._texts

    def _lines(self, width: int) -> list[list[tuple[int, int]]]:
        """Where the title and the date line break at `width`."""
        if self._breaks is None or self._breaks[0] != width:
            title, date, badge = self.texts
            self._breaks = (width, [wrap_spans(title, width), wrap_spans(date + badge, width)])
        return self._breaks[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        title, date, badge = self.texts
        parts = (
            Content.styled(title, "bold"),
            Content.assemble((date, "$text-muted"), (badge, "$text-warning")),
        )
        lines = [
            part[start:end]
            for part, spans in zip(parts, self._lines(width), strict=True)
            for start, end in spans
        ]
        return Content("\n").join(lines).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        title, date, badge = self.texts
        return max(cell_len(title), cell_len(date + badge))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(len(spans) for spans in self._lines(width))


class BriefingList(OptionList, inherit_bindings=False):
    """The briefings of a library, newest first; choosing one posts `EntityRequested`.

    It binds its own keys only: the list never scrolls sideways, so the scroll view's
    left/right keys would do nothing (and the help would list them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._ids: list[str] = []

    def show_library(self, library: Library, current: str | None = None) -> None:
        """List the library's briefings and highlight `current`."""
        self._ids = [briefing.id for briefing in library.briefings_newest_first()]
        options: list[Option | None] = []
        for briefing_id in self._ids:
            if options:
                options.append(None)
            options.append(Option(BriefingRow(library, briefing_id), id=briefing_id))
        self.set_options(options)
        count = len(self._ids)
        self.border_subtitle = f"{count} briefing{'' if count == 1 else 's'}"
        self.select_briefing(current)

    def select_briefing(self, briefing_id: str | None) -> None:
        """Highlight a briefing (without opening it)."""
        if briefing_id in self._ids:
            self.highlighted = self._ids.index(briefing_id)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(EntityRequested(EntityRef("briefing", event.option.id)))
