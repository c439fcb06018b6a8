"""A library that takes long to load shows the part loaded so far, then the whole of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing_tui.model import library as library_module
from briefing_tui.model import loader
from briefing_tui.model.library import Library

BASIC = Path(__file__).parent / "library" / "basic"


BRIEFING = """\
schema: briefing/1
id: extra-{n}
title: Extra briefing {n}
as_of: 2021-0{n}-01
summary: Links to [[karabakh-2020]].
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The basic library and six more briefings: a part is handed out only while less than
    half of the documents are loaded."""
    root = tmp_path / "library"
    shutil.copytree(BASIC, root)
    for n in range(1, 7):
        (root / f"extra-{n}.yaml").write_text(BRIEFING.format(n=n), encoding="utf-8")
    return root


def test_a_slow_load_hands_out_the_part_loaded_so_far_once(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "PARTIAL_AFTER", -1.0)  # "slow" from the first file
    parts: list[Library] = []
    whole = Library.load([library], partial=parts.append)
    assert len(parts) == 1
    part = parts[0]
    assert part.partial and not whole.partial
    assert 0 < len(part.documents) < len(whole.documents)
    assert part.roots == whole.roots  # reloading a part reads the whole library
    assert whole.diagnostics() == Library.load([library]).diagnostics()


def test_a_part_places_its_warnings_without_reading_files_again(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "PARTIAL_AFTER", -1.0)
    located: list[object] = []
    real_locate = loader.locate
    monkeypatch.setattr(loader, "locate", lambda *a: located.append(a) or real_locate(*a))
    seen: list[int] = []

    def take(part: Library) -> None:
        seen.append(len(located))
        assert all(d.col == 1 for d in part.diagnostics() if "unresolved" in d.message)

    whole = Library.load([library], partial=take)
    assert seen == [0]
    assert any(d.col > 1 for d in whole.diagnostics() if "unresolved" in d.message)


def test_a_quick_load_hands_out_no_part(library: Path) -> None:
    parts: list[Library] = []
    Library.load([library], partial=parts.append)
    assert parts == []


async def test_the_reader_shows_the_part_then_the_whole_in_place(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing_tui.ui.app import BriefingApp
    from briefing_tui.ui.messages import LibraryLoaded

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(library_module, "PARTIAL_AFTER", -1.0)
    loaded: list[LibraryLoaded] = []

    def record(message: object) -> None:
        if isinstance(message, LibraryLoaded):
            loaded.append(message)

    app = BriefingApp([library], watch=False)
    async with app.run_test(size=(120, 40), message_hook=record) as pilot:
        for _ in range(200):
            if app.library is not None and not app.library.partial:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert [m.partial for m in loaded] == [True, False]
        assert app.library is not None and not app.library.partial
        assert len(app.library.briefings) == len(Library.load([library]).briefings)
        assert app.history.current is not None
        assert app.library.entity(app.history.current.ref) is not None
        assert not app._partly_loaded
