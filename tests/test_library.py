"""The library: merging actors and places, resolving links, warnings, backlinks and timelines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefing_tui.model import library as library_module
from briefing_tui.model.diagnostics import Diagnostic
from briefing_tui.model.entities import Briefing, Event, Judgment, Question, Source
from briefing_tui.model.library import (
    ActorRecord,
    EventAppearance,
    Library,
    Mention,
    PlaceRecord,
    RelationView,
)
from briefing_tui.model.links import find_links
from briefing_tui.model.refs import EntityRef

HERE = Path(__file__).parent
BASIC = HERE / "library" / "basic"


def write(folder: Path, files: dict[str, str]) -> None:
    """Write each file's dedented text under folder."""
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def briefing_yaml(bid: str, body: str = "", as_of: str = "2020-01-01", summary: str = "S.") -> str:
    """A minimal valid briefing with extra top-level YAML appended."""
    head = f'schema: briefing/1\nid: {bid}\ntitle: Title of {bid}\nas_of: "{as_of}"\n'
    return head + f"summary: {summary!r}\n" + textwrap.dedent(body).lstrip()


def build(tmp_path: Path, files: dict[str, str]) -> Library:
    write(tmp_path, files)
    return Library.load([tmp_path])


@pytest.fixture(scope="module")
def basic() -> Library:
    return Library.load([BASIC])


def display_of(library: Library, name: str) -> str:
    return next(d.display_path for d in library.documents if d.path.name == name)


def warnings_of(library: Library, name: str) -> list[Diagnostic]:
    document = next(d for d in library.documents if d.path.name == name)
    return [d for d in document.diagnostics if not d.is_error]


# ------------------------------------------------------------------ merging


def test_actor_definitions_merge_across_documents(basic: Library) -> None:
    russia = basic.actors["russia"]
    registry = display_of(basic, "actors.yaml")
    assert isinstance(russia, ActorRecord)
    assert [origin for _, origin in russia.definitions] == [
        registry,
        "ceasefire-2021",
        "karabakh-2020",
    ]
    assert russia.name == "Russia"
    assert russia.kind == "state"
    assert russia.aliases == ["Russian Federation", "RF", "Russia", "Rossiya", "Moscow"]
    assert [(v.value, v.origin) for v in russia.values("name")] == [
        ("Russia", registry),
        ("Russian Federation", "karabakh-2020"),
    ]
    assert [(v.value, v.origin) for v in russia.values("country")] == [
        ("RU", registry),
        ("SU", "ceasefire-2021"),
    ]
    assert russia.values("kind") == [library_module.Sourced("state", registry)]
    assert set(russia.disagreements()) == {"name", "country"}
    assert russia.origins == [registry, "ceasefire-2021", "karabakh-2020"]
    assert "Rossiya" in russia.all_names and "Russian Federation" in russia.all_names


def test_a_field_left_out_is_not_a_disagreement(basic: Library) -> None:
    putin = basic.actors["putin"]
    assert putin.values("profile")[0].value.startswith("President of")
    assert putin.values("aliases") == []
    assert putin.disagreements() == {}
    assert basic.actors["armenia"].profile is None


def test_places_merge_with_the_same_api(tmp_path: Path) -> None:
    lib = build(
        tmp_path,
        {
            "a.yaml": briefing_yaml(
                "a",
                "places:\n  - {id: kyiv, name: Kyiv, country: UA, lat: 50.45, lon: 30.52,"
                " aliases: [Kyyiv]}\n",
            ),
            "b.yaml": briefing_yaml(
                "b", "places:\n  - {id: kyiv, name: Kiev, lat: 50.4, aliases: [Kiev, Kyyiv]}\n"
            ),
        },
    )
    kyiv = lib.places["kyiv"]
    assert isinstance(kyiv, PlaceRecord)
    assert kyiv.name == "Kyiv"
    assert kyiv.aliases == ["Kyyiv", "Kiev"]
    assert [(v.value, v.origin) for v in kyiv.values("lat")] == [(50.45, "a"), (50.4, "b")]
    assert [v.value for v in kyiv.values("country")] == ["UA"]
    assert kyiv.country == "UA"
    assert kyiv.coordinates == (50.45, 30.52)
    assert set(kyiv.disagreements()) == {"name", "lat"}


# ------------------------------------------------------------------ resolution


