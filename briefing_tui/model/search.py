"""The search index: every text field of every entity in SQLite FTS5, ranked, kept up to date.

One database per library lives in the user's cache directory. It holds, per document, the
file's size, mtime and the index format; opening it re-indexes only the documents whose files
changed, appeared or went. Actors and places are global: each document stores its own
definitions, and the one merged row per id is rebuilt from all of them whenever a document
that defines that id changes. Prose is stored as the reader shows it: a link by its label, or
else by the name of the entity it names.

This module imports neither pydantic nor the loader until a file actually needs (re)reading,
so a search over an up-to-date index costs a directory walk and one query.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import itertools
import os
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet

from . import discovery
from .query import WORD, AllOf, AnyOf, Filter, Node, Not, Query, parse_query
from .records import TYPE_CHECKING, NamedTuple
from .user_cache import user_cache_dir

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .document import Document
    from .library import Library
    from .refs import EntityRef

# What only indexing needs (text and link handling, dates, difflib, json, pathlib) is imported
# where it is used: a search over an up-to-date index should load as little as it can.

FORMAT_VERSION = 7
"""Bumped whenever what is stored changes: an index of another version is rebuilt."""

BM25 = "bm25(fts, 10.0, 4.0, 1.0, 0.0)"
"""Column weights: names and titles, then summaries and profiles, then other prose; the facets
(kind and status, for filtering) do not count."""
NAMES_BM25 = "bm25(name_index, 1.0, 0.0)"

CANDIDATES = 1000
"""Matches ranked per tier, the most recently indexed first: ranking costs time per match, so
a word found in tens of thousands of entities is ranked among its latest thousand."""

SELECTIVE = 2000
"""Filters that keep at most this many entities are applied before matching, others after."""

NAME_BONUS = 1000.0
"""The score of a hit whose name or title matches every term is this plus the bm25 of its
names alone, so that it ranks above every hit that matches only in other prose."""

FUZZY_THRESHOLD = 0.75
"""How alike (0..1, difflib's ratio) a word and a name must be for the fuzzy fallback."""

KIND_ORDER = ("briefing", "actor", "place", "event", "question", "source", "judgment")

MAX_EXPANSION = 40
"""A prefix that starts more words than this is left to FTS5's own prefix matching."""

BUSY_TIMEOUT = 10.0
"""Seconds to wait for another process's update to the same index before working in memory."""

MMAP_BYTES = 1 << 30
"""Read the index through memory mapping: fewer system calls on every page it reads."""

OPTIMIZE_AFTER = 100
"""Documents (re)indexed in one update beyond which the FTS5 indexes are merged into one
segment (a second for 5,000 briefings)."""

SNIPPET_TOKENS = 16
_OPEN, _CLOSE = "\x02", "\x03"
"""Hit markers in FTS5 snippets: control characters, which `visible()` has removed from every
indexed text, so they can only come from FTS5."""

_NAME_OPEN, _NAME_CLOSE = "\x0e", "\x0f"
_WAITING_NAME = re.compile("\x0e([^\x0e\x0f]*)\x0f")
"""Around the target of a link whose entity is not in the index yet while an update reads its
documents (control characters again, so never in indexed text, and not ones `str.split`
takes for spaces): named once all are read."""

_NO_DAY_BEFORE = 0
_NO_DAY_AFTER = 10**7
"""Ordinal days standing for an interval's open end."""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    id INTEGER PRIMARY KEY,
    path TEXT UNIQUE NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    version INTEGER NOT NULL,
    briefing TEXT
);
CREATE TABLE IF NOT EXISTS tags(doc INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tags_tag ON tags(tag, doc);
CREATE INDEX IF NOT EXISTS tags_doc ON tags(doc);
CREATE TABLE IF NOT EXISTS mentions(
    doc INTEGER NOT NULL, briefing TEXT NOT NULL, entity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_briefing ON mentions(briefing, entity);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity, doc);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc);
