"""The search index stores prose as the reader shows it: links without a label by the name of
what they name, however the index is built and in whatever order its documents come."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.model import loader
from briefing_tui.model.library import Library
from briefing_tui.model.search import Hit, SearchIndex

REGISTRY = """\
schema: actors/1
actors:
  - id: turkey
    name: Turkey
    kind: state
  - id: faylaq-al-sham
    name: Faylaq al-Sham
    kind: armed-group
    profile: A faction that [[turkey]] backs.
"""

IDLIB = """\
schema: briefing/1
id: idlib
title: Idlib in October
as_of: "2020-10-31"
summary: Russia struck [[faylaq-al-sham]]; see [[older#evt-old-strike]] and [[older]].
timeline:
  - id: evt-strike
    date: "2020-10-26"
    title: Air strike on a training camp
    description: The camp of [[faylaq-al-sham]] was hit; [[q-motive]] asks why.
questions:
  - id: q-motive
    text: Was it a message to [[turkey]] about Libya?
judgments:
  - id: j-pressure
    text: The strike on [[faylaq-al-sham]] was pressure ([[q-motive]], [[no-such-thing]]).
"""

OLDER = """\
schema: briefing/1
id: older
title: Idlib a year before
as_of: "2019-10-31"
summary: Raids went on.
timeline:
  - id: evt-old-strike
    date: "2019-10-01"
    title: An earlier raid near Maarat
"""

IndexBuilder = Callable[[SearchIndex, Path], object]


def by_update(index: SearchIndex, root: Path) -> object:
    return index.update()


def from_library(index: SearchIndex, root: Path) -> object:
    return index.update_from(Library.load([root]))


def briefings_before_the_registry(index: SearchIndex, root: Path) -> object:
    """Documents handed over with the ones that link first, the definitions last."""
    paths = [root / "idlib.yaml", root / "older.yaml", root / "actors.yaml"]
    return index.index_documents(loader.load_document(path, str(path)) for path in paths)


@pytest.fixture(params=[by_update, from_library, briefings_before_the_registry])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> SearchIndex:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "actors.yaml").write_text(REGISTRY, encoding="utf-8")
    (root / "idlib.yaml").write_text(IDLIB, encoding="utf-8")
    (root / "older.yaml").write_text(OLDER, encoding="utf-8")
    built = SearchIndex([root], use_cache=False)
    request.addfinalizer(built.close)
    request.param(built, root)
    return built


def hit(index: SearchIndex, query: str, entity: str) -> Hit:
    found = [h for h in index.search(query, limit=100) if h.id == entity]
    assert found, f"{entity} not found by {query!r}"
    return found[0]


def test_titles_name_the_entities_they_link_to(index: SearchIndex) -> None:
    judgment = hit(index, "pressure", "j-pressure")
    assert judgment.title == (
        "The strike on Faylaq al-Sham was pressure "
        "(Was it a message to turkey about Libya?, no-such-thing)."
    )
    assert hit(index, "message", "q-motive").title == "Was it a message to Turkey about Libya?"


def test_snippets_show_names_and_the_names_are_found(index: SearchIndex) -> None:
    summary = hit(index, "struck", "idlib").snippet
    assert "Russia struck Faylaq al-Sham; see An earlier raid near Maarat and Idlib a year" in (
        summary
    )
    assert "faylaq-al-sham" not in summary and "older" not in summary
    event = hit(index, '"camp of"', "evt-strike").snippet
    assert "The camp of Faylaq al-Sham was hit; Was it a message" in event
    # The names are what the prose is found by.
    assert hit(index, "maarat", "idlib")
    assert hit(index, '"faction that turkey backs"', "faylaq-al-sham")
    assert "Turkey backs" in hit(index, "faction", "faylaq-al-sham").snippet
