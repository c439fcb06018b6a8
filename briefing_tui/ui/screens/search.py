"""The search screen: the library searched as you type, results with their hits highlighted;
and the search index behind it, brought up to date in a worker thread whenever the library
loads."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...model.query import Query, QueryError, parse_query
from ...model.text import one_line, visible
from ..widgets.briefing_blocks import human_date

# The search index (SQLite) loads in the workers that use it, after the first paint.
if TYPE_CHECKING:
    from ...model.library import Library
    from ...model.search import Hit, SearchIndex
    from ..app import BriefingApp

DEBOUNCE = 0.15
"""Seconds the query must stay unchanged before it runs: typing a word runs one search."""
RESULT_LIMIT = 50
LOADING_CHECK = 0.25
"""Seconds between two looks for the whole library while a query waits for it to load."""
HIT_STYLE = "bold $text-accent underline"
KIND_WIDTH = 10
"""Cells of the kind column; the lines below the title are indented as far."""
SNIPPET_LEAD = 24
"""Characters of a snippet kept before its first hit."""
QUERY_HELP = (
    'words, "a phrase", prefix*, -not, a OR b, kind:actor, in:briefing, tag:, status:, '
    "actor:, after:2020-10, before:2021"
)


@dataclass(slots=True)
class SearchResults:
    """The hits of a search and the one opened last, which n and N step on from."""

    query: str
    hits: list[Hit]
    current: int = 0


@dataclass(slots=True)
class LibrarySearch:
    """The library's search index: opened and brought up to date with the library in the
    caller's thread (a worker's, never the UI's); one search or update at a time."""

    use_cache: bool = True
    """Keep the index on disk between runs (in the user's cache), else build it in memory."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    library: Library | None = None
    """The whole library searched: the last one handed to `start_indexing` (the part of a
    library shown while the rest loads is never indexed, or the rest would drop out)."""
    _closing: threading.Event = field(default_factory=threading.Event)
    """Set when the reader quits: an update under way gives up at the next document."""
    _index: SearchIndex | None = None
    _synced: Library | None = None

    def ready_for(self, library: Library) -> bool:
        """True when the index is open and up to date with `library` (searching is quick)."""
        return self._index is not None and self._synced is library

    def prepare(self, library: Library) -> None:
        """Open the index and bring it up to date with `library` (slow the first time)."""
        with self._lock:
            self._prepare(library)

    def search(self, library: Library, query: Query, limit: int = RESULT_LIMIT) -> list[Hit]:
        """The best hits of `query` in `library`, best first."""
        with self._lock:
            index = self._prepare(library)
            return index.search(query, limit)

    def _prepare(self, library: Library) -> SearchIndex:
        if self._index is None:
            from ...model.search import SearchIndex

            self._index = SearchIndex(library.roots, use_cache=self.use_cache)
        if self._synced is not library:
            self._index.update_from(library, self._closing.is_set)
            self._synced = library
        return self._index

    def close(self) -> None:
        """Close the index for good. A worker still indexing gives up at its next document
        (its update rolled back) and keeps the index: quitting never waits for indexing."""
        self._closing.set()
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._index is not None:
                self._index.close()
            self._index = None
            self._synced = None
        finally:
            self._lock.release()


def _prepare_quietly(search: LibrarySearch, library: Library) -> None:
    """Bring the index up to date; a failure is left for the search screen to report (it
    tries again, and says why when it cannot)."""
    import sqlite3

    from ...model.search import UpdateCancelled

    with contextlib.suppress(sqlite3.Error, OSError, UpdateCancelled):
        search.prepare(library)


def start_indexing(app: BriefingApp, library: Library) -> None:
    """Bring the search index up to date with `library` in a worker thread, as soon as the
    library has loaded or reloaded, so that the first search finds it ready."""
    app.library_search.library = library
    app.run_worker(
        partial(_prepare_quietly, app.library_search, library),
        name="search index",
        group="search-index",
        exclusive=True,
        thread=True,
        exit_on_error=False,
    )


def where_found(library: Library | None, hit: Hit) -> str:
    """Where a hit lives: its briefing's title, its date for a briefing, the documents that
    define an actor or place."""
    if library is None:
        return hit.briefing or ""
    if hit.kind == "briefing":
        briefing = library.briefings.get(hit.id)
        return f"as of {human_date(briefing.as_of)}" if briefing else ""
    if hit.kind in ("actor", "place"):
        names = [
            library.briefings[origin].title if origin in library.briefings else Path(origin).name
            for origin in hit.defined_in
        ]
        return "in " + "; ".join(names) if names else ""
    if hit.briefing in library.briefings:
        return "in " + library.briefings[hit.briefing].title
    return f"in {hit.briefing}" if hit.briefing else ""


def folded_snippet(spans: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A snippet's (text, is_hit) pieces made visible, with whitespace folded across the whole
    snippet: a run of spaces or line breaks becomes one space even where it spans two pieces
    (a hit only when the whole run is inside hits), and the ends are trimmed. The spaces around
    a hit stay."""
    chars: list[tuple[str, bool]] = []
    for text, is_hit in spans:
        chars.extend((char, is_hit) for char in visible(text))
    folded: list[tuple[str, bool]] = []
    for is_space, run in itertools.groupby(chars, key=lambda item: item[0].isspace()):
        pieces = list(run)
        if is_space:
            folded.append((" ", all(is_hit for _, is_hit in pieces)))
        else:
            folded.extend(pieces)
    while folded and folded[0][0] == " ":
        folded.pop(0)
    while folded and folded[-1][0] == " ":
        folded.pop()
    return [
        ("".join(char for char, _ in run), is_hit)
        for is_hit, run in itertools.groupby(folded, key=lambda item: item[1])
    ]


