"""Messages widgets post when the reader asks for something; screens and the app act on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from ..model.refs import EntityRef

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from ..model.library import Library


@dataclass
class EntityRequested(Message):
    """The reader asked to open an entity (followed a link, chose a result, pressed Enter)."""

    ref: EntityRef


@dataclass
class StopReached(Message):
    """The reader moved the cursor to a stop that opens `ref`, which may be followed next."""

    ref: EntityRef


@dataclass
class SourceRequested(Message):
    """The reader asked to see the sources cited at the focused place."""

    briefing: str
    source_ids: list[str]
    grades: dict[str, list[str]] = field(default_factory=dict)
    """The grades the citations at that place give each source (`B2`), where known."""


@dataclass
class LibraryProgress(Message):
    """Documents loaded so far; a newer one replaces any still waiting in the queue."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LibraryProgress)


@dataclass
class LibraryLoaded(Message):
    """A library finished loading (`reloaded`: it replaces the one shown; `partial`: the
    documents loaded so far, shown while the rest load, the whole library following)."""

    library: Library
    reloaded: bool = False
    partial: bool = False


@dataclass
class LibraryFailed(Message):
    """Loading the library failed as a whole (a single bad file never does this)."""

    error: str


@dataclass
class FilesChanged(Message):
    """Files of the library were added, changed or removed on disk."""

    paths: list[str]
