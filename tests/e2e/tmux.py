"""A real terminal for end-to-end tests: a command run in a private tmux server, read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

WAIT_SECONDS = 60.0
"""How long to wait for the screen to show something before failing. Generous: it bounds a
hung test on a slow shared machine and measures nothing."""
POLL_SECONDS = 0.05

_ESCAPE = re.compile(r"\x1b\[([0-9;:]*)m|\x1b\[[0-9;:?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_SCROLLBAR_GLYPHS = " ▁▂▃▄▅▆▇█▔▏▕▎▍▌▋▊▉"


def require_tmux() -> str:
    """The tmux executable. Without one the test is skipped, unless `CI=true`: there a missing
    tmux fails the test, so CI never passes by skipping the end-to-end tests."""
    found = shutil.which("tmux")
    if found is None:
        reason = "tmux is not installed: the end-to-end tests need a real terminal"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: failing instead of skipping)")
        pytest.skip(reason)
    return found


def installed_command(name: str = "briefing-tui") -> Path:
    """The console script installed next to the running Python (the venv's bin)."""
    script = Path(sys.executable).parent / name
    if not script.exists():
        pytest.fail(
            f"{name} is not installed next to {Path(sys.executable).name}: pip install -e ."
        )
    return script


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a program under test: a known terminal type and private cache and
    state folders, so a run neither reads nor leaves anything in the user's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TMUX", "TMUX_PANE", "NO_COLOR", "COLORTERM", "COLUMNS", "LINES")
        and not key.startswith("TEXTUAL")
    }
    for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / name.removeprefix("XDG_").removesuffix("_HOME").lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["TERM"] = "xterm-256color"
    return env


@dataclass(frozen=True, slots=True)
class Run:
    """A run of text shown in reverse video, where it starts on the screen."""

    row: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Box:
    """A frame drawn with round corners (a pane, a dossier): its corner rows and columns."""

    top: int
    bottom: int
    left: int
    right: int

    def holds(self, row: int, column: int) -> bool:
        """True when the cell is inside the frame."""
        return self.top < row < self.bottom and self.left < column < self.right


