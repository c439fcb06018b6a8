"""The loader: finding files, reading them safely, and turning YAML into plain data."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from briefing_tui.model import loader, yamlnodes
from briefing_tui.model.diagnostics import Diagnostic
from briefing_tui.model.document import Document

HERE = Path(__file__).parent / "yaml"

MINIMAL = """\
schema: briefing/1
id: doc
title: A title
as_of: "2020-11-10"
summary: The bottom line.
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(folder: Path, text: str | bytes, name: str = "doc.yaml") -> Document:
    return loader.load_document(write(folder, name, text), name)


def only(document: Document) -> Diagnostic:
    """The one diagnostic of a document (fails, showing them all, if there are more or none)."""
    assert len(document.diagnostics) == 1, [d.format() for d in document.diagnostics]
    return document.diagnostics[0]


def where(diagnostic: Diagnostic) -> tuple[int, int, str]:
    return diagnostic.line, diagnostic.col, diagnostic.field


# ----------------------------------------------------------------- discovery


def test_discover_finds_yaml_recursively_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "sub/c.yaml", "sub/deeper/d.yaml", "notes.txt"):
        write(tmp_path, name, MINIMAL)
    write(tmp_path, ".hidden/e.yaml", MINIMAL)
    write(tmp_path, ".f.yaml", MINIMAL)
    files, problems = loader.discover([tmp_path])
    assert problems == []
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "a.yml",
        "b.yaml",
        "sub/c.yaml",
        "sub/deeper/d.yaml",
    ]


def test_discover_ignores_a_folder_named_like_a_document(tmp_path: Path) -> None:
    write(tmp_path, "x.yaml/inner.yaml", MINIMAL)
    files, _ = loader.discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["x.yaml/inner.yaml"]


def test_discover_survives_symlink_loops_and_lists_each_file_once(tmp_path: Path) -> None:
    write(tmp_path, "lib/a.yaml", MINIMAL)
    (tmp_path / "lib" / "loop").symlink_to(tmp_path / "lib", target_is_directory=True)
    (tmp_path / "lib" / "alias.yaml").symlink_to(tmp_path / "lib" / "a.yaml")
    files, problems = loader.discover([tmp_path / "lib", tmp_path / "lib" / "a.yaml"])
    assert problems == []
    assert len(files) == 1
    assert os.path.realpath(files[0]) == os.path.realpath(tmp_path / "lib" / "a.yaml")


def test_discover_reports_a_missing_path_and_keeps_the_others(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", MINIMAL)
    files, problems = loader.discover([tmp_path / "nope", tmp_path])
    assert [p.name for p in files] == ["a.yaml"]
    assert [(d.path, d.message) for d in problems] == [
        (str(tmp_path / "nope"), loader.MISSING_PATH)
    ]


def test_discover_takes_a_named_file_whatever_its_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "brief.txt", MINIMAL)
    assert loader.discover([path]) == ([path], [])


def test_display_path_is_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert loader.display_path(tmp_path / "a" / "b.yaml") == os.path.join("a", "b.yaml")
    assert loader.display_path("rel/c.yaml") == os.path.join("rel", "c.yaml")
    assert loader.display_path("/elsewhere/d.yaml") == "/elsewhere/d.yaml"


# ----------------------------------------------------------------- reading


def test_a_valid_briefing_loads_with_entity_lines(tmp_path: Path) -> None:
    document = loader.load_document(HERE / "example-ceasefire.yaml", "example-ceasefire.yaml")
    assert document.diagnostics == []
    assert document.kind == "briefing"
    assert document.briefing is not None
    assert document.briefing.id == "example-ceasefire"
    assert document.lines[("summary",)] == 5
    assert document.lines[("actors", 2)] == 10
    assert document.lines[("sources", 0)] == 25
    # Only top-level fields and entities: nothing deeper is kept.
    assert all(len(loc) <= 2 for loc in document.lines)


def test_a_registry_loads(tmp_path: Path) -> None:
    document = loader.load_document(HERE / "actors.yaml")
    assert document.diagnostics == []
    assert document.kind == "actors"
    assert document.registry is not None
    assert [a.id for a in document.registry.actors] == ["russia", "wagner"]
    assert document.registry.actors[1].relations[0].since == "2014"