def lead_trimmed(
    pieces: list[tuple[str, bool]], lead: int = SNIPPET_LEAD
) -> list[tuple[str, bool]]:
    """The snippet with the text before its first hit cut to about `lead` characters (at a word
    boundary, marked with an ellipsis), so that the hit shows on a narrow line."""
    if not pieces or pieces[0][1] or len(pieces) < 2:
        return pieces
    before = pieces[0][0]
    if len(before) <= lead:
        return pieces
    kept = before[-lead:]
    space = kept.find(" ")
    if 0 <= space < len(kept) - 1:
        kept = kept[space + 1 :]
    return [("…" + kept, False), *pieces[1:]]


def hit_content(library: Library | None, hit: Hit) -> Content:
    """A result as up to three lines: the kind and the title; where it is; the snippet with
    its hits highlighted, the last two indented under the title. Each line is meant to be cut
    with an ellipsis, never wrapped. Built from plain text and spans, so nothing in a briefing
    is read as markup."""
    indent = " " * KIND_WIDTH
    title = one_line(hit.title)
    lines = [Content.assemble((f"{hit.kind:<{KIND_WIDTH}}", "$text-muted"), (title, "bold"))]
    where = where_found(library, hit)
    if where:
        lines.append(Content.assemble(indent, (one_line(where), "$text-muted italic")))
    pieces = lead_trimmed(folded_snippet(hit.spans))
    has_hit = any(is_hit for _, is_hit in pieces)
    if pieces and (has_hit or "".join(text for text, _ in pieces) != title):
        snippet = [(text, HIT_STYLE if is_hit else "") for text, is_hit in pieces]
        lines.append(Content.assemble(indent, *snippet))
    return Content("\n").join(lines)


def step_results(app: BriefingApp, step: int) -> None:
    """Open the next (step 1) or previous (step -1) result of the last search, wrapping
    round at the ends."""
    results = app.last_search
    if results is None or not results.hits:
        app.notify("No search results to step through: search with /.", markup=False, timeout=3)
        return
    count = len(results.hits)
    index = results.current + step
    wrapped = not 0 <= index < count
    results.current = index % count
    hit = results.hits[results.current]
    app.open_ref(hit.ref)
    note = f"Result {results.current + 1} of {count} for {one_line(results.query)}"
    if wrapped:
        note += " (from the top)" if step > 0 else " (from the bottom)"
    app.notify(note, markup=False, timeout=2)


