"""Validation: every rule of the format, each broken case located by line, column and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefing_tui.model import loader
from briefing_tui.model.diagnostics import Diagnostic
from briefing_tui.model.document import Document

HEAD = """\
schema: briefing/1
id: doc
title: A title
as_of: "2020-11-10"
summary: The bottom line.
"""


def load(tmp_path: Path, body: str, head: str = HEAD, name: str = "doc.yaml") -> Document:
    path = tmp_path / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return loader.load_document(path, name)


def at(document: Document, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, col) of the nth occurrence of `needle` in the document's file."""
    text = document.path.read_text(encoding="utf-8")
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def only(document: Document) -> Diagnostic:
    assert len(document.diagnostics) == 1, [d.format() for d in document.diagnostics]
    return document.diagnostics[0]


def where(diagnostic: Diagnostic) -> tuple[int, int, str]:
    return diagnostic.line, diagnostic.col, diagnostic.field


# ----------------------------------------------------------------- schema


def test_missing_schema_is_an_error_for_that_file(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "", head=HEAD.replace("schema: briefing/1\n", "")))
    assert where(diagnostic) == (1, 1, "schema")
    assert diagnostic.message == "missing field 'schema': use briefing/1 or actors/1"


def test_an_unknown_schema_is_an_error_at_its_value(tmp_path: Path) -> None:
    document = load(tmp_path, "", head=HEAD.replace("briefing/1", "briefing/2"))
    diagnostic = only(document)
    assert where(diagnostic) == (1, 9, "schema")
    assert diagnostic.message == "unknown schema 'briefing/2': use briefing/1 or actors/1"
    assert not document.usable


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "", head="- just\n- a list\n"))
    assert where(diagnostic) == (1, 1, "")
    assert diagnostic.message == "a document is a mapping of fields, got a list"


# ----------------------------------------------------------------- pydantic errors in words


def test_a_value_outside_its_vocabulary(tmp_path: Path) -> None:
    document = load(
        tmp_path, "actors:\n  - {id: a, name: A, kind: state}\n  - {id: b, name: B, kind: army}\n"
    )
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "army"), "actors[1].kind")
    assert diagnostic.message == (
        "'army' is not one of state, agency, armed-group, coalition, political-org, "
        "person, media, ngo, company, other"
    )
    assert diagnostic.format().startswith("doc.yaml:8:28: error: actors[1].kind: 'army' is not")
    assert not document.usable


def test_a_near_miss_in_a_vocabulary_is_suggested(tmp_path: Path) -> None:
    body = "timeline:\n  - {id: e, date: 2020, title: T, status: rumour}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "rumour"), "timeline[0].status")
    assert diagnostic.message.endswith("(did you mean 'rumor'?)")