def test_unquoted_dates_and_years_are_strings_and_x_keys_are_dropped() -> None:
    document = loader.load_document(HERE / "unquoted-dates.yaml")
    assert document.diagnostics == []
    assert document.briefing is not None
    assert document.briefing.as_of == "2020-11-10"
    assert [e.date for e in document.briefing.timeline] == ["2020", "2020-10-26", "2017/.."]


def test_x_keys_are_free_at_any_level(tmp_path: Path) -> None:
    text = MINIMAL + "x-top: 1\nactors:\n  - {id: a, name: A, kind: state, x-mine: [1, 2]}\n"
    document = load(tmp_path, text)
    assert document.diagnostics == []
    assert document.usable


def test_a_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.yaml", MINIMAL + "# padding\n" * 20)
    read: list[object] = []
    real_open = open

    def recording_open(*args: Any, **kwargs: Any) -> Any:
        stream = real_open(*args, **kwargs)
        monkeypatch.setattr(stream, "read", lambda *a: read.append(a) or b"", raising=False)
        return stream

    monkeypatch.setattr(loader, "open", recording_open, raising=False)
    document = loader.load_document(path, "big.yaml", max_bytes=100)
    assert read == []
    diagnostic = only(document)
    assert "over the size limit of 100 bytes" in diagnostic.message
    assert not document.usable


def test_a_file_that_grows_after_stat_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "grows.yaml", MINIMAL)
    real_stat = os.fstat

    class Small:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(loader.os, "fstat", lambda fd: Small(real_stat(fd)))
    diagnostic = only(loader.load_document(path, max_bytes=50))
    assert "over the size limit" in diagnostic.message


def test_an_unreadable_file_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "doc.yaml", MINIMAL)

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loader, "open", refuse, raising=False)
    diagnostic = only(loader.load_document(path, "doc.yaml"))
    assert (diagnostic.path, diagnostic.message) == (
        "doc.yaml",
        "cannot read: permission denied",
    )


def test_a_file_deleted_before_loading_is_a_diagnostic(tmp_path: Path) -> None:
    diagnostic = only(loader.load_document(tmp_path / "gone.yaml", "gone.yaml"))
    assert diagnostic.is_error
    assert "gone" in diagnostic.message


def test_a_file_swapped_for_a_pipe_after_discovery_is_refused_without_waiting(
    tmp_path: Path,
) -> None:
    os.mkfifo(tmp_path / "brief.yaml")  # no writer: a blocking open would wait forever
    diagnostic = only(loader.load_document(tmp_path / "brief.yaml"))
    assert diagnostic.message == "not a regular file"


def test_a_huge_integer_is_a_located_error(tmp_path: Path) -> None:
    document = load(tmp_path, MINIMAL.replace("A title", "9" * 5000))
    diagnostic = only(document)
    assert where(diagnostic) == (3, 8, "title")
    assert diagnostic.message == "a number of 5,000 characters is too long"


def test_a_folder_or_a_fifo_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    assert only(loader.load_document(tmp_path / "dir.yaml")).message == "is a folder, not a file"
    os.mkfifo(tmp_path / "pipe.yaml")
    assert only(loader.load_document(tmp_path / "pipe.yaml")).message == "not a regular file"


def test_not_utf8_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    text = MINIMAL.encode() + "authors: [Zoë, ".encode() + b"J\xe9r\xf4me]\n"
    diagnostic = only(load(tmp_path, text))
    assert (diagnostic.line, diagnostic.col) == (6, 17)
    assert diagnostic.message == "not UTF-8 text (byte 0xE9)"


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    document = load(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode())
    assert document.diagnostics == []
    assert document.briefing is not None
    assert document.briefing.schema_ == "briefing/1"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_an_empty_document_is_an_error(tmp_path: Path, text: str) -> None:
    diagnostic = only(load(tmp_path, text))
    assert (diagnostic.line, diagnostic.col, diagnostic.message) == (1, 1, "empty document")


# ----------------------------------------------------------------- YAML


def test_a_syntax_error_is_placed_at_its_mark(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, MINIMAL + "tags: [a, b\nauthors: [x]\n"))
    assert where(diagnostic) == (7, 8, "")
    assert diagnostic.message.startswith("YAML syntax: ")