RESOLUTION = {
    "one.yaml": briefing_yaml(
        "one",
        """
        actors:
          - {id: shared, name: Shared, kind: state}
        timeline:
          - {id: clash, date: "2020", title: Local event named like an actor elsewhere}
        questions:
          - {id: q-one, text: "Why?"}
        sources:
          - {id: src-one, title: A source}
        judgments:
          - {id: j-one, text: Probably.}
          - {text: A judgment without id.}
        """,
        as_of="2020-05",
    ),
    "two.yaml": briefing_yaml(
        "two",
        """
        actors:
          - {id: clash, name: Clash the actor, kind: other}
          - {id: both, name: Both the actor, kind: other}
          - {id: one, name: An actor named like a briefing, kind: person}
        places:
          - {id: only-place, name: Only a place}
        """,
        as_of="2021",
    ),
    "three.yaml": briefing_yaml("three", "places:\n  - {id: both, name: Both the place}\n"),
}


@pytest.fixture
def resolving(tmp_path: Path) -> Library:
    return build(tmp_path, RESOLUTION)


def test_an_entity_of_this_briefing_comes_first(resolving: Library) -> None:
    assert resolving.resolve("clash", "one") == EntityRef("event", "clash", "one")
    assert resolving.resolve("clash", "two") == EntityRef("actor", "clash")
    assert resolving.resolve("clash") == EntityRef("actor", "clash")


def test_local_kinds_carry_their_briefing(resolving: Library) -> None:
    assert resolving.resolve("q-one", "one") == EntityRef("question", "q-one", "one")
    assert resolving.resolve("src-one", "one") == EntityRef("source", "src-one", "one")
    assert resolving.resolve("j-one", "one") == EntityRef("judgment", "j-one", "one")
    assert resolving.resolve("q-one", "two") is None
    assert resolving.resolve("q-one") is None


def test_then_a_library_wide_actor_before_a_place(resolving: Library) -> None:
    assert resolving.resolve("shared", "two") == EntityRef("actor", "shared")
    assert resolving.resolve("both", "one") == EntityRef("actor", "both")
    assert resolving.resolve("only-place", "one") == EntityRef("place", "only-place")


def test_then_a_briefing_id(resolving: Library) -> None:
    assert resolving.resolve("two", "one") == EntityRef("briefing", "two")
    assert resolving.resolve("one", "two") == EntityRef("actor", "one")
    assert resolving.resolve("nowhere", "one") is None


def test_briefing_hash_local_resolves_into_that_briefing(resolving: Library) -> None:
    assert resolving.resolve("one#clash", "two") == EntityRef("event", "clash", "one")
    assert resolving.resolve("one#q-one") == EntityRef("question", "q-one", "one")
    assert resolving.resolve("one#shared") == EntityRef("actor", "shared")
    assert resolving.resolve("one#") == EntityRef("briefing", "one")
    assert resolving.resolve("one#missing") is None
    assert resolving.resolve("two#clash") == EntityRef("actor", "clash")
    assert resolving.resolve("missing#clash") is None
    [link] = find_links("see [[one#clash|the clash]]")
    assert resolving.resolve_link(link, "two") == EntityRef("event", "clash", "one")


def test_parse_ref_for_open(resolving: Library) -> None:
    assert resolving.parse_ref("two") == EntityRef("briefing", "two")
    assert resolving.parse_ref(" shared ") == EntityRef("actor", "shared")
    assert resolving.parse_ref("only-place") == EntityRef("place", "only-place")
    assert resolving.parse_ref("one#j-one") == EntityRef("judgment", "j-one", "one")
    assert resolving.parse_ref("q-one") is None
    assert resolving.parse_ref("") is None


def test_entity_and_title_of_every_kind(resolving: Library) -> None:
    cases = [
        (EntityRef("briefing", "one"), Briefing, "Title of one"),
        (EntityRef("actor", "clash"), ActorRecord, "Clash the actor"),
        (EntityRef("place", "only-place"), PlaceRecord, "Only a place"),
        (EntityRef("event", "clash", "one"), Event, "Local event named like an actor elsewhere"),
        (EntityRef("question", "q-one", "one"), Question, "Why?"),
        (EntityRef("source", "src-one", "one"), Source, "A source"),
        (EntityRef("judgment", "j-one", "one"), Judgment, "Probably."),
    ]
    for ref, kind, title in cases:
        assert isinstance(resolving.entity(ref), kind), ref
        assert resolving.title_of(ref) == title
    missing = EntityRef("event", "nope", "one")
    assert resolving.entity(missing) is None
    assert resolving.title_of(missing) == "one#nope"


