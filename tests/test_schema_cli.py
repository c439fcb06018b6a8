"""`briefing-tui schema`: the JSON Schema of briefing/1 accepts what the reader accepts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing_tui.__main__ import main
from briefing_tui.commands.schema import DRAFT, briefing_schema
from briefing_tui.model import loader, yamlnodes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    ROOT / "tests" / "yaml" / "example-ceasefire.yaml",
    *sorted(p for p in (ROOT / "briefs").glob("*.yaml") if "briefing/1" in p.read_text()),
]


def as_json_data(path: Path) -> Any:
    """The file as an editor's YAML plugin sees it: dates stay strings, x- keys stay."""
    text = path.read_text(encoding="utf-8")
    return _jsonable(yaml.safe_load(text))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def conforms(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    """A small validator for the keywords the generated schema uses (no dependency)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return conforms(value, root["$defs"][name], root)
    if "anyOf" in schema and not any(conforms(value, s, root) for s in schema["anyOf"]):
        return False
    if "const" in schema and value != schema["const"]:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return False
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        if len(value) > schema.get("maxLength", len(value)):
            return False
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        return False
    if isinstance(value, list) and "items" in schema:
        return all(conforms(item, schema["items"], root) for item in value)
    if isinstance(value, dict):
        if any(key not in value for key in schema.get("required", [])):
            return False
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            if key in properties:
                if not conforms(item, properties[key], root):
                    return False
            elif any(re.search(p, key) for p in patterns):
                continue
            elif schema.get("additionalProperties", True) is False:
                return False
    return True


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    python = {"string": str, "array": list, "object": dict, "null": type(None), "boolean": bool}
    return isinstance(value, python[name])


def test_schema_prints_draft_2020_12_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert schema["properties"]["schema"]["const"] == "briefing/1"
    assert set(schema["required"]) == {"schema", "id", "title", "as_of", "summary"}


def test_every_closed_object_accepts_x_keys() -> None:
    schema = briefing_schema()
    closed = [
        name for name, part in schema["$defs"].items() if part.get("additionalProperties") is False
    ]
    assert {"Actor", "Event", "Source", "Relation", "Citation"} <= set(closed)
    for name in closed:
        assert schema["$defs"][name]["patternProperties"] == {"^x-": {}}, name
    assert schema["patternProperties"] == {"^x-": {}}


def test_dates_accept_strings_and_integers() -> None:
    schema = briefing_schema()
    assert schema["properties"]["as_of"]["type"] == ["string", "integer"]
    date = schema["properties"]["as_of"]
    assert conforms("2020-10-26", date, schema)
    assert conforms(2020, date, schema)
    assert conforms("2017/..", date, schema)
    assert not conforms("26 October", date, schema)


@pytest.mark.parametrize(
    "text",
    ["2020", "2020-10", "2020-10-26", "2020-10-26T14:30", "2020-10-26T14:30:05Z", "2020?",
     "2020-10~", "201X", "2020-21", "2019-12/2020-03", "../2020", "2017/..",
     "2020-03-06T00:01+03:00"],
)  # fmt: skip
def test_every_date_the_reader_accepts_matches_the_schema_pattern(text: str) -> None:
    from briefing_tui.model import dates

    dates.parse(text)
    pattern = briefing_schema()["properties"]["as_of"]["pattern"]
    assert re.search(pattern, text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_conform(path: Path) -> None:
    schema = briefing_schema()
    assert conforms(as_json_data(path), schema, schema)


def test_what_the_loader_refuses_the_schema_refuses_too() -> None:
    schema = briefing_schema()
    good = as_json_data(EXAMPLES[0])
    assert conforms({**good, "x-mine": {"any": "thing"}}, schema, schema)
    broken = [
        {**good, "tagz": []},
        {**good, "actors": [{"id": "a", "name": "A", "kind": "army"}]},
        {**good, "id": "Not A Slug"},
        {k: v for k, v in good.items() if k != "title"},
        {**good, "sources": [{"id": "s", "title": "S", "reliability": "G"}]},
    ]
    for data in broken:
        assert not conforms(data, schema, schema)
        text = json.dumps(data)  # JSON is YAML: the loader must refuse it too
        parsed = loader.parse_text(text, "x")
        assert parsed.root is not None
        where = loader.NodePositions(parsed.root, parsed.text_lines)
        result = loader.validate.validate(parsed.data, where, "x")
        assert any(d.is_error for d in result.diagnostics), data


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_conform_by_jsonschema(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = briefing_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(as_json_data(path))


def test_the_yaml_example_loads_into_the_same_data_as_the_schema_sees() -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    root = yamlnodes.compose(text)
    assert root is not None
    data, problems = yamlnodes.to_data(root)
    assert problems == []
    assert _jsonable(data) == as_json_data(EXAMPLES[0])
