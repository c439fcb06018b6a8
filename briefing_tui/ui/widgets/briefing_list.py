"""The library list: every briefing, newest first, with a badge counting its file's problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model.refs import EntityRef
from ...model.text import one_line
from ..messages import EntityRequested
from .briefing_blocks import human_date

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from ...model.library import Library


def briefing_prompt(library: Library, briefing_id: str) -> Content:
    """Title on the first line; date, and problems if any, on the second."""
    briefing = library.briefings[briefing_id]
    prompt = Content.assemble(
        (one_line(briefing.title), "bold"),
        "\n",
        (human_date(briefing.as_of), "$text-muted"),
    )
    problems = library.problems(briefing_id)
    if problems:
        prompt = prompt + Content.styled(f"  ⚠ {problems}", "$text-warning")
    return prompt


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
            options.append(Option(briefing_prompt(library, briefing_id), id=briefing_id))
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