# ------------------------------------------------------------------ warnings


def test_unresolved_links_and_references_are_warnings(basic: Library) -> None:
    assert not [d for d in basic.diagnostics() if d.is_error]
    found = {(d.field, d.message) for d in warnings_of(basic, "karabakh-2020.yaml")}
    assert found >= {
        ("judgments[0].text", "unresolved link [[likely]]"),
        ("timeline[2].actors[1]", "unresolved reference 'turkey': no actor has this id"),
        ("timeline[2].place", "unresolved reference 'shusha': no place has this id"),
        (
            "timeline[2].sources[0]",
            "unresolved reference 'src-missing': no source of this briefing has this id",
        ),
        (
            "questions[0].about[3]",
            "unresolved reference 'ghost': no actor, place, event or question of this "
            "briefing has this id",
        ),
    }
    unresolved = [d for d in warnings_of(basic, "karabakh-2020.yaml") if "unresolved" in d.message]
    assert len(unresolved) == 5
    assert {(d.field, d.message) for d in warnings_of(basic, "ceasefire-2021.yaml")} == {
        ("summary", "unresolved link [[karabakh-2020#nothing]]")
    }
    registry = {(d.field, d.message) for d in warnings_of(basic, "actors.yaml")}
    assert (
        "actors[1].relations[1].target",
        "unresolved reference 'nobody-here': no actor or place has this id",
    ) in registry
    assert basic.problems("ceasefire-2021") == 1
    assert basic.problems("karabakh-2020") >= 5
    assert basic.problems("no-such-briefing") == 0


def position_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based (line, col) of the first occurrence of needle in the file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def test_warnings_are_located_at_the_node(basic: Library) -> None:
    located = {
        (d.path.rsplit("/", 1)[-1], d.field): (d.line, d.col)
        for d in basic.diagnostics()
        if d.message.startswith("unresolved")
    }
    karabakh, registry = BASIC / "karabakh-2020.yaml", BASIC / "actors.yaml"
    assert located[("karabakh-2020.yaml", "timeline[2].actors[1]")] == position_of(
        karabakh, "turkey"
    )
    line, col = position_of(karabakh, "place: shusha")
    assert located[("karabakh-2020.yaml", "timeline[2].place")] == (line, col + len("place: "))
    assert located[("karabakh-2020.yaml", "timeline[2].sources[0]")] == position_of(
        karabakh, "src-missing"
    )
    assert located[("karabakh-2020.yaml", "questions[0].about[3]")] == position_of(
        karabakh, "ghost"
    )
    # A prose link is placed at its string: here a plain scalar, and a folded block scalar.
    assert located[("karabakh-2020.yaml", "judgments[0].text")] == position_of(
        karabakh, "The ceasefire is"
    )
    assert located[("ceasefire-2021.yaml", "summary")] == position_of(
        BASIC / "ceasefire-2021.yaml", ">-"
    )
    assert located[("actors.yaml", "actors[1].relations[1].target")] == position_of(
        registry, "nobody-here"
    )


def test_diagnostics_are_sorted_by_path_line_col(basic: Library) -> None:
    found = basic.diagnostics()
    assert found == sorted(found, key=lambda d: (d.path, d.line, d.col))
    assert len(found) == sum(len(d.diagnostics) for d in basic.documents)


def test_every_prose_field_is_checked(tmp_path: Path) -> None:
    body = """
    judgments:
      - {text: "j [[x1]]"}
    actors:
      - id: a
        name: A
        kind: state
        profile: "p [[x2]]"
        relations: [{kind: backs, target: a, note: "n [[x3]]", sources: [s]}]
    timeline:
      - id: e
        date: "2020"
        title: E
        description: "d [[x4]]"
        fatalities: {best: 3, note: "f [[x5]]"}
    questions:
      - id: q
        text: "t [[x6]]"
        answer: "an [[x7]]"
        claims: [{text: "c [[x8]]", sources: [s, nope]}]
    sources:
      - {id: s, title: S}
    """
    lib = build(tmp_path, {"b.yaml": briefing_yaml("b", body, summary="s [[x0]]")})
    found = {(d.field, d.message) for d in lib.diagnostics()}
    assert found == {
        ("summary", "unresolved link [[x0]]"),
        ("judgments[0].text", "unresolved link [[x1]]"),
        ("actors[0].profile", "unresolved link [[x2]]"),
        ("actors[0].relations[0].note", "unresolved link [[x3]]"),
        ("timeline[0].description", "unresolved link [[x4]]"),
        ("timeline[0].fatalities.note", "unresolved link [[x5]]"),
        ("questions[0].text", "unresolved link [[x6]]"),
        ("questions[0].answer", "unresolved link [[x7]]"),
        ("questions[0].claims[0].text", "unresolved link [[x8]]"),
        (
            "questions[0].claims[0].sources[1]",
            "unresolved reference 'nope': no source of this briefing has this id",
        ),
    }
    assert all(d.severity == "warning" for d in lib.diagnostics())


