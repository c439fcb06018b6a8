"""The library: every document under the given paths, merged actors and places, links and backlinks.

INTERFACE DRAFT: the signatures below are the contract the UI and search code against;
the bodies are being written now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .document import Document
from .entities import Actor, Briefing, Event, Place, Question, Relation
from .links import Link
from .refs import EntityRef

Progress = Callable[[int, int], None]
"""Called as documents load: (documents done, documents in all)."""


@dataclass(frozen=True, slots=True)
class Sourced:
    """A value and the document it is written in (a briefing id, or a registry's path)."""

    value: Any
    origin: str


@dataclass(slots=True)
class ActorRecord:
    """An actor merged across every document that defines it."""

    id: str
    definitions: list[tuple[Actor, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name of the first definition (others, if different, are in `values('name')`)."""
        raise NotImplementedError

    @property
    def aliases(self) -> list[str]:
        """Every alias of every definition, united, in first-seen order."""
        raise NotImplementedError

    def values(self, field_name: str) -> list[Sourced]:
        """The distinct values of a field across definitions, each with its origin."""
        raise NotImplementedError


@dataclass(slots=True)
class PlaceRecord:
    """A place merged across every document that defines it."""

    id: str
    definitions: list[tuple[Place, str]] = field(default_factory=list)


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


class Library:
    """Every document of a library, loaded, validated and linked."""

    documents: list[Document]
    briefings: dict[str, Briefing]
    actors: dict[str, ActorRecord]
    places: dict[str, PlaceRecord]

    @classmethod
    def load(
        cls,
        paths: Sequence[str | Path],
        *,
        progress: Progress | None = None,
        previous: Library | None = None,
    ) -> Library:
        """Load every document; with `previous`, a document that turned invalid keeps its last
        good model and gains a warning saying so."""
        raise NotImplementedError

    def document_of(self, briefing_id: str) -> Document | None: ...
    def briefings_newest_first(self) -> list[Briefing]: ...
    def diagnostics(self) -> list[Diagnostic]: ...
    def resolve(self, target: str, context: str | None = None) -> EntityRef | None: ...
    def resolve_link(self, link: Link, context: str | None = None) -> EntityRef | None: ...
    def entity(self, ref: EntityRef) -> object | None: ...
    def title_of(self, ref: EntityRef) -> str: ...
    def timeline(self, briefing_id: str) -> list[Event]: ...
    def relations(self, actor_id: str) -> list[RelationView]: ...
    def events_of(self, entity_id: str) -> list[tuple[str, Event]]: ...
    def questions_about(self, entity_id: str) -> list[tuple[str, Question]]: ...
    def briefings_mentioning(self, entity_id: str) -> list[str]: ...
    def backlinks(self, entity_id: str) -> list[Mention]: ...
