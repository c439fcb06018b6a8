"""Fixtures of the Pilot tests: small libraries, a reader app factory, and ways to read a page."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.widgets.link_page import LinkPage

HERE = Path(__file__).parent
FIXTURE_LIBRARY = HERE / "library"
BRIEFS = HERE.parent.parent / "briefs"

WIDE = (120, 40)
NARROW = (80, 24)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's caches (the search index, built as soon as a library loads) in its own
    folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture library, free to edit."""
    target = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, target)
    return target


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the app or a widget makes (run_test hides them from the screen)."""
    seen: list[str] = []
    original = BriefingApp.notify

    def record(self: BriefingApp, message: str, **kwargs: object) -> None:
        seen.append(message)
        original(self, message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(BriefingApp, "notify", record)
    return seen


def reader(paths: list[Path] | None = None, open_at: str | None = None) -> BriefingApp:
    """The real app on a library, without the file watcher (tests ask for reloads)."""
    app = BriefingApp([str(p) for p in (paths or [FIXTURE_LIBRARY])], open_at, watch=False)
    app.animation_level = "none"
    return app


async def loaded(app: BriefingApp, pilot: Pilot[int]) -> MainScreen:
    """Wait until the library is loaded and shown."""
    for _ in range(500):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.library is not None and not any(w.is_running for w in app.workers):
            break
    await pilot.pause()
    assert app.library is not None
    return app.main_screen


def page_lines(page: LinkPage) -> list[str]:
    """The visible lines of a page as plain text."""
    return [page.render_line(y).text for y in range(page.scrollable_content_region.height)]


def page_text(page: LinkPage) -> str:
    """The visible text of a page, one string."""
    return "\n".join(line.rstrip() for line in page_lines(page))


def stop_labels(page: LinkPage) -> list[str]:
    """The labels of every stop of a page, in order."""
    return [stop.label for stop in page.stops]


def index_of(page: LinkPage, match: Callable[[LinkPage, int], bool]) -> int:
    """The first stop index that `match` accepts."""
    return next(i for i in range(len(page.stops)) if match(page, i))
