"""`briefing-tui check` on hostile files: the expected diagnostics at path:line:col, nothing more,
no traceback, nothing run, nothing raw sent to the terminal, and bombs defused in bounded time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_corpus import (
    DOCUMENT_DIAGNOSTICS,
    LIBRARY_DIAGNOSTICS,
    NESTING_DEPTH_AT,
    USABLE,
    Expect,
    make_library,
)

from briefing_tui.__main__ import main
from briefing_tui.model import loader, yamlnodes
from briefing_tui.model.text import has_controls, visible

BOMB_TIMEOUT = 120
"""Seconds a subprocess may take before the test gives up on it: a safety net far above the
fraction of a second a bomb takes to refuse, not a measure of speed."""

_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): ")

KNOWN_BUGS: dict[str, str] = {}
"""Files whose expected diagnostics a known bug prevents, with the bug (the test xfails)."""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile library, made once for this module (the tests only read it)."""
    return make_library(tmp_path_factory.mktemp("hostile") / "library")


@pytest.fixture
def in_library(library: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from inside the library, so `check` prints paths relative to it."""
    monkeypatch.chdir(library)
    yield library


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """Exit code, diagnostic lines and stderr of `briefing-tui check` run in this process."""
    code = main(["check", "--no-cache", *args])
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if _LINE.match(line)]
    return code, lines, captured.err


def expected_for(name: str) -> tuple[Expect, ...]:
    """Every diagnostic `check` must give for one file checked on its own, in output order."""
    expected = DOCUMENT_DIAGNOSTICS[name] + LIBRARY_DIAGNOSTICS.get(name, ())
    return tuple(sorted(expected, key=lambda e: (e.line, e.col)))


def assert_matches(name: str, lines: list[str], expected: tuple[Expect, ...]) -> None:
    """Each line is `name:line:col: severity: field: message` with the expected parts."""
    assert len(lines) == len(expected), "\n".join(lines)
    for line, want in zip(lines, expected, strict=True):
        match = _LINE.match(line)
        assert match is not None, line
        assert match["path"] == name, line
        assert match["severity"] == want.severity, line
        rest = line[match.end() :]
        if want.field:
            assert rest.startswith(f"{want.field}: "), line
        assert want.words in rest, line
        at = int(match["line"]), int(match["col"])
        depth_at = NESTING_DEPTH_AT.get(name)
        if depth_at is not None:
            assert depth_at(*at) > yamlnodes.MAX_DEPTH, f"{line}: not past the bound"
        else:
            assert at == (want.line, want.col), line


CHECKED = sorted(set(DOCUMENT_DIAGNOSTICS))
BROKEN_LINKS = ("dangling-link.yaml", "self-loop.yaml")
"""Named on the command line these are paths that do not exist (a usage error); found in a
folder they are documents that cannot be read. The whole-library test checks the latter."""


@pytest.mark.parametrize("name", CHECKED)
def test_check_gives_exactly_the_expected_diagnostics(
    name: str, in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if name in KNOWN_BUGS:
        pytest.xfail(KNOWN_BUGS[name])
    code, lines, err = run_check(capsys, name)
    if name in BROKEN_LINKS:
        assert (code, lines) == (2, [])
        assert err == f"briefing-tui check: no such file or folder: {name}\n"
        return
    assert err == ""
    assert_matches(name, lines, expected_for(name))
    has_error = any(e.severity == "error" for e in expected_for(name))
    assert code == (1 if has_error else 0)


@pytest.mark.parametrize("name", CHECKED)
def test_the_pure_python_parser_gives_the_same_diagnostics(
    name: str, in_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml the loader falls back to PyYAML's own parser: it must agree."""
    if name in KNOWN_BUGS:
        pytest.xfail(KNOWN_BUGS[name])
    monkeypatch.setattr(yamlnodes, "ComposingLoader", yamlnodes.PythonComposingLoader)
    document = loader.load_document(name, name)
    lines = [visible(d.format()) for d in document.diagnostics]
    assert_matches(name, lines, DOCUMENT_DIAGNOSTICS[name])


def test_warnings_fail_only_a_strict_check(
    in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = run_check(capsys, "escapes-everywhere.yaml")
    assert code == 0 and lines
    code, _, _ = run_check(capsys, "--strict", "escapes-everywhere.yaml")
    assert code == 1
    code, lines, _ = run_check(capsys, "--strict", "bom.yaml")
    assert (code, lines) == (0, [])


def test_the_whole_library_is_checked_in_one_run_without_a_raw_control(
    in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--no-cache", "."])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err == ""
    assert not has_controls(captured.out.replace("\n", ""))
    for name in CHECKED:
        if name in KNOWN_BUGS:
            continue
        lines = [line for line in captured.out.splitlines() if line.startswith(f"{name}:")]
        assert_matches(name, lines, expected_for(name))
    summary = captured.out.splitlines()[-1]
    assert summary.startswith(f"{len(set(DOCUMENT_DIAGNOSTICS) | USABLE)} documents, ")


def test_json_output_escapes_every_control(
    in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--no-cache", "--format", "json", "escaped-key.yaml", "raw-bidi.yaml"])
    out = capsys.readouterr().out
    assert code == 1
    assert not has_controls(out.replace("\n", ""))
    assert "\\u001b]2;PWNED\\u0007" in out


def test_a_folder_named_like_a_document_is_a_folder(
    in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--no-cache", "x.yaml"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == "1 document, 0 errors, 0 warnings"


def test_python_tags_construct_and_run_nothing(
    in_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("python-tags.yaml", "python-root.yaml"):
        code, lines, _ = run_check(capsys, name)
        assert code == 1 and lines
    assert not (in_library / "pwned-marker").exists()


# ----------------------------------------------------------------- bombs, in a subprocess

BOMBS = [
    "billion-laughs.yaml",
    "self-alias.yaml",
    "self-alias-mapping.yaml",
    "deep-flow-sequence.yaml",
    "deep-flow-mapping.yaml",
    "deep-block-sequence.yaml",
    "deep-block-mapping.yaml",
    "over-the-limit.yaml",
    "fifo.yaml",
    "device-link.yaml",
]

_RUN_CHECK = "import sys; from briefing_tui.__main__ import main; sys.exit(main(sys.argv[1:]))"
_RUN_CHECK_PURE = (
    "import sys; from briefing_tui.model import yamlnodes; "
    "yamlnodes.ComposingLoader = yamlnodes.PythonComposingLoader; " + _RUN_CHECK
)


@pytest.mark.parametrize("parser", ["libyaml", "pure-python"])
@pytest.mark.parametrize("name", BOMBS)
def test_bombs_are_refused_by_a_real_check_process(name: str, parser: str, library: Path) -> None:
    """The real command in its own process: it answers with the diagnostic and exits; the
    timeout only keeps a regression (an expansion, a blocking read) from hanging the suite."""
    code = _RUN_CHECK if parser == "libyaml" else _RUN_CHECK_PURE
    result = subprocess.run(
        [sys.executable, "-c", code, "check", "--no-cache", name],
        cwd=library,
        capture_output=True,
        text=True,
        timeout=BOMB_TIMEOUT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.stderr == ""
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if _LINE.match(line)]
    assert_matches(name, lines, expected_for(name))


# ----------------------------------------------------------------- files that change under us


@pytest.fixture
def one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid briefing alone in a folder that is the working folder."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "doc.yaml"
    path.write_text(
        'schema: briefing/1\nid: doc\ntitle: T\nas_of: "2020"\nsummary: S\n', encoding="utf-8"
    )
    return path


def just_before_reading(monkeypatch: pytest.MonkeyPatch, change: object) -> None:
    """Make the loader's `open` first apply `change(path)`: the file changes after discovery,
    just before the loader opens it."""
    real_open = open

    def changing_open(path: object, *args: object, **kwargs: object) -> object:
        change(Path(os.fspath(path)))  # type: ignore[operator, arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(loader, "open", changing_open, raising=False)


def test_a_file_deleted_just_before_reading(
    one_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    just_before_reading(monkeypatch, lambda path: path.unlink())
    code, lines, err = run_check(capsys, "doc.yaml")
    assert (code, err) == (1, "")
    assert_matches("doc.yaml", lines, (Expect("error", 1, 1, "", "the file is gone"),))


def test_a_file_rewritten_just_before_reading_is_judged_as_read(
    one_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    just_before_reading(
        monkeypatch, lambda path: path.write_text("schema: briefing/1\nid: [unclosed\n")
    )
    code, lines, err = run_check(capsys, "doc.yaml")
    assert (code, err) == (1, "")
    assert len(lines) == 1 and lines[0].startswith("doc.yaml:2:14: error: YAML syntax")


def test_a_file_that_grows_past_the_limit_just_before_reading(
    one_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def grow(path: Path) -> None:
        with open(path, "r+b") as stream:
            stream.truncate(loader.DEFAULT_MAX_BYTES + 1)

    just_before_reading(monkeypatch, grow)
    code, lines, err = run_check(capsys, "doc.yaml")
    assert (code, err) == (1, "")
    assert_matches("doc.yaml", lines, (Expect("error", 1, 1, "", "over the size limit"),))


def test_a_file_replaced_by_a_folder_just_before_reading(
    one_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def to_folder(path: Path) -> None:
        path.unlink()
        path.mkdir()

    just_before_reading(monkeypatch, to_folder)
    code, lines, err = run_check(capsys, "doc.yaml")
    assert (code, err) == (1, "")
    assert_matches("doc.yaml", lines, (Expect("error", 1, 1, "", "is a folder"),))


_FIFO_BEFORE_READING = """
import os, sys
from briefing_tui.model import loader
real_open = open
def swap(path, *args, **kwargs):
    os.unlink(path)
    os.mkfifo(path)
    return real_open(path, *args, **kwargs)
loader.open = swap
from briefing_tui.__main__ import main
sys.exit(main(["check", "--no-cache", "doc.yaml"]))
"""


def test_a_file_replaced_by_a_pipe_just_before_reading_does_not_hang(one_file: Path) -> None:
    """Opening a pipe waits for a writer: the loader must not. In a subprocess, whose timeout
    only keeps a regression from hanging the suite."""
    result = subprocess.run(
        [sys.executable, "-c", _FIFO_BEFORE_READING],
        cwd=one_file.parent,
        capture_output=True,
        text=True,
        timeout=BOMB_TIMEOUT,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("doc.yaml:1:1: error: not a regular file")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod 000 does not stop root from reading "
    "(test_an_unreadable_file_simulated covers the same path)",
)
def test_an_unreadable_file(one_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_file.chmod(0)
    try:
        code, lines, err = run_check(capsys, "doc.yaml")
    finally:
        one_file.chmod(0o644)
    assert (code, err) == (1, "")
    assert_matches("doc.yaml", lines, (Expect("error", 1, 1, "", "permission denied"),))


def test_an_unreadable_file_simulated(
    one_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    just_before_reading(monkeypatch, refuse)
    code, lines, err = run_check(capsys, "doc.yaml")
    assert (code, err) == (1, "")
    assert_matches("doc.yaml", lines, (Expect("error", 1, 1, "", "permission denied"),))


def test_a_cached_check_says_exactly_what_a_fresh_one_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The document cache keeps each file's diagnostics: cold, warm and without the cache,
    `check` prints the same lines (files are dated an hour back: the cache skips files
    modified in the last moments)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    library = make_library(tmp_path / "library")
    an_hour_ago = time.time() - 3600
    for path in library.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (an_hour_ago, an_hour_ago))
    monkeypatch.chdir(library)
    outputs = []
    for args in (["."], ["."], ["--no-cache", "."]):
        code = main(["check", *args])
        captured = capsys.readouterr()
        assert (code, captured.err) == (1, "")
        outputs.append(captured.out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert any((tmp_path / "cache").rglob("*.entry")), "nothing was cached"
