"""A document of the library: one YAML file, what it holds, and what is wrong with it."""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Iterator, Mapping
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
    lines: Mapping[Loc, int] = field(default_factory=dict)
    """1-based line of the top-level fields and of every entity (list item) by its field path
    (`PackedLines` for a document loaded through the cache)."""

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


class PackedLines(Mapping[Loc, int]):
    """A document's lines kept compressed: they are read only to place a library warning or
    list a file's entities on the problems screen, and a table of 50-150 paths per document
    is 4.3 MB at 2,000 briefings (0.75 MB packed). The table read last stays unpacked."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    @classmethod
    def of(cls, lines: Mapping[Loc, int]) -> PackedLines:
        """`lines` packed (a `PackedLines` as it is)."""
        if isinstance(lines, PackedLines):
            return lines
        return cls(zlib.compress(marshal.dumps(dict(lines))))

    def _table(self) -> dict[Loc, int]:
        global _last_lines
        last = _last_lines
        if last[0] is self:
            return last[1]
        table: dict[Loc, int] = marshal.loads(zlib.decompress(self.blob))
        _last_lines = (self, table)  # one tuple, so other threads never see a mismatched pair
        return table

    def __getitem__(self, loc: Loc) -> int:
        return self._table()[loc]

    def __contains__(self, loc: object) -> bool:
        return loc in self._table()

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


_last_lines: tuple[PackedLines | None, dict[Loc, int]] = (None, {})
