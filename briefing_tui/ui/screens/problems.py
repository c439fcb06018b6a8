"""The problems view: every diagnostic of the library; Enter opens the document at the problem,
in the reader when it can be shown, else as its raw text around the line."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...model.diagnostics import Diagnostic
from ...model.refs import EntityRef
from ...model.text import one_line, visible

if TYPE_CHECKING:
    from ...model.document import Document, Loc
    from ...model.library import Library
    from ..app import BriefingApp

SEVERITY_STYLES = {"error": "bold $text-error", "warning": "bold $text-warning"}
SEVERITY_WIDTH = 8
"""Cells of the severity column; a long problem's further lines are indented as far."""
CONTEXT_LINES = 12
"""Lines of raw text shown on each side of the line a problem is on."""
LINE_LIMIT = 4000
"""Bytes of a line shown in the raw view; the rest is cut (one line may be megabytes)."""
LOCAL_KINDS = {
    "timeline": "event",
    "questions": "question",
    "sources": "source",
    "judgments": "judgment",
}
"""The list fields of a briefing whose items open as themselves, highlighted in their pane."""

_FIELD_ITEM = re.compile(r"^([A-Za-z_]+)\[(\d+)\]")


def severity_content(diagnostic: Diagnostic) -> Content:
    """The severity, coloured, padded to its column."""
    return Content.styled(
        f"{diagnostic.severity:<{SEVERITY_WIDTH}}",
        SEVERITY_STYLES.get(diagnostic.severity, "bold"),
    )


def problem_content(diagnostic: Diagnostic) -> Content:
    """`path:line:col field: message`, all text made visible."""
    where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}"
    parts: list[str | tuple[str, str]] = [(one_line(where), "$text-muted"), " "]
    if diagnostic.field:
        parts.append((one_line(diagnostic.field) + ": ", "bold"))
    parts.append(one_line(diagnostic.message))
    return Content.assemble(*parts)


def diagnostic_content(diagnostic: Diagnostic, width: int | None = None) -> Content:
    """`error  path:line:col field: message`, the severity coloured, all text made visible;
    wrapped to `width` cells when given, its further lines indented past the severity (a list
    wrapping it by itself would start them under the severity)."""
    content = severity_content(diagnostic) + problem_content(diagnostic)
    if width is None or content.cell_length <= width:
        return content
    head, rest = content[:SEVERITY_WIDTH], content[SEVERITY_WIDTH:]
    rows = rest.wrap(max(1, width - SEVERITY_WIDTH))
    return Content("\n").join([head + rows[0], *(row.pad_left(SEVERITY_WIDTH) for row in rows[1:])])


def summary_content(diagnostics: Sequence[Diagnostic]) -> Content:
    """`3 errors, 2 warnings in 4 files`, or that there is nothing wrong."""
    if not diagnostics:
        return Content("No problems: every document of the library is valid.")
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    files = len({d.path for d in diagnostics})
    return Content.assemble(
        (f"{errors} error{'s' * (errors != 1)}", SEVERITY_STYLES["error"] if errors else ""),
        ", ",
        (f"{warnings} warning{'s' * (warnings != 1)}", SEVERITY_STYLES["warning"]),
        f" in {files} file{'s' * (files != 1)}",
    )


def document_at(library: Library, diagnostic: Diagnostic) -> Document | None:
    """The document a diagnostic is about (None for a path that is no document)."""
    return next((d for d in library.documents if d.display_path == diagnostic.path), None)


def item_at(document: Document, diagnostic: Diagnostic) -> Loc | None:
    """The list item (`('timeline', 2)`) a diagnostic points into: from its field when that
    names one, else the item that starts nearest above its line; None above every item."""
    match = _FIELD_ITEM.match(diagnostic.field)
    if match:
        return (match.group(1), int(match.group(2)))
    above = [
        (line, loc)
        for loc, line in document.lines.items()
        if len(loc) == 2 and isinstance(loc[1], int) and line <= diagnostic.line
    ]
    return max(above, key=lambda found: found[0])[1] if above else None


