"""A document of the library: one YAML file, what it holds, and what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .diagnostics import Diagnostic
from .entities import ActorRegistry, Briefing

DocumentKind = Literal["briefing", "actors"]
Loc = tuple[str | int, ...]


@dataclass(slots=True)
class Document:
    """One file: its model when it is usable, and every diagnostic about it."""

    path: Path
    display_path: str
    kind: DocumentKind | None = None
    briefing: Briefing | None = None
    registry: ActorRegistry | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: dict[Loc, int] = field(default_factory=dict)
    """1-based line of the top-level fields and of every entity (list item) by its field path."""

    @property
    def usable(self) -> bool:
        """True when the document has no error and its model can be shown."""
        return self.briefing is not None or self.registry is not None

    @property
    def errors(self) -> int:
        """How many errors the document has."""
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        """How many warnings the document has."""
        return sum(1 for d in self.diagnostics if not d.is_error)

    def line_of(self, loc: Loc) -> int:
        """The line of the nearest located node at or above `loc` (1 for the whole file)."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1
