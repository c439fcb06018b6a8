"""`briefing-tui schema`: the JSON Schema (draft 2020-12) of `briefing/1`, for editors."""

from __future__ import annotations

import json
from typing import Any

from ..model.entities import Briefing

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:briefing-tui:schema:briefing-1"
EXTENSION_KEYS = "^x-"
"""Keys an author may add anywhere for their own use; the reader ignores them."""


def briefing_schema() -> dict[str, Any]:
    """The schema generated from the model, by alias, with `x-` keys allowed in every object."""
    generated = Briefing.model_json_schema(by_alias=True)
    schema = {"$schema": DRAFT, "$id": SCHEMA_ID, **generated}
    _allow_extension_keys(schema)
    return schema


def _allow_extension_keys(schema: dict[str, Any]) -> None:
    """Every closed object (`additionalProperties: false`) also accepts keys matching `^x-`."""
    pending: list[Any] = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("additionalProperties") is False:
                node.setdefault("patternProperties", {})[EXTENSION_KEYS] = {}
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def run_schema() -> int:
    """Print the schema as JSON; the exit code is 0."""
    print(json.dumps(briefing_schema(), indent=2, ensure_ascii=False))
    return 0