CREATE TABLE IF NOT EXISTS definitions(
    doc INTEGER NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL, ord INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS definitions_entity ON definitions(kind, entity);
CREATE INDEX IF NOT EXISTS definitions_doc ON definitions(doc);
CREATE TABLE IF NOT EXISTS entries(
    id INTEGER PRIMARY KEY,
    doc INTEGER,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    briefing TEXT,
    title TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    status TEXT,
    date_lower INTEGER,
    date_upper INTEGER,
    origins TEXT,
    kind_rank INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_doc ON entries(doc);
CREATE INDEX IF NOT EXISTS entries_global ON entries(entity) WHERE doc IS NULL;
CREATE INDEX IF NOT EXISTS entries_briefing ON entries(briefing);
CREATE INDEX IF NOT EXISTS entries_order ON entries(kind_rank, path, line);
CREATE INDEX IF NOT EXISTS entries_status ON entries(status);
CREATE INDEX IF NOT EXISTS entries_after ON entries(date_upper);
CREATE INDEX IF NOT EXISTS entries_before ON entries(date_lower);
CREATE TABLE IF NOT EXISTS entry_actors(entry INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entry_actors_actor ON entry_actors(actor, entry);
CREATE INDEX IF NOT EXISTS entry_actors_entry ON entry_actors(entry);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    names, summary, body, facets, tokenize='porter unicode61 remove_diacritics 2',
    prefix='2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS name_index USING fts5(
    names, facets, tokenize='porter unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TABLE IF NOT EXISTS words(key TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY(key, word))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_tokens(entry INTEGER NOT NULL, token TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS name_tokens_entry ON name_tokens(entry);
CREATE INDEX IF NOT EXISTS name_tokens_token ON name_tokens(token, entry);
CREATE TABLE IF NOT EXISTS vocab(
    id INTEGER PRIMARY KEY, token TEXT UNIQUE NOT NULL, uses INTEGER NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS vocab_trigrams USING fts5(token, tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS name_tokens_added AFTER INSERT ON name_tokens BEGIN
    INSERT INTO vocab(token, uses) VALUES (new.token, 1)
        ON CONFLICT(token) DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER IF NOT EXISTS name_tokens_removed AFTER DELETE ON name_tokens BEGIN
    UPDATE vocab SET uses = uses - 1 WHERE token = old.token;
    DELETE FROM vocab WHERE token = old.token AND uses <= 0;
END;
CREATE TRIGGER IF NOT EXISTS vocab_added AFTER INSERT ON vocab BEGIN
    INSERT INTO vocab_trigrams(rowid, token) VALUES (new.id, new.token);
END;
CREATE TRIGGER IF NOT EXISTS vocab_removed AFTER DELETE ON vocab BEGIN
    DELETE FROM vocab_trigrams WHERE rowid = old.id;
END;
PRAGMA user_version = {FORMAT_VERSION};
"""
_TABLES = frozenset(
    {"meta", "documents", "tags", "mentions", "definitions", "entries", "entry_actors", "fts"}
    | {"name_index"}
    | {"words", "name_tokens", "vocab", "vocab_trigrams"}
)
_CORRUPT_CODES = frozenset((sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB))
_UNUSABLE_CODES = frozenset(
    (
        sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
    )
)  # fmt: skip


# ----------------------------------------------------------------------------- text


_FOLD_EXTRA = str.maketrans(
    {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe"}
)


def fold(text: str) -> str:
    """Lowercase without diacritics, further than FTS5 goes (`Kılıç` → `kilic`, `Ørsted` →
    `orsted`): the form names are compared in by the fuzzy fallback."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD_EXTRA)


def name_tokens(names: Iterable[str]) -> set[str]:
    """The folded words of names, and each pair of neighbouring words run together (so that
    `alsham` meets `al-Sham`)."""
    tokens: set[str] = set()
    for name in names:
        words = WORD.findall(fold(name))
        tokens.update(words)
        tokens.update(a + b for a, b in itertools.pairwise(words))
    return {token for token in tokens if len(token) >= 2}


def similarity(word: str, token: str) -> float:
    """How alike a folded query word and a folded name token are, 0..1: difflib's ratio, or,
    for a word that may be the start of a longer token, a little less than the ratio of the
    word to that start, when they are nearly equal (so `kilicd` finds `kilicdaroglu`)."""
    import difflib

    if word == token:
        return 1.0
    matcher = difflib.SequenceMatcher(None, word, token)
    score = matcher.ratio() if matcher.quick_ratio() >= FUZZY_THRESHOLD else 0.0
    if 4 <= len(word) < len(token):
        start = difflib.SequenceMatcher(None, word, token[: len(word)]).ratio()
        if start >= 0.85:
            score = max(score, 0.9 * start)
    return score


NameOf = Callable[[str, "str | None"], "str | None"]
"""The name a link without a label is shown by: (its target, the briefing it is written in) →
the name of the entity it resolves to, made visible; None when it resolves to nothing."""


def library_names(library: Library) -> NameOf:
    """Names as the reader shows them, from a loaded library."""
    from .text import visible

    def name_of(target: str, context: str | None) -> str | None:
        ref = library.resolve(target, context)
        return visible(library.title_of(ref)) if ref is not None else None

    return name_of


def _prose(text: str | None, name_of: NameOf | None = None, context: str | None = None) -> str:
    """Prose as indexed and shown: each link by its label, or else by the name `name_of` gives
    it (else its target), control characters made visible."""
    from .links import plain
    from .text import visible

    if not text:
        return ""
    if name_of is None:
        return plain(visible(text))
    # Made visible first: the names come visible already (and may hold a waiting mark).
    return plain(visible(text), lambda target: name_of(target, context))


def _title(text: str) -> str:
    """Prose as `_prose` gives it, on one line."""
    return " ".join(text.split())


def _join(parts: Iterable[str | None]) -> str:
    return " · ".join(dict.fromkeys(part for part in parts if part))


def _bounds(text: str | None) -> tuple[int | None, int | None]:
    from . import dates

    if not text:
        return None, None
    try:
        date = dates.parse(text)
    except dates.DateError:
        return None, None
    lower, upper = date.lower, date.upper
    return (
        lower.toordinal() if lower else _NO_DAY_BEFORE,
        upper.toordinal() if upper else _NO_DAY_AFTER,
    )


# ----------------------------------------------------------------------------- records


class EntryRecord(NamedTuple):
    """One searchable entity, as a row of the index."""

    kind: str
    entity: str
    title: str
    line: int
    names: str = ""
    summary: str = ""
    body: str = ""
    briefing: str | None = None
    status: str | None = None
    date: str | None = None
    actors: AbstractSet[str] = frozenset()
    fuzzy_names: tuple[str, ...] = ()
    origins: list[tuple[str | None, str]] | None = None
    """For a merged actor or place: (briefing id or None, file path) of each definition."""


class DocumentRecords(NamedTuple):
    """What one document adds to the index."""

    briefing: str | None
    tags: list[str]
    entries: list[EntryRecord]
    definitions: list[tuple[str, str, dict[str, Any]]]
    """(kind, id, data) of each actor and place this document defines."""
    mentions: set[str]
    """Ids of the actors and places a briefing defines or names."""


def judgment_id(index: int, judgment: Any) -> str:
    """The id a judgment is found by: its own, or `judgments[i]` (which no slug can be)."""
    return judgment.id or f"judgments[{index}]"


def document_records(document: Document, name_of: NameOf | None = None) -> DocumentRecords:
    """Every entity of a usable document as index rows (nothing for an unusable one). A link
    without a label is shown by the name of what it names: an event, question, source or
    judgment of the same briefing by its own title, anything else by `name_of`."""
    from .links import find_links, plain
    from .text import one_line, visible

    entries: list[EntryRecord] = []
    definitions: list[tuple[str, str, dict[str, Any]]] = []
    mentions: set[str] = set()
    if document.registry is not None:
        for i, actor in enumerate(document.registry.actors):
            definitions.append(
                ("actor", actor.id, _actor_data(actor, document.line_of(("actors", i)), None))
            )
        return DocumentRecords(None, [], entries, definitions, mentions)
    briefing = document.briefing
    if briefing is None:
        return DocumentRecords(None, [], entries, definitions, mentions)
    bid = briefing.id
    local = {
        item.id
        for group in (briefing.timeline, briefing.questions, briefing.sources, briefing.judgments)
        for item in group
        if item.id
    }

    def linked(*texts: str | None) -> set[str]:
        found = set()
        for text in texts:
            for link in find_links(text or ""):
                if "#" not in link.target and link.target not in local:
                    found.add(link.target)
        return found

    def line(*loc: str | int) -> int:
        return document.line_of(loc)

    defined = {item.id for group in (briefing.actors, briefing.places) for item in group}
    titles: dict[str, str] = {}
    for group, title_of in (
        (briefing.timeline, lambda event: event.title),
        (briefing.questions, lambda question: plain(question.text)),
        (briefing.sources, lambda source: source.title),
        (briefing.judgments, lambda judgment: plain(judgment.text)),
    ):
        for item in group:
            if item.id and item.id not in defined:
                titles.setdefault(item.id, one_line(title_of(item)))

    def named(target: str, context: str | None) -> str | None:
        head, sep, local = target.partition("#")
        own = (local if head == bid else None) if sep else target
        if own in titles:
            return titles[own]
        return name_of(target, context) if name_of is not None else None

    def prose(text: str | None) -> str:
        return _prose(text, named, bid)

    add = entries.append
    for i, actor in enumerate(briefing.actors):
        definitions.append(("actor", actor.id, _actor_data(actor, line("actors", i), bid)))
        mentions.add(actor.id)
        mentions.update(r.target for r in actor.relations)
        mentions.update(linked(actor.profile, *(r.note for r in actor.relations)))
    for i, place in enumerate(briefing.places):
        definitions.append(
            (
                "place",
                place.id,
                {
                    "name": place.name,
                    "aliases": list(place.aliases),
                    "line": line("places", i),
                    "briefing": bid,
                },
            )
        )
        mentions.add(place.id)
    for i, event in enumerate(briefing.timeline):
        fatalities = event.fatalities.note if event.fatalities else None
        actors = {a.ref for a in event.actors} | linked(event.description, fatalities)
        mentions.update(actors)
        if event.place:
            mentions.add(event.place)
        add(
            EntryRecord(
                "event",
                event.id,
                one_line(event.title),
                line("timeline", i),
                names=visible(event.title),
                summary=prose(event.description),
                body=_join(
                    (
                        visible(event.date_text or ""),
                        visible(event.type or ""),
                        visible(event.location or ""),
                        prose(fatalities),
                    )
                ),
                briefing=bid,
                status=event.status,
                date=event.date,
                actors=actors,
            )
        )
    for i, question in enumerate(briefing.questions):
        claims = [claim.text for claim in question.claims]
        actors = set(question.about) | linked(question.text, question.answer, *claims)
        mentions.update(actors)
        add(
            EntryRecord(
                "question",
                question.id,
                _title(prose(question.text)),
                line("questions", i),
                summary=prose(question.text),
                body=_join((prose(question.answer), *map(prose, claims))),
                briefing=bid,
                status=question.status,
                actors=actors,
            )
        )
    for i, source in enumerate(briefing.sources):
        add(
            EntryRecord(
                "source",
                source.id,
                one_line(source.title),
                line("sources", i),
                names=visible(source.title),
                summary=visible(source.publisher or ""),
                body=_join((visible(source.kind or ""), visible(source.url or ""))),
                briefing=bid,
                date=source.published,
            )
        )
    for i, judgment in enumerate(briefing.judgments):
        actors = linked(judgment.text)
        mentions.update(actors)
        add(
            EntryRecord(
                "judgment",
                judgment_id(i, judgment),
                _title(prose(judgment.text)),
                line("judgments", i),
                summary=prose(judgment.text),
                briefing=bid,
                actors=actors,
            )
        )
    mentions.update(linked(briefing.summary))
    add(
        EntryRecord(
            "briefing",
            bid,
            one_line(briefing.title),
            line("title"),
            names=visible(briefing.title),
            summary=_join((prose(briefing.summary), " ".join(briefing.tags))),
            body=_join(map(visible, briefing.authors)),
            briefing=bid,
            date=briefing.as_of,
        )
    )
    return DocumentRecords(bid, list(briefing.tags), entries, definitions, mentions)


def _actor_data(actor: Any, line: int, briefing: str | None) -> dict[str, Any]:
    from .links import find_links

    notes = [relation.note for relation in actor.relations if relation.note]
    targets = {relation.target for relation in actor.relations}
    for text in (actor.profile, *notes):
        targets.update(link.target for link in find_links(text or "") if "#" not in link.target)
    return {
        "name": actor.name,
        "aliases": list(actor.aliases),
        "profile": actor.profile,
        "notes": notes,
        "targets": sorted(targets),
        "line": line,
        "briefing": briefing,
    }


def merged_record(
    kind: str,
    entity: str,
    definitions: list[tuple[str, dict[str, Any]]],
    name_of: NameOf | None = None,
) -> EntryRecord:
    """The one row of an actor or place from its definitions, (file path, data) in file order;
    links without a label in profiles and notes shown by `name_of`."""
    from .text import one_line, visible

    first = definitions[0][1]
    names = [data["name"] for _, data in definitions]
    aliases = [alias for _, data in definitions for alias in data["aliases"]]
    all_names = list(dict.fromkeys(names + aliases))
    return EntryRecord(
        kind,
        entity,
        one_line(first["name"]),
        first["line"],
        names=_join(map(visible, all_names)),
        summary=_join(
            _prose(data.get("profile"), name_of, data["briefing"]) for _, data in definitions
        ),
        body=_join(
            _prose(note, name_of, data["briefing"])
            for _, data in definitions
            for note in data.get("notes", ())
        ),
        briefing=first["briefing"],
        actors={target for _, data in definitions for target in data.get("targets", ())},
        fuzzy_names=tuple(all_names),
        origins=[(data["briefing"], path) for path, data in definitions],
    )


# ----------------------------------------------------------------------------- hits


class Hit(NamedTuple):
    """One search result. Text in `title` and `spans` has passed through `visible()`."""

    id: str
    """The entity's id; an unnamed judgment is `judgments[i]`."""
    kind: str
    briefing: str | None
    """The briefing it belongs to (a merged actor or place: its first defining briefing)."""
    title: str
    path: str
    """The file, as reached from the paths the index was opened with."""
    line: int
    score: float
    """Higher is better; comparable only within one list of hits."""
    spans: tuple[tuple[str, bool], ...]
    """The snippet as (text, is_hit) pairs, on one line."""
    defined_in: tuple[str, ...] = ()
    """For an actor or place: the briefings (ids) and registries (paths) that define it."""

    @property
    def snippet(self) -> str:
        """The snippet as plain text, without any marking."""
        return "".join(text for text, _ in self.spans)

    @property
    def ref(self) -> EntityRef:
        """The entity to open (an unnamed judgment opens its briefing)."""
        from .refs import EntityRef

        if self.kind in ("briefing", "actor", "place"):
            return EntityRef(self.kind, self.id)  # type: ignore[arg-type]
        if self.kind == "judgment" and self.id.startswith("judgments["):
            return EntityRef("briefing", self.briefing or "")
        return EntityRef(self.kind, self.id, self.briefing)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, Any]:
        """The hit as the JSON object `search --json` prints."""
        return {
            "id": self.id,
            "kind": self.kind,
            "briefing": self.briefing,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "score": self.score,
            "snippet": self.snippet,
        }


def _spans(marked: str) -> tuple[tuple[str, bool], ...]:
    """FTS5 snippet text with hit markers as (text, is_hit) spans, whitespace folded."""
    spans: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{_OPEN}{_CLOSE}]", marked)):
        text = re.sub(r"\s+", " ", part)
        if text:
            spans.append((text, i % 2 == 1))
    if spans:
        spans[0] = (spans[0][0].lstrip(), spans[0][1])
        spans[-1] = (spans[-1][0].rstrip(), spans[-1][1])
    return tuple(span for span in spans if span[0])


def _name_spans(names: str, matched: set[str]) -> tuple[tuple[str, bool], ...]:
    """Names with the words that a fuzzy lookup matched marked."""
    words = list(WORD.finditer(names))
    folded = [fold(w.group()) for w in words]
    hit = [False] * len(words)
    for i, token in enumerate(folded):
        if token in matched:
            hit[i] = True
        if i + 1 < len(words) and token + folded[i + 1] in matched:
            hit[i] = hit[i + 1] = True
    spans: list[tuple[str, bool]] = []
    cursor = 0
    for word, is_hit in zip(words, hit, strict=True):
        if not is_hit:
            continue
        if word.start() > cursor:
            spans.append((names[cursor : word.start()], False))
        spans.append((word.group(), True))
        cursor = word.end()
    if cursor < len(names):
        spans.append((names[cursor:], False))
    return tuple(spans)


# ----------------------------------------------------------------------------- names


class _StoredNames:
    """Names of link targets from the index itself, for indexing without a loaded library:
    actors and places by their first definition, briefings and their entities by their rows.
    While an update reads its documents, a target not stored yet comes back marked; once every
    document is read (`final`), `settled` names it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._found: dict[tuple[str, str | None], str | None] = {}
        self._waiting: dict[tuple[str, str], str] = {}
        """Titles of the rows of documents whose rows wait for names: (briefing, id or "")."""
        self.final = False
        """True once every document of the update is read: a target unknown then is unknown."""

    def __call__(self, target: str, context: str | None) -> str | None:
        key = (target, context)
        if key not in self._found:
            self._found[key] = self._find(target, context)
        name = self._found[key]
        if name is None and not self.final:
            from .text import visible

            return f"{_NAME_OPEN}{visible(target)}{_NAME_CLOSE}"
        return name

    def wait(self, records: DocumentRecords) -> None:
        """Remember the titles of a document whose rows wait (they are not stored yet)."""
        for entry in records.entries:
            if entry.kind == "briefing":
                self._waiting[entry.entity, ""] = entry.title
            elif entry.kind not in ("actor", "place") and entry.briefing is not None:
                self._waiting.setdefault((entry.briefing, entry.entity), entry.title)

    def finish(self) -> None:
        """Every document is read: look again for what was not found."""
        self.final = True
        self._found = {key: name for key, name in self._found.items() if name is not None}

    def settled(self, entry: EntryRecord) -> EntryRecord:
        """`entry` with every marked target named (or shown as its target)."""

        def name(match: re.Match[str]) -> str:
            found = self(match.group(1), None)
            return _WAITING_NAME.sub(r"\1", found) if found is not None else match.group(1)

        def settle(text: str) -> str:
            return _WAITING_NAME.sub(name, text) if _NAME_OPEN in text else text

        return entry._replace(
            title=_title(settle(entry.title)),
            names=settle(entry.names),
            summary=settle(entry.summary),
            body=settle(entry.body),
        )

    def _find(self, target: str, context: str | None) -> str | None:
        """The name of what `target` names seen from briefing `context`, in the order links
        resolve: an entity of that briefing, an actor, a place, a briefing."""
        head, sep, local = target.partition("#")
        if sep:
            if not local:
                return self._briefing(head)
            return self._local(head, local) or self._defined(local)
        if context is not None:
            name = self._local(context, target)
            if name is not None:
                return name
        return self._defined(target) or self._briefing(target)

    def _local(self, briefing: str, entity: str) -> str | None:
        title = self._waiting.get((briefing, entity))
        if title is not None:
            return _WAITING_NAME.sub(r"\1", title)
        row = self._db.execute(
            "SELECT title FROM entries WHERE briefing = ? AND entity = ? AND doc IS NOT NULL"
            " AND kind NOT IN ('briefing', 'actor', 'place') ORDER BY kind_rank LIMIT 1",
            (briefing, entity),
        ).fetchone()
        return row[0] if row else None

    def _defined(self, entity: str) -> str | None:
        import json

        from .text import one_line

        for kind in ("actor", "place"):
            row = self._db.execute(
                "SELECT f.data FROM definitions f JOIN documents d ON d.id = f.doc"
                " WHERE f.kind = ? AND f.entity = ? ORDER BY d.path, f.ord LIMIT 1",
                (kind, entity),
            ).fetchone()
            if row:
                return one_line(json.loads(row[0])["name"])
        return None

    def _briefing(self, briefing: str) -> str | None:
        title = self._waiting.get((briefing, ""))
        if title is not None:
            return title
        row = self._db.execute(
            "SELECT title FROM entries WHERE kind = 'briefing' AND entity = ? AND doc IS NOT NULL"
            " LIMIT 1",
            (briefing,),
        ).fetchone()
        return row[0] if row else None


# ----------------------------------------------------------------------------- files


FileStat = tuple[int, int]


def library_files(paths: Iterable[str | Path]) -> dict[str, FileStat]:
    """Every document file under `paths` (as `loader.discover` finds them) by real path, with
    its size and mtime."""
    found, _ = discovery.walk(paths)
    files: dict[str, FileStat] = {}
    # In one thread: a stat is a system call of a microsecond or two, too short for threads to
    # win back what handing the GIL between them costs (four took longer at 5,000 files).
    for _, path in found:
        try:
            info = os.stat(path)
        except OSError:
            continue
        files[path] = (info.st_size, info.st_mtime_ns)
    return files


def _fingerprint(files: dict[str, FileStat]) -> str:
    """A checksum of every file's path, size and mtime: equal when no file changed."""
    paths = sorted(files)
    names = "\0".join(paths).encode("utf-8", "surrogatepass")
    numbers = array.array("q", [number for path in paths for number in files[path]]).tobytes()
    crc = zlib.crc32(numbers, zlib.crc32(names))
    adler = zlib.adler32(numbers, zlib.adler32(names))
    return f"{crc:08x}{adler:08x}{len(files)}"


def index_location(paths: Sequence[str | Path], cache_dir: str | Path | None = None) -> Path:
    """Where the index of the library made of `paths` lives (one database per library)."""
    from pathlib import Path

    return Path(_index_file(paths, cache_dir))


def _index_file(paths: Sequence[str | Path], cache_dir: str | Path | None) -> str:
    """`index_location` as a string: a warm search does without pathlib."""
    if cache_dir is None:
        cache_dir = user_cache_dir()
    key = "\0".join(sorted({os.path.realpath(p) for p in paths})).encode("utf-8", "surrogatepass")
    # Two checksums make a 64-bit name; zlib is already loaded, hashlib would load OpenSSL.
    name = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sqlite3"
    return os.path.join(cache_dir, "search", name)


class UpdateCancelled(Exception):
    """An update given up part way, when asked to stop: the index holds what it held before."""


class Changes(NamedTuple):
    """What an update did: documents indexed afresh and documents dropped."""

    indexed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.indexed or self.removed)


if TYPE_CHECKING:
    Loader = Callable[[Path], Document]
Progress = Callable[[int, int], None]


def _default_loader() -> Loader:
    from . import loader

    def load(path: Path) -> Document:
        return loader.load_document(path, loader.display_path(path))

    return load


# ----------------------------------------------------------------------------- the index


class SearchIndex:
    """The search index of one library: open it, bring it up to date, query it."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        use_cache: bool = True,
        cache_dir: str | Path | None = None,
    ) -> None:
        """Open (or create) the index of the library made of `paths`. Nothing is read from the
        library yet: call `update()` or `update_from(library)`. Without `use_cache`, or when the
        cache cannot be written, the index lives in memory."""
        self.paths = tuple(str(p) for p in paths)
        self._roots = [(os.path.realpath(p), str(p)) for p in self.paths]
        self._location = _index_file(paths, cache_dir) if use_cache else None
        self.rebuilt = False
        """True when an unreadable or outdated database file was thrown away."""
        self._resync: Callable[[], Changes] | None = None
        self._words_seen: set[str] = set()
        """Words written to the `words` table in this update (the table only grows: a word
        that left the library costs a useless alternative in a prefix's expansion, no more)."""
        self._db = self._connect()

    @property
    def location(self) -> Path | None:
        """The database file, or None when the index lives in memory."""
        if self._location is None:
            return None
        from pathlib import Path

        return Path(self._location)

    @property
    def persistent(self) -> bool:
        """True when the index is kept on disk between runs."""
        return self._location is not None

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------- opening

    def _connect(self) -> sqlite3.Connection:
        if self._location is not None:
            try:
                return self._open_file(self._location)
            except (OSError, sqlite3.Error):
                self._location = None  # not writable (or not even readable): work in memory
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.executescript(_SCHEMA)
        return db

    def _open_file(self, location: str) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(location), exist_ok=True)
        db = self._try_open(location)
        if db is None:
            self.rebuilt = True
            _remove_database(location)
            db = self._try_open(location)
            if db is None:
                raise sqlite3.DatabaseError("could not create the index")
        return db

    def _try_open(self, location: str) -> sqlite3.Connection | None:
        """The open database, or None when it is corrupt or of another format version."""
        db = sqlite3.connect(
            location, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False
        )
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if version == FORMAT_VERSION and tables >= _TABLES:
                db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                return db
            if version == 0 and not tables:
                db.execute("PRAGMA journal_mode = WAL")
                # IF NOT EXISTS throughout: another process may create it at the same moment.
                db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
                db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
                return db
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                db.close()
                raise
        db.close()
        return None

    def _rebuild(self) -> None:
        """Throw the database away and start an empty one (after finding it corrupt)."""
        self._db.close()
        self.rebuilt = True
        if self._location is not None:
            _remove_database(self._location)
        self._db = self._connect()

    def _guarded(self, action: Callable[[], Any], resync: bool = False) -> Any:
        """Run `action`; if the database turns out corrupt, rebuild it, and if it cannot be
        written, move to memory; then (after indexing the library again, with `resync`) run
        `action` once more."""
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if _is_corrupt(exc):
                self._rebuild()
            elif code in _UNUSABLE_CODES and self._location is not None:
                # Not writable, or another process kept it locked past the timeout.
                self._db.close()
                self._location = None
                self._db = self._connect()
            else:
                raise
        if resync and self._resync is not None:
            self._resync()
        return action()

    # ------------------------------------------------------------------- updating

    def _known(self) -> dict[str, tuple[int, int, int]]:
        """Indexed files: (size, mtime, format version) by path."""
        return {
            path: (size, mtime, version)
            for path, size, mtime, version in self._db.execute(
                "SELECT path, size, mtime_ns, version FROM documents"
            )
        }

    def stale(self) -> tuple[dict[str, FileStat], list[str]]:
        """Files that are new or changed since they were indexed (with their stat), and the
        indexed files that are gone."""
        on_disk = library_files(self.paths)
        fingerprint = _fingerprint(on_disk)
        stored = self._db.execute("SELECT value FROM meta WHERE key = 'files'").fetchone()
        if stored is not None and stored[0] == fingerprint:
            return {}, []  # the usual case, answered without reading every document's row
        known = self._known()
        changed = {
            path: stat
            for path, stat in on_disk.items()
            if known.get(path) != (*stat, FORMAT_VERSION)
        }
        removed = [path for path in known if path not in on_disk]
        if not changed and not removed:
            # Nothing to index, yet another checksum (one an older version computed): keep
            # this one, or every search would read every document's row. Only a cache: a
            # database that cannot be written now is left as it is.
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('files', ?)", (fingerprint,)
                )
        return changed, removed

    def update(self, load: Loader | None = None, progress: Progress | None = None) -> Changes:
        """Bring the index up to date with the files: read only the new and changed ones (with
        `load`, default the project's loader) and forget the removed ones. `progress` is told
        (files read, files to read) as it goes."""

        def run() -> Changes:
            changed, removed = self.stale()
            if not changed and not removed:
                return Changes()
            from pathlib import Path

            loader = load or _default_loader()

            def documents() -> Iterator[tuple[str, FileStat, Document]]:
                for done, (path, stat_) in enumerate(changed.items(), start=1):
                    yield path, stat_, loader(Path(path))
                    if progress is not None:
                        progress(done, len(changed))

            return self._apply(documents(), removed, reread=lambda path: loader(Path(path)))

        self._resync = lambda: self.update(load)
        return self._guarded(run)

    def update_from(self, library: Library, cancelled: Callable[[], bool] | None = None) -> Changes:
        """Bring the index up to date with a loaded library, reusing its documents: those whose
        files changed since they were indexed are indexed from the library's models. When
        `cancelled` turns true part way, it stops and raises UpdateCancelled."""

        def run() -> Changes:
            known = self._known()
            current: dict[str, tuple[FileStat, Document]] = {}
            for document in library.documents:
                path = os.path.realpath(document.path)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                current[path] = ((info.st_size, info.st_mtime_ns), document)
            fresh = [
                (path, stat_, document)
                for path, (stat_, document) in current.items()
                if known.get(path) != (*stat_, FORMAT_VERSION)
            ]
            removed = [path for path in known if path not in current]
            if not fresh and not removed:
                return Changes()
            by_path = {path: document for path, (_, document) in current.items()}
            return self._apply(
                fresh, removed, library_names(library), cancelled, reread=by_path.get
            )

        self._resync = lambda: self.update_from(library)
        return self._guarded(run)

    def index_documents(self, documents: Iterable[Document]) -> Changes:
        """Index these documents as they are (whatever their files hold): for tests and for
        callers that build documents themselves."""
        items = []
        for document in documents:
            path = os.path.realpath(document.path)
            try:
                info = os.stat(path)
                stat_ = (info.st_size, info.st_mtime_ns)
            except OSError:
                stat_ = (-1, -1)
            items.append((path, stat_, document))
        return self._guarded(lambda: self._apply(items, []))

    def _apply(
        self,
        documents: Iterable[tuple[str, FileStat, Document]],
        removed: Iterable[str],
        name_of: NameOf | None = None,
        cancelled: Callable[[], bool] | None = None,
        reread: Callable[[str], Document | None] | None = None,
    ) -> Changes:
        """Index `documents` afresh and forget `removed`, in one transaction; links without a
        label named by `name_of`, or else by what the index holds once every document is in.
        `cancelled` is asked between documents: true, the transaction is rolled back. When an
        actor or place is renamed, the unchanged documents that mention it are indexed again
        (their links without a label show its name) from `reread(path)`, when given."""

        db = self._db
        stored = _StoredNames(db) if name_of is None else None
        names = name_of or stored
        waiting: list[tuple[int, str, list[EntryRecord]]] = []
        indexed: list[str] = []
        gone: list[str] = []
        touched: set[tuple[str, str]] = set()
        self._words_seen = set()
        db.execute("BEGIN IMMEDIATE")
        try:
            next_id = db.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM entries").fetchone()[0]
            for path in removed:
                touched |= self._forget(path)
                gone.append(path)
            for path, stat, document in documents:
                if cancelled is not None and cancelled():
                    raise UpdateCancelled
                touched |= self._forget(path)
                records = document_records(document, names)
                doc = self._add_document(path, stat, records)
                if stored is not None and any(
                    _NAME_OPEN in text
                    for entry in records.entries
                    for text in (entry.title, entry.summary, entry.body)
                ):
                    # It links to what a document not read yet defines: its rows wait.
                    stored.wait(records)
                    waiting.append((doc, path, records.entries))
                else:
                    next_id = self._insert(doc, path, records.entries, next_id)
                touched.update((kind, entity) for kind, entity, _ in records.definitions)
                indexed.append(path)
            if stored is not None:
                stored.finish()
                for doc, path, entries in waiting:
                    settled = [stored.settled(entry) for entry in entries]
                    next_id = self._insert(doc, path, settled, next_id)
            renamed, next_id = self._merge(touched, next_id, names)
            if renamed and reread is not None:
                indexed += self._rename_in_mentions(renamed, set(indexed), reread, name_of, next_id)
            large = len(indexed) + len(gone) >= OPTIMIZE_AFTER
            if cancelled is not None and cancelled():
                raise UpdateCancelled
            if large:
                # Many new segments: merge them, or every lookup probes each one.
                db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
                db.execute("INSERT INTO name_index(name_index) VALUES ('optimize')")
            files = {path: (size, mtime) for path, (size, mtime, _) in self._known().items()}
            db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('files', ?)",
                (_fingerprint(files),),
            )
            db.execute("COMMIT")
            if large and self._location is not None:
                # Move the pages into the database: read through a large WAL, every page
                # costs a lookup in its index first.
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return Changes(tuple(indexed), tuple(gone))

    def _add_document(self, path: str, stat: FileStat, records: DocumentRecords) -> int:
        """Store a document's row and what filters and merges ask about it (its tags, what it
        mentions, the actors and places it defines); its id, for its entries."""
        import json

        db = self._db
        doc: int = db.execute(
            "INSERT INTO documents(path, size, mtime_ns, version, briefing) VALUES (?, ?, ?, ?, ?)",
            (path, *stat, FORMAT_VERSION, records.briefing),
        ).lastrowid
        db.executemany("INSERT INTO tags(doc, tag) VALUES (?, ?)", [(doc, t) for t in records.tags])
        if records.briefing is not None:
            db.executemany(
                "INSERT INTO mentions(doc, briefing, entity) VALUES (?, ?, ?)",
                [(doc, records.briefing, entity) for entity in records.mentions],
            )
        db.executemany(
            "INSERT INTO definitions(doc, kind, entity, ord, data) VALUES (?, ?, ?, ?, ?)",
            [
                (doc, kind, entity, ord_, json.dumps(data))
                for ord_, (kind, entity, data) in enumerate(records.definitions)
            ],
        )
        return doc

    def _forget(self, path: str) -> set[tuple[str, str]]:
        """Drop a document's rows; the actors and places it defined, to merge again."""
        db = self._db
        row = db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
        if row is None:
            return set()
        doc = row[0]
        touched = set(db.execute("SELECT kind, entity FROM definitions WHERE doc = ?", (doc,)))
        self._delete_entries("doc = ?", (doc,))
        for table in ("tags", "mentions", "definitions"):
            db.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,))
        db.execute("DELETE FROM documents WHERE id = ?", (doc,))
        return touched

    def _delete_entries(self, where: str, params: Sequence[Any]) -> None:
        db = self._db
        ids = f"SELECT id FROM entries WHERE {where}"
        db.execute(f"DELETE FROM fts WHERE rowid IN ({ids})", params)
        db.execute(f"DELETE FROM name_index WHERE rowid IN ({ids})", params)
        db.execute(f"DELETE FROM entry_actors WHERE entry IN ({ids})", params)
        db.execute(f"DELETE FROM name_tokens WHERE entry IN ({ids})", params)
        db.execute(f"DELETE FROM entries WHERE {where}", params)

    def _insert(
        self, doc: int | None, path: str, entries: Sequence[EntryRecord], next_id: int
    ) -> int:
        import json

        db = self._db
        rows, texts, actors, tokens = [], [], [], []
        words: set[str] = set()
        for entry in entries:
            lower, upper = _bounds(entry.date)
            origins = json.dumps(entry.origins) if entry.origins is not None else None
            rows.append(
                (
                    next_id, doc, entry.kind, entry.entity, entry.briefing, entry.title, path,
                    entry.line, entry.status, lower, upper, origins, KIND_ORDER.index(entry.kind),
                )
            )  # fmt: skip
            facets = _facets(entry.kind, entry.status, lower, upper)
            texts.append((next_id, entry.names, entry.summary, entry.body, facets))
            for text in (entry.names, entry.summary, entry.body):
                words.update(WORD.findall(text.lower()))
            actors.extend((next_id, actor) for actor in entry.actors)
            tokens.extend((next_id, token) for token in name_tokens(entry.fuzzy_names))
            next_id += 1
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany(
            "INSERT INTO fts(rowid, names, summary, body, facets) VALUES (?, ?, ?, ?, ?)", texts
        )
        db.executemany(
            "INSERT INTO name_index(rowid, names, facets) VALUES (?, ?, ?)",
            [(t[0], t[1], t[4]) for t in texts if t[1]],
        )
        db.executemany("INSERT INTO entry_actors(entry, actor) VALUES (?, ?)", actors)
        db.executemany("INSERT INTO name_tokens(entry, token) VALUES (?, ?)", tokens)
        new_words = words - self._words_seen
        self._words_seen |= new_words
        db.executemany(
            "INSERT OR IGNORE INTO words(key, word) VALUES (?, ?)",
            [(fold(word), word) for word in new_words],
        )
        return next_id

    def _merge(
        self, touched: set[tuple[str, str]], next_id: int, name_of: NameOf | None = None
    ) -> tuple[set[str], int]:
        """Rebuild the one row of each touched actor and place from its definitions; the ids
        of those whose name changed (or that came or went), and the next free entry id."""
        import json

        db = self._db
        renamed: set[str] = set()
        for kind, entity in sorted(touched):
            where = "doc IS NULL AND kind = ? AND entity = ?"
            before = db.execute(f"SELECT title FROM entries WHERE {where}", (kind, entity))
            old_name = next((title for (title,) in before), None)
            self._delete_entries(where, (kind, entity))
            definitions = [
                (path, json.loads(data))
                for path, data in db.execute(
                    "SELECT d.path, f.data FROM definitions f JOIN documents d ON d.id = f.doc"
                    " WHERE f.kind = ? AND f.entity = ? ORDER BY d.path, f.ord",
                    (kind, entity),
                )
            ]
            new_name = None
            if definitions:
                record = merged_record(kind, entity, definitions, name_of)
                next_id = self._insert(None, definitions[0][0], [record], next_id)
                new_name = record.title
            if new_name != old_name:
                renamed.add(entity)
        return renamed, next_id

    def _rename_in_mentions(
        self,
        renamed: set[str],
        done: set[str],
        reread: Callable[[str], Document | None],
        name_of: NameOf | None,
        next_id: int,
    ) -> list[str]:
        """Index again the briefings not in `done` that mention an actor or place of
        `renamed` (their rows hold its old name wherever a link gives none of its own); their
        paths."""
        db = self._db
        if db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] <= len(done):
            return []  # every document was just indexed with the names as they are now
        db.execute("CREATE TEMP TABLE IF NOT EXISTS renamed(entity TEXT PRIMARY KEY)")
        db.execute("DELETE FROM renamed")
        db.executemany("INSERT INTO renamed(entity) VALUES (?)", [(e,) for e in renamed])
        rows = db.execute(
            "SELECT DISTINCT d.path, d.size, d.mtime_ns FROM renamed r"
            " JOIN mentions m ON m.entity = r.entity JOIN documents d ON d.id = m.doc"
            " ORDER BY d.path"
        ).fetchall()
        names = name_of
        if names is None:
            names = _StoredNames(db)  # the names as merged now, none remembered from before
            names.final = True
        touched: set[tuple[str, str]] = set()
        again: list[str] = []
        for path, size, mtime_ns in rows:
            if path in done:
                continue
            document = reread(path)
            if document is None:
                continue
            again.append(path)
            touched |= self._forget(path)
            records = document_records(document, names)
            doc = self._add_document(path, (size, mtime_ns), records)
            next_id = self._insert(doc, path, records.entries, next_id)
        self._merge(touched, next_id, names)
        return again

    # ------------------------------------------------------------------- querying

    def search(self, query: str | Query, limit: int = 50) -> list[Hit]:
        """The best hits for a query, best first; raises QueryError for a malformed query."""
        parsed = parse_query(query) if isinstance(query, str) else query
        return self._guarded(lambda: self._search(parsed, max(limit, 0)), resync=True)

    def _years(self) -> tuple[int, int] | None:
        """The first and last year any dated entity may fall in."""
        lowest, highest = self._db.execute(
            "SELECT (SELECT min(date_lower) FROM entries WHERE date_lower > ?),"
            " (SELECT max(date_upper) FROM entries WHERE date_upper < ?)",
            (_NO_DAY_BEFORE, _NO_DAY_AFTER),
        ).fetchone()
        if lowest is None or highest is None:
            return None
        return dt.date.fromordinal(lowest).year, dt.date.fromordinal(highest).year

    def _expand(self, prefix: str) -> list[str]:
        """The library's words that start with `prefix` (diacritics folded), when few enough."""
        key = fold(prefix)
        if not WORD.fullmatch(key):
            return []
        rows = self._db.execute(
            "SELECT word FROM words WHERE key >= ? AND key < ? LIMIT ?",
            (key, key + "\U0010ffff", MAX_EXPANSION + 1),
        ).fetchall()
        return [] if len(rows) > MAX_EXPANSION else [word for (word,) in rows]

    def _search(self, query: Query, limit: int) -> list[Hit]:
        query = query.expanded(self._expand)
        plan = _Plan(query, self._years())
        db = self._db
        if query.match is None:
            where, params = plan.all_filters()
            rows = db.execute(
                f"SELECT e.id FROM entries e WHERE {where}"
                " ORDER BY e.kind_rank, e.path, e.line LIMIT ?",
                (*params, limit),
            ).fetchall()
            return self._hits([(entry, 0.0, None) for (entry,) in rows], None)
        selected: list[int] | None = None
        if plan.selective:
            selected = [
                row[0]
                for row in db.execute(
                    f"SELECT e.id FROM entries e WHERE {plan.gather} LIMIT {SELECTIVE + 1}",
                    plan.gather_params,
                )
            ]
            if len(selected) > SELECTIVE:
                selected = None
        # Hits whose name or title matches come first, ranked among themselves by the names
        # alone (bm25 over a whole row saturates and penalises long profiles); the rest
        # follow when the names do not fill the page.
        named = self._ranked(
            "name_index",
            NAMES_BM25,
            plan.names_match,
            plan.names_text,
            plan,
            selected,
            limit,
            set(),
        )
        if named and query.exclude:
            # Names cannot tell whether the prose holds an excluded term: ask each hit.
            marks = ",".join(str(entry) for entry, _ in named)
            excluded = {
                row[0]
                for row in db.execute(
                    f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
                    (plan.excluded_match,),
                )
            }
            named = [(entry, score) for entry, score in named if entry not in excluded]
        rows = [(entry, NAME_BONUS + score) for entry, score in named]
        if len(rows) < limit:
            seen = {entry for entry, _ in rows}
            rows += self._ranked(
                "fts", BM25, plan.match, plan.text, plan, selected, limit - len(rows), seen
            )
        near: list[tuple[int, float, set[str]]] = []
        if query.fuzzy_words and plan.names_kinds and not (named and len(rows) >= limit):
            found = {entry for entry, _ in rows}
            near = [item for item in self._fuzzy(query, plan) if item[0] not in found][:limit]
        if named:
            # A name was spelt right: near names come after everything that matched exactly.
            floor = rows[-1][1] * 0.5
            near = [(entry, floor * sim, tokens) for entry, sim, tokens in near]
            order: list[tuple[int, float, set[str] | None]] = [
                *((e, s, None) for e, s in rows),
                *near,
            ]
        else:
            # Nothing matched a name: a misspelt name is the likeliest meaning, so it comes first.
            top = rows[0][1] if rows else 0.0
            near = [(entry, top + sim, tokens) for entry, sim, tokens in near]
            order = [*near, *((e, s, None) for e, s in rows)]
        return self._hits(order[:limit], plan.snippet_match)

    def _ranked(
        self,
        table: str,
        bm25: str,
        full: str,
        text: str,
        plan: _Plan,
        selected: list[int] | None,
        limit: int,
        skip: set[int],
    ) -> list[tuple[int, float]]:
        """The best (entry, score) of one FTS table: the entries matching `full` (the text,
        exclusions and facets) and the plan's SQL filters, the latest `CANDIDATES` of them,
        ranked by bm25 over `text` (the positive terms) alone. bm25 first reads every row of
        every phrase it is given, so facet tokens, found in tens of thousands of rows, stay
        out of it."""
        db = self._db
        count = max(CANDIDATES, 5 * limit)
        if selected is not None:
            if not selected:
                return []
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
                    f" AND rowid BETWEEN ? AND ? AND +rowid IN ({','.join(map(str, selected))})",
                    (full, min(selected), max(selected)),
                )
            ]
        elif plan.where != "1":
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT e.id FROM {table} JOIN entries e ON e.id = {table}.rowid"
                    f" WHERE {table} MATCH ? AND {plan.where} ORDER BY {table}.rowid DESC LIMIT ?",
                    (full, *plan.params, count),
                )
            ]
        elif full != text:
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?",
                    (full, count),
                )
            ]
        else:
            ids = None
        if ids is None:
            rows = db.execute(
                f"SELECT rowid, {bm25} FROM {table} WHERE {table} MATCH ?"
                " ORDER BY rowid DESC LIMIT ?",
                (text, count),
            ).fetchall()
        else:
            ids = [entry for entry in ids if entry not in skip]
            if not ids:
                return []
            rows = db.execute(
                f"SELECT rowid, {bm25} FROM {table} WHERE {table} MATCH ?"
                f" AND rowid BETWEEN ? AND ? AND +rowid IN ({','.join(map(str, ids))})",
                (text, min(ids), max(ids)),
            ).fetchall()
        rows.sort(key=lambda row: row[1])  # bm25 is lower for better matches
        return [(entry, -score) for entry, score in rows if entry not in skip][:limit]

    def _fuzzy(self, query: Query, plan: _Plan) -> list[tuple[int, float, set[str]]]:
        """Actors and places whose names come close to every word of the query:
        (entry, mean similarity, matched tokens), most alike first."""
        db = self._db
        per_word: list[dict[str, float]] = []
        for word in query.fuzzy_words:
            folded = "".join(WORD.findall(fold(word)))
            if len(folded) < 3:
                matches = {folded: 1.0} if folded else {}
            else:
                grams = {folded[i : i + 3] for i in range(len(folded) - 2)}
                candidates = db.execute(
                    "SELECT token FROM vocab_trigrams WHERE vocab_trigrams MATCH ?"
                    " ORDER BY rank LIMIT 60",
                    (" OR ".join(f'"{gram}"' for gram in sorted(grams)),),
                ).fetchall()
                matches = {}
                for (token,) in candidates:
                    score = similarity(folded, token)
                    if score >= FUZZY_THRESHOLD:
                        matches[token] = score
            if not matches:
                return []
            per_word.append(matches)
        scores: dict[int, list[float]] | None = None
        tokens_of: dict[int, set[str]] = {}
        for matches in per_word:
            marks = ",".join("?" * len(matches))
            best: dict[int, float] = {}
            for entry, token in db.execute(
                f"SELECT entry, token FROM name_tokens WHERE token IN ({marks})", tuple(matches)
            ):
                best[entry] = max(best.get(entry, 0.0), matches[token])
                tokens_of.setdefault(entry, set()).add(token)
            if scores is None:
                scores = {entry: [score] for entry, score in best.items()}
            else:
                scores = {e: [*s, best[e]] for e, s in scores.items() if e in best}
        if not scores:
            return []
        where, params = plan.all_filters()
        marks = ",".join(map(str, scores))
        allowed = {
            row[0]
            for row in db.execute(
                f"SELECT e.id FROM entries e WHERE e.id IN ({marks}) AND {where}", params
            )
        }
        ranked = sorted(
            ((entry, sum(s) / len(s), tokens_of[entry]) for entry, s in scores.items()
             if entry in allowed),
            key=lambda item: -item[1],
        )  # fmt: skip
        return ranked[:50]

    def _hits(
        self, order: Sequence[tuple[int, float, set[str] | None]], match: str | None
    ) -> list[Hit]:
        """Hits for (entry, score, fuzzy tokens or None), in that order: snippets of `match`
        (or the matched names of a fuzzy hit, or the title when there is no text)."""
        if not order:
            return []
        db = self._db
        ids = [entry for entry, _, _ in order]
        marks = ",".join(map(str, ids))
        rows = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT id, kind, entity, briefing, title, path, line, origins FROM entries"
                f" WHERE id IN ({marks})"
            )
        }
        marked: dict[int, str] = {}
        if match:
            # One statement for every snippet: a prefix's word list is gathered once.
            marked = dict(
                db.execute(
                    f"SELECT rowid, snippet(fts, -1, '{_OPEN}', '{_CLOSE}', '…', {SNIPPET_TOKENS})"
                    " FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ?"
                    f" AND +rowid IN ({marks})",
                    (match, min(ids), max(ids)),
                )
            )
        fuzzy = [entry for entry, _, tokens in order if tokens is not None]
        names = dict(
            db.execute(f"SELECT rowid, names FROM fts WHERE rowid IN ({','.join(map(str, fuzzy))})")
        ) if fuzzy else {}  # fmt: skip
        hits = []
        for entry, score, tokens in order:
            kind, entity, briefing, title, path, line, origins = rows[entry]
            if tokens is not None:
                spans = _name_spans(names[entry], tokens)
            elif entry in marked:
                spans = _spans(marked[entry])
            else:
                spans = ((title, False),)
            defined_in: tuple[str, ...] = ()
            if origins:
                import json  # only actors and places have origins: other searches never load it

                defined_in = tuple(
                    dict.fromkeys(b if b else self.display_path(p) for b, p in json.loads(origins))
                )
            hits.append(
                Hit(
                    id=entity,
                    kind=kind,
                    briefing=briefing,
                    title=title,
                    path=self.display_path(path),
                    line=line,
                    score=round(score, 6),
                    spans=spans,
                    defined_in=defined_in,
                )
            )
        return hits

    def display_path(self, path: str) -> str:
        """A file's path as reached from the paths the index was opened with (like grep)."""
        for root, given in self._roots:
            if path == root:
                return given
            if path.startswith(root.rstrip(os.sep) + os.sep):
                return os.path.join(given, path[len(root.rstrip(os.sep)) + 1 :])
        return path

    def count(self) -> int:
        """How many entities the index holds."""
        return self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _CORRUPT_CODES:
        return True
    text = str(exc)
    return "malformed" in text or "not a database" in text or "no such table" in text