@dataclass(frozen=True, slots=True)
class Capture:
    """What the pane showed at one moment: its lines as plain text, and the runs of text shown
    in reverse video (where the reader draws the link cursor), scrollbars left out."""

    lines: tuple[str, ...]
    reversed_runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The whole screen, one string."""
        return "\n".join(self.lines)

    def __contains__(self, text: str) -> bool:
        return text in self.text

    def row_of(self, text: str) -> int | None:
        """The first row showing `text`, or None."""
        return next((row for row, line in enumerate(self.lines) if text in line), None)

    def box(self, title: str) -> Box | None:
        """The frame whose top border carries `title` (`╭─ Timeline ───╮`), or None."""
        for top, line in enumerate(self.lines):
            at = line.find(f"─ {title} ─")
            if at < 0:
                continue
            left = line.rfind("╭", 0, at)
            right = line.find("╮", at)
            if left < 0 or right < 0:
                continue
            bottom = next(
                (
                    row
                    for row in range(top + 1, len(self.lines))
                    if self.lines[row][left : left + 1] == "╰"
                ),
                len(self.lines),
            )
            return Box(top, bottom, left, right)
        return None

    @property
    def cursor_run(self) -> Run | None:
        """The link cursor: the first reverse-video run, or None."""
        return self.reversed_runs[0] if self.reversed_runs else None

    @property
    def cursor(self) -> str | None:
        """The text under the link cursor, or None."""
        run = self.cursor_run
        return run.text if run is not None else None

    @property
    def cursor_line(self) -> str:
        """The row the link cursor is on, between the frame walls around it ('' when there is
        no cursor): the line of its own pane, not of the panes beside it."""
        run = self.cursor_run
        if run is None:
            return ""
        line = self.lines[run.row]
        left = line.rfind("│", 0, run.column) + 1
        right = line.find("│", run.column)
        return line[left : right if right >= 0 else len(line)].strip()

    def cursor_in(self, title: str) -> bool:
        """True when the link cursor is inside the frame titled `title`."""
        run, box = self.cursor_run, self.box(title)
        return run is not None and box is not None and box.holds(run.row, run.column)


def _sgr_reverse(params: str, reverse: bool) -> bool:
    """Whether text is in reverse video after an SGR sequence with `params`."""
    codes = re.split("[;:]", params) if params else ["0"]
    index = 0
    while index < len(codes):
        code = codes[index]
        if code in ("38", "48", "58"):  # a colour: skip its arguments
            kind = codes[index + 1] if index + 1 < len(codes) else ""
            index += 3 if kind == "5" else 5 if kind == "2" else 2
            continue
        if code in ("", "0"):
            reverse = False
        elif code == "7":
            reverse = True
        elif code == "27":
            reverse = False
        index += 1
    return reverse


def _parse_row(row: int, raw: str, runs: list[Run]) -> str:
    """The plain text of one escaped row; its reverse-video runs are added to `runs`."""
    plain = ""
    reverse = False
    run_start = 0

    def close_run() -> None:
        text = plain[run_start:]
        if text.strip(_SCROLLBAR_GLYPHS):
            leading = len(text) - len(text.lstrip())
            runs.append(Run(row, run_start + leading, text.strip()))

    position = 0
    for match in _ESCAPE.finditer(raw):
        plain += raw[position : match.start()]
        position = match.end()
        if match.group(1) is None:
            continue
        now = _sgr_reverse(match.group(1), reverse)
        if reverse and not now:
            close_run()
        elif now and not reverse:
            run_start = len(plain)
        reverse = now
    plain += raw[position:]
    if reverse:
        close_run()
    return plain.rstrip()


def parse_capture(escaped: str) -> Capture:
    """A capture from `capture-pane -p -e` output (text with SGR escapes)."""
    runs: list[Run] = []
    lines = [_parse_row(row, raw, runs) for row, raw in enumerate(escaped.split("\n"))]
    while lines and not lines[-1]:
        lines.pop()
    return Capture(tuple(lines), tuple(runs))


class TmuxTerminal:
    """One command in a detached tmux session of its own server (`-L` a unique socket name),
    `width` x `height`, no status line; the pane stays after the command exits, so its exit
    status can be read. Use as a context manager: the server is always killed at the end."""

    def __init__(
        self,
        command: Sequence[str | Path],
        *,
        cwd: Path,
        env: Mapping[str, str],
        width: int = 120,
        height: int = 40,
    ) -> None:
        self.tmux = require_tmux()
        self.socket = f"briefing-tui-e2e-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.command = [str(part) for part in command]
        self.cwd = cwd
        self.env = dict(env)
        self.width = width
        self.height = height
        self.target = "e2e"
        self._config = cwd / f".{self.socket}.conf"
        # tmux 3.3 sometimes marks a pane dead without ever learning its exit status, so the
        # command runs under a shell that writes the status to a file once it ends.
        self._status = cwd / f".{self.socket}.status"
        self._socket_path: Path | None = None

    # Lifetime

    def __enter__(self) -> TmuxTerminal:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", str(self._config), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self) -> None:
        """Start the server and the command in a session of the wanted size."""
        self._config.write_text(
            "set -g remain-on-exit on\n"
            "set -g status off\n"
            f"set -g default-terminal {self.env.get('TERM', 'xterm-256color')}\n"
            "set -g history-limit 0\n",
            encoding="utf-8",
        )
        environment = [arg for key in ("TERM",) for arg in ("-e", f"{key}={self.env[key]}")]
        self._run(
            "new-session",
            "-d",
            "-s",
            self.target,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(self.cwd),
            *environment,
            "sh",
            "-c",
            'status_file=$1; shift; "$@"; echo $? > "$status_file"',
            "sh",
            str(self._status),
            *self.command,
        )
        self._socket_path = Path(self.display("#{socket_path}"))

    def kill(self) -> None:
        """Kill the server (and with it the command), whatever state it is in."""
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"],
            env=self.env,
            capture_output=True,
            timeout=WAIT_SECONDS,
            check=False,
        )
        self._config.unlink(missing_ok=True)
        self._status.unlink(missing_ok=True)
        if self._socket_path is not None:  # tmux leaves the socket file behind
            self._socket_path.unlink(missing_ok=True)

    # Looking and typing

    def display(self, format_string: str) -> str:
        """A tmux format expanded for the pane (`#{pane_title}`, `#{pane_dead_status}`)."""
        return self._run("display-message", "-p", "-t", self.target, format_string).rstrip("\n")

    def capture(self) -> Capture:
        """The screen as it is now."""
        return parse_capture(self._run("capture-pane", "-p", "-e", "-t", self.target))

    def press(self, *keys: str) -> None:
        """Press keys by tmux name: `j`, `Enter`, `BSpace`, `M-Left`, `C-q`, `?`."""
        self._run("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        """Type text literally."""
        self._run("send-keys", "-t", self.target, "-l", text)

    def wait_for(
        self,
        condition: Callable[[Capture], bool],
        what: str,
        timeout: float = WAIT_SECONDS,
    ) -> Capture:
        """Poll the screen until `condition` holds; fail showing the last screen if it never
        does (or the command exited) within `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            capture = self.capture()
            if condition(capture):
                return capture
            if time.monotonic() > deadline or self.exited():
                status = self.display("#{pane_dead} #{pane_dead_status}")
                raise AssertionError(
                    f"the screen never showed {what} (pane dead/status: {status});"
                    f" last screen:\n{capture.text}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for_text(self, *texts: str, timeout: float = WAIT_SECONDS) -> Capture:
        """Poll until every one of `texts` is on the screen."""
        return self.wait_for(
            lambda capture: all(text in capture for text in texts),
            " and ".join(repr(text) for text in texts),
            timeout,
        )

    def exited(self) -> bool:
        """True once the command has exited."""
        return self._status.exists() or self.display("#{pane_dead}") == "1"

    def wait_for_exit(self, timeout: float = WAIT_SECONDS) -> int:
        """Wait for the command to exit; its exit status (128 + N when signal N ended it)."""
        deadline = time.monotonic() + timeout
        while True:
            written = self._status.read_text(encoding="utf-8").strip() if self.exited() else ""
            if written:
                return int(written)
            if time.monotonic() > deadline:
                raise AssertionError(f"the command did not exit; screen:\n{self.capture().text}")
            time.sleep(POLL_SECONDS)