def test_a_number_outside_its_vocabulary(tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        sources:
          - {id: s, title: S}
        timeline:
          - id: e
            date: 2020
            title: T
            sources: [{ref: s, credibility: 7}]
        """
    )
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "7}"), "timeline[0].sources[0].credibility")
    assert diagnostic.message == "7 is not one of 1, 2, 3, 4, 5, 6"


def test_an_unknown_field_names_the_allowed_ones_and_the_nearest(tmp_path: Path) -> None:
    body = "places:\n  - id: p\n    nmae: P\n"
    document = load(tmp_path, body)
    assert [where(d) for d in document.diagnostics] == [
        (7, 5, "places[0].name"),  # missing: at the mapping
        (8, 5, "places[0].nmae"),  # unknown: at the key
    ]
    assert document.diagnostics[1].message == (
        "unknown field 'nmae' (did you mean 'name'?); allowed: id, name, country, lat, lon, aliases"
    )


def test_an_unknown_top_level_field(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "tagz: [a]\n"))
    assert where(diagnostic) == (6, 1, "tagz")
    assert diagnostic.message.startswith("unknown field 'tagz' (did you mean 'tags'?); allowed: ")
    assert "schema, id, title, as_of, summary, tags" in diagnostic.message


def test_a_missing_required_field_is_placed_at_its_parent_mapping(tmp_path: Path) -> None:
    body = "questions:\n  - id: q\n    text: Q?\n    claims:\n      - text: One says so.\n"
    diagnostic = only(load(tmp_path, body))
    assert where(diagnostic) == (10, 9, "questions[0].claims[0].sources")
    assert diagnostic.message == "missing required field 'sources'"


def test_a_missing_top_level_field(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "", head=HEAD.replace("title: A title\n", "")))
    assert where(diagnostic) == (1, 1, "title")
    assert diagnostic.message == "missing required field 'title'"


QUOTE_HINT = ": put it in quotes to keep it as text"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("title: 2020", "title", "expected text, got a number (2020)" + QUOTE_HINT),
        ("title: NO", "title", "expected text, got a boolean (NO)" + QUOTE_HINT),
        ("title:", "title", "expected text, got nothing (an empty value)"),
        ("title: [a]", "title", "expected text, got a list"),
        ("tags: a-tag", "tags", "expected a list, got text ('a-tag')"),
        ("actors: [russia]", "actors[0]", "expected a mapping of fields, got text ('russia')"),
        (
            "places: [{id: p, name: P, lat: north}]",
            "places[0].lat",
            "expected a number, got text ('north')",
        ),
        (
            "timeline: [{id: e, date: 2020, title: T, fatalities: {best: many}}]",
            "timeline[0].fatalities.best",
            "expected a whole number, got text ('many')",
        ),
    ],
)
def test_a_wrong_type_says_what_was_expected_and_what_was_given(
    tmp_path: Path, line: str, field: str, message: str
) -> None:
    head = HEAD.replace("title: A title\n", "") if line.startswith("title") else HEAD
    document = load(tmp_path, line + "\n", head=head)
    diagnostic = only(document)
    assert (diagnostic.line, diagnostic.field, diagnostic.message) == (
        at(document, line)[0],
        field,
        message,
    )


def test_a_wrong_type_in_a_date_field_asks_for_a_date(tmp_path: Path) -> None:
    body = "timeline:\n  - {id: e, date: yes, title: T}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "yes"), "timeline[0].date")
    assert diagnostic.message == (
        "expected a date like 2020, 2020-10 or 2020-10-26, got a boolean (yes)"
    )


def test_a_bad_id_suggests_a_slug(tmp_path: Path) -> None:
    body = "actors:\n  - {id: Wagner Group, name: W, kind: armed-group}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "Wagner Group"), "actors[0].id")
    assert diagnostic.message == (
        "'Wagner Group' is not a valid id: lowercase letters, digits and single hyphens, "
        "such as 'wagner-group'"
    )


def test_a_bad_bare_citation_is_placed_at_the_id_itself(tmp_path: Path) -> None:
    body = "timeline:\n  - {id: e, date: 2020, title: T, sources: [ok, Not Ok]}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "Not Ok"), "timeline[0].sources[1]")


def test_a_too_long_id(tmp_path: Path) -> None:
    long_id = "a" * 65
    diagnostic = only(load(tmp_path, f"tags: [{long_id}]\n"))
    assert where(diagnostic) == (6, 8, "tags[0]")
    assert diagnostic.message.endswith("is longer than 64 characters")


def test_a_bad_country_code(tmp_path: Path) -> None:
    body = "places:\n  - {id: p, name: P, country: Syria}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "Syria"), "places[0].country")
    assert diagnostic.message.startswith("'Syria' is not a country code")


@pytest.mark.parametrize(
    ("date", "col", "message"),
    [
        ('"2020-13"', 8, "'2020-13': month 13 does not exist"),
        ("2020-02-30", 8, "'2020-02-30': day 30 does not exist in that month"),
        ('"2020-11/2020-10"', 8, "'2020-11/2020-10': the interval ends before it starts"),
        ("soon", 8, "'soon' is not an EDTF date"),
    ],
)
def test_a_bad_date_gives_the_date_error(tmp_path: Path, date: str, col: int, message: str) -> None:
    diagnostic = only(load(tmp_path, "", head=HEAD.replace('"2020-11-10"', date)))
    assert where(diagnostic) == (4, col, "as_of")
    assert diagnostic.message.startswith(message)


def test_a_number_below_its_minimum(tmp_path: Path) -> None:
    body = "timeline:\n  - {id: e, date: 2020, title: T, fatalities: -3}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "-3"), "timeline[0].fatalities")
    assert diagnostic.message == "-3 is less than the minimum 0"


def test_a_number_above_its_maximum(tmp_path: Path) -> None:
    document = load(tmp_path, "places:\n  - {id: p, name: P, lat: 91.5}\n")
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "91.5"), "places[0].lat")
    assert diagnostic.message == "91.5 is more than the maximum 90"


def test_a_claim_needs_a_source(tmp_path: Path) -> None:
    body = "questions:\n  - id: q\n    text: Q?\n    claims: [{text: One says so., sources: []}]\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "[]"), "questions[0].claims[0].sources")
    assert diagnostic.message == "needs at least 1 item"


def test_a_model_rule_is_placed_at_its_mapping(tmp_path: Path) -> None:
    body = "timeline:\n  - {id: e, date: 2020, title: T, fatalities: {low: 5, high: 3}}\n"
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "{low"), "timeline[0].fatalities")
    assert diagnostic.message == "low (5) is greater than high (3)"


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    body = "actors:\n  - {id: a, name: A, kind: army}\n  - {id: b, kind: state}\n"
    document = load(tmp_path, body)
    assert [where(d) for d in document.diagnostics] == [
        (*at(document, "army"), "actors[0].kind"),
        (8, 5, "actors[1].name"),
    ]


# ----------------------------------------------------------------- rules beyond the models


def test_ids_of_every_kind_are_distinct_within_a_briefing(tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        timeline:
          - {id: talks, date: 2020, title: T}
        actors:
          - {id: talks, name: Talks, kind: other}
        questions:
          - {id: q, text: Q?}
          - {id: q, text: Again?}
        """
    )
    document = load(tmp_path, body)
    assert [where(d) for d in document.diagnostics] == [
        (*at(document, "talks", 2), "actors[0].id"),
        (*at(document, "q,", 2), "questions[1].id"),
    ]
    assert document.diagnostics[0].message == (
        "duplicate id 'talks': already defined by timeline[0] (line 7)"
    )
    assert not document.usable