def test_about_may_name_events_and_other_questions_but_not_sources(tmp_path: Path) -> None:
    body = """
    timeline:
      - {id: e, date: "2020", title: E}
    questions:
      - {id: q1, text: One}
      - {id: q2, text: Two, about: [e, q1, s]}
    sources:
      - {id: s, title: S}
    """
    lib = build(tmp_path, {"b.yaml": briefing_yaml("b", body)})
    assert [d.field for d in lib.diagnostics()] == ["questions[1].about[2]"]
    about_q1 = lib.questions_about(EntityRef("question", "q1", "b"))
    assert [q.id for _, q in about_q1] == ["q2"]


def test_citations_in_a_registry_cannot_resolve(tmp_path: Path) -> None:
    registry = """
    schema: actors/1
    actors:
      - id: a
        name: A
        kind: state
        relations: [{kind: backs, target: a, sources: [src-x]}]
    """
    lib = build(tmp_path, {"actors.yaml": registry})
    [warning] = lib.diagnostics()
    assert warning.field == "actors[0].relations[0].sources[0]"
    assert "registry has no sources" in warning.message


def test_control_characters_in_a_link_target_are_shown_visibly(tmp_path: Path) -> None:
    text = 'schema: briefing/1\nid: b\ntitle: B\nas_of: "2020"\nsummary: "see [[bad\\e]]"\n'
    lib = build(tmp_path, {"b.yaml": text})
    [warning] = [d for d in lib.diagnostics() if d.message.startswith("unresolved")]
    assert "\x1b" not in warning.message
    assert "[[bad\u241b]]" in warning.message


# ------------------------------------------------------------------ backlinks and queries


def test_backlinks_name_the_referring_entity_with_inverse_labels(basic: Library) -> None:
    karabakh, ceasefire = "karabakh-2020", "ceasefire-2021"
    mentions = set(basic.backlinks("russia"))
    expected = {
        Mention(EntityRef("event", "evt-signing", karabakh), karabakh, "actors", "mediator in"),
        Mention(EntityRef("event", "evt-anniversary", ceasefire), ceasefire, "actors", "party in"),
        Mention(
            EntityRef("question", "q-peacekeepers", karabakh), karabakh, "about", "question about"
        ),
        Mention(EntityRef("question", "q-peacekeepers", karabakh), karabakh, "text", "linked from"),
        Mention(
            EntityRef("question", "q-renewal", ceasefire), ceasefire, "about", "question about"
        ),
        Mention(EntityRef("actor", "putin"), None, "relations", "led by"),
        Mention(EntityRef("actor", "putin"), None, "profile", "linked from"),
        Mention(EntityRef("briefing", karabakh), karabakh, "summary", "linked from"),
        Mention(EntityRef("briefing", ceasefire), ceasefire, "summary", "linked from"),
        Mention(EntityRef("judgment", "j-holds", karabakh), karabakh, "judgments", "linked from"),
    }
    assert mentions == expected
    assert len(basic.backlinks("russia")) == len(expected)  # repeated links count once
    armenia = set(basic.backlinks("armenia"))
    assert Mention(EntityRef("actor", "azerbaijan"), karabakh, "relations", "opposes") in armenia
    assert Mention(EntityRef("actor", "russia"), ceasefire, "relations", "backed by") in armenia
    assert (
        Mention(EntityRef("event", "evt-war", karabakh), karabakh, "actors", "target in") in armenia
    )
    assert (
        Mention(EntityRef("event", "evt-signing", karabakh), karabakh, "actors", "actor in")
        in armenia
    )


