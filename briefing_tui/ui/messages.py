"""Messages widgets post when the reader asks for something; screens and the app act on them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..model.refs import EntityRef


@dataclass
class EntityRequested(Message):
    """The reader asked to open an entity (followed a link, chose a result, pressed Enter)."""

    ref: EntityRef


@dataclass
class SourceRequested(Message):
    """The reader asked to see the sources cited at the focused place."""

    briefing: str
    source_ids: list[str]
