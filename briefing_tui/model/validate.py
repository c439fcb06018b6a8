"""Validation of a document's plain data into a `Briefing` or an `ActorRegistry`, with located
diagnostics in words an author can act on, and the rules the models cannot express."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from . import entities
from .diagnostics import Diagnostic, Severity, field_path
from .document import DocumentKind, Loc
from .entities import RELATION_INVERSES, ActorRegistry, Briefing
from .text import has_controls
from .validation_errors import describe, describe_error, fields_at, quoted

SCHEMAS: dict[str, type[BaseModel]] = {"briefing/1": Briefing, "actors/1": ActorRegistry}
ID_LISTS = ("actors", "places", "timeline", "questions", "sources", "judgments")
"""The lists of a briefing whose items have ids, all in one namespace per briefing."""


class Positions(Protocol):
    """Where the nodes of a document are (1-based line and column)."""

    def value(self, loc: Loc) -> tuple[tuple[int, int], int]:
        """Position of the node at `loc` (or the deepest one on its way), and parts matched."""
        ...

    def key(self, loc: Loc) -> tuple[int, int]:
        """Position of the key naming `loc`."""
        ...

    def source(self, loc: Loc) -> tuple[str, bool] | None:
        """The scalar at `loc` as written and whether it was unquoted (None if unknown)."""
        ...


class LinePositions:
    """Positions known only by line (entities and top-level fields), as a cache keeps them."""

    __slots__ = ("lines",)

    def __init__(self, lines: dict[Loc, int]) -> None:
        self.lines = lines

    def value(self, loc: Loc) -> tuple[tuple[int, int], int]:
        """The line of the nearest located node at or above `loc`, column 1."""
        return (self.key(loc), len(loc))

    def key(self, loc: Loc) -> tuple[int, int]:
        """The line of the nearest located node at or above `loc`, column 1."""
        while loc:
            if loc in self.lines:
                return self.lines[loc], 1
            loc = loc[:-1]
        return 1, 1

    def source(self, loc: Loc) -> tuple[str, bool] | None:
        """Unknown: the text as written is gone."""
        return None


@dataclass(slots=True)
class Validated:
    """The outcome of validating one document's data."""

    kind: DocumentKind | None = None
    briefing: Briefing | None = None
    registry: ActorRegistry | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def may_hold_controls(text: str) -> bool:
    """Cheap test of a file's text: False means no string in it can hold control characters.

    Escapes (`"\\e"`) only exist after a backslash; line breaks (CR included) are layout.
    """
    if "\\" in text:
        return True
    return has_controls(text.replace("\r", "") if "\r" in text else text)


def validate(
    data: Any,
    where: Positions,
    shown: str,
    *,
    stem: str | None = None,
    scan_text: bool = True,
    refused: Sequence[Loc] = (),
) -> Validated:
    """Validate plain data by its `schema`; diagnostics for every problem, none raised.

    `refused` are field paths already reported by the parser (their errors are not repeated).
    """
    out = Validated()
    report = _Reporter(where, shown, out.diagnostics)
    if not isinstance(data, dict):
        report.at((), "error", f"a document is a mapping of fields, got {describe(data)}")
        return out
    schema = data.get("schema")
    model = SCHEMAS.get(schema) if isinstance(schema, str) else None
    if "schema" not in data:
        report.at((), "error", "missing field 'schema': use briefing/1 or actors/1", field="schema")
        return out
    if model is None:
        report.at(
            ("schema",), "error", f"unknown schema {quoted(schema)}: use briefing/1 or actors/1"
        )
        return out
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        validated = None
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if any(loc[: len(r)] == r for r in refused):
                continue
            _report_pydantic(report, model, error)
    kind: DocumentKind = "briefing" if model is Briefing else "actors"
    _check_ids(report, data, ID_LISTS if kind == "briefing" else ("actors",))
    _check_relations(report, data)
    if kind == "briefing" and stem is not None:
        ident = data.get("id")
        if isinstance(ident, str) and ident != stem and re.fullmatch(entities.SLUG_PATTERN, ident):
            message = f"id {quoted(ident)} differs from the file name {quoted(stem)}"
            report.at(("id",), "warning", message)
    if scan_text:
        for loc, text in _strings(data):
            if has_controls(text):
                message = "text holds control or invisible characters (shown as symbols)"
                report.at(loc, "warning", message)
    if validated is not None:
        out.kind = kind
        if isinstance(validated, Briefing):
            out.briefing = validated
        elif isinstance(validated, ActorRegistry):
            out.registry = validated
    return out


