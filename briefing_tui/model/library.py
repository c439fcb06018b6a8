"""The library: every document under the given paths, merged actors and places, links and backlinks.

A `Library` is built once (loaded, then linked) and never changes afterwards: reloading makes a
new one, so a UI can keep showing the old library while a worker builds the next. Every query
the reader makes while following links is answered from indexes made at link time, but for
the links and citations an entity has from its own briefing, found again in it when asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from . import dates, loader
from .diagnostics import Diagnostic, Severity, field_path
from .document import Document, Loc
from .entities import (
    RELATION_INVERSES,
    Actor,
    Briefing,
    Citation,
    Event,
    Judgment,
    Place,
    Question,
    Relation,
    Source,
)
from .links import Link, find_links, link_targets, plain
from .refs import GLOBAL_KINDS, EntityKind, EntityRef
from .text import visible

if TYPE_CHECKING:
    from .cache import DocumentCache

Progress = Callable[[int, int], None]
"""Called as documents load: (documents done, documents in all)."""

PARTIAL_AFTER = 0.5
"""Seconds of loading after which `Library.load` hands out the part loaded so far (once), if
less than half of the documents are loaded by then: a part costs a link and a redraw, worth it
only when the rest takes a while yet."""

FileStat = tuple[int, int]
"""What tells a changed file from an unchanged one: (size in bytes, mtime in nanoseconds)."""

LAST_GOOD_MESSAGE = "file has errors; showing the last good version"

ALL_KINDS: tuple[EntityKind, ...] = (
    "briefing",
    "actor",
    "place",
    "event",
    "question",
    "source",
    "judgment",
)

M = TypeVar("M", Actor, Place)


@dataclass(frozen=True, slots=True)
class Sourced:
    """A value and the document it is written in (a briefing id, or a registry's path)."""

    value: Any
    origin: str


@dataclass(slots=True)
class _MergedRecord(Generic[M]):
    """An actor or place merged across every document that defines it, in document order."""

    id: str
    definitions: list[tuple[M, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name of the first definition (others, if different, are in `values('name')`)."""
        return self.definitions[0][0].name if self.definitions else self.id

    @property
    def aliases(self) -> list[str]:
        """Every alias of every definition, united, in first-seen order."""
        return list(
            dict.fromkeys(alias for model, _ in self.definitions for alias in model.aliases)
        )

    @property
    def all_names(self) -> list[str]:
        """Every name any definition gives, then every alias, without repeats (for search)."""
        names = (model.name for model, _ in self.definitions)
        aliases = (alias for model, _ in self.definitions for alias in model.aliases)
        return list(dict.fromkeys([*names, *aliases]))

    @property
    def origins(self) -> list[str]:
        """The documents that define it: briefing ids and registry paths, in document order."""
        return list(dict.fromkeys(origin for _, origin in self.definitions))

    def first(self, field_name: str) -> Any:
        """The first value any definition gives for a field (None when none does)."""
        for model, _ in self.definitions:
            value = getattr(model, field_name, None)
            if value is not None and value != []:
                return value
        return None

    def values(self, field_name: str) -> list[Sourced]:
        """The distinct values of a field across definitions, each with the first document that
        gives it; definitions that leave the field out are not counted as disagreeing."""
        out: list[Sourced] = []
        for model, origin in self.definitions:
            value = getattr(model, field_name, None)
            if value is None or value == []:
                continue
            if all(seen.value != value for seen in out):
                out.append(Sourced(value, origin))
        return out

    def disagreements(self) -> dict[str, list[Sourced]]:
        """Fields on which the definitions disagree, with each value and where it comes from."""
        if len(self.definitions) < 2:
            return {}
        fields = type(self.definitions[0][0]).model_fields
        out: dict[str, list[Sourced]] = {}
        for name in fields:
            if name in ("id", "aliases", "relations"):
                continue
            values = self.values(name)
            if len(values) > 1:
                out[name] = values
        return out


@dataclass(slots=True)
class ActorRecord(_MergedRecord[Actor]):
    """An actor merged across every document that defines it."""

    @property
    def kind(self) -> str:
        """The kind of the first definition."""
        return self.definitions[0][0].kind if self.definitions else "other"

    @property
    def country(self) -> str | None:
        """The first country any definition gives."""
        return self.first("country")

    @property
    def profile(self) -> str | None:
        """The first profile any definition gives (others are in `values('profile')`)."""
        return self.first("profile")


@dataclass(slots=True)
class PlaceRecord(_MergedRecord[Place]):
    """A place merged across every document that defines it."""

    @property
    def country(self) -> str | None:
        """The first country any definition gives."""
        return self.first("country")

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """(lat, lon) of the first definition that gives both."""
        for model, _ in self.definitions:
            if model.lat is not None and model.lon is not None:
                return (model.lat, model.lon)
        return None


@dataclass(frozen=True, slots=True)
class Mention:
    """A place in the library that refers to an entity (a backlink)."""

    source: EntityRef
    """The entity whose field refers: an event, a question, an actor (relations), a briefing."""
    briefing: str | None
    """The briefing the mention is in (None for an actor registry)."""
    field: str
    """The field that refers: `actors`, `about`, `relations`, `summary`, `profile`, ..."""
    label: str
    """How the reader words it: `mediator in`, `question about`, `led by`, `linked from`."""


@dataclass(frozen=True, slots=True)
class RelationView:
    """A relation seen from one actor: outgoing as written, incoming with its inverse label."""

    label: str
    other: str
    relation: Relation
    origin: str
    outgoing: bool


@dataclass(frozen=True, slots=True)
class EventAppearance:
    """An event an actor or place appears in: the briefing, the event, and the actor's role."""

    briefing: str
    event: Event
    role: str | None
    """The role given in the event (`mediator`...); None when none is given, or for a place."""


SiteKind = Literal["event-actor", "event-place", "about", "relation", "citation", "link"]

Key = tuple[str, str, str | None]
"""An entity as (kind, id, briefing): the fields of an EntityRef as a tuple, cheap to hash."""

Local = Actor | Place | Event | Question | Source | Judgment
"""An entity a briefing defines."""

_KIND_OF: dict[type, EntityKind] = {
    Actor: "actor",
    Place: "place",
    Event: "event",
    Question: "question",
    Source: "source",
    Judgment: "judgment",
}

_EXPECTS: dict[SiteKind, tuple[str, ...]] = {
    "event-actor": ("actor",),
    "event-place": ("place",),
    "about": ("event", "question", "actor", "place"),
    "relation": ("actor", "place"),
    "citation": ("source",),
    "link": ALL_KINDS,
}
_UNRESOLVED_REASON: dict[SiteKind, str] = {
    "event-actor": "no actor has this id",
    "event-place": "no place has this id",
    "about": "no actor, place, event or question of this briefing has this id",
    "relation": "no actor or place has this id",
    "citation": "no source of this briefing has this id",
    "link": "",
}

Site = tuple[SiteKind, str, Loc, Key, str, str, Any, "str | None"]
"""One reference: (kind, target, where, who refers, field, label, holder object, role).
Plain tuples, not objects: a large library has hundreds of thousands of them."""


def _prose_sites(text: str | None, loc: Loc, source: Key, name: str) -> Iterator[Site]:
    if text and "[[" in text:
        for link in find_links(text):
            yield ("link", link.target, loc, source, name, "linked from", link, None)


def _citation_sites(citations: Sequence[Citation], loc: Loc, source: Key) -> Iterator[Site]:
    for index, citation in enumerate(citations):
        yield ("citation", citation.ref, (*loc, index), source, "sources", "cited by", None, None)


def _actor_sites(actor: Actor, loc: Loc) -> Iterator[Site]:
    ref: Key = ("actor", actor.id, None)
    yield from _prose_sites(actor.profile, (*loc, "profile"), ref, "profile")
    for index, relation in enumerate(actor.relations):
        at = (*loc, "relations", index)
        label = inverse_label(relation.kind)
        yield (
            "relation",
            relation.target,
            (*at, "target"),
            ref,
            "relations",
            label,
            relation,
            None,
        )
        yield from _prose_sites(relation.note, (*at, "note"), ref, "note")
        if relation.sources:
            yield from _citation_sites(relation.sources, (*at, "sources"), ref)


def inverse_label(kind: str) -> str:
    """How a relation kind reads from its target's side: `leads` → `led by`; unknown kinds and
    symmetric ones read the same both ways (with spaces for hyphens when known)."""
    return RELATION_INVERSES.get(kind, kind)


def _stat(path: Path) -> FileStat | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _discover(paths: Sequence[str | Path]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Every document file under `paths` with the path to show for it, sorted; and a problem
    for each path that does not exist."""
    files, problems = loader.discover(paths)
    cwd = Path.cwd()  # once, not once a file
    return [(path, loader.display_path(path, cwd)) for path in files], problems


def _load_file(path: Path, display_path: str) -> Document:
    """One document, never an exception: anything the loader did not foresee becomes an error."""
    return _load_cached(path, display_path, None)


def _load_cached(path: Path, display_path: str, cache: DocumentCache | None) -> Document:
    """`_load_file` through a document cache."""
    try:
        if cache is not None:
            return cache.load(path, display_path)
        return loader.load_document(path, display_path)
    except Exception as exc:  # one broken file must never hide the others
        problem = Diagnostic(display_path, 1, 1, "error", "", f"could not be read: {exc}")
        return Document(path=path, display_path=display_path, diagnostics=[problem])


def _locate(
    document: Document, locs: Sequence[Loc], cache: DocumentCache | None = None
) -> dict[Loc, tuple[int, int]]:
    """Line and column of each field path, found by re-reading the file, or in `cache` (best
    effort: a file that vanished or no longer parses yields what it can, the rest fall back to
    known lines)."""
    try:
        if cache is not None:
            found = cache.locate(document.path, locs)
        else:
            found = loader.locate(document.path, locs)
    except Exception:  # positions are a nicety; the warning itself must survive
        found = {}
    for loc in locs:
        if loc not in found:
            found[loc] = (document.line_of(loc), 1)
    return found


def keep_last_good(fresh: Document, last_good: Document) -> Document:
    """`fresh` (unusable) showing the model of `last_good`, with a warning saying so."""
    warning = Diagnostic(fresh.display_path, 1, 1, "warning", "", LAST_GOOD_MESSAGE)
    return dataclasses.replace(
        fresh,
        kind=last_good.kind,
        briefing=last_good.briefing,
        registry=last_good.registry,
        lines=last_good.lines,
        diagnostics=[warning, *fresh.diagnostics],
    )


def _is_stale(document: Document) -> bool:
    """A document shown from its last good version: usable, yet its file has errors now."""
    return document.usable and document.errors > 0


class Library:
    """Every document of a library, loaded, validated and linked."""

    documents: list[Document]
    """Every document in discovery order, with its own and its library-level diagnostics."""
    briefings: dict[str, Briefing]
    """Usable briefings by id, in document order."""
    actors: dict[str, ActorRecord]
    places: dict[str, PlaceRecord]
    cache: DocumentCache | None
    """The document cache the library was loaded through, which `reload` uses too."""
    partial: bool
    """True for the part of a library shown while the rest loads (see `load`)."""

    def __init__(
        self,
        documents: Sequence[Document] = (),
        *,
        roots: Sequence[str | Path] = (),
        stats: Mapping[Path, FileStat] | None = None,
        located: Mapping[Path, Mapping[Loc, tuple[int, int]]] | None = None,
        problems: Sequence[Diagnostic] = (),
        cache: DocumentCache | None = None,
        partial: bool = False,
    ) -> None:
        """Link already loaded documents. `roots` are what `reload` discovers again (default:
        the documents' own files); `stats` tell `reload` which files are unchanged; `located`
        holds positions of warned nodes already found for unchanged files; `problems` are
        diagnostics about no document (a path that does not exist); `cache` keeps positions
        found between runs. A `partial` library holds the documents loaded so far, to show
        while the rest load: its warnings (many, about what is not loaded yet) are placed at
        the lines known, no file is read again for their columns."""
        self.cache = cache
        self.partial = partial
        self._loaded: list[Document] = list(documents)
        self._roots: tuple[str | Path, ...] = tuple(roots) or tuple(d.path for d in documents)
        self._stats: dict[Path, FileStat] = dict(stats or {})
        self._problems = list(problems)
        self._located: dict[Path, dict[Loc, tuple[int, int]]] = {
            path: dict(positions) for path, positions in (located or {}).items()
        }
        # Linking makes hundreds of thousands of small tuples and no cycles: collecting while
        # it runs only re-scans the loaded models, again and again (a third of the time).
        with loader.collection_paused():
            self._link()

    # ----------------------------------------------------------------- building

    @classmethod
    def from_documents(
        cls,
        documents: Sequence[Document],
        *,
        roots: Sequence[str | Path] = (),
        stats: Mapping[Path, FileStat] | None = None,
    ) -> Library:
        """A library of documents already loaded (by tests, the cache, an incremental reload)."""
        return cls(documents, roots=roots, stats=stats)

    @classmethod
    def load(
        cls,
        paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        previous: Library | None = None,
        cache: DocumentCache | None = None,
        partial: Callable[[Library], None] | None = None,
    ) -> Library:
        """Load every document (through `cache` when given, else `previous`'s cache); with
        `previous`, a document that turned invalid keeps its last good model and gains a
        warning saying so. When loading takes longer than PARTIAL_AFTER seconds with less than
        half of the documents loaded, `partial` is called once with a library of the documents
        loaded so far, as soon as they hold a briefing (see `partial` in `__init__`), so a
        reader can show them while the rest load."""
        if cache is None and previous is not None:
            cache = previous.cache
        return cls._read(
            tuple(paths), progress, previous, reuse=False, changed=(), cache=cache, partial=partial
        )

    def reload(
        self,
        changed_paths: Iterable[str | Path] | None = None,
        *,
        progress: Progress | None = None,
    ) -> Library:
        """A new library of the same roots that re-reads only added files and files whose size or
        mtime changed (and `changed_paths`, even if they look unchanged); removed files go;
        a file that turned invalid keeps its last good model."""
        return Library._read(
            self._roots, progress, self, reuse=True, changed=changed_paths or (), cache=self.cache
        )

    @classmethod
    def _read(
        cls,
        roots: tuple[str | Path, ...],
        progress: Progress | None,
        previous: Library | None,
        *,
        reuse: bool,
        changed: Iterable[str | Path],
        cache: DocumentCache | None = None,
        partial: Callable[[Library], None] | None = None,
    ) -> Library:
        # Loading makes millions of objects and no cycles: collecting between documents would
        # re-scan every model loaded so far, again and again (40% of a cold load, more warm).
        # The entries the cache writes meanwhile go into one pack file when they are many.
        with loader.collection_paused(), cache.batch() if cache is not None else nullcontext():
            started = time.monotonic()
            showable = False  # a part is handed out once it holds a briefing
            files, missing = _discover(roots)
            total = len(files)
            if progress:
                progress(0, total)
            forced = {os.path.realpath(p) for p in changed}
            forced_names = {os.path.basename(p) for p in forced}
            before = {d.path: d for d in previous._loaded} if previous else {}
            documents: list[Document] = []
            stats: dict[Path, FileStat] = {}
            located: dict[Path, dict[Loc, tuple[int, int]]] = {}
            for done, (path, display_path) in enumerate(files, start=1):
                stat = _stat(path)
                old = before.get(path)
                unchanged = (
                    reuse
                    and previous is not None
                    and old is not None
                    and stat is not None
                    and previous._stats.get(path) == stat
                    and not (path.name in forced_names and os.path.realpath(path) in forced)
                )
                if unchanged and old is not None and previous is not None:
                    document = old
                    if path in previous._located:
                        located[path] = previous._located[path]
                else:
                    if cache is None:
                        document = _load_file(path, display_path)
                    else:
                        document = _load_cached(path, display_path, cache)
                    if old is not None and old.usable and not document.usable:
                        document = keep_last_good(document, old)
                if stat is not None:
                    stats[path] = stat
                documents.append(document)
                if progress:
                    progress(done, total)
                showable = showable or document.briefing is not None
                if (
                    partial is not None
                    and showable
                    and done * 2 < total
                    and time.monotonic() - started > PARTIAL_AFTER
                ):
                    partial(
                        cls(documents, roots=roots, problems=missing, cache=cache, partial=True)
                    )
                    partial = None
            return cls(
                documents, roots=roots, stats=stats, located=located, problems=missing, cache=cache
            )

    def _link(self) -> None:
        """Merge, index and check references; run once, when the library is made."""
        self.briefings = {}
        self.actors = {}
        self.places = {}
        # Library-level problems by document index: (loc, severity, message).
        problems: dict[int, list[tuple[Loc, Severity, str]]] = {}
        demoted: set[int] = set()
        owners: dict[str, Document] = {}
        registries: list[tuple[int, Document]] = []
        # Of files claiming one id, the one named after it wins, then the first: a stray file
        # that sorts first cannot hide the real briefing by copying its id.
        chosen: dict[str, int] = {}
        for index, document in enumerate(self._loaded):
            if document.briefing is not None:
                claimed = document.briefing.id
                held = chosen.get(claimed)
                if held is None or (
                    document.path.stem == claimed and self._loaded[held].path.stem != claimed
                ):
                    chosen[claimed] = index
        for index, document in enumerate(self._loaded):
            origin = document.display_path
            if document.briefing is not None:
                briefing = document.briefing
                first = None
                if chosen[briefing.id] != index:
                    first = self._loaded[chosen[briefing.id]]
                if first is not None:
                    demoted.add(index)
                    problems.setdefault(index, []).append(
                        (
                            ("id",),
                            "error",
                            f"duplicate briefing id {briefing.id!r}: {first.display_path} "
                            "already uses it, so this file is not shown",
                        )
                    )
                    continue
                owners[briefing.id] = document
                self.briefings[briefing.id] = briefing
                origin = briefing.id
                actors: Sequence[Actor] = briefing.actors
                for place in briefing.places:
                    self.places.setdefault(place.id, PlaceRecord(place.id)).definitions.append(
                        (place, origin)
                    )
            elif document.registry is not None:
                registries.append((index, document))
                actors = document.registry.actors
            else:
                continue
            for actor in actors:
                self.actors.setdefault(actor.id, ActorRecord(actor.id)).definitions.append(
                    (actor, origin)
                )

        self._newest = sorted(self.briefings.values(), key=_newest_first_key)
        self._rank = {b.id: rank for rank, b in enumerate(self._newest)}
        # A briefing's entities by id (the first of an id wins), the objects themselves: their
        # keys are made when asked for, not held (tens of thousands of tuples).
        self._local: dict[str, dict[str, Local]] = {}
        self._timelines: dict[str, Sequence[Event]] = {}
        sort_keys: dict[str, tuple[int, int, int]] = {}
        for briefing in self.briefings.values():
            self._index_locals(briefing, sort_keys)

        # Indexes hold plain tuples; queries turn the few they return into public objects.
        # Backlinks are made from the event, question and relation indexes when asked for;
        # `_mentions` holds only the rest: prose links and citations, except those that name an
        # entity of their own briefing (most citations, many links): `_own_mentions` finds
        # those again in the one briefing when asked.
        # Both flat lists, as appearances are: `_mentions` source, briefing, field, label...
        # (see `_add_mention`); `_mentioning` briefing ids, each once: all of one briefing's
        # are added while it is linked, so a repeat can only be the last one.
        self._mentions: dict[Key, list[Any]] = defaultdict(list)
        self._mentioning: dict[Key, list[str]] = defaultdict(list)
        # Appearances as one flat tuple per entity, not a tuple each (an event has three on
        # average): briefing, event, role, in date order. While linking, `appearing` holds date
        # sort key, briefing, event, role, appended newest briefing first and in file order,
        # so a stable sort by date alone gives date, then briefing, then file order.
        appearing: defaultdict[Key, list[Any]] = defaultdict(list)
        # Briefing, question, briefing, question...: flat, as appearances are.
        self._questions_about: dict[Key, list[str | Question]] = defaultdict(list)
        self._outgoing: dict[Key, list[tuple[str, str, Relation, str, bool]]] = defaultdict(list)
        # Incoming views also keep the briefing the relation is written in (None: a registry).
        self._incoming: dict[Key, list[tuple[str, str, Relation, str, bool, str | None]]] = (
            defaultdict(list)
        )
        index_of = {id(d): i for i, d in enumerate(self._loaded)}
        for briefing in self._newest:
            document = owners[briefing.id]
            here = index_of[id(document)]
            for actor in briefing.actors:
                seen = self._mentioning["actor", actor.id, None]
                if not seen or seen[-1] != briefing.id:
                    seen.append(briefing.id)
            for place in briefing.places:
                seen = self._mentioning["place", place.id, None]
                if not seen or seen[-1] != briefing.id:
                    seen.append(briefing.id)
            warnings = [] if _is_stale(document) else problems.setdefault(here, [])
            self._link_briefing(briefing, warnings, sort_keys, appearing)
        for here, document in registries:
            assert document.registry is not None
            stale = _is_stale(document)
            for i, actor in enumerate(document.registry.actors):
                for site in _actor_sites(actor, ("actors", i)):
                    warning = self._follow(site, document.display_path)
                    if warning and not stale:
                        problems.setdefault(here, []).append((site[2], "warning", warning))
        self._events_of: dict[Key, tuple[Any, ...]] = {}
        for key, flat in appearing.items():
            rows = zip(flat[::4], flat[1::4], flat[2::4], flat[3::4], strict=True)
            ordered = sorted(rows, key=itemgetter(0))
            self._events_of[key] = tuple(value for row in ordered for value in row[1:])

        self.documents = []
        for index, document in enumerate(self._loaded):
            extra = problems.get(index)
            if extra:
                positions = self._positions(document, [loc for loc, _, _ in extra])
                added = [
                    Diagnostic(
                        document.display_path, *positions[loc], severity, field_path(loc), text
                    )
                    for loc, severity, text in extra
                ]
                document = dataclasses.replace(
                    document,
                    briefing=None if index in demoted else document.briefing,
                    diagnostics=[*document.diagnostics, *added],
                )
            self.documents.append(document)
        self._document_of = {d.briefing.id: d for d in self.documents if d.briefing is not None}
        self._diagnostics = sorted(
            [*self._problems, *(d for document in self.documents for d in document.diagnostics)],
            key=lambda d: (d.path, d.line, d.col),
        )

    def _index_locals(self, briefing: Briefing, sort_keys: dict[str, tuple[int, int, int]]) -> None:
        """Index a briefing's own entities and order its timeline; `sort_keys` holds the sort
        keys of dates already seen (a library repeats its dates)."""
        bid = briefing.id
        table: dict[str, Local] = {}
        groups: tuple[Sequence[Local], ...] = (
            briefing.actors,
            briefing.places,
            briefing.timeline,
            briefing.questions,
            briefing.sources,
            briefing.judgments,
        )
        for items in groups:
            for item in items:
                if item.id is not None and item.id not in table:
                    table[item.id] = item
        self._local[bid] = table
        keyed = []
        for i, event in enumerate(briefing.timeline):
            date_key = sort_keys.get(event.date)
            if date_key is None:
                date_key = sort_keys[event.date] = dates.parse(event.date).sort_key()
            keyed.append((date_key, i, event))
        ordered = sorted(keyed)
        in_file_order = all(row[1] == i for i, row in enumerate(ordered))
        # Most timelines are written in date order: those are the briefing's own list, read only.
        self._timelines[bid] = (
            briefing.timeline if in_file_order else [event for _, _, event in ordered]
        )

    def _positions(self, document: Document, locs: list[Loc]) -> dict[Loc, tuple[int, int]]:
        if self.partial:
            return {loc: (document.line_of(loc), 1) for loc in locs}
        known = self._located.get(document.path, {})
        missing = [loc for loc in dict.fromkeys(locs) if loc not in known]
        if missing:
            known = {**known, **_locate(document, missing, self.cache)}
        self._located[document.path] = known
        return known

    def _follow(self, site: Site, origin: str) -> str | None:
        """Resolve one reference of an actor registry (`origin`) and index it; the warning to
        give when it names nothing."""
        kind, target, _, source, name, label, holder, _ = site
        if kind == "relation":
            self._outgoing[source].append((holder.kind, target, holder, origin, True))
        elif kind == "citation":
            return (
                f"unresolved reference {visible(target)!r}: "
                "an actor registry has no sources to cite"
            )
        key = self._find(target, None, _EXPECTS[kind])
        if key is None:
            if kind == "link":
                return f"unresolved link [[{visible(target)}]]"
            return f"unresolved reference {visible(target)!r}: {_UNRESOLVED_REASON[kind]}"
        if kind == "link":
            _add_mention(self._mentions[key], source, None, name, label)
        elif kind == "relation":
            self._incoming[key].append((label, source[1], holder, origin, False, None))
        return None

    def _link_briefing(
        self,
        briefing: Briefing,
        warnings: list[tuple[Loc, Severity, str]],
        sort_keys: Mapping[str, tuple[int, int, int]],
        appearing: defaultdict[Key, list[Any]],
    ) -> None:
        """Resolve and index every link and reference of a briefing, in file order, as
        `_follow` does for the sites of a registry's actors, without making a site tuple and a
        call for each (a large library has hundreds of thousands: this is most of linking).
        Warnings for what names nothing go to `warnings`; `sort_keys` holds the sort key of
        each date of its events; `appearing` gains the appearances of actors and places in its
        events (see `_link`)."""
        bid = briefing.id
        here: Key = ("briefing", bid, None)
        find = self._find
        local = self._local[bid]
        mentions = self._mentions
        mentioning = self._mentioning
        event_dates: dict[str, tuple[int, int, int]] = {}  # the first event of an id wins
        for event in briefing.timeline:
            event_dates.setdefault(event.id, sort_keys[event.date])
        global_kinds = GLOBAL_KINDS

        def mentioned(key: Key) -> None:
            # A reference makes this briefing one that mentions the entity, unless the entity
            # is its own (or the briefing itself).
            if key[0] in global_kinds and (key[0] != "briefing" or key[1] != bid):
                seen = mentioning[key]
                if not seen or seen[-1] != bid:
                    seen.append(bid)

        def unresolved(loc: Loc, kind: SiteKind, target: str) -> None:
            reason = _UNRESOLVED_REASON[kind]
            warnings.append((loc, "warning", f"unresolved reference {visible(target)!r}: {reason}"))

        def prose(text: str, loc: Loc, source: Key, name: str) -> None:
            for target in link_targets(text):
                key = find(target, bid)
                if key is None:
                    warnings.append((loc, "warning", f"unresolved link [[{visible(target)}]]"))
                    continue
                if key[2] != bid:  # an entity of this briefing: found when asked for
                    _add_mention(mentions[key], source, bid, name, "linked from")
                mentioned(key)

        def cite(citations: Sequence[Citation], loc: Loc, source: Key) -> None:
            for index, citation in enumerate(citations):
                ref = citation.ref
                if "#" in ref:
                    key = find(ref, bid, ("source",))
                else:
                    key = ("source", ref, bid) if type(local.get(ref)) is Source else None
                if key is None:
                    unresolved((*loc, index), "citation", ref)
                    continue
                if key[2] != bid:  # a source of this briefing: found when asked for
                    _add_mention(mentions[key], source, bid, "sources", "cited by")

        def appears(key: Key, event: Event, role: str | None) -> None:
            mentioned(key)
            flat = appearing[key]
            if not flat or flat[-2] is not event:
                flat += (event_dates[event.id], bid, event, role)

        summary = briefing.summary
        if summary and "[[" in summary:
            prose(summary, ("summary",), here, "summary")
        for i, judgment in enumerate(briefing.judgments):
            ref: Key = ("judgment", judgment.id, bid) if judgment.id else here
            if "[[" in judgment.text:
                prose(judgment.text, ("judgments", i, "text"), ref, "judgments")
            if judgment.sources:
                cite(judgment.sources, ("judgments", i, "sources"), ref)
        for i, actor in enumerate(briefing.actors):
            ref = ("actor", actor.id, None)
            if actor.profile and "[[" in actor.profile:
                prose(actor.profile, ("actors", i, "profile"), ref, "profile")
            for k, relation in enumerate(actor.relations):
                at = ("actors", i, "relations", k)
                target = relation.target
                self._outgoing[ref].append((relation.kind, target, relation, bid, True))
                key = find(target, bid, _EXPECTS["relation"])
                if key is None:
                    unresolved((*at, "target"), "relation", target)
                else:
                    label = inverse_label(relation.kind)
                    self._incoming[key].append((label, actor.id, relation, bid, False, bid))
                    mentioned(key)
                if relation.note and "[[" in relation.note:
                    prose(relation.note, (*at, "note"), ref, "note")
                if relation.sources:
                    cite(relation.sources, (*at, "sources"), ref)
        event_actor = _EXPECTS["event-actor"]
        event_place = _EXPECTS["event-place"]
        for i, event in enumerate(briefing.timeline):
            ref = ("event", event.id, bid)
            if event.description and "[[" in event.description:
                prose(event.description, ("timeline", i, "description"), ref, "description")
            for k, actor_ref in enumerate(event.actors):
                target = actor_ref.ref
                if "#" not in target and type(local.get(target)) is Actor:
                    key = ("actor", target, None)
                else:
                    key = find(target, bid, event_actor)
                if key is None:
                    unresolved(("timeline", i, "actors", k), "event-actor", target)
                else:
                    appears(key, event, actor_ref.role)
            if event.place:
                key = find(event.place, bid, event_place)
                if key is None:
                    unresolved(("timeline", i, "place"), "event-place", event.place)
                else:
                    appears(key, event, None)
            fatalities = event.fatalities
            if fatalities and fatalities.note and "[[" in fatalities.note:
                note_at = ("timeline", i, "fatalities", "note")
                prose(fatalities.note, note_at, ref, "fatalities")
            if event.sources:
                cite(event.sources, ("timeline", i, "sources"), ref)
        for i, question in enumerate(briefing.questions):
            ref = ("question", question.id, bid)
            if "[[" in question.text:
                prose(question.text, ("questions", i, "text"), ref, "text")
            for k, about in enumerate(question.about):
                key = find(about, bid, _EXPECTS["about"])
                if key is None:
                    unresolved(("questions", i, "about", k), "about", about)
                    continue
                mentioned(key)
                asked = self._questions_about[key]
                if not asked or asked[-1] is not question:
                    asked += (bid, question)
            for k, claim in enumerate(question.claims):
                if "[[" in claim.text:
                    prose(claim.text, ("questions", i, "claims", k, "text"), ref, "claims")
                if claim.sources:
                    cite(claim.sources, ("questions", i, "claims", k, "sources"), ref)
            if question.answer and "[[" in question.answer:
                prose(question.answer, ("questions", i, "answer"), ref, "answer")

    def _find(
        self, target: str, context: str | None, kinds: tuple[str, ...] = ALL_KINDS
    ) -> Key | None:
        """The resolution order of the format, limited to `kinds`."""
        if "#" in target:
            head, _, local = target.partition("#")
            table = self._local.get(head)
            if table is None:
                return None
            if not local:
                return ("briefing", head, None) if "briefing" in kinds else None
            hit = table.get(local)
            return None if hit is None else _local_key(hit, head, kinds)
        if context is not None:
            hit = self._local.get(context, {}).get(target)
            if hit is not None:
                key = _local_key(hit, context, kinds)
                if key is not None:
                    return key
        if target in self.actors and "actor" in kinds:
            return ("actor", target, None)
        if target in self.places and "place" in kinds:
            return ("place", target, None)
        if target in self.briefings and "briefing" in kinds:
            return ("briefing", target, None)
        return None

    def _key(self, entity: str | EntityRef) -> Key | None:
        if isinstance(entity, EntityRef):
            return (entity.kind, entity.id, entity.briefing)
        return self._find(entity.strip(), None)

    # ----------------------------------------------------------------- queries

    @property
    def roots(self) -> tuple[str | Path, ...]:
        """The folders and files the library was loaded from (what `reload` reads again)."""
        return self._roots

    def document_of(self, briefing_id: str) -> Document | None:
        """The document of a usable briefing."""
        return self._document_of.get(briefing_id)

    def briefings_newest_first(self) -> list[Briefing]:
        """Usable briefings, latest `as_of` (its upper bound) first, then by id."""
        return list(self._newest)

    def diagnostics(self) -> list[Diagnostic]:
        """Every error and warning of every document, sorted by path, line and column."""
        return list(self._diagnostics)

    def problems(self, briefing_id: str) -> int:
        """How many errors and warnings the briefing's document has."""
        document = self._document_of.get(briefing_id)
        return len(document.diagnostics) if document else 0

    def resolve(self, target: str, context: str | None = None) -> EntityRef | None:
        """What an id or `briefing-id#local-id` names, seen from briefing `context`: an entity
        of that briefing, then a library-wide actor or place, then a briefing."""
        return _ref_of(self._find(target.strip(), context))

    def resolve_link(self, link: Link, context: str | None = None) -> EntityRef | None:
        """What a `[[link]]` in prose of briefing `context` names (None: unresolved)."""
        return _ref_of(self._find(link.target, context))

    def parse_ref(self, text: str) -> EntityRef | None:
        """An entity named on the command line (`--open`): an actor or place id, a briefing id,
        or `briefing-id#local-id`, in the order links resolve."""
        return _ref_of(self._find(text.strip(), None))

    def entity(self, ref: EntityRef) -> object | None:
        """The object a reference names: Briefing, ActorRecord, PlaceRecord, Event, Question,
        Source or Judgment (None when the library has no such entity)."""
        if ref.kind == "briefing":
            return self.briefings.get(ref.id)
        if ref.kind == "actor":
            return self.actors.get(ref.id)
        if ref.kind == "place":
            return self.places.get(ref.id)
        table = self._local.get(ref.briefing) if ref.briefing is not None else None
        item = table.get(ref.id) if table is not None else None
        return item if item is not None and _KIND_OF[type(item)] == ref.kind else None

    def title_of(self, ref: EntityRef) -> str:
        """A one-line name for the entity (raw text: pass it through `text.visible` to show)."""
        item = self.entity(ref)
        if isinstance(item, (Briefing, Event, Source)):
            return item.title
        if isinstance(item, (ActorRecord, PlaceRecord)):
            return item.name
        if isinstance(item, (Question, Judgment)):
            return " ".join(plain(item.text, lambda target: self._name_in(target, ref)).split())
        return str(ref)

    def _name_in(self, target: str, context: EntityRef) -> str | None:
        """The name a label-less link inside a question or judgment shows, one level deep: a
        question quoting another question keeps the id rather than recursing."""
        inner = self.resolve(target, context.briefing)
        if inner is None or inner.kind in ("question", "judgment"):
            return None
        return self.title_of(inner)

    def timeline(self, briefing_id: str) -> list[Event]:
        """A briefing's events: earliest possible instant first, then coarser precision first,
        then file order."""
        return list(self._timelines.get(briefing_id, ()))

    def relations(self, actor_id: str | EntityRef) -> list[RelationView]:
        """An actor's relations: outgoing as written, then incoming with the inverse label."""
        key = self._key(actor_id)
        if key is None:
            return []
        found = [*self._outgoing.get(key, ()), *self._incoming.get(key, ())]
        return [RelationView(*view[:5]) for view in found]

    def appearances(self, entity_id: str | EntityRef) -> list[EventAppearance]:
        """Every event an actor takes part in (or that happens at a place), in date order,
        with its briefing and the actor's role."""
        key = self._key(entity_id)
        found = self._events_of.get(key, ()) if key else ()
        return [EventAppearance(briefing, event, role) for briefing, event, role in _rows(found, 3)]

    def events_of(self, entity_id: str | EntityRef) -> list[tuple[str, Event]]:
        """(briefing id, event) for every event of the actor or place, in date order."""
        key = self._key(entity_id)
        found = self._events_of.get(key, ()) if key else ()
        return [(briefing, event) for briefing, event, _ in _rows(found, 3)]

    def questions_about(self, entity_id: str | EntityRef) -> list[tuple[str, Question]]:
        """(briefing id, question) for every question about the entity, newest briefing first."""
        key = self._key(entity_id)
        return list(_rows(self._questions_about.get(key, ()), 2)) if key else []

    def briefings_mentioning(self, entity_id: str | EntityRef) -> list[str]:
        """Ids of briefings that define the entity, refer to it or link to it, newest first."""
        key = self._key(entity_id)
        return list(self._mentioning.get(key, ())) if key else []

    def backlinks(self, entity_id: str | EntityRef) -> list[Mention]:
        """Everything that refers to the entity: events it takes part in (in date order),
        questions about it, relations to it, then prose links and citations (newest briefing
        first, registries last)."""
        key = self._key(entity_id)
        if key is None:
            return []
        found: dict[Mention, None] = {}
        at_place = key[0] == "place"
        for briefing, event, role in _rows(self._events_of.get(key, ()), 3):
            label = "place of" if at_place else (f"{role} in" if role else "actor in")
            event_ref = EntityRef("event", event.id, briefing)
            found[Mention(event_ref, briefing, "place" if at_place else "actors", label)] = None
        for briefing, question in _rows(self._questions_about.get(key, ()), 2):
            question_ref = EntityRef("question", question.id, briefing)
            found[Mention(question_ref, briefing, "about", "question about")] = None
        for label, other, _, _, _, briefing in self._incoming.get(key, ()):
            found[Mention(EntityRef("actor", other), briefing, "relations", label)] = None
        for source, briefing, name, label in self._mentions_of(key):
            found[Mention(EntityRef(*source), briefing, name, label)] = None  # type: ignore[arg-type]
        return list(found)

    def _mentions_of(self, key: Key) -> Iterator[tuple[Key, str | None, str, str]]:
        """The prose links and citations naming `key`, in the order linking met them: newest
        briefing first, file order within one, registries last."""
        stored: Iterator[tuple[Key, str | None, str, str]] = _rows(self._mentions.get(key, ()), 4)
        owner = key[2]
        briefing = self.briefings.get(owner) if owner is not None else None
        if briefing is None or owner is None:
            yield from stored
            return
        rank = self._rank[owner]
        ranks = self._rank
        own = False
        for fact in stored:
            if not own and (fact[1] is None or ranks.get(fact[1], -1) > rank):
                own = True
                yield from self._own_mentions(briefing, key)
            yield fact
        if not own:
            yield from self._own_mentions(briefing, key)

    def _own_mentions(
        self, briefing: Briefing, key: Key
    ) -> Iterator[tuple[Key, str | None, str, str]]:
        """The links and citations of `briefing` that name `key`, one of its own entities, in
        the order `_link_briefing` walks them (which does not index them)."""
        bid = briefing.id
        find = self._find
        local = self._local[bid]
        seen: set[tuple[Key, str]] = set()

        def prose(text: str | None, source: Key, name: str) -> Iterator[tuple[Key, str, str, str]]:
            if (
                text
                and "[[" in text
                and (source, name) not in seen
                and any(find(target, bid) == key for target in link_targets(text))
            ):
                seen.add((source, name))
                yield (source, bid, name, "linked from")

        def cite(citations: Sequence[Citation], source: Key) -> Iterator[tuple[Key, str, str, str]]:
            if (source, "sources") in seen:
                return
            for citation in citations:
                ref = citation.ref
                if "#" in ref:
                    hit = find(ref, bid, ("source",))
                else:
                    hit = ("source", ref, bid) if type(local.get(ref)) is Source else None
                if hit == key:
                    seen.add((source, "sources"))
                    yield (source, bid, "sources", "cited by")
                    return

        here: Key = ("briefing", bid, None)
        yield from prose(briefing.summary, here, "summary")
        for judgment in briefing.judgments:
            ref: Key = ("judgment", judgment.id, bid) if judgment.id else here
            yield from prose(judgment.text, ref, "judgments")
            yield from cite(judgment.sources, ref)
        for actor in briefing.actors:
            ref = ("actor", actor.id, None)
            yield from prose(actor.profile, ref, "profile")
            for relation in actor.relations:
                yield from prose(relation.note, ref, "note")
                yield from cite(relation.sources, ref)
        for event in briefing.timeline:
            ref = ("event", event.id, bid)
            yield from prose(event.description, ref, "description")
            if event.fatalities:
                yield from prose(event.fatalities.note, ref, "fatalities")
            yield from cite(event.sources, ref)
        for question in briefing.questions:
            ref = ("question", question.id, bid)
            yield from prose(question.text, ref, "text")
            for claim in question.claims:
                yield from prose(claim.text, ref, "claims")
                yield from cite(claim.sources, ref)
            yield from prose(question.answer, ref, "answer")


def _local_key(item: Local, briefing: str, kinds: tuple[str, ...]) -> Key | None:
    """The key of an entity defined in `briefing`, if of one of `kinds` (an actor or place
    defined there is the library-wide one)."""
    kind = _KIND_OF[type(item)]
    if kind not in kinds:
        return None
    return (kind, item.id, None if kind in GLOBAL_KINDS else briefing)  # type: ignore[return-value]


def _rows(flat: Sequence[Any], width: int) -> Iterator[Any]:
    """A flat sequence read as tuples of `width` values."""
    values = iter(flat)
    return zip(*[values] * width, strict=True)


def _add_mention(
    facts: list[Any], source: Key, briefing: str | None, name: str, label: str
) -> None:
    """Add a mention to a flat list unless there already. Mentions from one briefing (or from
    the registries, None) are all added in one go, so a repeat is among the last ones."""
    i = len(facts) - 4
    while i >= 0 and facts[i + 1] == briefing:
        if facts[i] == source and facts[i + 2] == name and facts[i + 3] == label:
            return
        i -= 4
    facts += (source, briefing, name, label)


def _ref_of(key: Key | None) -> EntityRef | None:
    return None if key is None else EntityRef(*key)  # type: ignore[arg-type]


def _newest_first_key(briefing: Briefing) -> tuple[int, str]:
    upper = dates.parse(briefing.as_of).upper or dt.date.max
    return (-upper.toordinal(), briefing.id)