def entity_at(document: Document, diagnostic: Diagnostic) -> tuple[EntityRef, str | None]:
    """What to open for a problem of a usable document, and the pane of the briefing to show
    it in when it is not opened by itself (an actor card): the entity nearest the problem."""
    item = item_at(document, diagnostic)
    if document.registry is not None:
        actors = document.registry.actors
        if item is not None and item[0] == "actors" and 0 <= int(item[1]) < len(actors):
            return EntityRef("actor", actors[int(item[1])].id), None
        return EntityRef("actor", actors[0].id), None
    briefing = document.briefing
    assert briefing is not None
    whole = EntityRef("briefing", briefing.id)
    if item is None:
        return whole, None
    name, index = str(item[0]), int(item[1])
    items = getattr(briefing, name, None)
    if not isinstance(items, list) or not 0 <= index < len(items):
        return whole, None
    found = items[index]
    kind = LOCAL_KINDS.get(name)
    if kind is not None and getattr(found, "id", None):
        return EntityRef(kind, found.id, briefing.id), None  # type: ignore[arg-type]
    if name == "actors":
        return EntityRef("actor", found.id), "actors"
    return whole, None


def shows_in_reader(document: Document | None) -> bool:
    """True when the reader can show the document as its file is now: usable, and not its
    last good version standing in for a file that has errors."""
    return (
        document is not None
        and document.usable
        and document.errors == 0
        and (document.briefing is not None or bool(document.registry and document.registry.actors))
    )


def numbered_lines(
    path: Path, line: int, context: int = CONTEXT_LINES
) -> Iterator[tuple[int, str]]:
    """(number, text) of the file's lines around `line`, made visible, each cut at
    `LINE_LIMIT` bytes; reads only that far. Raises OSError for anything but a regular file:
    a pipe would never answer, a device never end."""
    first, last = max(1, line - context), line + context
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        for number in range(1, last + 1):
            raw = file.readline(LINE_LIMIT)
            if not raw:
                return
            cut = not raw.endswith(b"\n") and _skip_rest_of_line(file)
            if number < first:
                continue
            text = raw.decode("utf-8", errors="replace").rstrip("\r\n").expandtabs(4)
            yield number, visible(text) + ("…" if cut else "")


def _skip_rest_of_line(file: BinaryIO) -> bool:
    """Read past the end of an overlong line; True when there was more of it."""
    skipped = False
    while chunk := file.readline(1 << 16):
        skipped = True
        if chunk.endswith(b"\n"):
            break
    return skipped


