"""The document cache: hits and misses, invalidation, damaged entries, fallbacks, and sameness."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from briefing_tui.commands.check import run_check
from briefing_tui.model import cache as cache_module
from briefing_tui.model import loader
from briefing_tui.model.cache import DocumentCache, stat_key
from briefing_tui.model.library import Library

BASIC = Path(__file__).parent / "library" / "basic"
AN_HOUR_AGO = time.time_ns() - 3600 * 1_000_000_000

BROKEN = "schema: briefing/1\nid: broken\ntitle: [unclosed\n"
MISNAMED = """\
schema: briefing/1
id: other-name
title: A briefing whose id is not its file name
as_of: 2021-03-01
summary: Nothing happened.
judgments:
  - text: It stays quiet.
    sources: [s1]
  - text: Nobody says otherwise.
    sources: [s1]
sources:
  - id: s1
    title: A source
"""


def _settle(root: Path) -> None:
    """Date every file of a library an hour back: files modified just now are never cached."""
    for path in root.rglob("*.y*ml"):
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The basic test library plus a file with a syntax error and one with a misnamed id."""
    root = tmp_path / "library"
    shutil.copytree(BASIC, root)
    (root / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (root / "misnamed.yaml").write_text(MISNAMED, encoding="utf-8")
    _settle(root)
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "documents"


def _load(root: Path, folder: Path) -> tuple[Library, DocumentCache]:
    cache = DocumentCache(folder)
    return Library.load([root], cache=cache), cache


def _files(root: Path) -> int:
    return len(list(root.rglob("*.yaml")))


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.entry"))


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
    }


def test_second_load_comes_from_the_cache_and_equals_the_first(library: Path, folder: Path) -> None:
    cold, first = _load(library, folder)
    assert (first.hits, first.misses) == (0, _files(library))
    assert len(_entries(folder)) == _files(library)

    warm, second = _load(library, folder)
    assert (second.hits, second.misses, second.rejected) == (_files(library), 0, 0)
    assert warm.diagnostics() == cold.diagnostics()
    plain = Library.load([library])
    assert warm.diagnostics() == plain.diagnostics()
    for ours, theirs in zip(warm.documents, plain.documents, strict=True):
        assert ours.kind == theirs.kind
        assert ours.briefing == theirs.briefing
        assert ours.registry == theirs.registry
        assert ours.lines == theirs.lines
        assert ours.diagnostics == theirs.diagnostics
    assert warm.briefings.keys() == plain.briefings.keys()
    for ident, briefing in plain.briefings.items():
        assert warm.briefings[ident].model_dump() == briefing.model_dump()
        assert warm.backlinks(ident) == plain.backlinks(ident)


def test_models_from_the_cache_behave_as_validated_ones(library: Path, folder: Path) -> None:
    _load(library, folder)
    warm, _ = _load(library, folder)
    briefing = warm.briefings["karabakh-2020"]
    with pytest.raises(Exception, match="frozen"):
        briefing.title = "changed"  # type: ignore[misc]
    assert type(briefing).model_validate(briefing.model_dump(by_alias=True)) == briefing
    event = briefing.timeline[0]
    assert event.model_fields_set <= set(type(event).model_fields)
    assert hash(event.actors[0]) == hash(event.actors[0].model_copy())


@pytest.mark.parametrize("load", ["cold", "warm"])
def test_models_are_kept_compact(library: Path, folder: Path, load: str) -> None:
    import sys

    loaded, _ = _load(library, folder)
    if load == "warm":
        loaded, _ = _load(library, folder)
    briefing = loaded.briefings["karabakh-2020"]
    first, second = briefing.timeline[0], briefing.timeline[1]
    assert first.model_fields_set is second.model_fields_set  # one set per class
    assert sys.intern(first.id) is first.id
    once, twice = (j.sources[0] for j in loaded.briefings["other-name"].judgments)
    assert once is twice  # equal citations are one object


def test_a_changed_size_or_mtime_misses_only_that_file(library: Path, folder: Path) -> None:
    _load(library, folder)
    grown = library / "misnamed.yaml"
    grown.write_text(MISNAMED + "tags: [extra]\n", encoding="utf-8")
    touched = library / "broken.yaml"
    later = AN_HOUR_AGO + 60 * 1_000_000_000
    for path in (grown, touched):
        os.utime(path, ns=(later, later))

    warm, cache = _load(library, folder)
    assert cache.misses == 2
    assert cache.hits == _files(library) - 2
    misnamed = next(d for d in warm.documents if d.path.name == "misnamed.yaml")
    assert misnamed.briefing is not None and misnamed.briefing.tags == ["extra"]


