"""A library holding every hostile file and one good briefing: it loads, links, reloads and
searches, and the good briefing (and every hostile-but-valid one) still opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_corpus import DOCUMENT_DIAGNOSTICS, GOOD_ID, GOOD_TEXT, USABLE, head, make_library

from briefing_tui.__main__ import main
from briefing_tui.model.library import Library
from briefing_tui.model.refs import EntityRef
from briefing_tui.model.search import SearchIndex
from briefing_tui.model.text import has_controls

SEARCH_TIMEOUT = 120
"""Safety net for the search subprocess (it takes about a second)."""


@pytest.fixture
def library_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh hostile library; the user's cache goes to a temporary folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return make_library(tmp_path / "library")


def relative(library: Library, folder: Path) -> dict[str, bool]:
    """Each document's path relative to the library folder, and whether it is usable."""
    return {Path(os.path.relpath(d.path, folder)).as_posix(): d.usable for d in library.documents}


def test_every_file_is_a_document_and_only_the_valid_ones_open(library_folder: Path) -> None:
    seen: list[tuple[int, int]] = []
    library = Library.load(
        [library_folder], progress=lambda done, total: seen.append((done, total))
    )
    documents = relative(library, library_folder)
    assert set(documents) == set(DOCUMENT_DIAGNOSTICS) | USABLE
    assert {name for name, usable in documents.items() if usable} == USABLE
    assert seen[-1] == (len(documents), len(documents))
    for document in library.documents:
        if not document.usable:
            assert document.errors, document.display_path


def test_the_good_briefing_opens_with_its_links(library_folder: Path) -> None:
    library = Library.load([library_folder])
    assert GOOD_ID in library.briefings
    good = library.briefings[GOOD_ID]
    assert good.title == "The one good briefing"
    document = library.document_of(GOOD_ID)
    assert document is not None and document.diagnostics == []
    assert library.resolve("good-actor", GOOD_ID) == EntityRef("actor", "good-actor")
    assert [event.id for _, event in library.events_of("good-actor")] == ["good-event"]
    assert library.problems(GOOD_ID) == 0


def test_hostile_but_valid_briefings_open_with_their_text_intact(library_folder: Path) -> None:
    library = Library.load([library_folder])
    markup = library.briefings["markup-everywhere"]
    assert markup.title.startswith("[@click=app.quit]Quit[/] [link=https://example.invalid]")
    escapes = library.briefings["escapes-everywhere"]
    assert "\x1b]2;PWNED\x07" in escapes.title  # kept as written; only display makes it visible
    assert library.briefings["big-summary"].summary == "x" * 1_000_000
    assert library.briefings["bom"].title == "Starts with a BOM"


def test_a_reload_after_files_turn_hostile_keeps_the_last_good_versions(
    library_folder: Path,
) -> None:
    library = Library.load([library_folder])
    good = library_folder / f"{GOOD_ID}.yaml"
    good.write_text(GOOD_TEXT + "x0: &a [lol, lol]\nx1: [*a, *a, *a, *a, *a, *a, *a, *a]\n")
    (library_folder / "bom.yaml").write_bytes(b"\xff\xfe not utf-8")
    (library_folder / "markup-everywhere.yaml").unlink()
    (library_folder / "late.yaml").write_text("- " * 10_000 + "x\n")
    reloaded = library.reload()
    documents = relative(reloaded, library_folder)
    assert "markup-everywhere.yaml" not in documents
    assert documents["late.yaml"] is False
    assert GOOD_ID in reloaded.briefings  # an unknown field x0: shown from its last good version
    assert documents[f"{GOOD_ID}.yaml"] is True
    assert reloaded.briefings["bom"].title == "Starts with a BOM"
    stale = [d for d in reloaded.documents if d.usable and d.errors]
    assert {Path(d.path).name for d in stale} == {f"{GOOD_ID}.yaml", "bom.yaml"}