class ProblemsScreen(Screen[None]):
    """Every error and warning of the library, one a line; Enter opens the document there."""

    CSS_PATH = "problems.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("j", "cursor_down", "Next problem", show=False),
        Binding("k", "cursor_up", "Previous problem", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.diagnostics: list[Diagnostic] = []
        """The problems listed, in the list's order."""
        self._list_width = 0
        """The width the problems were last wrapped to."""

    def compose(self) -> ComposeResult:
        yield Static(id="problems-summary")
        problems = OptionList(id="problems")
        problems.border_title = "Problems"
        yield problems
        yield Footer(compact=True)

    def on_mount(self) -> None:
        library = cast("BriefingApp", self.app).library
        summary = self.query_one("#problems-summary", Static)
        problems = self.query_one("#problems", OptionList)
        if library is None:
            summary.update(Content("The library is still loading."))
            return
        self.diagnostics = library.diagnostics()
        summary.update(summary_content(self.diagnostics))
        if not self.diagnostics:
            problems.add_option(
                Option(Content.styled("Nothing to fix.", "$text-muted"), disabled=True)
            )
        self.call_after_refresh(self._fill)
        problems.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        """List the problems wrapped to the list's width (again when that changes)."""
        if not self.diagnostics:
            return
        problems = self.query_one("#problems", OptionList)
        padding = problems.get_component_styles("option-list--option").padding.width
        width = problems.scrollable_content_region.width - padding
        if width <= 0 or width == self._list_width:
            return
        self._list_width = width
        highlighted = problems.highlighted or 0
        problems.clear_options()
        problems.add_options(
            Option(diagnostic_content(d, width), id=str(i)) for i, d in enumerate(self.diagnostics)
        )
        problems.highlighted = highlighted

    def action_close(self) -> None:
        """Close the problems view."""
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        """Go to the next problem."""
        self.query_one("#problems", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Go to the previous problem."""
        self.query_one("#problems", OptionList).action_cursor_up()

    @on(OptionList.OptionSelected, "#problems")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_problem(self.diagnostics[event.option_index])

    def open_problem(self, diagnostic: Diagnostic) -> None:
        """Open the document of a problem: in the reader, at the entity nearest the problem,
        when it can be shown; else its raw text around the line."""
        app = cast("BriefingApp", self.app)
        library = app.library
        if library is None:
            return
        document = document_at(library, diagnostic)
        if document is None or not shows_in_reader(document):
            self.app.push_screen(DocumentScreen(diagnostic, document, library.diagnostics()))
            return
        ref, pane = entity_at(document, diagnostic)
        if pane is None:
            app.open_ref(ref)
            return
        assert document.briefing is not None
        app.open_ref(EntityRef("briefing", document.briefing.id))
        main = app.main_screen
        main.action_pane(pane)
        main.page(pane).show_anchor(ref)


class DocumentScreen(Screen[None]):
    """A document the reader cannot show: its problems, then its raw text around the line of
    the chosen one, numbered, read-only."""

    CSS_PATH = "problems.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(
        self,
        diagnostic: Diagnostic,
        document: Document | None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        super().__init__()
        self.diagnostic = diagnostic
        self.document = document
        self.problems = [d for d in diagnostics if d.path == diagnostic.path] or [diagnostic]

    def compose(self) -> ComposeResult:
        path = one_line(self.diagnostic.path)
        with VerticalScroll(id="document") as frame:
            frame.border_title = Content(path)  # a str would be read as markup
            frame.border_subtitle = "read-only"
            yield Static(self._state(), id="document-state")
            for problem in self.problems:
                # Two columns: a long problem wraps past its severity.
                with Horizontal(classes="document-problem") as row:
                    row.set_class(problem == self.diagnostic, "-chosen")
                    yield Static(severity_content(problem), classes="severity")
                    yield Static(problem_content(problem), classes="problem")
            yield from self._lines()
        yield Footer(compact=True)

    def _state(self) -> Content:
        document = self.document
        if document is None:
            return Content("This path is not a document of the library.")
        if document.usable and document.errors:
            return Content(
                "This file has errors: the reader shows its last good version. As it is now:"
            )
        if not document.usable:
            return Content("This file has errors, so the reader cannot show it. As it is now:")
        return Content("As the file is now:")

    def _lines(self) -> Iterator[Static]:
        document = self.document
        if document is None:
            return
        try:
            lines = list(numbered_lines(Path(document.path), self.diagnostic.line))
        except OSError as error:
            yield Static(Content(f"The file cannot be read: {one_line(str(error))}"))
            return
        if not lines:
            yield Static(Content(f"The file has no line {self.diagnostic.line}."))
            return
        first, last = lines[0][0], lines[-1][0]
        yield Static(Content(f"Lines {first}–{last}"), id="document-lines-heading")
        width = len(str(last))
        for number, text in lines:
            chosen = number == self.diagnostic.line
            content = Content.assemble((f"{number:>{width}} │ ", "$text-muted"), text)
            line = Static(content, classes="source-line", id=f"line-{number}")
            line.set_class(chosen, "-chosen")
            yield line
            if chosen:
                caret = " " * (width + 3 + max(0, self.diagnostic.col - 1)) + "^"
                style = SEVERITY_STYLES.get(self.diagnostic.severity, "bold")
                yield Static(Content.styled(caret, style), classes="source-line")

    def on_mount(self) -> None:
        frame = self.query_one("#document", VerticalScroll)
        frame.focus()
        chosen = self.query(f"#line-{self.diagnostic.line}")
        if chosen:
            self.call_after_refresh(frame.scroll_to_center, chosen.first(), animate=False)

    def action_close(self) -> None:
        """Close the document."""
        self.dismiss(None)
