"""Command-palette providers: jump to any briefing, actor or place by a fuzzy match of its name,
id or aliases, and open the reader's views."""

from __future__ import annotations

import asyncio
import heapq
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.screen import Screen
from textual.style import Style

from ..model.refs import EntityRef
from ..model.text import one_line
from .widgets.briefing_blocks import human_date

if TYPE_CHECKING:
    from ..model.library import Library
    from .app import BriefingApp

DISCOVER_LIMIT = 100
"""Entities listed before anything is typed: enough to browse, few enough to show at once."""

HIT_LIMIT = 50
"""Destinations listed for what is typed, the best first: the palette builds a row for every
hit it is given, and one letter matches thousands of names (a second's work for it)."""

YIELD_EVERY = 500
"""Destinations matched between two pauses that let the event loop run."""

VIEWS = (
    ("Search the library", "Full-text search, as you type", "search"),
    ("Problems", "Every error and warning of the library's files", "problems"),
    ("Keys and help", "Every key, and how links, hints and history work", "help"),
)
"""The reader's views: (name, what it is, the app's action opening it)."""


@dataclass(frozen=True, slots=True)
class Destination:
    """Something the palette can open: its names (the first is its title) and a description."""

    ref: EntityRef
    names: tuple[str, ...]
    detail: str

    @property
    def title(self) -> str:
        """The name it is shown by."""
        return self.names[0]


class Candidate(NamedTuple):
    """One name of a destination as the palette matches it, prepared once per library."""

    name: str
    lowered: str
    """The name in lower case, as the fuzzy match compares it."""
    word_starts: frozenset[int]
    """Where each word of the lowered name starts: the fuzzy score favours those letters."""


_WORD = re.compile(r"\w+")

_prepared: weakref.WeakKeyDictionary[Library, list[tuple[Destination, tuple[Candidate, ...]]]] = (
    weakref.WeakKeyDictionary()
)


def prepared_destinations(library: Library) -> list[tuple[Destination, tuple[Candidate, ...]]]:
    """Every destination of `library` with its names prepared for matching: made once per
    library (a reload makes a new library), not each time the palette opens."""
    prepared = _prepared.get(library)
    if prepared is None:
        prepared = []
        for destination in destinations(library):
            candidates = []
            for name in destination.names:
                lowered = name.lower()
                starts = frozenset(match.start() for match in _WORD.finditer(lowered))
                candidates.append(Candidate(name, lowered, starts))
            prepared.append((destination, tuple(candidates)))
        _prepared[library] = prepared
    return prepared


def in_order(query: str, name: str) -> bool:
    """True when every character of `query` occurs in `name` in the same order (both in lower
    case): what any fuzzy match needs, found much faster than a fuzzy score."""
    at = 0
    for char in query:
        at = name.find(char, at) + 1
        if not at:
            return False
    return True


def fuzzy_score(matcher: Matcher, query: str, candidate: Candidate) -> float:
    """`matcher.match(candidate.name)` for `query` (the matcher's query in lower case), cheaply:
    0 without calling it when the letters are not all there in order, and Textual's own
    formula without its per-call regex when the query is found whole in the name (one letter
    is found whole in thousands of names)."""
    lowered = candidate.lowered
    at = lowered.find(query)
    if at < 0:
        return matcher.match(candidate.name) if in_order(query, lowered) else 0.0
    # FuzzySearch.score of one run of offsets, boosted as FuzzySearch._match boosts a substring.
    length = len(query)
    firsts = sum(1 for offset in range(at, at + length) if offset in candidate.word_starts)
    return (length + firsts) * 2.0 * (2.0 if lowered == query else 1.5)