def test_backlinks_of_places_local_entities_and_briefings(basic: Library) -> None:
    place = {(m.source.id, m.label) for m in basic.backlinks("stepanakert")}
    assert place == {
        ("evt-war", "place of"),
        ("evt-anniversary", "place of"),
        ("q-peacekeepers", "question about"),
        ("karabakh-2020", "linked from"),
    }
    signing = EntityRef("event", "evt-signing", "karabakh-2020")
    assert {(m.source.id, m.field) for m in basic.backlinks(signing)} == {
        ("karabakh-2020", "summary"),
        ("ceasefire-2021", "summary"),
        ("q-peacekeepers", "about"),
        ("putin", "profile"),
    }
    source = EntityRef("source", "src-kremlin", "karabakh-2020")
    assert {(m.source.id, m.label) for m in basic.backlinks(source)} == {
        ("j-holds", "cited by"),
        ("evt-signing", "cited by"),
    }
    assert [m.source.id for m in basic.backlinks("karabakh-2020")] == ["ceasefire-2021"]
    assert basic.backlinks("no-such-thing") == []


def test_relations_both_directions_with_origins(basic: Library) -> None:
    registry = display_of(basic, "actors.yaml")
    russia = [(v.label, v.other, v.origin, v.outgoing) for v in basic.relations("russia")]
    assert russia == [
        ("backs", "armenia", "ceasefire-2021", True),
        ("led by", "putin", registry, False),
    ]
    armenia = [(v.label, v.other, v.outgoing) for v in basic.relations("armenia")]
    assert sorted(armenia) == [("backed by", "russia", False), ("opposes", "azerbaijan", False)]
    putin = basic.relations("putin")
    assert [(v.label, v.other) for v in putin] == [("leads", "russia"), ("admires", "nobody-here")]
    assert all(isinstance(v, RelationView) and v.outgoing for v in putin)
    assert putin[0].relation.since == "2012"
    assert basic.relations("nobody-here") == []


def test_unknown_relation_kinds_read_the_same_both_ways(tmp_path: Path) -> None:
    body = """
    actors:
      - {id: a, name: A, kind: state, relations: [{kind: trades-with, target: b}]}
      - {id: b, name: B, kind: state, relations: [{kind: targets, target: a}]}
    """
    lib = build(tmp_path, {"x.yaml": briefing_yaml("x", body)})
    assert [(v.label, v.other, v.outgoing) for v in lib.relations("b")] == [
        ("targets", "a", True),
        ("trades-with", "a", False),
    ]
    assert [(v.label, v.outgoing) for v in lib.relations("a")] == [
        ("trades-with", True),
        ("targeted by", False),
    ]


def test_events_of_an_actor_across_briefings_in_date_order(basic: Library) -> None:
    assert [(b, e.id) for b, e in basic.events_of("azerbaijan")] == [
        ("karabakh-2020", "evt-war"),
        ("karabakh-2020", "evt-shusha"),
        ("karabakh-2020", "evt-signing"),
    ]
    russia = basic.appearances("russia")
    assert all(isinstance(a, EventAppearance) for a in russia)
    assert [(a.briefing, a.event.id, a.role) for a in russia] == [
        ("karabakh-2020", "evt-signing", "mediator"),
        ("ceasefire-2021", "evt-anniversary", "party"),
    ]
    assert russia[0].event is basic.entity(EntityRef("event", "evt-signing", "karabakh-2020"))
    assert [a.role for a in basic.appearances("putin")] == [None]
    assert [e.id for _, e in basic.events_of("stepanakert")] == ["evt-war", "evt-anniversary"]
    assert basic.events_of("turkey") == []


def test_questions_about_and_briefings_mentioning(basic: Library) -> None:
    assert [(b, q.id) for b, q in basic.questions_about("russia")] == [
        ("ceasefire-2021", "q-renewal"),
        ("karabakh-2020", "q-peacekeepers"),
    ]
    assert basic.briefings_mentioning("russia") == ["ceasefire-2021", "karabakh-2020"]
    assert basic.briefings_mentioning("putin") == ["ceasefire-2021"]
    assert basic.briefings_mentioning("stepanakert") == ["ceasefire-2021", "karabakh-2020"]
    assert basic.briefings_mentioning("karabakh-2020") == ["ceasefire-2021"]
    assert basic.briefings_mentioning("ghost") == []


def test_briefings_newest_first_and_document_of(basic: Library) -> None:
    assert [b.id for b in basic.briefings_newest_first()] == ["ceasefire-2021", "karabakh-2020"]
    document = basic.document_of("karabakh-2020")
    assert document is not None and document.path.name == "karabakh-2020.yaml"
    assert basic.document_of("nope") is None