class SearchScreen(ModalScreen[None]):
    """An input over the reader: results update as you type; up and down choose, Enter opens
    the chosen result where it is (history records it), Esc closes."""

    CSS_PATH = "search.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "cursor_down", "Next result", show=False),
        Binding("up", "cursor_up", "Previous result", show=False),
        Binding("pagedown", "page_down", "Results page down", show=False),
        Binding("pageup", "page_up", "Results page up", show=False),
        Binding("enter", "open", "Open"),
    ]

    @dataclass
    class ResultsFound(Message):
        """A search finished: its hits (or why it failed)."""

        text: str
        hits: list[Hit]
        error: str | None = None

    @dataclass
    class IndexReady(Message):
        """The index is open and up to date."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        """The results shown, best first."""
        self.query_text = ""
        """The query the results are for."""
        self._searching: str | None = None
        """The query a worker is searching for, until its results are shown."""
        self._open_when_found: str | None = None
        """A query Enter was pressed on before its results came: open its best one then."""
        self._loading_timer: Timer | None = None
        """Looks for the whole library while a query waits for it."""

    @property
    def reader(self) -> BriefingApp:
        """The app, as the reader it is."""
        return cast("BriefingApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box") as box:
            box.border_title = "Search"
            yield Input(placeholder="Search the library", id="search-input", compact=True)
            yield Static(id="search-status")
            yield OptionList(id="search-results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        search_input = self.query_one("#search-input", Input)
        self.query_one("#search-results", OptionList).can_focus = False
        library = self.reader.library_search.library
        last = self.reader.last_search
        if last is not None:
            search_input.value = last.query  # searched again when the value changes
            search_input.select_all()
        else:
            self._status(Content.assemble(("Type to search: ", "bold"), QUERY_HELP))
        if library is not None and not self.reader.library_search.ready_for(library):
            self.prepare_index(library)
        search_input.focus()

    # Searching

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._open_when_found = None
        self.search_for(event.value)

    def search_for(self, text: str) -> None:
        """Search for `text` (in a worker), or say why not."""
        self._searching = None
        library = self.reader.library_search.library
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self._show([], "")
            self._status(Content.assemble(("Type to search: ", "bold"), QUERY_HELP))
            return
        try:
            query = parse_query(text)
        except QueryError as error:
            self.workers.cancel_group(self, "search")
            self._show([], "")
            self._failed(str(error))
            return
        if library is None:
            self._status(Content("The library is still loading…"))
            if self._loading_timer is None:
                self._loading_timer = self.set_interval(LOADING_CHECK, self._loaded_yet)
            return
        if not self.reader.library_search.ready_for(library):
            self._status(Content("Indexing the library…"))
        self._searching = text
        self.run_search(text, query, library)

    def _loaded_yet(self) -> None:
        """Search for what was typed while the library loaded, once it has."""
        if self.reader.library_search.library is None:
            return
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.search_for(self.query_one("#search-input", Input).value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str, query: Query, library: Library) -> None:
        """Wait for typing to pause, then search (in a thread: the index is SQLite)."""
        import sqlite3

        from ...model.search import UpdateCancelled

        worker = get_current_worker()
        time.sleep(DEBOUNCE)
        if worker.is_cancelled:
            return
        try:
            hits = self.reader.library_search.search(library, query)
        except UpdateCancelled:
            return  # the reader is quitting
        except QueryError as error:
            self.post_message(self.ResultsFound(text, [], str(error)))
            return
        except (sqlite3.Error, OSError) as error:
            self.post_message(self.ResultsFound(text, [], f"the search failed: {error}"))
            return
        if not worker.is_cancelled:
            self.post_message(self.ResultsFound(text, hits))

    @work(thread=True, exclusive=True, group="search")
    def prepare_index(self, library: Library) -> None:
        """Open the index and bring it up to date before the first search needs it."""
        import sqlite3

        from ...model.search import UpdateCancelled

        try:
            self.reader.library_search.prepare(library)
        except UpdateCancelled:
            return  # the reader is quitting
        except (sqlite3.Error, OSError) as error:
            self.post_message(self.ResultsFound("", [], f"the index cannot be built: {error}"))

    @on(ResultsFound)
    def _results_found(self, message: ResultsFound) -> None:
        if message.text != self.query_one("#search-input", Input).value:
            return  # an older query's answer, overtaken by typing
        self._searching = None
        if message.error is not None:
            self._show([], "")
            self._failed(message.error)
            return
        self._show(message.hits, message.text)
        if self._open_when_found == message.text and message.hits:
            self._open_when_found = None
            self.open_result(0)
            return
        count = len(message.hits)
        if count:
            more = " or more" if count >= RESULT_LIMIT else ""
            noun = "result" if count == 1 else "results"
            self._status(
                Content.assemble(
                    (f"{count}{more} {noun}", "bold"), " · ↑↓ choose · Enter opens · Esc closes"
                )
            )
        else:
            self._status(Content("No results."))

    def _show(self, hits: Sequence[Hit], text: str) -> None:
        self.hits = list(hits)
        self.query_text = text
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        library = self.reader.library
        results.add_options(Option(hit_content(library, hit)) for hit in self.hits)
        if self.hits:
            results.highlighted = 0

    def _status(self, content: Content) -> None:
        status = self.query_one("#search-status", Static)
        status.remove_class("-error")
        status.update(content)

    def _failed(self, message: str) -> None:
        status = self.query_one("#search-status", Static)
        status.add_class("-error")
        status.update(Content.assemble(("⚠ ", "bold"), one_line(message)))

    # Choosing

    def action_cursor_down(self) -> None:
        """Choose the next result."""
        self.query_one("#search-results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Choose the previous result."""
        self.query_one("#search-results", OptionList).action_cursor_up()

    def action_page_down(self) -> None:
        """Choose a result a page further down."""
        self.query_one("#search-results", OptionList).action_page_down()

    def action_page_up(self) -> None:
        """Choose a result a page further up."""
        self.query_one("#search-results", OptionList).action_page_up()

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_result(event.option_index)

    def action_open(self) -> None:
        """Open the chosen result (the best one unless another was chosen)."""
        text = self.query_one("#search-input", Input).value
        if self.query_text != text and self._searching == text:
            self._open_when_found = text  # the search is under way: open when it answers
            return
        if not self.hits or self.query_text != text:
            self.notify("No results to open.", markup=False, timeout=2)
            return
        highlighted = self.query_one("#search-results", OptionList).highlighted
        self.open_result(highlighted or 0)

    def open_result(self, index: int) -> None:
        """Open result `index` where it is; n and N step on from it."""
        if not 0 <= index < len(self.hits):
            return
        self.reader.last_search = SearchResults(self.query_text, list(self.hits), index)
        self.reader.open_ref(self.hits[index].ref)

    def action_close(self) -> None:
        """Close the search."""
        self.workers.cancel_group(self, "search")
        self.dismiss(None)