def test_the_search_index_takes_the_hostile_library(library_folder: Path) -> None:
    with SearchIndex([library_folder], use_cache=False) as index:
        index.update()
        hits = index.search("plain meeting")
        assert [hit.id for hit in hits][:1] == ["good-event"]
        for hit in index.search("PWNED") + index.search("click"):
            assert not has_controls(hit.title), hit
            assert not has_controls(hit.snippet), hit


def test_the_search_command_over_the_hostile_library(library_folder: Path, tmp_path: Path) -> None:
    """The real command in its own process, with its cache in a temporary folder: it finds the
    good briefing, prints nothing raw, and the timeout only guards against a hang."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # cold, then from the cache
        result = subprocess.run(
            [sys.executable, "-m", "briefing_tui", "search", "PWNED OR plain", "."],
            cwd=library_folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=SEARCH_TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        assert "good-event" in result.stdout
        assert "escapes-everywhere" in result.stdout
        assert not has_controls(result.stdout.replace("\n", ""))
        assert not has_controls(result.stderr.replace("\n", ""))


def test_an_impostor_sorted_first_cannot_hide_the_briefing_named_after_its_id(
    tmp_path: Path,
) -> None:
    """A file sorted first that claims the good briefing's id: the file named after the id is
    shown, and the impostor is refused with an error that names the file it clashes with."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / f"{GOOD_ID}.yaml").write_text(GOOD_TEXT, encoding="utf-8")
    impostor = GOOD_TEXT.replace("The one good briefing", "Impostor")
    (folder / "aaa-impostor.yaml").write_text(impostor, encoding="utf-8")
    library = Library.load([folder])
    assert library.briefings[GOOD_ID].title != "Impostor"
    by_file: dict[str, list[str]] = {}
    for diagnostic in library.diagnostics():
        by_file.setdefault(Path(diagnostic.path).name, []).append(diagnostic.message)
    assert set(by_file) == {"aaa-impostor.yaml"}
    assert any(
        "duplicate briefing id" in message and GOOD_ID in message
        for message in by_file["aaa-impostor.yaml"]
    )


HOSTILE_NAMES = ("evil-\x1b]2;PWNED\x07.yaml", "bidi-\u202e-\x9b.yaml")


@pytest.mark.parametrize("command", ["check", "search"])
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_the_commands_print_hostile_file_names_visibly(
    command: str,
    as_json: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """File names come from whoever made the files: no command may print one raw."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    for name in HOSTILE_NAMES:  # a warning (id differs from the file name) for check
        Path(name).write_text(head("hostile", summary="findme"), encoding="utf-8")
    if command == "check":
        args = ["check", *(["--format", "json"] if as_json else []), "."]
    else:
        args = ["search", *(["--json"] if as_json else []), "findme", "."]
    main(args)
    out = capsys.readouterr().out
    assert not has_controls(out.replace("\n", "")), out
    if as_json:
        shown = {Path(d["path"]).name for d in _json_paths(out)}
        assert shown == set(HOSTILE_NAMES)
    else:
        assert "evil-␛]2;PWNED␇.yaml" in out and "bidi-⟨U+202E⟩-⟨U+009B⟩.yaml" in out


def _json_paths(out: str) -> list[dict[str, str]]:
    """The objects holding a `path` in either command's JSON output."""
    data = json.loads(out)
    return data["diagnostics"] if isinstance(data, dict) else data


def test_the_search_command_shows_a_hostile_query_and_path_visibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert main(["search", 'x\u202e "unclosed', "."]) == 2
    err = capsys.readouterr().err
    assert not has_controls(err.replace("\n", ""))
    line, caret = err.splitlines()[1:3]
    assert line[caret.index("^")] == '"'  # the caret still points at the quote
    assert main(["search", "x", "missing-\x1b]2;PWNED\x07"]) == 2
    err = capsys.readouterr().err
    assert "missing-␛]2;PWNED␇: no such file or folder" in err
