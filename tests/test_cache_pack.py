"""Pack files of the document cache: a load of many files writes one, the next reads it, and a
damaged, cut or forged pack costs only the entries it spoils."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_cache import AN_HOUR_AGO, _load, watch_decoding

from briefing_tui.model import cache as cache_module
from briefing_tui.model import cache_pack
from briefing_tui.model.cache import DocumentCache

BRIEFING = """\
schema: briefing/1
id: {id}
title: Briefing {id}
as_of: 2021-03-01
summary: Nothing happened, as [[{other}]] says.
judgments:
  - text: It stays quiet.
    sources: [s1]
sources:
  - id: s1
    title: A source
"""
COUNT = cache_module.PACK_MIN + 6


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """More briefings than a pack needs, each linking to the next, dated an hour back."""
    root = tmp_path / "library"
    root.mkdir()
    for number in range(COUNT):
        name = f"b{number:03d}"
        text = BRIEFING.format(id=name, other=f"b{(number + 1) % COUNT:03d}")
        path = root / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO))
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "documents"


def _packs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pack"))


def _pruned_soon(library: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The library's files, with pruning allowed at once."""
    monkeypatch.setattr(cache_module, "PRUNE_EVERY", 0)
    return sorted(library.glob("*.yaml"))


def _change(paths: list[Path]) -> None:
    """Make the files look changed since their entries were written."""
    for path in paths:
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO + 5))


def _record_of(folder: Path, cache: DocumentCache, path: Path) -> tuple[Path, int, int]:
    """Where the entry of `path` is in the folder's only pack."""
    entry = cache.entry_path(path)
    assert entry is not None
    key = cache_pack.record_key(entry)
    (pack,) = _packs(folder)
    (found,) = [(pack, o, n) for k, o, n in cache_pack.records(pack) if k == key]
    return found


def test_a_load_of_many_files_writes_one_pack_that_the_next_load_reads(
    library: Path, folder: Path
) -> None:
    cold, cache = _load(library, folder)
    assert cache.misses == COUNT
    assert len(_packs(folder)) == 1
    assert list(folder.glob("*.entry")) == []
    warm, cache = _load(library, folder)
    assert (cache.hits, cache.misses, cache.rejected) == (COUNT, 0, 0)
    assert warm.briefings == cold.briefings
    assert warm.diagnostics() == cold.diagnostics()
    assert warm.backlinks("b001") == cold.backlinks("b001") != []


def test_few_entries_of_a_load_are_files_of_their_own(library: Path, folder: Path) -> None:
    _load(library, folder)
    changed = library / "b005.yaml"
    changed.write_text(changed.read_text("utf-8") + "tags: [new]\n", encoding="utf-8")
    os.utime(changed, ns=(AN_HOUR_AGO, AN_HOUR_AGO + 1))
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses) == (COUNT - 1, 1)
    assert [p.name for p in folder.glob("*.entry")] == [cache.entry_path(changed).name]  # type: ignore[union-attr]
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses) == (COUNT, 0)  # its own file wins over the pack


def test_a_damaged_record_costs_only_its_file(library: Path, folder: Path) -> None:
    _, cache = _load(library, folder)
    pack, offset, length = _record_of(folder, cache, library / "b010.yaml")
    data = bytearray(pack.read_bytes())
    data[offset + length - 1] ^= 0xFF
    pack.write_bytes(bytes(data))
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses, cache.rejected) == (COUNT - 1, 1, 1)
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses) == (COUNT, 0)


def test_a_pack_cut_short_loses_only_the_records_past_the_cut(library: Path, folder: Path) -> None:
    _, cache = _load(library, folder)
    pack, offset, _ = _record_of(folder, cache, library / "b030.yaml")
    order = [key for key, _, _ in cache_pack.records(pack)]
    with open(pack, "r+b") as stream:
        stream.truncate(offset + 10)  # within the record of b030
    entry = cache.entry_path(library / "b030.yaml")
    assert entry is not None
    kept = order.index(cache_pack.record_key(entry))
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses, cache.rejected) == (kept, COUNT - kept, 0)
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses) == (COUNT, 0)


def test_a_pack_signed_with_another_key_is_never_decoded(
    library: Path, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-cache"
    _load(library, other)
    DocumentCache(folder)  # makes the folder and its own key
    (forged,) = _packs(other)
    os.replace(forged, folder / forged.name)
    watch_decoding(monkeypatch, lambda data: pytest.fail("decoded a forged entry"))
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses, cache.rejected) == (0, COUNT, COUNT)


def test_a_file_that_is_not_a_pack_is_passed_over(library: Path, folder: Path) -> None:
    DocumentCache(folder)
    (folder / "junk.pack").write_bytes(b"not a pack at all")
    (folder / "empty.pack").write_bytes(b"")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.pack")  # never waited on
    _, cache = _load(library, folder)
    assert cache.misses == COUNT
    _, cache = _load(library, folder)
    assert cache.hits == COUNT


def test_pruning_removes_a_pack_once_none_of_its_files_is_unchanged(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    files = _pruned_soon(library, monkeypatch)
    _change(files[1:])
    assert DocumentCache(folder).prune() == 1  # its one current record copied to a new pack
    (pack,) = _packs(folder)
    assert len(list(cache_pack.records(pack))) == 1
    _change(files[:1])
    assert DocumentCache(folder).prune() == 1
    assert _packs(folder) == []


def test_a_pack_that_cannot_be_written_stops_the_cache(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: cache_pack.PackWriter, key: cache_pack.RecordKey, data: bytes) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(cache_pack.PackWriter, "add", refuse)
    library_loaded, cache = _load(library, folder)
    assert len(library_loaded.briefings) == COUNT
    assert not cache.persistent
    assert _packs(folder) == []
    assert [p.name for p in folder.iterdir() if p.name.startswith(".entry-")] == []


def test_pruning_copies_what_is_left_of_a_pack_mostly_outdated_into_a_smaller_one(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    files = _pruned_soon(library, monkeypatch)
    changed, unchanged = files[: COUNT // 2 + 1], files[COUNT // 2 + 1 :]
    _change(changed)
    (old,) = _packs(folder)
    assert DocumentCache(folder).prune() == 1
    (new,) = _packs(folder)
    assert new != old
    cache = DocumentCache(folder)
    kept = {key for key, _, _ in cache_pack.records(new)}
    assert kept == {cache_pack.record_key(cache.entry_path(path)) for path in unchanged}  # type: ignore[arg-type]
    _, cache = _load(library, folder)
    assert (cache.hits, cache.misses, cache.rejected) == (len(unchanged), len(changed), 0)


def test_pruning_keeps_a_pack_still_mostly_current(
    library: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(library, folder)
    files = _pruned_soon(library, monkeypatch)
    _change(files[: COUNT // 2 - 1])
    packs = _packs(folder)
    assert DocumentCache(folder).prune() == 0
    assert _packs(folder) == packs
