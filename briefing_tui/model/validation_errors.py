"""Pydantic's validation errors in words an author can act on, using the models' own types."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from . import entities
from .document import Loc

_DATE_MARKERS = frozenset(id(marker) for marker in typing.get_args(entities.EdtfText)[1:])
"""The Annotated metadata of a date field: how a date field is told from a text field."""

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


def describe_error(
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
        message = f"expected {expected}, got {describe(value, source)}"
        if expected == "text" and source is not None and source[1] and value is not None:
            message += ": put it in quotes to keep it as text"
        return message
    if kind == "literal_error":
        choices = _literal_choices(annotation)
        if not choices:
            return f"{quoted(value)} is not one of {ctx.get('expected', '')}"
        message = f"{quoted(value)} is not one of {', '.join(str(c) for c in choices)}"
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
                f"{quoted(value)} is not a country code: use ISO 3166-1 alpha-2, "
                "two capital letters such as RU or AM"
            )
        return f"{quoted(value)} does not match the pattern {pattern}"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length" if kind == "too_short" else "max_length")
        items = "item" if bound == 1 else "items"
        return (
            f"needs at least {bound} {items}" if kind == "too_short" else f"at most {bound} {items}"
        )
    if kind == "string_too_long":
        return f"{quoted(value)} is longer than {ctx.get('max_length')} characters"
    if kind == "value_error":
        reason = ctx.get("error")
        return str(reason) if reason is not None else "invalid value"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"{quoted(value)} is {words} {bound}"
    return str(ctx.get("error") or kind.replace("_", " "))


def _slug_message(value: Any, loc: Loc) -> str:
    what = "relation kind" if loc and loc[-1] == "kind" else "id"
    message = f"{quoted(value)} is not a valid {what}: lowercase letters, digits and single hyphens"
    suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
    if suggestion and suggestion != value and len(suggestion) <= entities.SLUG_MAX:
        message += f", such as {suggestion!r}"
    return message


def describe(value: Any, source: tuple[str, bool] | None = None) -> str:
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
        return f"text ({quoted(value)})"
    elif isinstance(value, dict):
        return "a mapping"
    elif isinstance(value, list):
        return "a list"
    else:
        return type(value).__name__
    written = source[0] if source is not None else str(value)
    return f"{noun} ({_shown_plain(written)})"


def quoted(value: Any) -> str:
    """A value quoted for a message, escaped (it is untrusted) and cut short."""
    text = repr(value) if isinstance(value, str) else _shown_plain(str(value))
    return text if len(text) <= 60 else text[:57] + "…"


def _shown_plain(text: str) -> str:
    text = repr(text)[1:-1] if not text.isprintable() else text
    return text if len(text) <= 60 else text[:57] + "…"


# ----------------------------------------------------------------- models by field path


def core_type(annotation: Any, markers: set[int] | None = None) -> Any:
    """The core type under Annotated and `X | None`; Annotated metadata ids go to `markers`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            if markers is not None:
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
        annotation = core_type(annotation, markers)
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
    return core_type(annotation, markers), frozenset(markers)


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    annotation, _ = _annotation_at(model, loc)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(_model_fields(annotation))
    return []


def _literal_choices(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    return ()