def test_an_error_at_the_end_of_the_stream_is_placed_on_the_last_line(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "schema: briefing/1\nid: [doc\n"))
    assert (diagnostic.line, diagnostic.col) == (2, 9)


def test_positions_count_lines_as_an_editor_does() -> None:
    lines = yamlnodes.TextLines("ab\ncd\n")
    assert [lines.of_index(i) for i in range(8)] == [
        (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (2, 3), (2, 3),
    ]  # fmt: skip
    assert yamlnodes.TextLines("").of_index(0) == (1, 1)


@pytest.mark.parametrize("line_break", ["\x85", "\u2028", "\r"])
def test_unusual_line_breaks_do_not_shift_positions(tmp_path: Path, line_break: str) -> None:
    text = MINIMAL.replace("title: A title", f"title: A{line_break} title") + "tagz: [a]\n"
    errors = [d for d in load(tmp_path, text).diagnostics if d.is_error]
    assert [where(d) for d in errors] == [(6, 1, "tagz")]


def test_a_bad_indent_is_placed_at_its_mark(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, "schema: briefing/1\nid: doc\n  title: x\n"))
    assert where(diagnostic) == (3, 8, "")


def test_a_control_character_in_the_text_is_placed(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, MINIMAL + "title: ééé\x01\n"))
    assert (diagnostic.line, diagnostic.col) == (6, 11)
    assert "U+0001" in diagnostic.message


def test_two_documents_in_one_file_are_an_error(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, MINIMAL + "---\n" + MINIMAL))
    assert where(diagnostic) == (6, 1, "")
    assert diagnostic.message == "a second YAML document: one per file"


def test_a_key_given_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    text = MINIMAL + "actors:\n  - id: a\n    name: A\n    kind: state\n    name: B\n"
    diagnostic = only(load(tmp_path, text))
    assert where(diagnostic) == (10, 5, "actors[0].name")
    assert diagnostic.message == "key 'name' given twice in one mapping"


def test_a_key_that_is_not_text_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL + "actors:\n  - {id: a, name: A, kind: state, 2020: x, yes: y}\n"
    document = load(tmp_path, text)
    assert [where(d) for d in document.diagnostics] == [
        (7, 35, "actors[0].2020"),
        (7, 44, "actors[0].yes"),
    ]
    assert document.diagnostics[0].message == "a key must be text, got int '2020': quote it"
    assert document.diagnostics[1].message == "a key must be text, got bool 'yes': quote it"
    assert not document.usable


def test_a_mapping_as_a_key_is_an_error(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, MINIMAL + "? [a, b]\n: c\n"))
    assert where(diagnostic) == (6, 3, "")  # a key that names no field: the mapping holding it
    assert diagnostic.message == "a key must be text, not a mapping or a list"


def test_a_list_as_a_key_of_an_entity_is_reported_at_the_entity(tmp_path: Path) -> None:
    text = MINIMAL + "actors:\n  - id: a\n    name: A\n    kind: state\n    {x: 1}: 2\n"
    diagnostic = only(load(tmp_path, text))
    assert where(diagnostic) == (10, 5, "actors[0]")
    assert diagnostic.message == "a key must be text, not a mapping or a list"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!python/object/apply:os.system [ls]", "Python tags are not allowed"),
        ("!!python/name:os.system ''", "Python tags are not allowed"),
        ("!custom x", "unsupported tag !custom"),
        ("!!binary aGVsbG8=", "unsupported tag !!binary"),
        ("!!set {a}", "unsupported tag !!set"),
        ("!!omap [a: 1]", "unsupported tag !!omap"),
    ],
)
def test_only_standard_tags(tmp_path: Path, value: str, message: str) -> None:
    document = load(tmp_path, MINIMAL + f"title: {value}\n".replace("title", "location"))
    diagnostic = document.diagnostics[0]
    assert where(diagnostic) == (6, 11, "location")
    assert message in diagnostic.message
    assert not document.usable


def test_explicit_standard_tags_are_fine(tmp_path: Path) -> None:
    document = load(tmp_path, MINIMAL.replace("A title", "!!str 1984"))
    assert document.diagnostics == []
    assert document.briefing is not None
    assert document.briefing.title == "1984"


