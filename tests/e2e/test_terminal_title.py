"""In a real terminal (tmux): a briefing whose title holds terminal title sequences neither
renames the pane nor the window; the installed command shows the sequences as symbols."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

COMMAND = Path(sys.executable).parent / "briefing-tui"
"""The installed command, next to the interpreter running the tests (the venv's bin)."""
SCREEN_TIMEOUT = 60.0
"""How long to wait for the terminal to show something: generous, the loop ends as soon as
it does (a bound for a hang, not a measure of speed)."""
TMUX_CONFIG = """\
set -g allow-rename on
set -g set-titles on
set -g automatic-rename off
set -g remain-on-exit on
"""
"""Everything that lets a program rename its pane and window is on: a leak would show."""

BRIEFING = r"""schema: briefing/1
id: osc-title
title: "Title \e]2;PWNED\a end"
as_of: "2020-11-10"
summary: "Icon \e]0;PWNED-ICON\a and screen-style \ekPWNED-WINDOW\e\\ names."
"""

Tmux = Callable[..., str]


def tmux_or_skip() -> str:
    """The tmux binary; without one the test skips, except under CI where it must run."""
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is required under CI (CI=true): the terminal test cannot skip")
        pytest.skip("tmux is not installed")
    return found


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server (its own socket and configuration), killed after the test."""
    binary = tmux_or_skip()
    config = tmp_path / "tmux.conf"
    config.write_text(TMUX_CONFIG, encoding="utf-8")
    socket = f"briefing-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = {key: value for key, value in os.environ.items() if key != "TMUX"}

    def run(*args: str) -> str:
        result = subprocess.run(
            [binary, "-L", socket, "-f", str(config), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=SCREEN_TIMEOUT,
        )
        assert result.returncode == 0, f"tmux {' '.join(args)}: {result.stderr}"
        return result.stdout

    try:
        yield run
    finally:
        where = subprocess.run(
            [binary, "-L", socket, "display", "-p", "#{socket_path}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        ).stdout.strip()
        subprocess.run(
            [binary, "-L", socket, "kill-server"], capture_output=True, env=env, timeout=30
        )
        if where.endswith(socket):
            Path(where).unlink(missing_ok=True)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until `condition` holds; fail saying `what` if it never does."""
    deadline = time.monotonic() + SCREEN_TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


def test_a_title_sequence_in_a_briefing_neither_renames_nor_reaches_the_terminal(
    tmux: Tmux, tmp_path: Path
) -> None:
    assert COMMAND.exists(), f"the briefing-tui command is not installed next to {sys.executable}"
    library = tmp_path / "library"
    library.mkdir()
    (library / "osc-title.yaml").write_text(BRIEFING, encoding="utf-8")
    environment = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "tmux-256color",
    }
    status = tmp_path / "exit-status"
    reader = shlex.join(
        ["env", *(f"{k}={v}" for k, v in environment.items()), str(COMMAND), str(library)]
    )
    reader += f"; echo $? > {shlex.quote(str(status))}"
    # A control first: this terminal does let a program rename its pane and window, so the
    # reader leaving them alone below is a finding, not an accident of the setup.
    canary = r"printf '\033]2;CANARY\007\033kCANARY-WINDOW\033\\'; exec sleep 600"
    tmux("new-session", "-d", "-s", "main", "-x", "120", "-y", "40", "-n", "control", canary)
    wait_for(
        lambda: tmux("display", "-p", "-t", "main:control", "#{pane_title}").strip() == "CANARY",
        "the control to set its pane title",
    )
    assert tmux("display", "-p", "-t", "main:control", "#{window_name}").strip() == "CANARY-WINDOW"

    tmux("new-window", "-d", "-t", "main", "-n", "reader", reader)
    target = "main:reader"
    title_before = tmux("display", "-p", "-t", target, "#{pane_title}").strip()
    wait_for(
        lambda: "Title ␛]2;PWNED␇ end" in tmux("capture-pane", "-p", "-t", target),
        "the reader to show the briefing's title with visible symbols",
    )
    screen = tmux("capture-pane", "-p", "-t", target)
    assert "␛]0;PWNED-ICON␇" in screen
    assert "␛kPWNED-WINDOW␛\\" in screen
    pane_title = tmux("display", "-p", "-t", target, "#{pane_title}").strip()
    window_name = tmux("display", "-p", "-t", target, "#{window_name}").strip()
    assert "PWNED" not in pane_title
    assert pane_title == title_before
    assert window_name == "reader"
    tmux("send-keys", "-t", target, "C-q")
    wait_for(lambda: status.exists() and status.read_text() != "", "the reader to quit on ctrl+q")
    assert status.read_text().strip() == "0"
    assert "PWNED" not in tmux("display", "-p", "-t", target, "#{pane_title}")
