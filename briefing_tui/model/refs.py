"""References to entities: what a link resolves to and what history records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityKind = Literal["briefing", "actor", "place", "event", "question", "source", "judgment"]
GLOBAL_KINDS = ("briefing", "actor", "place")
LOCAL_KINDS = ("event", "question", "source", "judgment")


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity of the library: global ones by id, local ones by briefing and id."""

    kind: EntityKind
    id: str
    briefing: str | None = None

    def __str__(self) -> str:
        return f"{self.briefing}#{self.id}" if self.briefing else self.id