def test_newest_first_uses_the_upper_bound_then_id(tmp_path: Path) -> None:
    lib = build(
        tmp_path,
        {
            "a.yaml": briefing_yaml("a", as_of="2020-12-31"),
            "b.yaml": briefing_yaml("b", as_of="2020"),
            "c.yaml": briefing_yaml("c", as_of="2020-06"),
            "d.yaml": briefing_yaml("d", as_of="2021-01-01"),
        },
    )
    assert [b.id for b in lib.briefings_newest_first()] == ["d", "a", "b", "c"]


def test_timeline_order_precision_qualifiers_intervals_open_ends(tmp_path: Path) -> None:
    dates = [
        ("day-1", "2020-10-26"),
        ("year", "2020"),
        ("month", "2020-10"),
        ("day-2", "2020-10-26"),
        ("approx-month", "2020-10~"),
        ("open-start", "../2020-09"),
        ("interval", "2020-10/2020-12"),
        ("open-end", "2020-09/.."),
        ("uncertain-day", "2020-10-01?"),
        ("earlier", "2019-12-31"),
    ]
    timeline = "timeline:\n" + "".join(
        f'  - {{id: {eid}, date: "{date}", title: {eid}}}\n' for eid, date in dates
    )
    lib = build(tmp_path, {"t.yaml": briefing_yaml("t", timeline)})
    assert [e.id for e in lib.timeline("t")] == [
        "open-start",
        "earlier",
        "year",
        "open-end",
        "month",
        "approx-month",
        "interval",
        "uncertain-day",
        "day-1",
        "day-2",
    ]
    assert lib.timeline("missing") == []


# ------------------------------------------------------------------ documents


def test_a_duplicate_briefing_id_is_an_error_on_the_later_file(tmp_path: Path) -> None:
    lib = build(
        tmp_path,
        {
            "a-first.yaml": briefing_yaml("same", summary="First."),
            "b-second.yaml": briefing_yaml("same", summary="Second."),
        },
    )
    assert lib.briefings["same"].summary == "First."
    first, second = lib.documents
    assert first.usable and not second.usable
    [error] = [d for d in second.diagnostics if d.is_error]
    assert error.field == "id"
    assert "duplicate briefing id 'same'" in error.message
    assert first.display_path in error.message
    assert lib.document_of("same") is first
    assert (error.line, error.col) == (2, 5)


def test_one_broken_file_never_hides_the_others(tmp_path: Path) -> None:
    lib = build(
        tmp_path,
        {
            "a-bad-yaml.yaml": "schema: briefing/1\nid: [unclosed\n",
            "b-bad-schema.yaml": "schema: nonsense/9\n",
            "c-bad-field.yaml": briefing_yaml("c", "actors:\n  - {id: x, name: X, kind: army}\n"),
            "good.yaml": briefing_yaml("good", summary="Links to [[c]]."),
            "e-empty.yml": "",
        },
    )
    assert list(lib.briefings) == ["good"]
    broken = {d.path.name for d in lib.documents if not d.usable}
    assert broken == {"a-bad-yaml.yaml", "b-bad-schema.yaml", "c-bad-field.yaml", "e-empty.yml"}
    for document in lib.documents:
        if not document.usable:
            assert document.errors >= 1, document.path
    assert [d.message for d in lib.document_of("good").diagnostics] == ["unresolved link [[c]]"]  # type: ignore[union-attr]


