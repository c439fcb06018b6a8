"""Validation of a document's plain data into a `Briefing` or an `ActorRegistry`, with located
diagnostics in words an author can act on, and the rules the models cannot express."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from . import entities
from .diagnostics import Diagnostic, Severity, field_path
from .document import DocumentKind, Loc
from .entities import RELATION_INVERSES, ActorRegistry, Briefing
from .text import has_controls

SCHEMAS: dict[str, type[BaseModel]] = {"briefing/1": Briefing, "actors/1": ActorRegistry}
ID_LISTS = ("actors", "places", "timeline", "questions", "sources", "judgments")
"""The lists of a briefing whose items have ids, all in one namespace per briefing."""

_DATE_MARKERS = frozenset(id(marker) for marker in typing.get_args(entities.EdtfText)[1:])


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
        report.at((), "error", f"a document is a mapping of fields, got {_describe(data)}")
        return out
    schema = data.get("schema")
    model = SCHEMAS.get(schema) if isinstance(schema, str) else None
    if "schema" not in data:
        report.at((), "error", "missing field 'schema': use briefing/1 or actors/1", field="schema")
        return out
    if model is None:
        report.at(
            ("schema",), "error", f"unknown schema {_shown(schema)}: use briefing/1 or actors/1"
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
            message = f"id {_shown(ident)} differs from the file name {_shown(stem)}"
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


# ----------------------------------------------------------------- pydantic errors in words

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "less than the minimum"),
    "greater_than": ("gt", "not more than"),
    "less_than_equal": ("le", "more than the maximum"),
    "less_than": ("lt", "not less than"),
}


def _report_pydantic(report: _Reporter, model: type[BaseModel], error: Any) -> None:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        (line, col), _ = report.where.value(loc[:-1])
        message = f"missing required field {_shown(loc[-1])}"
        report.diagnostics.append(
            Diagnostic(report.shown, line, col, "error", field_path(loc), message)
        )
        return
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        message = f"unknown field {_shown(loc[-1])}"
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
    message = _message(kind, value, ctx, report.where.source(loc), model, tuple(error["loc"]))
    report.diagnostics.append(
        Diagnostic(report.shown, line, col, "error", field_path(loc), message)
    )


def _message(
    kind: str,
    value: Any,
    ctx: dict[str, Any],
    source: tuple[str, bool] | None,
    model: type[BaseModel],
    loc: Loc,
) -> str:
    annotation, markers = _annotation_at(model, loc)
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if kind == "string_type" and _DATE_MARKERS & markers:
            expected = "a date like 2020, 2020-10 or 2020-10-26"
        message = f"expected {expected}, got {_describe(value, source)}"
        if expected == "text" and source is not None and source[1] and value is not None:
            message += ": put it in quotes to keep it as text"
        return message
    if kind == "literal_error":
        choices = _literal_choices(annotation)
        if not choices:
            return f"{_shown(value)} is not one of {ctx.get('expected', '')}"
        message = f"{_shown(value)} is not one of {', '.join(str(c) for c in choices)}"
        near = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
        if near and isinstance(value, str):
            message += f" (did you mean {near[0]!r}?)"
        return message
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == entities.SLUG_PATTERN:
            return _slug_message(value, loc)
        if pattern == r"^[A-Z]{2}$":
            return (
                f"{_shown(value)} is not a country code: use ISO 3166-1 alpha-2, "
                "two capital letters such as RU or AM"
            )
        return f"{_shown(value)} does not match the pattern {pattern}"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length" if kind == "too_short" else "max_length")
        items = "item" if bound == 1 else "items"
        return (
            f"needs at least {bound} {items}" if kind == "too_short" else f"at most {bound} {items}"
        )
    if kind == "string_too_long":
        return f"{_shown(value)} is longer than {ctx.get('max_length')} characters"
    if kind == "value_error":
        reason = ctx.get("error")
        return str(reason) if reason is not None else "invalid value"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{_shown(value)} is {words} {bound}"
    return str(ctx.get("error") or kind.replace("_", " "))


def _slug_message(value: Any, loc: Loc) -> str:
    what = "relation kind" if loc and loc[-1] == "kind" else "id"
    message = f"{_shown(value)} is not a valid {what}: lowercase letters, digits and single hyphens"
    suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    if suggestion and suggestion != value and len(suggestion) <= entities.SLUG_MAX:
        message += f", such as {suggestion!r}"
    return message


def _describe(value: Any, source: tuple[str, bool] | None = None) -> str:
    """`a number (2020)`, `text ('x')`, `nothing`: what a value is, for messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        noun = "a boolean"
    elif isinstance(value, int | float):
        noun = "a number"
    elif isinstance(value, dt.date):
        noun = "a date"
    elif isinstance(value, str):
        return f"text ({_shown(value)})"
    elif isinstance(value, dict):
        return "a mapping"
    elif isinstance(value, list):
        return "a list"
    else:
        return type(value).__name__
    written = source[0] if source is not None else str(value)
    return f"{noun} ({_shown_plain(written)})"


def _shown(value: Any) -> str:
    """A value quoted for a message, escaped (it is untrusted) and cut short."""
    text = repr(value) if isinstance(value, str) else _shown_plain(str(value))
    return text if len(text) <= 60 else text[:57] + "…"


def _shown_plain(text: str) -> str:
    text = repr(text)[1:-1] if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "…"


# ----------------------------------------------------------------- models by field path


def _strip(annotation: Any, markers: set[int]) -> Any:
    """The core type under Annotated and `X | None`; Annotated metadata ids go to `markers`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            markers.update(id(m) for m in args[1:])
            annotation = args[0]
        elif origin is typing.Union or origin is types.UnionType:
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info for name, info in model.model_fields.items()}


def _annotation_at(model: type[BaseModel], loc: Loc) -> tuple[Any, frozenset[int]]:
    """The type at a field path, and the ids of the Annotated metadata met on the last step."""
    annotation: Any = model
    markers: set[int] = set()
    for part in loc:
        markers = set()
        annotation = _strip(annotation, markers)
        if (
            isinstance(part, str)
            and isinstance(annotation, type)
            and issubclass(annotation, BaseModel)
        ):
            info = _model_fields(annotation).get(part)
            if info is None:
                return None, frozenset()
            markers.update(id(m) for m in info.metadata)
            annotation = info.annotation
        elif isinstance(part, int) and typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return None, frozenset()
    return _strip(annotation, markers), frozenset(markers)


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    annotation, _ = _annotation_at(model, loc)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(_model_fields(annotation))
    return []


def _literal_choices(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    return ()


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
            f"duplicate id {_shown(ident)}: already defined by {field_path(earlier[:2])} "
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
            message = f"unknown relation kind {_shown(kind)}: shown as written"
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