def test_duplicate_actor_ids_in_a_registry(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        schema: actors/1
        actors:
          - {id: a, name: A, kind: state}
          - {id: a, name: B, kind: state}
        """
    )
    document = load(tmp_path, text, head="", name="actors.yaml")
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "a,", 2), "actors[1].id")
    assert not document.usable


def test_an_id_that_differs_from_the_file_stem_warns(tmp_path: Path) -> None:
    document = load(tmp_path, "", name="other-name.yaml")
    diagnostic = only(document)
    assert where(diagnostic) == (2, 5, "id")
    assert diagnostic.severity == "warning"
    assert diagnostic.message == "id 'doc' differs from the file name 'other-name'"
    assert document.usable


def test_control_characters_in_text_warn(tmp_path: Path) -> None:
    body = 'authors: ["plain", "evil \\e[31m red", "bidi \u202e"]\n'
    document = load(tmp_path, body)
    assert [where(d) for d in document.diagnostics] == [
        (*at(document, '"evil'), "authors[1]"),
        (*at(document, '"bidi'), "authors[2]"),
    ]
    assert all(d.severity == "warning" for d in document.diagnostics)
    assert document.usable


def test_an_unknown_relation_kind_warns(tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        actors:
          - id: a
            name: A
            kind: state
            relations:
              - {kind: trains, target: b}
              - {kind: opposes, target: b}
        """
    )
    document = load(tmp_path, body)
    diagnostic = only(document)
    assert where(diagnostic) == (*at(document, "trains"), "actors[0].relations[0].kind")
    assert diagnostic.severity == "warning"
    assert diagnostic.message.startswith("unknown relation kind 'trains': shown as written")
    assert document.usable


def test_warnings_alone_leave_a_registry_usable(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        schema: actors/1
        actors:
          - id: a
            name: A
            kind: state
            relations: [{kind: funds, target: b}]
        """
    )
    document = load(tmp_path, text, head="", name="reg.yaml")
    assert [d.severity for d in document.diagnostics] == ["warning"]
    assert document.registry is not None
    assert document.kind == "actors"


def test_a_broken_document_still_reports_its_warnings_and_stays_unusable(tmp_path: Path) -> None:
    document = load(tmp_path, "tagz: []\n", name="elsewhere.yaml")
    assert sorted(d.severity for d in document.diagnostics) == ["error", "warning"]
    assert document.briefing is None
    assert document.kind is None


def test_a_parser_problem_is_not_repeated_by_validation(tmp_path: Path) -> None:
    document = load(tmp_path, "location: !custom x\ntimeline: []\n")
    assert [d.message for d in document.diagnostics] == ["unsupported tag !custom: only plain YAML"]