def test_progress_is_reported_per_document(tmp_path: Path) -> None:
    write(tmp_path, {f"b{i}.yaml": briefing_yaml(f"b{i}") for i in range(3)})
    calls: list[tuple[int, int]] = []
    Library.load([tmp_path], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_from_documents_links_what_is_given(basic: Library) -> None:
    pristine = [d for d in basic._loaded if d.path.name != "ceasefire-2021.yaml"]
    lib = Library.from_documents(pristine)
    assert list(lib.briefings) == ["karabakh-2020"]
    assert lib.briefings_mentioning("putin") == []
    assert Library.from_documents([]).briefings_newest_first() == []


def test_the_bundled_briefs_load_without_errors() -> None:
    briefs = HERE.parent / "briefs"
    if not any(briefs.rglob("*.y*ml")):
        pytest.skip("briefs/ holds no briefings yet")
    lib = Library.load([briefs])
    errors = [d.format() for d in lib.diagnostics() if d.is_error]
    assert errors == []
    assert all(document.usable for document in lib.documents)


def test_a_missing_path_is_a_diagnostic_of_the_library(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": briefing_yaml("a")})
    lib = Library.load([tmp_path, tmp_path / "nope"])
    assert list(lib.briefings) == ["a"]
    [problem] = lib.diagnostics()
    assert problem.is_error and "nope" in problem.path


def test_a_loader_failure_is_an_error_on_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"a.yaml": briefing_yaml("a"), "b.yaml": briefing_yaml("b")})
    real = library_module.loader.load_document

    def failing(path: Path, display_path: str | None = None) -> object:
        if path.name == "a.yaml":
            raise RuntimeError("boom")
        return real(path, display_path)

    monkeypatch.setattr(library_module.loader, "load_document", failing)
    lib = Library.load([tmp_path])
    assert list(lib.briefings) == ["b"]
    [error] = lib.diagnostics()
    assert error.path.endswith("a.yaml") and "boom" in error.message


def test_a_question_title_names_the_actors_it_links_to() -> None:
    library = Library.load([Path(__file__).resolve().parent.parent / "briefs"])
    ref = library.resolve("q-fighter-direction", "idlib-2020-10-turkey-russia")
    assert ref is not None
    title = library.title_of(ref)
    assert "join Faylaq al-Sham, or did" in title
    assert "faylaq-al-sham" not in title


def test_backlinks_of_a_source_in_link_order(tmp_path: Path) -> None:
    # Citations of a source in its own briefing are found when asked for, not indexed: they
    # must still come in the order linking meets them, between other briefings' links.
    mid = """
        judgments:
          - {id: j-one, text: "As [[src-a]] says.", sources: [src-b, src-a, src-a]}
        actors:
          - id: a-one
            name: A
            kind: state
            profile: "See [[b-mid#src-a]]."
            relations: [{kind: backs, target: a-two, note: "[[src-a]]", sources: [src-a]}]
          - {id: a-two, name: B, kind: state}
        timeline:
          - {id: e-one, date: "2020-01-01", title: E, description: "[[src-b]]", sources: [src-a]}
        questions:
          - id: q-one
            text: "Q [[src-a]]?"
            claims: [{text: "[[src-a]]", sources: [src-a]}]
            answer: "[[src-a]] and [[src-a]]."
        sources:
          - {id: src-a, title: A}
          - {id: src-b, title: B}
    """
    library = build(
        tmp_path,
        {
            "b-new.yaml": briefing_yaml("b-new", as_of="2022-01-01", summary="[[b-mid#src-a]]"),
            "b-mid.yaml": briefing_yaml("b-mid", mid, as_of="2021-01-01", summary="[[src-a]]"),
            "b-old.yaml": briefing_yaml("b-old", as_of="2020-01-01", summary="[[b-mid#src-a]]"),
            "actors.yaml": """
                schema: actors/1
                actors: [{id: a-reg, name: R, kind: state, profile: "[[b-mid#src-a]]"}]
            """,
        },
    )
    source = EntityRef("source", "src-a", "b-mid")
    found = [(m.source.id, m.briefing, m.field, m.label) for m in library.backlinks(source)]
    assert found == [
        ("b-new", "b-new", "summary", "linked from"),
        ("b-mid", "b-mid", "summary", "linked from"),
        ("j-one", "b-mid", "judgments", "linked from"),
        ("j-one", "b-mid", "sources", "cited by"),
        ("a-one", "b-mid", "profile", "linked from"),
        ("a-one", "b-mid", "note", "linked from"),
        ("a-one", "b-mid", "sources", "cited by"),
        ("e-one", "b-mid", "sources", "cited by"),
        ("q-one", "b-mid", "text", "linked from"),
        ("q-one", "b-mid", "claims", "linked from"),
        ("q-one", "b-mid", "sources", "cited by"),
        ("q-one", "b-mid", "answer", "linked from"),
        ("b-old", "b-old", "summary", "linked from"),
        ("a-reg", None, "profile", "linked from"),
    ]
    other = EntityRef("source", "src-b", "b-mid")
    assert [(m.source.id, m.field) for m in library.backlinks(other)] == [
        ("j-one", "sources"),
        ("e-one", "description"),
    ]
    assert not [d for d in library.diagnostics() if "b-mid" in d.path]
