"""`briefing-tui check`: diagnostics, the summary line, JSON, and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_tui.__main__ import main
from briefing_tui.commands import check

BRIEFS = Path(__file__).resolve().parent.parent / "briefs"

GOOD = """\
schema: briefing/1
id: good
title: Good
as_of: "2020-11-10"
summary: Fine.
"""
WARNED = """\
schema: briefing/1
id: not-the-stem
title: Warned
as_of: "2020-11-10"
summary: Links to [[nowhere]].
"""
BROKEN = """\
schema: briefing/1
id: broken
title: Broken
as_of: "2020-11-10"
summary: Bad kind below.
actors:
  - {id: a, name: A, kind: army}
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Any cache the command keeps goes to a temporary folder, never the user's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_a_clean_library_exits_0(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "lib") == (0, ["1 document, 0 errors, 0 warnings"], "")


def test_the_bundled_briefs_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(BRIEFS))
    assert out[-1].endswith(", 0 errors, 0 warnings"), out
    assert code == 0


def test_warnings_alone_exit_0_and_1_when_strict(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "warned.yaml").write_text(WARNED, encoding="utf-8")
    code, out, _ = run(capsys, "lib")
    assert code == 0
    assert out == [
        "lib/warned.yaml:2:5: warning: id: id 'not-the-stem' differs from the file name 'warned'",
        "lib/warned.yaml:5:10: warning: summary: unresolved link [[nowhere]]",
        "2 documents, 0 errors, 2 warnings",
    ]
    assert run(capsys, "--strict", "lib")[0] == 1


def test_errors_exit_1_with_located_diagnostics_sorted(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (library / "a-syntax.yaml").write_text("schema: [\n", encoding="utf-8")
    code, out, err = run(capsys, "lib")
    assert code == 1
    assert err == ""
    assert out[0].startswith("lib/a-syntax.yaml:1:10: error: YAML syntax: ")
    assert out[1].startswith("lib/broken.yaml:7:28: error: actors[0].kind: 'army' is not one of ")
    assert out[2] == "3 documents, 2 errors, 0 warnings"


def test_json_format(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (library / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (library / "warned.yaml").write_text(WARNED, encoding="utf-8")
    code, out, _ = run(capsys, "--format", "json", "lib")
    assert code == 1
    payload = json.loads("\n".join(out))
    assert {k: payload[k] for k in ("documents", "errors", "warnings")} == {
        "documents": 3,
        "errors": 1,
        "warnings": 2,
    }
    assert payload["diagnostics"][0] == {
        "path": "lib/broken.yaml",
        "line": 7,
        "col": 28,
        "severity": "error",
        "field": "actors[0].kind",
        "message": payload["diagnostics"][0]["message"],
    }
    assert [d["path"] for d in payload["diagnostics"]] == [
        "lib/broken.yaml",
        "lib/warned.yaml",
        "lib/warned.yaml",
    ]


def test_a_missing_path_is_a_usage_error(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "lib", "nope")
    assert (code, out) == (2, [])
    assert err.strip() == "briefing-tui check: no such file or folder: nope"


def test_paths_outside_the_working_folder_are_shown_as_given(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, str(library.resolve()))
    assert code == 1
    assert out[0].startswith("lib/broken.yaml:7:28: error: ")


def test_author_text_in_diagnostics_cannot_reach_the_terminal_raw(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "evil.yaml").write_text(
        GOOD.replace("id: good", "id: evil") + '"x-\\e]0;t\\a": 1\n"bad\\e[2J": 1\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "lib")
    assert code == 1
    assert all("\x1b" not in line and "\x07" not in line for line in out)
    assert any("bad\u241b[2J" in line for line in out)


@pytest.mark.parametrize(
    ("done", "where"),
    [(0, "while loading lib/good.yaml"), (1, "while linking the library")],
)
def test_an_unexpected_exception_is_one_line_saying_where(
    library: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    done: int,
    where: str,
) -> None:
    class Exploding:
        @classmethod
        def load(cls, paths: object, *, progress: Callable[[int, int], None], **_: object) -> None:
            progress(done, 1)
            raise ValueError("boom")

    monkeypatch.setattr(check, "Library", Exploding)
    code, out, err = run(capsys, "lib")
    assert (code, out) == (1, [])
    assert err.splitlines() == [f"briefing-tui check: internal error {where}: ValueError: boom"]


def test_a_file_the_loader_chokes_on_is_an_error_of_that_file_alone(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (library / "other.yaml").write_text(GOOD.replace("id: good", "id: other"), encoding="utf-8")
    real = check.loader.parse_text

    def choke(text: str, shown: str) -> object:
        if "other" in shown:
            raise ValueError("boom")
        return real(text, shown)

    monkeypatch.setattr(check.loader, "parse_text", choke)
    code, out, _ = run(capsys, "lib")
    assert code == 1
    assert out[0].startswith("lib/other.yaml:1:1: error: ")
    assert "boom" in out[0]
    assert out[-1] == "2 documents, 1 error, 0 warnings"


def test_an_empty_folder_has_no_documents(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert run(capsys, "empty") == (0, ["0 documents, 0 errors, 0 warnings"], "")


def test_a_second_run_says_the_same(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (library / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (library / "warned.yaml").write_text(WARNED, encoding="utf-8")
    first = run(capsys, "lib")
    assert first[0] == 1
    assert run(capsys, "lib") == first
    assert run(capsys, "--no-cache", "lib") == first


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ((1, 1, 1), "1 document, 1 error, 1 warning"),
        ((0, 0, 0), "0 documents, 0 errors, 0 warnings"),
        ((2, 3, 4), "2 documents, 3 errors, 4 warnings"),
    ],
)
def test_summary_line_singular_and_plural(counts: tuple[int, int, int], line: str) -> None:
    assert check.summary(*counts) == line


def test_python_m_check_in_a_subprocess(library: Path, private_cache: Path) -> None:
    (library / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefing_tui", "check", "lib"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(private_cache)},
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "2 documents, 1 error, 0 warnings"
