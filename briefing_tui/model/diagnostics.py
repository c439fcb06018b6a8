"""Diagnostics: errors and warnings that point at a file, a line, a column and a field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('actors', 2, 'kind')` → `actors[2].kind`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one document, located at the node that causes it (1-based line, col)."""

    path: str
    line: int
    col: int
    severity: Severity
    field: str
    message: str

    @property
    def is_error(self) -> bool:
        """Errors make the document unusable; warnings leave it usable."""
        return self.severity == "error"

    def format(self) -> str:
        """`path:line:col: error: field.path: message`, the form editors jump to."""
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {where}{self.message}"

    def to_json(self) -> dict[str, object]:
        """The diagnostic as a JSON object for `check --format json`."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
        }