def test_a_merge_key_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "x-base: &base {kind: state}\nactors:\n  - {<<: *base, id: a, name: A}\n"
    diagnostic = load(tmp_path, text).diagnostics[0]
    assert where(diagnostic) == (8, 6, "actors[0].<<")
    assert "merge keys" in diagnostic.message


def test_aliases_within_bounds_are_expanded(tmp_path: Path) -> None:
    text = MINIMAL + textwrap.dedent(
        """\
        actors:
          - &ru {id: russia, name: Russia, kind: state}
        places:
          - {id: p, name: P, aliases: &names [a, b]}
          - {id: q, name: Q, aliases: *names}
        """
    )
    document = load(tmp_path, text)
    assert document.diagnostics == []
    assert document.briefing is not None
    assert document.briefing.places[1].aliases == ["a", "b"]


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, 30):  # 10**30 nodes if expanded
        refs = ", ".join([f"*l{n - 1}"] * 10)
        lines.append(f"x-l{n}: &l{n} [{refs}]")
    lines.append("authors: *l29")
    document = load(tmp_path, MINIMAL + "\n".join(lines) + "\n")
    diagnostic = only(document)
    assert "aliases expand this document" in diagnostic.message
    assert (diagnostic.line, diagnostic.col) == (34, 8)  # the anchor of the most reused node


def test_a_recursive_alias_is_an_error(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, MINIMAL + "authors: &a [x, *a]\n"))
    assert where(diagnostic) == (6, 10, "authors")
    assert "recursive alias" in diagnostic.message


def test_nesting_past_the_bound_is_an_error_at_the_deepest_allowed_plus_one(
    tmp_path: Path,
) -> None:
    depth = yamlnodes.MAX_DEPTH + 20
    diagnostic = only(load(tmp_path, MINIMAL + "x: " + "[" * depth + "]" * depth + "\n"))
    # The root mapping is level 1, so the 100th `[` is level 101.
    assert (diagnostic.line, diagnostic.col) == (6, 4 + yamlnodes.MAX_DEPTH - 1)
    assert diagnostic.message == f"nesting deeper than {yamlnodes.MAX_DEPTH} levels"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "x" + "}" * 10_000,
        "- " * 10_000 + "x\n",
        "".join("  " * i + "a:\n" for i in range(300)),
    ],
    ids=["flow-lists", "flow-maps", "compact-block-lists", "block-maps"],
)
def test_very_deep_nesting_never_overflows(tmp_path: Path, text: str) -> None:
    diagnostic = only(load(tmp_path, text))
    assert diagnostic.message == f"nesting deeper than {yamlnodes.MAX_DEPTH} levels"
    # Where our bound is passed, not where libyaml's own (1,000 levels) would stop it.
    assert diagnostic.line <= yamlnodes.MAX_DEPTH + 2
    assert diagnostic.col <= len("{a: ") * (yamlnodes.MAX_DEPTH + 2)


@pytest.mark.parametrize(
    "text",
    ["[" * 10_000 + "]" * 10_000, "- " * 10_000 + "x\n", "[" * 150 + "]" * 150],
    ids=["flow", "compact-block", "just-past-the-bound"],
)
def test_the_pure_python_loader_refuses_deep_nesting_before_recursing(text: str) -> None:
    with pytest.raises(loader.yaml.MarkedYAMLError, match="nesting deeper"):
        yamlnodes.compose(text, yamlnodes.PythonComposingLoader)


def test_the_pure_python_loader_gives_the_same_data() -> None:
    text = (HERE / "example-ceasefire.yaml").read_text(encoding="utf-8")
    fast = yamlnodes.to_data(yamlnodes.compose(text))
    slow = yamlnodes.to_data(yamlnodes.compose(text, yamlnodes.PythonComposingLoader))
    assert fast == slow


def test_resolution_matches_pyyaml() -> None:
    plain = [
        "", "~", "null", "yes", "No", "on", "OFF", "true", "1", "-1", "0x1f", "017", "1_000",
        "1:30", "1.5", ".5", "-.inf", ".NaN", "1e3", "2020-10-26", "2020-10-26 10:00:00",
        "2020-1-5", "abc", "-a", "0", "1.",
    ]  # fmt: skip
    for value in plain:
        for text in (f"k: {value}\n", f"k: '{value}'\n"):
            expected = loader.yaml.load(text, Loader=loader.yaml.SafeLoader)
            root = yamlnodes.compose(text)
            assert root is not None
            assert yamlnodes.to_data(root) == (expected, []), text


