"""The installed reader in a real terminal (tmux), driven by keys as a person would drive it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tmux import (
    WAIT_SECONDS,
    Capture,
    TmuxTerminal,
    installed_command,
    isolated_env,
    parse_capture,
    require_tmux,
)

BRIEFS = Path(__file__).resolve().parents[2] / "briefs"

NAGORNO = "as of 1 Dec 2020"
"""On the Summary pane of the newest briefing, the one the reader opens first."""
IDLIB_OCT = "as of 31 Oct 2020"
MOST_PRESSES = 120
"""Presses of j or k allowed to reach a link before the test gives up."""


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` by relative path, with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Path]:
    """A private copy of `briefs/`; the test fails if the reader changed any of it."""
    copy = tmp_path / "briefs"
    shutil.copytree(BRIEFS, copy)
    before = tree_digest(copy)
    yield copy
    assert tree_digest(copy) == before, "the reader changed the library's files"


@pytest.fixture
def reader(tmp_path: Path, library: Path) -> Iterator[TmuxTerminal]:
    """The installed `briefing-tui briefs` in a 120x40 tmux pane, its library shown."""
    require_tmux()
    command = [installed_command(), library.name]
    with TmuxTerminal(command, cwd=tmp_path, env=isolated_env(tmp_path)) as terminal:
        terminal.wait_for_text("Library", "3 briefings", NAGORNO)
        yield terminal


def cursor_moved(terminal: TmuxTerminal, key: str, before: Capture) -> Capture:
    """Press `key` and wait until the screen changes (the cursor moved or the page scrolled)."""
    terminal.press(key)
    return terminal.wait_for(lambda capture: capture != before, f"a change after {key}")


def move_cursor(
    terminal: TmuxTerminal, wanted: Callable[[Capture], bool], what: str, key: str = "j"
) -> Capture:
    """Press `key` (j or k) until the link cursor is where `wanted` says."""
    capture = terminal.capture()
    for _ in range(MOST_PRESSES):
        if capture.cursor is not None and wanted(capture):
            return capture
        capture = cursor_moved(terminal, key, capture)
    raise AssertionError(f"{key} never brought the cursor to {what}; last screen:\n{capture.text}")


def on_link(label: str, *, line_has: str = "") -> Callable[[Capture], bool]:
    """A cursor test: on a link whose text starts with `label`, on a row containing
    `line_has`."""

    def test(capture: Capture) -> bool:
        cursor = capture.cursor or ""
        return cursor.startswith(label) and line_has in capture.cursor_line

    return test


def dossier_of(name: str, detail: str) -> Callable[[Capture], bool]:
    """A screen test: the dossier of `name`, whose second line starts with `detail`."""

    def test(capture: Capture) -> bool:
        lines = capture.lines
        return (
            len(lines) > 2
            and "─ Actor ─" in lines[0]
            and lines[1].strip("│ ") == name
            and lines[2].strip("│ ").startswith(detail)
        )

    return test


def test_follow_links_then_back_step_by_step_then_search_help_and_quit(
    reader: TmuxTerminal, tmp_path: Path
) -> None:
    terminal = reader
    start = terminal.capture()
    assert "Nagorno-Karabakh, November 2020" in start
    assert "Idlib, October 2020" in start
    for pane in ("Summary", "Timeline", "Actors", "Open questions"):
        assert f"─ {pane} ─" in start

    # 2: the timeline; j to the first event's first actor; Enter opens its dossier.
    terminal.press("2")
    terminal.wait_for(lambda c: c.cursor_in("Timeline"), "the cursor in the timeline")
    move_cursor(terminal, on_link("Azerbaijan", line_has="Actors:"), "Azerbaijan")
    terminal.press("Enter")
    azerbaijan = terminal.wait_for(dossier_of("Azerbaijan", "state · AZ"), "Azerbaijan's dossier")
    assert "What the documents say" in azerbaijan
    assert "allied with Turkey" in azerbaijan

    # Follow a relation to a related actor.
    move_cursor(terminal, on_link("Turkey", line_has="allied with Turkey"), "the relation")
    terminal.press("Enter")
    turkey = terminal.wait_for(dossier_of("Turkey", "state · TR"), "Turkey's dossier")
    assert "Türkiye" in turkey

    # Open a briefing that mentions it, from the end of the dossier.
    terminal.press("G")
    terminal.wait_for_text("Briefings that mention it")
    move_cursor(
        terminal,
        on_link("Idlib, October 2020", line_has="31 Oct 2020  Idlib"),
        "the October briefing",
        key="k",
    )
    terminal.press("Enter")
    idlib = terminal.wait_for_text(IDLIB_OCT, "─ Summary ─")
    assert "─ Actor ─" not in idlib

    # Back, step by step, each place as it was left.
    terminal.press("BSpace")
    back = terminal.wait_for(
        lambda c: "─ Actor ─" in c and on_link("Idlib, October 2020", line_has="31 Oct 2020")(c),
        "Turkey's dossier again, scrolled and with the cursor as it was left",
    )
    assert "Briefings that mention it" in back
    assert "Mevlüt Çavuşoğlu" in back  # one of the actors linking to Turkey

    terminal.press("BSpace")
    terminal.wait_for(dossier_of("Azerbaijan", "state · AZ"), "Azerbaijan's dossier again")
    terminal.wait_for(on_link("Turkey", line_has="allied with Turkey"), "the cursor on Turkey")

    terminal.press("BSpace")
    terminal.wait_for_text(NAGORNO, "─ Timeline ─")
    back = terminal.wait_for(on_link("Azerbaijan", line_has="Actors:"), "the timeline cursor")
    assert "─ Actor ─" not in back

    terminal.press("BSpace")
    terminal.wait_for_text("Nothing to go back to")

    # Forward again with alt+right, back with alt+left.
    terminal.press("M-Right")
    terminal.wait_for(dossier_of("Azerbaijan", "state · AZ"), "Azerbaijan's dossier (forward)")
    terminal.press("M-Left")
    terminal.wait_for(
        lambda c: "─ Actor ─" not in c and NAGORNO in c, "the briefing after alt+left"
    )

    # / searches as you type; Enter opens the best result, found by an alias.
    terminal.press("/")
    terminal.wait_for_text("Search", "Type to search")
    terminal.type("faylaw")
    results = terminal.wait_for_text("Faylaq al-Sham", "Enter opens")
    assert "actor" in results
    terminal.press("Enter")
    faylaq = terminal.wait_for(dossier_of("Faylaq al-Sham", "armed"), "Faylaq's dossier")
    assert "Faylaw Al Sham" in faylaq

    # ? shows the keys; Escape closes the help.
    terminal.press("?")
    help_screen = terminal.wait_for_text("─ Help ─", "Keys", "Everywhere")
    assert "Back" in help_screen
    assert "Search" in help_screen
    terminal.press("Escape")
    terminal.wait_for(lambda c: "─ Help ─" not in c and "─ Actor ─" in c, "the help closed")

    # q closes the dossier (back to the briefing), then q quits.
    terminal.press("q")
    terminal.wait_for(lambda c: "─ Actor ─" not in c and "─ Summary ─" in c, "the briefing")
    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    # The search index went to the private cache, nowhere else.
    assert any((tmp_path / "cache").rglob("*.sqlite3"))


def test_link_hints_follow_a_link_by_its_label(reader: TmuxTerminal) -> None:
    terminal = reader
    terminal.press("2")
    terminal.wait_for(lambda c: c.cursor_in("Timeline"), "the cursor in the timeline")
    move_cursor(terminal, on_link("Azerbaijan", line_has="Actors:"), "Azerbaijan")
    terminal.press("Enter")
    terminal.wait_for(dossier_of("Azerbaijan", "state · AZ"), "Azerbaijan's dossier")

    terminal.press("f")
    hints = terminal.wait_for_text("Follow link: type its label")
    # The first link of the dossier is the briefing that describes Azerbaijan.
    assert "What the documents say" in hints
    terminal.press("a")
    terminal.wait_for(lambda c: "─ Actor ─" not in c and NAGORNO in c, "the briefing opened")


def test_palette_jumps_to_an_actor_and_ctrl_q_quits(reader: TmuxTerminal) -> None:
    terminal = reader
    terminal.press("C-p")
    terminal.wait_for_text("Search the library")
    terminal.type("Russia")
    terminal.wait_for(lambda c: c.row_of("actor") is not None and "Russia" in c, "the hit")
    terminal.press("Enter")
    terminal.wait_for(dossier_of("Russia", "state · RU"), "Russia's dossier")
    terminal.press("C-q")
    assert terminal.wait_for_exit() == 0


def run_installed(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed command to the end, as a shell would."""
    return subprocess.run(
        [str(installed_command()), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )


def test_check_reports_the_bundled_library_clean(library: Path, tmp_path: Path) -> None:
    result = run_installed("check", f"{library.name}/", cwd=tmp_path, env=isolated_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 documents, 0 errors, 0 warnings" in result.stdout
    assert result.stderr == ""


def test_search_finds_faylaq_by_a_misspelt_alias(library: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    result = run_installed("search", "faylaw", f"{library.name}/", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("briefs/actors.yaml:")
    assert "actor faylaq-al-sham: Faylaq al-Sham" in first
    assert "Faylaw Al Sham" in first

    missing = run_installed("search", "zzzqqqxxx", f"{library.name}/", cwd=tmp_path, env=env)
    assert missing.returncode == 1
    assert missing.stdout == ""


def test_capture_finds_the_cursor_in_its_frame() -> None:
    """The screen reading the tests rely on: reverse video is the cursor, scrollbars are not,
    and the cursor's line is that of its own frame."""
    escaped = (
        "╭─ Left ─╮╭─ Right ──────╮\n"
        "│ a \x1b[1;7mlink\x1b[0m ││ b \x1b[38;5;23;48;5;16;7m▃▃\x1b[27m c     │\n"
        "╰────────╯╰──────────────╯\n"
    )
    capture = parse_capture(escaped)
    assert capture.cursor == "link"
    assert capture.cursor_line == "a link"
    assert capture.cursor_in("Left")
    assert not capture.cursor_in("Right")
    assert [run.text for run in capture.reversed_runs] == ["link"]
    assert capture.lines[1] == "│ a link ││ b ▃▃ c     │"
