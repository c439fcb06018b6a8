"""Pack files of the document cache: the entries one load writes, in one file.

Creating thousands of small files costs a busy file system more than all else a cold load does
to fill the cache (from 0.02 to 1.7 s of system time for 2,000 empty files on one machine, from
one minute to the next); one file of the same bytes costs a hundredth of that. A pack holds
each entry exactly as an entry file would (its own keyed checksum, verified before anything of
it is decoded), after a record header: the entry's name as a digest, its kind and its length.
Headers are plain fixed-size numbers, never decoded otherwise.

A pack is streamed to a temporary file and renamed into place when its load ends; a pack cut
short loses the records past the cut (they are rebuilt), and a pipe or device named like a pack
is never waited on.
"""

from __future__ import annotations

import os
import secrets
import stat
import struct
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

MAGIC = b"briefing-tui document pack\n"
SUFFIX = ".pack"
KINDS = (".entry", ".located")
"""The kinds of entry a record can hold, by the suffix of the entry file it stands for."""
TEMPORARY_PREFIX = ".entry-"
"""Shared with entry files: pruning removes what a run that died while writing left behind."""

RecordKey = tuple[bytes, int]
"""The name of an entry file as bytes (its hexadecimal stem), and the index of its kind."""
_HEADER = struct.Struct("<20sBI")


def record_key(entry: Path) -> RecordKey | None:
    """The record key of an entry file's path (None for a name no entry has)."""
    try:
        return bytes.fromhex(entry.stem), KINDS.index(entry.suffix)
    except ValueError:
        return None


class PackWriter:
    """Records streamed into a temporary file of a folder, which `finish` renames into a pack."""

    def __init__(self, folder: Path) -> None:
        """Start a pack in `folder` (raises OSError when it cannot)."""
        self.folder = folder
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX)
        self._temporary = Path(name)
        self._stream = open(descriptor, "wb")  # noqa: SIM115 - open across `add` calls
        self._stream.write(MAGIC)

    def add(self, key: RecordKey, data: bytes) -> None:
        """Append one entry (raises OSError when it cannot)."""
        name, kind = key
        self._stream.write(_HEADER.pack(name, kind, len(data)))
        self._stream.write(data)

    def finish(self) -> Path:
        """Rename the records written into a pack of a random name (raises OSError)."""
        self._stream.close()
        final = self.folder / (secrets.token_hex(16) + SUFFIX)
        os.replace(self._temporary, final)
        return final

    def abandon(self) -> None:
        """Remove what was written: the pack is not made."""
        with suppress(OSError):
            self._stream.close()
        with suppress(OSError):
            os.unlink(self._temporary)


def _open_regular(path: Path) -> int | None:
    """A descriptor of a regular file, opened without blocking (None for anything else)."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            return descriptor
    except OSError:
        pass
    os.close(descriptor)
    return None


def records(pack: Path) -> Iterator[tuple[RecordKey, int, int]]:
    """(key, offset, length) of every whole record of a pack, in order; nothing for a file that
    is not a pack, and nothing past a record cut short."""
    descriptor = _open_regular(pack)
    if descriptor is None:
        return
    with open(descriptor, "rb") as stream:
        size = os.fstat(descriptor).st_size
        if stream.read(len(MAGIC)) != MAGIC:
            return
        offset = len(MAGIC)
        while offset + _HEADER.size <= size:
            stream.seek(offset)
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            name, kind, length = _HEADER.unpack(header)
            start = offset + _HEADER.size
            if start + length > size or kind >= len(KINDS):
                return
            yield (name, kind), start, length
            offset = start + length


def read_record(pack: Path, offset: int, length: int) -> bytes | None:
    """The bytes of one record (None when the pack changed or is gone meanwhile)."""
    descriptor = _open_regular(pack)
    if descriptor is None:
        return None
    with open(descriptor, "rb") as stream:
        try:
            stream.seek(offset)
            data = stream.read(length)
        except OSError:
            return None
    return data if len(data) == length else None


def index(folder: Path) -> dict[RecordKey, list[tuple[Path, int, int]]]:
    """Where each record of the folder's packs is, newest pack first for each key."""
    try:
        packs = [folder / name for name in os.listdir(folder) if name.endswith(SUFFIX)]
    except OSError:
        return {}
    dated: list[tuple[int, Path]] = []
    for pack in packs:
        with suppress(OSError):
            dated.append((pack.stat().st_mtime_ns, pack))
    found: dict[RecordKey, list[tuple[Path, int, int]]] = {}
    for _, pack in sorted(dated, key=lambda item: item[0], reverse=True):
        for key, offset, length in records(pack):
            found.setdefault(key, []).append((pack, offset, length))
    return found