class _Reporter:
    """Makes diagnostics at the positions of field paths."""

    __slots__ = ("diagnostics", "shown", "where")

    def __init__(self, where: Positions, shown: str, diagnostics: list[Diagnostic]) -> None:
        self.where = where
        self.shown = shown
        self.diagnostics = diagnostics

    def at(
        self,
        loc: Loc,
        severity: Severity,
        message: str,
        *,
        on_key: bool = False,
        field: str | None = None,
    ) -> None:
        """A diagnostic at the value of `loc` (at its key with `on_key`)."""
        if on_key:
            line, col = self.where.key(loc)
        else:
            (line, col), _ = self.where.value(loc)
        shown_field = field_path(loc) if field is None else field
        self.diagnostics.append(Diagnostic(self.shown, line, col, severity, shown_field, message))


def _report_pydantic(report: _Reporter, model: type[BaseModel], error: Any) -> None:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        (line, col), _ = report.where.value(loc[:-1])
        message = f"missing required field {quoted(loc[-1])}"
        report.diagnostics.append(
            Diagnostic(report.shown, line, col, "error", field_path(loc), message)
        )
        return
    if kind == "extra_forbidden":
        allowed = fields_at(model, loc[:-1])
        message = f"unknown field {quoted(loc[-1])}"
        if allowed:
            near = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            if near:
                message += f" (did you mean {near[0]!r}?)"
            message += f"; allowed: {', '.join(allowed)}"
        report.at(loc, "error", message, on_key=True)
        return
    (line, col), matched = report.where.value(loc)
    if matched < len(loc):
        loc = loc[:matched]  # a part the model added (`ref` of a bare id): point at what is there
    message = describe_error(kind, value, ctx, report.where.source(loc), model, tuple(error["loc"]))
    report.diagnostics.append(
        Diagnostic(report.shown, line, col, "error", field_path(loc), message)
    )


# ----------------------------------------------------------------- rules beyond the models


def _check_ids(report: _Reporter, data: dict[str, Any], lists: Sequence[str]) -> None:
    """Every id defined in one document is distinct: an error at each later definition."""
    first: dict[str, Loc] = {}
    clashes: list[tuple[Loc, Loc]] = []
    for name in lists:
        items = data.get(name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            loc: Loc = (name, index, "id")
            if ident in first:
                clashes.append((first[ident], loc))
            else:
                first[ident] = loc
    for one, other in clashes:
        (one_at, _), (other_at, _) = report.where.value(one), report.where.value(other)
        earlier, later = (one, other) if one_at <= other_at else (other, one)
        earlier_line = min(one_at, other_at)[0]
        ident = data[later[0]][later[1]]["id"]
        message = (
            f"duplicate id {quoted(ident)}: already defined by {field_path(earlier[:2])} "
            f"(line {earlier_line})"
        )
        report.at(later, "error", message)


def _check_relations(report: _Reporter, data: dict[str, Any]) -> None:
    """A relation kind outside the known ones is allowed, with a warning."""
    actors = data.get("actors")
    if not isinstance(actors, list):
        return
    for index, actor in enumerate(actors):
        relations = actor.get("relations") if isinstance(actor, dict) else None
        if not isinstance(relations, list):
            continue
        for position, relation in enumerate(relations):
            kind = relation.get("kind") if isinstance(relation, dict) else None
            if not isinstance(kind, str) or kind in RELATION_INVERSES:
                continue
            if not re.fullmatch(entities.SLUG_PATTERN, kind):
                continue  # already an error
            message = f"unknown relation kind {quoted(kind)}: shown as written"
            near = difflib.get_close_matches(kind, list(RELATION_INVERSES), n=1)
            if near:
                message += f" (did you mean {near[0]!r}?)"
            report.at(("actors", index, "relations", position, "kind"), "warning", message)


def _strings(data: Any) -> Iterator[tuple[Loc, str]]:
    """Every string value with its field path, without recursion."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
