"""Reloading a library: only changed files are read again, and a broken file keeps its last good
version."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_library import briefing_yaml, write

from briefing_tui.model import library as library_module
from briefing_tui.model.library import LAST_GOOD_MESSAGE, Library


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the files the library reads, in order."""
    seen: list[str] = []
    read = library_module._load_file

    def counting(path: Path, display_path: str) -> object:
        seen.append(path.name)
        return read(path, display_path)

    monkeypatch.setattr(library_module, "_load_file", counting)
    yield seen


def touch_later(path: Path) -> None:
    """Move the mtime forward, so a rewrite is seen even on coarse clocks."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


FILES = {
    "a.yaml": briefing_yaml("a", summary="See [[b]] and [[c]]."),
    "b.yaml": briefing_yaml("b", "actors:\n  - {id: x, name: X, kind: state}\n"),
}


def test_reload_reads_only_changed_added_and_removed_files(
    tmp_path: Path, loads: list[str]
) -> None:
    write(tmp_path, FILES)
    first = Library.load([tmp_path])
    assert loads == ["a.yaml", "b.yaml"]
    assert [d.message for d in first.diagnostics()] == ["unresolved link [[c]]"]

    loads.clear()
    same = first.reload()
    assert loads == []
    assert same.briefings["a"] is first.briefings["a"]
    assert [d.message for d in same.diagnostics()] == ["unresolved link [[c]]"]

    write(tmp_path, {"c.yaml": briefing_yaml("c")})
    (tmp_path / "b.yaml").write_text(briefing_yaml("b", summary="Changed and longer."))
    touch_later(tmp_path / "b.yaml")
    second = first.reload()
    assert sorted(loads) == ["b.yaml", "c.yaml"]
    assert second.briefings["b"].summary == "Changed and longer."
    assert second.briefings["a"] is first.briefings["a"]
    assert "x" not in second.actors
    assert second.diagnostics() == []  # the link to c resolves now, in an unchanged file

    loads.clear()
    (tmp_path / "c.yaml").unlink()
    third = second.reload()
    assert loads == []
    assert sorted(third.briefings) == ["a", "b"]
    assert [d.message for d in third.diagnostics()] == ["unresolved link [[c]]"]


def test_changed_paths_are_read_even_when_they_look_unchanged(
    tmp_path: Path, loads: list[str]
) -> None:
    write(tmp_path, FILES)
    first = Library.load([tmp_path])
    loads.clear()
    again = first.reload([tmp_path / "b.yaml"])
    assert loads == ["b.yaml"]
    assert again.briefings["b"] == first.briefings["b"]


def test_a_file_turned_invalid_keeps_its_last_good_version(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    first = Library.load([tmp_path])
    broken = tmp_path / "b.yaml"
    broken.write_text(briefing_yaml("b", "actors:\n  - {id: x, name: X, kind: army}\n"))
    touch_later(broken)
    second = first.reload()
    assert second.briefings["b"] is first.briefings["b"]
    assert "x" in second.actors  # the last good model still takes part in the library
    document = second.document_of("b")
    assert document is not None and document.usable
    assert document.diagnostics[0].message == LAST_GOOD_MESSAGE
    assert document.diagnostics[0].severity == "warning"
    assert document.errors >= 1
    assert any("actors[0].kind" in d.field for d in document.diagnostics if d.is_error)

    # Still broken after another change: the same last good version, one warning.
    broken.write_text(briefing_yaml("b", "actors:\n  - {id: x, name: X, kind: armyy}\n"))
    touch_later(broken)
    third = second.reload()
    assert third.briefings["b"] is first.briefings["b"]
    messages = [d.message for d in third.document_of("b").diagnostics]  # type: ignore[union-attr]
    assert messages.count(LAST_GOOD_MESSAGE) == 1

    # Fixed: the new version, and no more warning.
    broken.write_text(briefing_yaml("b", summary="Fixed at last."))
    touch_later(broken)
    fourth = third.reload()
    assert fourth.briefings["b"].summary == "Fixed at last."
    assert [d.message for d in fourth.diagnostics()] == ["unresolved link [[c]]"]


def test_load_with_previous_keeps_the_last_good_version(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    first = Library.load([tmp_path])
    (tmp_path / "a.yaml").write_text("schema: briefing/1\nid: [broken\n")
    second = Library.load([tmp_path], previous=first)
    assert second.briefings["a"] is first.briefings["a"]
    assert [d.message for d in second.diagnostics() if not d.is_error] == [LAST_GOOD_MESSAGE]
    without = Library.load([tmp_path])
    assert "a" not in without.briefings


def test_a_file_never_good_has_no_last_good_version(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": "schema: briefing/1\nid: [broken\n"})
    first = Library.load([tmp_path])
    (tmp_path / "a.yaml").write_text("schema: briefing/1\nid: [still broken\n")
    touch_later(tmp_path / "a.yaml")
    second = first.reload()
    assert second.briefings == {}
    assert LAST_GOOD_MESSAGE not in [d.message for d in second.diagnostics()]


def test_reload_of_a_library_made_from_documents_reads_their_files(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    loaded = Library.load([tmp_path])
    copy = Library.from_documents(loaded.documents)
    assert copy.roots == tuple(d.path for d in loaded.documents)
    again = copy.reload()
    assert sorted(again.briefings) == ["a", "b"]
