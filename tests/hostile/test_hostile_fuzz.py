"""Fuzzing: random valid briefings of arbitrary Unicode load cleanly and render in the real app
without an exception or a raw control character; mutated YAML never makes the loader raise."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile_corpus import CORPUS, GOOD_TEXT
from hostile_screen import loaded, reader, settle, unsafe_characters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.model import loader, yamlnodes
from briefing_tui.model.entities import ACTOR_KINDS, EVENT_ROLES, EVENT_STATUSES
from briefing_tui.model.library import Library
from briefing_tui.model.refs import EntityRef
from briefing_tui.model.text import has_controls

REPO = Path(__file__).parent.parent.parent

# ----------------------------------------------------------------- random valid briefings

slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
texts = st.text(max_size=40)
dates = st.sampled_from(
    ["2020", "2020-10", "2020-10-26", "2019~", "2020-03?", "2019-05%", "2019/2020", "2017/.."]
)
labels = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="[]|\n"), max_size=15
)


def prose(ids: list[str]) -> st.SearchStrategy[str]:
    """Arbitrary text with `[[links]]` to the given ids (and to nothing), some with labels."""
    link = st.builds(
        lambda target, label: f"[[{target}|{label}]]" if label else f"[[{target}]]",
        st.sampled_from([*ids, "nowhere-at-all"]) if ids else st.just("nowhere-at-all"),
        st.one_of(st.none(), labels),
    )
    return st.lists(st.one_of(texts, link), max_size=5).map(" ".join)


@st.composite
def briefings(draw: st.DrawFn) -> dict[str, Any]:
    """A valid `briefing/1` document as plain data, every text field arbitrary Unicode."""
    ids = draw(st.lists(slugs, min_size=5, max_size=10, unique=True))
    briefing_id, source_id, *pool = ids
    actor_ids = pool[: draw(st.integers(1, min(3, len(pool) - 2)))]
    event_ids = pool[len(actor_ids) : len(actor_ids) + draw(st.integers(0, 2))]
    rest = pool[len(actor_ids) + len(event_ids) :]
    question_ids = rest[:1]
    linkable = [*actor_ids, *event_ids]
    actors = [
        {
            "id": actor,
            "name": draw(texts),
            "kind": draw(st.sampled_from(ACTOR_KINDS)),
            "aliases": draw(st.lists(texts, max_size=2)),
            "profile": draw(prose(linkable)),
            "relations": [
                {"kind": "opposes", "target": other, "note": draw(texts)}
                for other in actor_ids
                if other != actor and draw(st.booleans())
            ],
        }
        for actor in actor_ids
    ]
    timeline = [
        {
            "id": event,
            "date": draw(dates),
            "title": draw(texts),
            "date_text": draw(texts),
            "description": draw(prose(linkable)),
            "actors": [
                {"ref": actor, "role": draw(st.sampled_from(EVENT_ROLES))}
                for actor in actor_ids
                if draw(st.booleans())
            ],
            "location": draw(texts),
            "fatalities": {"best": draw(st.integers(0, 10**6)), "note": draw(texts)},
            "status": draw(st.sampled_from(EVENT_STATUSES)),
            "sources": [{"ref": source_id, "credibility": draw(st.integers(1, 6))}],
        }
        for event in event_ids
    ]
    questions = [
        {
            "id": question,
            "text": draw(prose(linkable)),
            "about": actor_ids[:1],
            "claims": [{"text": draw(prose(linkable)), "sources": [source_id]}],
            "answer": draw(texts),
        }
        for question in question_ids
    ]
    return {
        "schema": "briefing/1",
        "id": briefing_id,
        "title": draw(texts),
        "as_of": draw(dates),
        "summary": draw(prose(linkable)),
        "authors": draw(st.lists(texts, max_size=2)),
        "actors": actors,
        "timeline": timeline,
        "questions": questions,
        "sources": [
            {
                "id": source_id,
                "title": draw(texts),
                "publisher": draw(texts),
                "url": draw(texts),
                "reliability": draw(st.sampled_from("ABCDEF")),
            }
        ],
    }


def write_briefing(folder: Path, data: dict[str, Any]) -> Path:
    """The briefing as YAML in `folder`, named after its id."""
    path = folder / f"{data['id']}.yaml"
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=60), encoding="utf-8"
    )
    return path


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(briefings())
def test_any_valid_briefing_loads_without_an_error(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_briefing(Path(folder), data)
        library = Library.load([folder])
    (document,) = library.documents
    assert [d.format() for d in document.diagnostics if d.is_error] == []
    assert data["id"] in library.briefings
    for diagnostic in document.diagnostics:  # warnings: controls, unresolved links
        assert diagnostic.line >= 1 and diagnostic.col >= 1


async def read_everything(folder: Path, data: dict[str, Any]) -> list[str]:
    """Open the briefing in the real app (wide: the four panes at once), follow the first link,
    come back, open a dossier and the sources view; the raw control characters seen on any
    screen. Few key presses: each costs the app a full round of its message loop."""
    seen: set[str] = set()
    app = reader([folder], data["id"])
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await loaded(app, pilot)
        seen.update(unsafe_characters(app.export_screenshot()))
        await pilot.press("enter")
        await settle(app, pilot)
        seen.update(unsafe_characters(app.export_screenshot()))
        await pilot.press("backspace")
        app.open_ref(EntityRef("actor", data["actors"][0]["id"]))
        await settle(app, pilot)
        seen.update(unsafe_characters(app.export_screenshot()))
        await pilot.press("q", "4", "s")
        await settle(app, pilot)
        seen.update(unsafe_characters(app.export_screenshot()))
        assert app.is_running
    return sorted(seen)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=briefings())
def test_any_valid_briefing_renders_in_the_reader(
    data: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with tempfile.TemporaryDirectory() as folder:
        write_briefing(Path(folder), data)
        assert asyncio.run(read_everything(Path(folder), data)) == []


# ----------------------------------------------------------------- mutated YAML

SEEDS = [
    *sorted(CORPUS.glob("*.yaml")),
    *sorted((REPO / "briefs").glob("*.yaml")),
    *sorted((REPO / "tests" / "yaml").glob("*.yaml")),
]
YAML_PIECES = [
    *"[]{}:-&*!|>'\"#%@`,?\n \t\\",
    "\n  - ",
    ": ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!str ",
    "<<: *a\n",
    "---\n",
    "...\n",
    "\x1b]2;x\x07",
    "\u202e",
    "\ufeff",
    "\xe9",
    "0x" + "f" * 1200,
]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "duplicate", "replace", "bytes"]),
        st.floats(0, 1),
        st.integers(0, 40),
        st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=8)),
        st.binary(max_size=4),
    ),
    min_size=1,
    max_size=6,
)


def mutate(raw: bytes, steps: list[tuple[str, float, int, str, bytes]]) -> bytes:
    """Apply each step at a relative position: cut, insert, repeat or overwrite a piece."""
    for kind, where, length, piece, junk in steps:
        at = int(where * len(raw))
        end = min(len(raw), at + length)
        if kind == "delete":
            raw = raw[:at] + raw[end:]
        elif kind == "insert":
            raw = raw[:at] + piece.encode("utf-8", "surrogatepass") + raw[at:]
        elif kind == "duplicate":
            raw = raw[:end] + raw[at:end] + raw[end:]
        elif kind == "replace":
            raw = raw[:at] + piece.encode("utf-8", "surrogatepass") + raw[end:]
        else:
            raw = raw[:at] + junk + raw[at:]
    return raw


@pytest.mark.parametrize("parser", ["libyaml", "pure-python"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.sampled_from(SEEDS), steps=mutations)
def test_mutated_yaml_never_makes_the_loader_raise(
    seed: Path,
    steps: list[tuple[str, float, int, str, bytes]],
    parser: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if parser == "pure-python":
        monkeypatch.setattr(yamlnodes, "ComposingLoader", yamlnodes.PythonComposingLoader)
    raw = mutate(seed.read_bytes(), steps)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutant.yaml"
        path.write_bytes(raw)
        (Path(folder) / "good-briefing.yaml").write_text(GOOD_TEXT, encoding="utf-8")
        document = loader.load_document(path, "mutant.yaml")
        library = Library.load([folder])
    lines = raw.count(b"\n") + 1
    for diagnostic in document.diagnostics:
        assert diagnostic.path == "mutant.yaml"
        assert 1 <= diagnostic.line <= lines + 1, diagnostic.format()  # +1: the end
        assert diagnostic.col >= 1, diagnostic.format()
        assert not has_controls(diagnostic.message), diagnostic.format()  # values are quoted
    assert document.usable or document.errors
    assert "good-briefing" in library.briefings
    assert all(d.line >= 1 and d.col >= 1 for d in library.diagnostics())