def test_an_impossible_unquoted_date_stays_text_so_the_date_check_explains(
    tmp_path: Path,
) -> None:
    diagnostic = only(load(tmp_path, MINIMAL.replace('"2020-11-10"', "2020-02-30")))
    assert where(diagnostic) == (4, 8, "as_of")
    assert diagnostic.message == "'2020-02-30': day 30 does not exist in that month"


# ----------------------------------------------------------------- positions for the library


def test_locate_finds_positions_of_field_paths(tmp_path: Path) -> None:
    path = HERE / "example-ceasefire.yaml"
    found = loader.locate(
        path,
        [
            ("timeline", 0, "actors", 1),
            ("actors", 2, "relations", 0, "target"),
            ("questions", 0, "about", 0),
            ("nothing", 3),
        ],
    )
    assert found == {
        ("timeline", 0, "actors", 1): (18, 45),
        ("actors", 2, "relations", 0, "target"): (13, 41),
        ("questions", 0, "about", 0): (23, 13),
    }


def test_locate_of_a_vanished_or_broken_file_finds_nothing(tmp_path: Path) -> None:
    assert loader.locate(tmp_path / "gone.yaml", [("id",)]) == {}
    broken = write(tmp_path, "broken.yaml", "a: [")
    assert loader.locate(broken, [("a",)]) == {}


def test_make_diagnostic_uses_a_position_or_the_entity_line() -> None:
    document = loader.load_document(HERE / "example-ceasefire.yaml", "ex.yaml")
    placed = loader.make_diagnostic(document, ("timeline", 0, "place"), "warning", "m", (3, 4))
    assert placed == Diagnostic("ex.yaml", 3, 4, "warning", "timeline[0].place", "m")
    fallback = loader.make_diagnostic(document, ("timeline", 0, "actors", 9), "warning", "m")
    assert (fallback.line, fallback.col) == (15, 1)


def test_located_diagnostics_reads_the_file_once_for_all(tmp_path: Path) -> None:
    document = loader.load_document(HERE / "example-ceasefire.yaml", "ex.yaml")
    found = loader.located_diagnostics(
        document, [(("questions", 0, "about", 0), "warning", "unresolved")]
    )
    assert [d.format() for d in found] == [
        "ex.yaml:23:13: warning: questions[0].about[0]: unresolved"
    ]


def test_document_from_text_is_load_document_without_the_reading() -> None:
    path = HERE / "example-ceasefire.yaml"
    text = loader.read_text(path, "ex.yaml")
    assert isinstance(text, str)
    document = loader.document_from_text(path, "ex.yaml", text)
    assert document == loader.load_document(path, "ex.yaml")
    broken = loader.document_from_text(path, "ex.yaml", text.replace("kind: state", "kind: army"))
    assert [d.field for d in broken.diagnostics] == [f"actors[{i}].kind" for i in range(3)]


def test_document_from_data_validates_without_yaml(tmp_path: Path) -> None:
    document = loader.load_document(HERE / "example-ceasefire.yaml", "ex.yaml")
    parsed = loader.parse_text((HERE / "example-ceasefire.yaml").read_text(), "ex.yaml")
    again = loader.document_from_data(document.path, "ex.yaml", parsed.data, parsed.lines)
    assert again.briefing == document.briefing
    broken = dict(parsed.data, title=5)
    failed = loader.document_from_data(document.path, "ex.yaml", broken, parsed.lines)
    assert [d.format() for d in failed.diagnostics] == [
        "ex.yaml:3:1: error: title: expected text, got a number (5)"
    ]


def test_a_lone_surrogate_is_refused_by_both_parsers() -> None:
    text = 'k: "a\\uD800b"\n'
    for loader_class in (None, yamlnodes.PythonComposingLoader):
        try:
            root = (
                yamlnodes.compose(text)
                if loader_class is None
                else yamlnodes.compose(text, loader_class)
            )
        except loader.yaml.YAMLError:
            continue  # libyaml refuses it while parsing: also a located error
        assert root is not None
        data, problems = yamlnodes.to_data(root)
        assert data == {"k": None}
        assert [p.message for p in problems] == ["text holds a lone surrogate code point"]