def _remove_database(location: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{location}{suffix}")


# ----------------------------------------------------------------------------- filters

_FILTER_SQL = {
    "kind": ("{+}e.kind_rank = ?", 1),
    "status": ("{+}e.status = ?", 1),
    "in": (
        "({+}e.doc IN (SELECT id FROM documents WHERE briefing = ?)"
        " OR (e.doc IS NULL AND {+}e.entity IN (SELECT entity FROM mentions WHERE briefing = ?)))",
        2,
    ),
    "tag": (
        "({+}e.doc IN (SELECT doc FROM tags WHERE tag = ?)"
        " OR (e.doc IS NULL AND {+}e.entity IN (SELECT m.entity FROM mentions m"
        " JOIN tags t ON t.doc = m.doc WHERE t.tag = ?)))",
        2,
    ),
    "actor": (
        "({+}e.id IN (SELECT entry FROM entry_actors WHERE actor = ?)"
        " OR (e.doc IS NULL AND {+}e.entity = ? AND e.kind = 'actor')"
        " OR (e.kind = 'briefing' AND {+}e.doc IN (SELECT doc FROM mentions WHERE entity = ?)))",
        3,
    ),
    "after": ("{+}e.date_upper >= ?", 1),
    "before": ("{+}e.date_lower <= ?", 1),
}
"""Each filter as a condition on `entries e`; `{+}` becomes `+` (no index) when the filter must
not drive the query (SQLite would otherwise gather every row it keeps before sorting)."""

_TEXT_COLUMNS = "{names summary body}"
_YEAR_SPAN = 12
"""A date spanning more years than this (or open-ended) gets the token `xyany`, not one per
year."""
_YEAR_WINDOW = 4
"""after:/before: narrow the match by year tokens when they leave at most this many years
(wider windows keep most rows anyway, and an OR of many years costs FTS5 more than it saves)."""


def _facet(name: str, value: object) -> str:
    """One facet token (`xkindevent`, `xstatusopen`, `xy2020`, `xyany`): written with the
    entity, quoted into a query."""
    return f"x{name}{value}"


def _facets(kind: str, status: str | None, lower: int | None, upper: int | None) -> str:
    """The facet tokens of an entity: its kind, status and the years its date may fall in."""
    tokens = [_facet("kind", kind)]
    if status:
        tokens.append(_facet("status", status))
    if lower is not None and upper is not None:
        if lower == _NO_DAY_BEFORE or upper == _NO_DAY_AFTER:
            tokens.append(_facet("y", "any"))
        else:
            first = dt.date.fromordinal(lower).year
            last = dt.date.fromordinal(upper).year
            if last - first >= _YEAR_SPAN:
                tokens.append(_facet("y", "any"))
            else:
                tokens.extend(_facet("y", year) for year in range(first, last + 1))
    return " ".join(tokens)


def _filter_sql(node: Node, params: list[Any], driving: bool, negated: bool = False) -> str:
    if isinstance(node, Filter):
        sql, count = _FILTER_SQL[node.name]
        if node.name == "kind":
            value: Any = KIND_ORDER.index(node.value)
        else:
            value = node.day if node.name in ("after", "before") else node.value
        params.extend([value] * count)
        sql = sql.replace("{+}", "" if driving else "+")
        return f"IFNULL({sql}, 0)" if negated else sql
    if isinstance(node, Not):
        return f"NOT {_filter_sql(node.operand, params, driving, not negated)}"
    if isinstance(node, AllOf | AnyOf):
        joiner = " AND " if isinstance(node, AllOf) else " OR "
        parts = (_filter_sql(child, params, driving, negated) for child in node.operands)
        return "(" + joiner.join(parts) + ")"
    raise AssertionError(node)


class _Plan:
    """How a query runs: MATCH expressions for the text columns, with the filters FTS5 can
    apply itself folded in as tokens of the `facets` column (kind, status, and the years a
    narrow date window covers), whose rows it intersects fast; and the SQL condition on
    `entries e` of every filter checked on the rows (dates exactly, and the rest)."""

    def __init__(self, query: Query, years: tuple[int, int] | None) -> None:
        self.query = query
        required: list[str] = []
        refused: list[str] = []
        sql: list[Node] = []
        window = list(years) if years else None
        for clause in query.filters:
            node = clause.operand if isinstance(clause, Not) else clause
            facet = _facet_match(node)
            if facet is None:
                sql.append(clause)
                if window and isinstance(clause, Filter) and clause.day is not None:
                    year = dt.date.fromordinal(clause.day).year
                    if clause.name == "after":
                        window[0] = max(window[0], year)
                    else:
                        window[1] = min(window[1], year)
            elif isinstance(clause, Not):
                refused.append(facet)
            else:
                required.append(facet)
        if window and window != list(years or ()) and window[1] - window[0] < _YEAR_WINDOW:
            # The days are checked on each row; the years spare FTS5 the rows of other years.
            years_kept = ("any", *range(window[0], window[1] + 1))
            required.append(" OR ".join(f'"{_facet("y", year)}"' for year in years_kept))
        facets = "".join(f" AND {{facets}} : ({facet})" for facet in required)
        facets += "".join(f" NOT {{facets}} : ({facet})" for facet in refused)
        self.snippet_match = f"{_TEXT_COLUMNS} : ({query.match})" if query.match else ""
        """The text alone, for snippets (a facet token is never a hit to show)."""
        self.match = f"{self.snippet_match}{facets}" if query.match else ""
        self.names_text = f"{{names}} : ({query.name_match})" if query.name_match else ""
        self.names_match = f"{self.names_text}{facets}" if query.name_match else ""
        self.text = f"{_TEXT_COLUMNS} : ({query.name_match})" if query.name_match else ""
        """The positive terms alone: what bm25 ranks by."""
        self.excluded_match = " OR ".join(f"{_TEXT_COLUMNS} : ({e})" for e in query.exclude)
        kinds = {"actor", "place"}
        for clause in query.filters:
            if isinstance(clause, Filter) and clause.name == "kind":
                kinds &= {clause.value}
            elif isinstance(clause, AnyOf) and _facet_match(clause):
                kinds &= {c.value for c in clause.operands if isinstance(c, Filter)}
        self.names_kinds = bool(kinds)
        """Whether the filters let actors or places through (the fuzzy fallback finds only
        those)."""
        self.selective = any(
            isinstance(clause, Filter) and clause.name in ("in", "actor") for clause in sql
        )
        """A filter that keeps few entities: gather those first, then match among them."""
        self.params: list[Any] = []
        self.where = " AND ".join(_filter_sql(n, self.params, False) for n in sql) or "1"
        """The filters checked on each matching row (FTS5 drives: no index on `entries`)."""
        self.gather_params: list[Any] = []
        self.gather = " AND ".join(_filter_sql(n, self.gather_params, True) for n in sql) or "1"
        """The filters as a query of their own, when they keep few entities."""

    def all_filters(self) -> tuple[str, list[Any]]:
        """Every filter (and negated text) as one SQL condition on `entries e`, for queries
        with no text to match; only a filter that keeps few entities may use an index."""
        driving = any(
            isinstance(clause, Filter) and clause.name in ("in", "actor", "status")
            for clause in self.query.filters
        )
        params: list[Any] = []
        parts = [_filter_sql(node, params, driving) for node in self.query.filters]
        if self.excluded_match:
            parts.append("e.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(self.excluded_match)
        return (" AND ".join(parts) or "1"), params


def _facet_match(node: Node) -> str | None:
    """The facets MATCH of a kind or status filter, or of an OR of them (else None)."""
    if isinstance(node, Filter) and node.name in ("kind", "status"):
        return f'"{_facet(node.name, node.value)}"'
    if isinstance(node, AnyOf):
        facets = [
            c for c in node.operands if isinstance(c, Filter) and c.name in ("kind", "status")
        ]
        if len(facets) == len(node.operands):
            return " OR ".join(f'"{_facet(f.name, f.value)}"' for f in facets)
    return None