def destinations(library: Library) -> list[Destination]:
    """Briefings newest first, then actors, then places, each by name; ids and aliases match
    too. Names are made visible (they come from the briefings)."""
    found: list[Destination] = []
    for briefing in library.briefings_newest_first():
        found.append(
            Destination(
                EntityRef("briefing", briefing.id),
                (one_line(briefing.title), briefing.id),
                f"briefing · as of {human_date(briefing.as_of)}",
            )
        )
    for kind, records in (("actor", library.actors), ("place", library.places)):
        for record in sorted(records.values(), key=lambda r: r.name.casefold()):
            names = tuple(dict.fromkeys(one_line(name) for name in [*record.all_names, record.id]))
            found.append(Destination(EntityRef(kind, record.id), names, kind))  # type: ignore[arg-type]
    return found


def highlighted(matcher: Matcher, text: str, style: Style) -> Content:
    """`text` as plain content with the characters the fuzzy match found styled (never read as
    markup, unlike `Matcher.highlight`)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if not score:
        return content
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


def name_score(matcher: Matcher, query: str, candidate: Candidate) -> float:
    """The fuzzy score of a name, the shorter name first when two match alike (`fylq` means
    the actor Faylaq al-Sham sooner than a long title that happens to hold its letters)."""
    score = fuzzy_score(matcher, query, candidate)
    if not score:
        return 0.0
    return score * (1 + len(query) / (len(candidate.name) + len(query)))


def _prompt(name: Content, title: str, detail: str) -> Content:
    parts: list[Content | str | tuple[str, str]] = [name]
    if name.plain != title:
        parts.append(("  " + title, "$text-muted"))
    parts.append(("  " + detail, "$text-muted italic"))
    return Content.assemble(*parts)


class LibraryCommands(Provider):
    """Every briefing, actor and place of the library, and the reader's views."""

    def __init__(self, screen: Screen[Any], match_style: Style | None = None) -> None:
        super().__init__(screen, match_style)
        self._destinations: list[tuple[Destination, tuple[Candidate, ...]]] = []

    @property
    def reader(self) -> BriefingApp:
        """The app, as the reader it is."""
        return cast("BriefingApp", self.app)

    async def startup(self) -> None:
        library = getattr(self.app, "library", None)
        self._destinations = prepared_destinations(library) if library is not None else []

    def _open(self, ref: EntityRef) -> None:
        self.reader.open_ref(ref)

    def _view(self, action: str) -> Callable[[], object]:
        return getattr(self.app, f"action_{action}")  # type: ignore[no-any-return]

    async def discover(self) -> Hits:
        """The views, then briefings, actors and places."""
        for name, help_text, action in VIEWS:
            yield DiscoveryHit(name, self._view(action), text=name, help=help_text)
        for destination, _ in self._destinations[:DISCOVER_LIMIT]:
            yield DiscoveryHit(
                _prompt(Content(destination.title), destination.title, destination.detail),
                partial(self._open, destination.ref),
                text=destination.title,
            )

    async def search(self, query: str) -> Hits:
        """Views, briefings, actors and places whose names, ids or aliases match `query`."""
        matcher = self.matcher(query)
        style = self.match_style or Style(reverse=True)
        for name, help_text, action in VIEWS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, name, style),
                    self._view(action),
                    text=name,
                    help=help_text,
                )
        lowered = query.lower()
        found: list[tuple[float, int, str]] = []
        for count, (_, names) in enumerate(self._destinations):
            if count % YIELD_EVERY == YIELD_EVERY - 1:
                # Let the screen draw, and the palette cancel this search when the reader
                # types on.
                await asyncio.sleep(0)
            best, best_score = "", 0.0
            for candidate in names:
                score = name_score(matcher, lowered, candidate)
                if score > best_score:
                    best, best_score = candidate.name, score
            if best_score > 0:
                found.append((best_score, -count, best))
        for score, position, best in heapq.nlargest(HIT_LIMIT, found):
            destination = self._destinations[-position][0]
            yield Hit(
                score,
                _prompt(highlighted(matcher, best, style), destination.title, destination.detail),
                partial(self._open, destination.ref),
                text=destination.title,
            )