def test_a_file_changed_a_moment_ago_is_not_cached(library: Path, folder: Path) -> None:
    fresh = library / "misnamed.yaml"
    fresh.write_text(MISNAMED, encoding="utf-8")  # mtime: now
    _load(library, folder)
    _, cache = _load(library, folder)
    assert cache.misses == 1
    assert cache.entry_path(fresh) not in _entries(folder)


def test_a_version_bump_invalidates_every_entry(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    monkeypatch.setattr(cache_module, "FORMAT", cache_module.FORMAT + 1)
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses) == (0, _files(library))
    assert cache.rejected >= _files(library)  # every entry, and the positions kept
    _, again = _load(library, folder)
    assert again.hits == _files(library)


def watch_decoding(monkeypatch: pytest.MonkeyPatch, loads: Callable[[bytes], Any]) -> None:
    """Route the cache's own decoding of entries through `loads` (and only it: the texts of
    documents, decompressed when read, are made by this process or by a verified entry)."""
    monkeypatch.setattr(cache_module, "marshal", SimpleNamespace(loads=loads, dumps=marshal.dumps))


def _damage_each(folder: Path, damage) -> None:  # type: ignore[no-untyped-def]
    for entry in [*_entries(folder), *folder.glob("*.located")]:
        entry.write_bytes(damage(entry.read_bytes()))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-1], id="one-byte-short"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: os.urandom(len(raw)), id="random"),
        pytest.param(lambda raw: raw[:-10] + bytes(b ^ 0xFF for b in raw[-10:]), id="flipped"),
    ],
)
def test_a_damaged_entry_is_refused_and_rebuilt(
    library: Path, folder: Path, damage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    cold, _ = _load(library, folder)
    _damage_each(folder, damage)
    decoded: list[bytes] = []
    real_loads = marshal.loads
    watch_decoding(monkeypatch, lambda data: decoded.append(data) or real_loads(data))
    rebuilt, cache = _load(library, folder)
    assert cache.hits == 0
    assert cache.misses == _files(library)
    assert decoded == []  # nothing unverified is ever decoded
    assert rebuilt.diagnostics() == cold.diagnostics()
    _, again = _load(library, folder)
    assert again.hits == _files(library)


def test_an_entry_signed_with_another_key_is_never_decoded(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    forger = DocumentCache(folder)
    forger._key = b"\0" * cache_module.KEY_BYTES
    target = library / "misnamed.yaml"
    payload = marshal.dumps((os.path.abspath(target), stat_key(target), None, None, None, [], {}))
    entry = forger.entry_path(target)
    assert entry is not None
    header = cache_module._MAGIC + forger._version
    entry.write_bytes(header + forger._mac(payload) + payload)

    watch_decoding(monkeypatch, lambda data: pytest.fail("decoded a forged entry"))
    cache = DocumentCache(folder)
    document = cache.load(target, "misnamed.yaml")
    assert cache.rejected == 1
    assert document.briefing is not None and document.briefing.id == "other-name"


def test_an_entry_of_another_file_is_not_taken(library: Path, folder: Path) -> None:
    _load(library, folder)
    one, other = library / "misnamed.yaml", library / "broken.yaml"
    cache = DocumentCache(folder)
    one_entry, other_entry = cache.entry_path(one), cache.entry_path(other)
    assert one_entry is not None and other_entry is not None
    shutil.copyfile(one_entry, other_entry)  # a valid entry, about the wrong file
    document = cache.load(other, "broken.yaml")
    assert cache.hits == 0
    assert document.errors == 1


def test_an_unusable_cache_folder_falls_back_to_reading_files(
    library: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = DocumentCache(blocker / "documents")
    assert not cache.persistent
    loaded = Library.load([library], cache=cache)
    assert cache.misses == _files(library)
    assert loaded.diagnostics() == Library.load([library]).diagnostics()


def test_a_cache_folder_that_fails_while_writing_stops_being_used(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = DocumentCache(folder)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", full)
    loaded = Library.load([library], cache=cache)
    assert not cache.persistent
    assert loaded.diagnostics() == Library.load([library]).diagnostics()
    assert _entries(folder) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_others_can_read_disables_the_cache(library: Path, folder: Path) -> None:
    _load(library, folder)
    key = folder / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    key.chmod(0o644)
    cache = DocumentCache(folder)
    assert not cache.persistent
    Library.load([library], cache=cache)
    assert cache.hits == 0


def test_a_damaged_key_is_replaced_and_entries_rebuilt(library: Path, folder: Path) -> None:
    _load(library, folder)
    (folder / "key").write_bytes(b"short")
    (folder / "key").chmod(0o600)
    _, cache = _load(library, folder)
    assert cache.persistent
    assert cache.hits == 0
    assert len((folder / "key").read_bytes()) == cache_module.KEY_BYTES


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_in_place_of_an_entry_is_never_waited_on(library: Path, folder: Path) -> None:
    _load(library, folder)
    target = library / "misnamed.yaml"
    entry = DocumentCache(folder).entry_path(target)
    assert entry is not None
    entry.unlink()
    os.mkfifo(entry)
    cache = DocumentCache(folder)
    document = cache.load(target, "misnamed.yaml")
    assert cache.misses == 1
    assert document.briefing is not None


def test_nothing_is_written_inside_the_library(library: Path, folder: Path) -> None:
    before = _snapshot(library)
    _load(library, folder)
    _load(library, folder)
    assert _snapshot(library) == before


def test_pruning_removes_entries_of_files_gone_or_changed_once_a_day(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    entries = len(_entries(folder))
    (library / "broken.yaml").unlink()
    changed = library / "misnamed.yaml"
    changed.write_text(MISNAMED + "tags: [extra]\n", encoding="utf-8")
    (folder / ".entry-left-behind").write_bytes(b"half")
    os.utime(folder / ".entry-left-behind", ns=(AN_HOUR_AGO - 10**12, AN_HOUR_AGO - 10**12))
    cache = DocumentCache(folder)
    assert cache.prune() == 3
    assert len(_entries(folder)) == entries - 2
    assert not (folder / ".entry-left-behind").exists()
    _, kept = _load(library, folder)
    assert kept.hits == _files(library) - 1  # the changed file only is read again
    (library / "extra.yaml").write_text(MISNAMED.replace("other-name", "extra"), "utf-8")
    _settle(library)
    _load(library, folder)
    (library / "extra.yaml").unlink()
    assert DocumentCache(folder).prune() == 0  # pruned less than a day ago
    monkeypatch.setattr(cache_module, "PRUNE_EVERY", 0)
    assert DocumentCache(folder).prune() == 1


def test_the_default_folder_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.name != "posix" or os.uname().sysname == "Darwin":
        pytest.skip("XDG_CACHE_HOME is a Linux and BSD convention")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.default_folder() == tmp_path / "xdg" / "briefing-tui" / "documents"


def test_positions_of_library_warnings_are_kept_for_the_next_run(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, _ = _load(library, folder)
    assert any(d.col > 1 for d in cold.diagnostics() if "unresolved" in d.message)
    monkeypatch.setattr(loader, "locate", lambda *a: pytest.fail("re-read a file for positions"))
    warm, _ = _load(library, folder)
    assert warm.diagnostics() == cold.diagnostics()


def test_a_symbolic_link_under_another_name_has_its_own_entry(library: Path, folder: Path) -> None:
    if not hasattr(os, "symlink"):
        pytest.skip("no symbolic links")
    elsewhere = library.parent / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "other-name.yaml"
    link.symlink_to(library / "misnamed.yaml")
    for _ in range(2):
        cache = DocumentCache(folder)
        through_link = cache.load(link, "other-name.yaml")
        direct = cache.load(library / "misnamed.yaml", "misnamed.yaml")
        assert not any("differs from the file name" in d.message for d in through_link.diagnostics)
        assert any("differs from the file name" in d.message for d in direct.diagnostics)
    assert cache.hits == 2


def _check(paths: list[str], capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    fmt = "json" if "json" in extra else "text"
    code = run_check(paths, fmt=fmt, use_cache="no-cache" not in extra)
    return code, capsys.readouterr().out


def test_warm_check_prints_what_a_cold_one_does(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(library.parent)
    paths = [library.name]
    uncached = _check(paths, capsys, "no-cache")
    assert not (tmp_path / "xdg").exists()
    cold = _check(paths, capsys)
    cold_json = _check(paths, capsys, "json")
    assert (tmp_path / "xdg" / "briefing-tui" / "documents" / "key").exists()

    def no_parsing(*args: object) -> None:
        pytest.fail("a warm check parsed a file")

    monkeypatch.setattr(loader, "document_from_text", no_parsing)
    monkeypatch.setattr(loader, "locate", no_parsing)
    warm = _check(paths, capsys)
    warm_json = _check(paths, capsys, "json")
    assert cold == uncached
    assert warm == cold
    assert warm_json == cold_json
    assert cold[0] == 1
    assert "broken.yaml" in cold[1] and "differs from the file name" in cold[1]
    assert json.loads(warm_json[1])["errors"] == 1


def test_a_warm_check_from_another_folder_shows_paths_from_there(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(library.parent)
    _check([library.name], capsys)
    monkeypatch.chdir(library)
    warm = _check(["."], capsys)
    uncached = _check(["."], capsys, "no-cache")
    assert warm == uncached
    assert "\nbroken.yaml:" in "\n" + warm[1]
