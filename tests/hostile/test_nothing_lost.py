"""Nothing lost: a reading session (navigating, searching, reloading) and the check and search
commands leave every library file as it was, and write only under the user's cache and state."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from hostile_corpus import make_generated
from hostile_screen import loaded, settle
from textual.pilot import Pilot
from textual.widgets import Input

from briefing_tui.__main__ import main
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.search import SearchScreen

REPO = Path(__file__).parent.parent.parent

Entry = tuple[str, int, int, str]
"""(kind, mode, mtime in ns, content hash or link target) of one path."""


def snapshot(root: Path) -> dict[str, Entry]:
    """Every path below `root` (links not followed): its kind, mode, mtime and bytes' hash.
    Folders count too: a file made and removed again still changes its folder's mtime."""
    found: dict[str, Entry] = {}
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in [*folders, *files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                kind, content = "link", os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as stream:
                    kind, content = "file", hashlib.sha256(stream.read()).hexdigest()
            elif stat.S_ISDIR(info.st_mode):
                kind, content = "folder", ""
            else:
                kind, content = "other", ""  # a pipe: never opened
            found[os.path.relpath(path, root)] = (kind, info.st_mode, info.st_mtime_ns, content)
    root_info = os.lstat(root)
    found["."] = ("folder", root_info.st_mode, root_info.st_mtime_ns, "")
    return found


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A library (the bundled briefs, hostile files beside them), a working folder, a home,
    and the user's cache, state, config, data and temporary folders, all in `tmp_path`."""
    named = {
        name: tmp_path / name
        for name in ("work", "home", "cache", "state", "config", "data", "tmp")
    }
    for folder in named.values():
        folder.mkdir()
    library = tmp_path / "library"
    shutil.copytree(REPO / "briefs", library)
    make_generated(library / "hostile")
    named["library"] = library
    monkeypatch.chdir(named["work"])
    monkeypatch.setenv("HOME", str(named["home"]))
    for variable, name in (
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("TMPDIR", "tmp"),
    ):
        monkeypatch.setenv(variable, str(named[name]))
    monkeypatch.setattr(tempfile, "tempdir", str(named["tmp"]))
    return named


def unchanged_places(places: dict[str, Path]) -> dict[str, dict[str, Entry]]:
    """Snapshots of every place the reader must not write to."""
    return {
        name: snapshot(path)
        for name, path in places.items()
        if name in ("library", "work", "home", "config", "data", "tmp")
    }


async def search_for(app: BriefingApp, pilot: Pilot[int], query: str) -> None:
    """Type a query in the search screen and wait for its results."""
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(Input).value = query
    for _ in range(50):
        await settle(app, pilot)
        if screen.hits:
            return
    raise AssertionError(f"no results for {query!r}")


async def test_a_reading_session_changes_no_file(places: dict[str, Path]) -> None:
    before = unchanged_places(places)
    app = BriefingApp([str(places["library"])], watch=True, watch_interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        for keys in (["2", "j", "j", "enter"], ["backspace", "3", "tab", "4"], ["1", "s"]):
            await pilot.press(*keys)
            await settle(app, pilot)
        await pilot.press("escape", "f", "escape")
        await pilot.press("slash")
        await settle(app, pilot)
        await search_for(app, pilot, "ceasefire")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("n", "N", "ctrl+p", *"Russia", "enter")
        await settle(app, pilot)
        await pilot.press("p", "j", "escape")
        for _ in range(3):
            await pilot.press("r")
            await settle(app, pilot)
        await pilot.pause(0.2)  # a few turns of the file watcher
        assert app.is_running
        await pilot.press("ctrl+q")
    assert unchanged_places(places) == before
    written = [*snapshot(places["cache"]), *snapshot(places["state"])]
    assert any(name.endswith(("db", "sqlite", "sqlite3")) for name in written), written


def test_the_commands_change_no_file(
    places: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = unchanged_places(places)
    library = str(places["library"])
    assert main(["check", library]) == 1  # the hostile files have errors
    assert main(["check", "--no-cache", "--format", "json", library]) == 1
    for _ in range(2):  # cold, then from the cache
        assert main(["search", "ceasefire", library]) == 0
    assert main(["search", "--no-cache", "--json", "ceasefire", library]) == 0
    capsys.readouterr()
    assert unchanged_places(places) == before
