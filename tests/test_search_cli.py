"""`briefing-tui search`: exit codes, grep-like lines, JSON, and a warm path that stays light."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_search import write_library

from briefing_tui.__main__ import main
from briefing_tui.commands import search as command


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_library(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "lib"


def test_hits_print_like_grep_and_exit_0(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", '"training camp"', "lib"]) == 0
    out = capsys.readouterr().out.splitlines()
    line = line_of(library / "syria" / "idlib-2020.yaml", "  - id: evt-strike")
    assert out[0] == (
        f"lib/syria/idlib-2020.yaml:{line}: event evt-strike: Russian air strike on a training camp"
    )
    # The briefing's summary links to the event, and shows (and is found by) its title.
    assert len(out) == 2
    assert out[1].startswith("lib/syria/idlib-2020.yaml:")
    assert (
        " briefing idlib-2020: " in out[1] and "see Russian air strike on a training camp" in out[1]
    )


def test_misspelt_name_first(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "erdgan", "lib"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    line = line_of(library / "actors.yaml", "  - id: recep-tayyip-erdogan")
    assert (
        first
        == f"lib/actors.yaml:{line}: actor recep-tayyip-erdogan: Recep Tayyip Erdoğan · Erdogan"
    )


def test_no_hit_exits_1_and_prints_nothing(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "zanzibar", "lib"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"training camp', "unbalanced quote"),
        ("colour:red", "unknown filter 'colour:'"),
        ("after:someday", "after: 'someday' is not an EDTF date"),
        ("", "empty query"),
    ],
)
def test_a_bad_query_exits_2_with_a_message(
    library: Path, capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    assert main(["search", query, "lib"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("briefing-tui search: bad query: ")
    assert message in captured.err


def test_a_bad_query_shows_where(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "strike colour:red", "lib"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:] == ["  strike colour:red", "         ^"]


def test_a_missing_path_exits_2(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "shusha", "lib", "nowhere"]) == 2
    captured = capsys.readouterr()
    assert "nowhere: no such file or folder" in captured.err
    assert "evt-shusha" in captured.out  # the paths that exist are still searched


def test_a_bad_limit_exits_2(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "shusha", "lib", "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err


def test_json_best_first(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "russia kind:actor", "lib", "--json", "--limit", "2"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [hit["id"] for hit in hits] == ["russia", "sergey-lavrov"]
    assert set(hits[0]) == {"id", "kind", "briefing", "title", "path", "line", "score", "snippet"}
    assert hits[0]["score"] > hits[1]["score"]
    assert hits[0]["path"] == "lib/actors.yaml"
    assert hits[1]["snippet"].startswith("Foreign minister of russia")


def test_json_without_hits_is_an_empty_array(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "zanzibar", "lib", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == []


def test_limit(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "strike", "lib", "--limit", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_no_cache_writes_no_index(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "shusha", "lib", "--no-cache"]) == 0
    assert not (library.parent / "cache").exists()
    assert main(["search", "shusha", "lib"]) == 0
    assert list((library.parent / "cache" / "briefing-tui").rglob("*.sqlite3"))


def test_control_characters_never_reach_the_terminal(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "inert", "lib"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "␛[31mred" in out


_PROBE = """
import sys
from briefing_tui.__main__ import main
from briefing_tui.commands import search as command
code = main(["search", "erdgan", "lib"])
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "rich", "pydantic", "yaml"})
# What a warm search does without (each costs it milliseconds of start-up).
light = {"argparse", "typing", "pathlib", "platformdirs"}
heavy += sorted(light & set(sys.modules))
print(code, ",".join(heavy))
"""


def test_the_warm_path_imports_no_ui_and_no_parser(library: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(library.parent / "cache")}

    def probe() -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE],
            cwd=library.parent,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.splitlines()[-1].split(" ")

    cold = probe()  # builds the index: the loader (pydantic, yaml) is needed
    assert cold[0] == "0" and "textual" not in cold[1] and "rich" not in cold[1]
    assert probe() == ["0", ""]
    (library / "karabakh-2020.yaml").touch()
    changed = probe()
    assert changed[0] == "0" and "pydantic" in changed[1] and "textual" not in changed[1]


def test_the_command_ends_with_its_output_whole_and_its_exit_code(library: Path) -> None:
    """`run` leaves a search without Python's teardown: nothing may be lost on the way."""
    env = {**os.environ, "XDG_CACHE_HOME": str(library.parent / "cache")}

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefing_tui", "search", *args],
            cwd=library.parent,
            env=env,
            capture_output=True,
            text=True,
        )

    for _ in range(2):  # building the index, then warm
        found = command("strike", "lib", "--json", "--limit", "100")
        assert found.returncode == 0 and found.stderr == ""
        assert found.stdout.endswith("]\n") and len(json.loads(found.stdout)) > 3
    lines = command("strike", "lib", "--limit", "100")
    assert lines.returncode == 0 and lines.stdout.endswith("\n")
    assert len(lines.stdout.splitlines()) == len(json.loads(found.stdout))
    nothing = command("zanzibar", "lib")
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (1, "", "")
    bad = command("colour:red", "lib", "nowhere")
    assert bad.returncode == 2 and "bad query" in bad.stderr
    missing = command("strike", "nowhere")
    assert missing.returncode == 2 and "nowhere: no such file or folder" in missing.stderr


def test_progress_is_shown_only_for_large_libraries() -> None:
    err = io.StringIO()
    show = command._progress(err)
    show(1, 10)
    assert err.getvalue() == ""
    show(1, 300)
    show(300, 300)
    assert err.getvalue() == (
        "\rbriefing-tui search: indexing 1/300 files\rbriefing-tui search: indexing 300/300 files\n"
    )
