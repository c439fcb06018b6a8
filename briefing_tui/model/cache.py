"""The document cache: each file's validated model, diagnostics and lines, kept between runs.

An unchanged library then loads without parsing YAML or validating: a file whose path, size,
mtime, ctime and inode match its entry is rebuilt from the entry. Entries live in the user's
cache folder (`platformdirs.user_cache_dir("briefing-tui")/documents`, which follows
XDG_CACHE_HOME), never in the library's folder, one file per document, each written to a
temporary file and renamed into place; a load that writes many entries writes them into one
pack file instead (`cache_pack`), each entry in it as it would be in a file of its own.

An entry holds plain data only (dicts, lists, tuples, str, bytes, int, float, None) serialised with
`marshal`, and is read back only after its keyed BLAKE2b checksum verifies with a random key
kept in the cache folder, readable by the user alone. Data that fails the check (corrupt,
truncated, tampered with, written by another version of the code) is never decoded: the file is
parsed again and its entry rewritten. Models are rebuilt without validating again, since the
checksum proves this code validated them.

Documents loaded through the cache, whether or not its folder can be used, are kept compact in
memory: one shared "fields set" per model class instead of one set per model, short strings
(ids, dates, kinds, names) interned, identical citations and event actors shared, the lines
of each document's entities packed (`document.PackedLines`), and the long texts of each
document compressed together (`prose`: an entry holds both packed, as made when the entry
is).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import marshal
import os
import secrets
import stat
import sys
import tempfile
import time
import typing
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import cache_pack, loader
from .diagnostics import Diagnostic
from .document import Document, DocumentKind, Loc, PackedLines
from .entities import STORED_PROSE, ActorRegistry, Briefing, Citation, EventActor
from .prose import STORE_KEY, Store, blobs_of, store_of, stored
from .validation_errors import core_type

FORMAT = 3
"""Bumped whenever what an entry holds changes (any change to the model's code also counts)."""

RACY_NS = 2_000_000_000
"""A file modified less than this long before it is read is not cached: a second change in
the same clock tick, of the same size, would go unseen (file systems keep mtimes coarsely)."""

PACK_MIN = 64
"""A load that writes at least this many entries writes them into one pack file: creating
thousands of small files costs a busy file system more than the rest of filling the cache."""

PRUNE_EVERY = 86_400
"""Seconds between two prunings of the cache folder (see `DocumentCache.prune`)."""

KEY_BYTES = 32
_MAGIC = b"briefing-tui document cache\n"
_VERSION_BYTES = 16
_MAC_BYTES = 32
_HEADER = len(_MAGIC) + _VERSION_BYTES + _MAC_BYTES

_CODE_FILES = (
    "cache.py",
    "cache_pack.py",
    "dates.py",
    "diagnostics.py",
    "document.py",
    "entities.py",
    "links.py",
    "loader.py",
    "prose.py",
    "text.py",
    "validate.py",
    "yamlnodes.py",
)
"""The modules whose code decides what a document becomes: their text is part of the version."""

_PROSE_FIELDS = frozenset(
    ("summary", "profile", "description", "note", "text", "answer", "title", "url")
)
"""String fields that are mostly unique text: not worth interning."""
_INTERN_MAX = 64
_SHARED_MODELS: tuple[type[BaseModel], ...] = (Citation, EventActor)
"""Small value models, frozen and without identity: identical ones are one object."""

StatKey = tuple[int, int, int, int]
"""What tells a changed file from an unchanged one: size, mtime and ctime (ns), inode."""

_MODELS: dict[str, type[BaseModel]] = {"briefing": Briefing, "actors": ActorRegistry}


def default_folder() -> Path:
    """Where entries are kept: the `documents` folder of the user's cache folder."""
    from .user_cache import user_cache_dir

    return Path(user_cache_dir()) / "documents"


def code_version() -> bytes:
    """A digest of everything that decides what a file becomes: the format, the Python, pydantic
    and PyYAML versions, whether libyaml is used, and the text of the model's modules."""
    import pydantic
    import yaml

    from . import yamlnodes

    digest = hashlib.blake2b(digest_size=_VERSION_BYTES)
    for part in (FORMAT, sys.version, pydantic.VERSION, yaml.__version__, yamlnodes.HAS_LIBYAML):
        digest.update(f"{part}\0".encode())
    here = Path(__file__).parent
    for name in _CODE_FILES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # installed without sources: the package version stands in
            from .. import __version__

            digest.update(f"{name} {__version__}".encode())
    return digest.digest()


def stat_key(path: str | os.PathLike[str]) -> StatKey | None:
    """The stat key of a file (None when it cannot be had)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# ----------------------------------------------------------------- models without validation


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to rebuild one model class from its plain data."""

    children: tuple[tuple[str, type[BaseModel], bool], ...]
    """(field, model class, is a list) of fields that hold models."""
    strings: tuple[str, ...]
    """Fields holding short strings worth interning (ids, dates, kinds, names)."""
    string_lists: tuple[str, ...]
    """Fields holding lists of such strings (tags, aliases, about)."""
    prose: tuple[tuple[str, int], ...]
    """(field, part of the store) of fields whose text the document's store keeps
    (`entities.STORED_PROSE`)."""
    fields_set: set[str]
    """Every field: the `model_fields_set` of every rebuilt model of the class (shared)."""
    shared: bool


_PLANS: dict[type[BaseModel], _Plan] = {}


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    return typing.get_origin(annotation) is typing.Literal and all(
        isinstance(choice, str) for choice in typing.get_args(annotation)
    )


def _plan(cls: type[BaseModel]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    children: list[tuple[str, type[BaseModel], bool]] = []
    strings: list[str] = []
    string_lists: list[str] = []
    for name, info in cls.model_fields.items():
        annotation = core_type(info.annotation)
        if _is_model(annotation):
            children.append((name, annotation, False))
        elif typing.get_origin(annotation) is list:
            item = core_type(typing.get_args(annotation)[0])
            if _is_model(item):
                children.append((name, item, True))
            elif _is_text(item):
                string_lists.append(name)
        elif _is_text(annotation) and name not in _PROSE_FIELDS:
            strings.append(name)
    plan = _Plan(
        tuple(children),
        tuple(strings),
        tuple(string_lists),
        tuple((name, vars(cls)[name].part) for name in STORED_PROSE.get(cls, ())),
        set(cls.model_fields),
        cls in _SHARED_MODELS,
    )
    _PLANS[cls] = plan
    return plan


def _intern_fields(plan: _Plan, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its short strings interned in place (marshal then keeps them interned, so
    every later load shares them too)."""
    intern = sys.intern
    for name in plan.strings:
        value = data[name]
        if value.__class__ is str and len(value) <= _INTERN_MAX:
            data[name] = intern(value)
    for name in plan.string_lists:
        values = data[name]
        if values:
            data[name] = [intern(v) if len(v) <= _INTERN_MAX else v for v in values]
    return data


def take_prose(
    cls: type[BaseModel], data: dict[str, Any], texts: tuple[list[str], list[str]]
) -> tuple[list[str], list[str]]:
    """Move the stored prose of `data` (a model's plain data, nested dicts included) into
    `texts`, labels and bodies (`prose.LABELS`, `prose.BODIES`), leaving each text's index in
    its place; returns `texts`."""
    plan = _PLANS.get(cls) or _plan(cls)
    for name, part in plan.prose:
        value = data[name]
        if value:
            kept = texts[part]
            data[name] = len(kept)
            kept.append(value)
    for name, child, many in plan.children:
        value = data[name]
        if not value or not _has_prose(child):
            continue
        if not many:
            take_prose(child, value, texts)
        else:
            for item in value:
                take_prose(child, item, texts)
    return texts


@functools.cache
def _has_prose(cls: type[BaseModel]) -> bool:
    """True when models of `cls`, or models nested in them, have stored prose."""
    plan = _PLANS.get(cls) or _plan(cls)
    return bool(plan.prose) or any(_has_prose(child) for _, child, _ in plan.children)


_new = object.__new__
_set = object.__setattr__


class ModelBuilder:
    """Makes models from plain data this code validated before (`model_dump` output), without
    validating again; identical small value models come out as one object. The stored prose
    of a document's models is read from the document's store (`prose`)."""

    def __init__(self) -> None:
        self._shared: dict[type[BaseModel], dict[tuple[Any, ...], BaseModel]] = {}

    def build(self, cls: type[BaseModel], data: dict[str, Any], store: Store | None) -> Any:
        """The model of `data` read from an entry: `data` gives its fields (its nested dicts
        become models); its strings were interned when it was written."""
        plan = _PLANS.get(cls) or _plan(cls)
        for name, child, many in plan.children:
            value = data[name]
            if not value:
                continue
            child_plan = _PLANS.get(child) or _plan(child)
            if not many:
                data[name] = self.build(child, value, store)
            elif child_plan.children:
                data[name] = [self.build(child, item, store) for item in value]
            else:  # a list of leaf models (citations, sources...): the bulk, made inline
                fields_set = child_plan.fields_set
                shared = self._shared.setdefault(child, {}) if child_plan.shared else None
                kept = store if child_plan.prose else _NO_STORE
                made = []
                for item in value:
                    if shared is not None:
                        key = tuple(item.values())
                        model = shared.get(key)
                        if model is not None:
                            made.append(model)
                            continue
                    model = _instance(child, item, fields_set, kept)
                    if shared is not None:
                        shared[key] = model
                    made.append(model)
                data[name] = made
        return self._make(cls, plan, data, store)

    def build_fresh(self, cls: type[BaseModel], data: dict[str, Any], store: Store | None) -> Any:
        """The model of `data` just dumped from a validated model (its prose taken by
        `take_prose`). Its short strings are interned in place, and otherwise it is left as it
        is, plain, to be written to an entry (models with nested models get their own copy)."""
        plan = _PLANS.get(cls) or _plan(cls)
        _intern_fields(plan, data)
        if not plan.children:
            return self._make(cls, plan, data, store)
        own = data.copy()
        for name, child, many in plan.children:
            value = data[name]
            if not value:
                continue
            child_plan = _PLANS.get(child) or _plan(child)
            if not many:
                own[name] = self.build_fresh(child, value, store)
            elif child_plan.children:
                own[name] = [self.build_fresh(child, item, store) for item in value]
            else:
                make = self._make
                own[name] = [
                    make(child, child_plan, _intern_fields(child_plan, item), store)
                    for item in value
                ]
        return self._make(cls, plan, own, store)

    def _make(
        self, cls: type[BaseModel], plan: _Plan, data: dict[str, Any], store: Store | None
    ) -> Any:
        shared = self._shared.setdefault(cls, {}) if plan.shared else None
        if shared is not None:
            key = tuple(data.values())
            model = shared.get(key)
            if model is not None:
                return model
        model = _instance(cls, data, plan.fields_set, store if plan.prose else _NO_STORE)
        if shared is not None:
            shared[key] = model
        return model


_NO_STORE: Any = object()
"""Passed for models of a class without stored prose: they get no store key."""


def _instance(
    cls: type[BaseModel], data: dict[str, Any], fields_set: set[str], store: Any = _NO_STORE
) -> Any:
    """A model of `cls` holding `data`, made as pydantic would after validating it (and, for a
    class with stored prose, holding the document's store after its fields)."""
    model = _new(cls)
    _fill(model, data)
    if store is not _NO_STORE:
        model.__dict__[STORE_KEY] = store
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _fill(model: BaseModel, data: dict[str, Any]) -> None:
    """Give a new model the fields of `data` one by one rather than `data` as its dict: a dict
    the interpreter makes for an instance shares its keys with every other instance of the
    class, half the size of a dict of its own (130,000 models at 2,000 briefings)."""
    fields = model.__dict__
    for name, value in data.items():
        fields[name] = value


# ----------------------------------------------------------------- the cache


class DocumentCache:
    """Loads documents through entries kept in a cache folder (or, when the folder cannot be
    used, straight from their files, still compact in memory)."""

    def __init__(self, folder: str | os.PathLike[str] | None = None, *, persistent: bool = True):
        """Use `folder` (default: the user's cache folder). With `persistent=False`, or when
        the folder or its key cannot be made private to the user, nothing is read or written."""
        self.folder: Path | None = None
        self.hits = 0
        """Documents rebuilt from their entry."""
        self.misses = 0
        """Documents read from their file."""
        self.rejected = 0
        """Entries found but refused: corrupt, truncated, tampered with, or of another version."""
        self._builder = ModelBuilder()
        self._version = b""
        self._key = b""
        self._packs: dict[cache_pack.RecordKey, list[tuple[Path, int, int]]] | None = None
        self._batch: list[tuple[Path, cache_pack.RecordKey, bytes]] | None = None
        self._pack: cache_pack.PackWriter | None = None
        if persistent:
            try:
                chosen = Path(folder) if folder is not None else default_folder()
                self._key = _user_key(chosen)
                self._version = code_version()
                self.folder = chosen
            except OSError:
                self.folder = None

    @property
    def persistent(self) -> bool:
        """True when entries are read and written."""
        return self.folder is not None

    def entry_path(self, path: str | os.PathLike[str], suffix: str = ".entry") -> Path | None:
        """Where the entry of a document's file is kept (None without a cache folder)."""
        if self.folder is None:
            return None
        name = os.path.abspath(path).encode("utf-8", "surrogateescape")
        return self.folder / (hashlib.sha256(name).hexdigest()[:40] + suffix)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Entries written meanwhile (by a library's load) are kept until it ends: then fewer
        than PACK_MIN become files of their own, more go into one pack file (streamed there as
        they come once there are PACK_MIN, so they are never all held in memory)."""
        if self._batch is not None or self.folder is None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            pending, self._batch = self._batch, None
            pack, self._pack = self._pack, None
            if pack is not None:
                try:
                    pack.finish()
                except OSError:
                    pack.abandon()
                    self.folder = None
                self._packs = None  # read again when next needed: it holds this pack now
            for entry, _, data in pending:
                self._write_file(entry, data)

    # ------------------------------------------------------------- documents

    def load(self, path: Path, display_path: str) -> Document:
        """The document of `path`: from its entry when the file is unchanged, else read, parsed
        and validated (and its entry written). Never raises for a bad file."""
        with loader.collection_paused():
            return self._load(path, display_path)

    def _load(self, path: Path, shown: str) -> Document:
        before = stat_key(path)
        entry = self.entry_path(path)
        if entry is not None and before is not None:
            found = self._read(entry, path, before)
            if found is not None:
                try:
                    document = self._document(path, shown, *found)
                except Exception:  # verified yet unusable: a bug of an earlier version
                    self.rejected += 1
                else:
                    self.hits += 1
                    return document
        self.misses += 1
        text = loader.read_text(path, shown)
        if isinstance(text, Diagnostic):
            return Document(path=path, display_path=shown, diagnostics=[text])
        document = loader.document_from_text(path, shown, text)
        lines = document.lines = PackedLines.of(document.lines)
        model = document.briefing if document.briefing is not None else document.registry
        data = None
        blob = None
        if model is not None:
            data = BaseModel.model_dump(model)  # just validated: no `readable()` copy needed
            store = store_of(*take_prose(type(model), data, ([], [])))
            blob = blobs_of(store)
            compact = self._builder.build_fresh(type(model), data, store)
            if document.briefing is not None:
                document.briefing = compact
            else:
                document.registry = compact
        if entry is not None and before is not None:
            diagnostics = [
                (d.line, d.col, d.severity, d.field, d.message) for d in document.diagnostics
            ]
            held = (document.kind, data, blob, diagnostics, lines.blob)
            self._write(entry, path, before, held)
        return document

    def _document(
        self,
        path: Path,
        shown: str,
        kind: DocumentKind | None,
        data: dict[str, Any] | None,
        blob: tuple[bytes | None, bytes | None] | None,
        diagnostics: list[tuple[int, int, Any, str, str]],
        lines: bytes,
    ) -> Document:
        document = Document(
            path=path,
            display_path=shown,
            diagnostics=[Diagnostic(shown, *found) for found in diagnostics],
            lines=PackedLines(lines),
        )
        if kind is not None and data is not None:
            store = stored(blob)
            model = self._builder.build(_MODELS[kind], data, store)
            document.kind = kind
            if kind == "briefing":
                document.briefing = model
            else:
                document.registry = model
        return document

    # ------------------------------------------------------------- positions

    def locate(self, path: Path, locs: Sequence[Loc]) -> dict[Loc, tuple[int, int]]:
        """(line, col) of field paths of a file, as `loader.locate` finds them by parsing it
        again; positions found once are kept with the file's entry for the next run."""
        current = stat_key(path)
        entry = self.entry_path(path, ".located")
        known: dict[Loc, tuple[int, int]] = {}
        if entry is not None and current is not None:
            found = self._read(entry, path, current)
            if found is not None and isinstance(found[0], dict):
                known = found[0]
        missing = [loc for loc in locs if loc not in known]
        if not missing:
            return {loc: known[loc] for loc in locs}
        fresh = loader.locate(path, missing)
        known.update(fresh)
        if entry is not None and current is not None:
            self._write(entry, path, current, (known,))
        return {loc: known[loc] for loc in locs if loc in known}

    # ------------------------------------------------------------- pruning

    def prune(self) -> int:
        """Remove the entries of files that are gone or have changed since, and entries this
        version cannot read, at most once every PRUNE_EVERY seconds (a library's folder moved
        or a temporary one deleted would otherwise leave its entries for ever). Call it once a
        load is done: it reads every entry. Returns how many files it removed."""
        if self.folder is None:
            return 0
        stamp = self.folder / "pruned"
        try:
            if time.time() - stamp.stat().st_mtime < PRUNE_EVERY:
                return 0
        except OSError:
            pass
        try:
            stamp.touch()
            names = os.listdir(self.folder)
        except OSError:
            return 0
        removed = 0
        for name in names:
            path = self.folder / name
            if name.startswith((".entry-", ".key-")):
                stale = _older_than(path, 3600)  # left by a run that died while writing
            elif name.endswith((".entry", ".located")):
                stale = self._outdated(path)
            elif name.endswith(cache_pack.SUFFIX):
                stale = self._pack_outdated(path)
            else:
                continue
            if stale:
                with suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def _outdated(self, entry: Path) -> bool:
        found = _read_regular(entry)
        return found is not None and not self._current(found[0])

    def _pack_outdated(self, pack: Path) -> bool:
        """True when a pack should go: none of its records is of a file unchanged since, or
        at most half are, and those were first copied into a new pack (a library edited a file
        at a time would otherwise keep a pack for every one of its files still unchanged)."""
        current: list[tuple[cache_pack.RecordKey, int, int]] = []
        total = 0
        for key, offset, length in cache_pack.records(pack):
            total += 1
            raw = cache_pack.read_record(pack, offset, length)
            if raw is not None and self._current(raw):
                current.append((key, offset, length))
        if len(current) * 2 > total:
            return False
        if current and self.folder is not None:
            writer = None
            try:
                writer = cache_pack.PackWriter(self.folder)
                for key, offset, length in current:  # read again: never all held at once
                    raw = cache_pack.read_record(pack, offset, length)
                    if raw is not None:
                        writer.add(key, raw)
                writer.finish()
            except OSError:
                if writer is not None:
                    writer.abandon()
                return False
        return True

    def _current(self, raw: bytes) -> bool:
        """True when an entry verifies and its file has not changed since it was written."""
        payload = self._verified(raw)
        if payload is None:
            return False  # damaged, or written by another version
        try:
            abspath, key = marshal.loads(payload)[:2]
        except Exception:
            return False
        return stat_key(abspath) == key

    # ------------------------------------------------------------- entries

    def _read(self, entry: Path, path: Path, current: StatKey) -> tuple[Any, ...] | None:
        """What an entry holds about `path`, if it verifies and the file has not changed: its
        own file first, then its records in packs, newest first."""
        found = _read_regular(entry)
        if found is not None:
            held = self._held(found[0], path, current)
            if held is not None:
                return held
        key = cache_pack.record_key(entry)
        if key is None or self.folder is None:
            return None
        if self._packs is None:
            self._packs = cache_pack.index(self.folder)
        for pack, offset, length in self._packs.get(key, ()):
            raw = cache_pack.read_record(pack, offset, length)
            if raw is not None:
                held = self._held(raw, path, current)
                if held is not None:
                    return held
        return None

    def _held(self, raw: bytes, path: Path, current: StatKey) -> tuple[Any, ...] | None:
        """What the bytes of an entry hold about `path`, if they verify and match the file."""
        payload = self._verified(raw)
        if payload is None:
            self.rejected += 1
            return None
        try:
            abspath, key, *held = marshal.loads(payload)
        except Exception:  # verified yet unreadable: a bug of an earlier version
            self.rejected += 1
            return None
        if abspath != os.path.abspath(path) or key != current:
            return None  # the file changed (or a different file hashed alike)
        return tuple(held)

    def _verified(self, raw: bytes) -> bytes | None:
        """The payload of an entry whose header and checksum are right, else None."""
        if len(raw) <= _HEADER or not raw.startswith(_MAGIC):
            return None
        start = len(_MAGIC)
        version = raw[start : start + _VERSION_BYTES]
        mac = raw[start + _VERSION_BYTES : _HEADER]
        payload = raw[_HEADER:]
        if version != self._version:
            return None
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        return payload

    def _mac(self, payload: bytes) -> bytes:
        digest = hashlib.blake2b(key=self._key, digest_size=_MAC_BYTES)
        digest.update(self._version)
        digest.update(payload)
        return digest.digest()

    def _write(self, entry: Path, path: Path, before: StatKey, held: tuple[Any, ...]) -> None:
        """Keep what was found about `path`, unless the file changed while it was read or so
        recently that a second change could hide behind the same mtime.

        Written atomically (a temporary file renamed into place), or, during a `batch`, kept
        for its end or streamed into its pack; a failure only costs the entry, and after the
        first one nothing more is written.
        """
        if self.folder is None or not _settled(before) or stat_key(path) != before:
            return
        payload = marshal.dumps((os.path.abspath(path), before, *held))
        data = b"".join((_MAGIC, self._version, self._mac(payload), payload))
        key = cache_pack.record_key(entry)
        if self._batch is None or key is None:
            self._write_file(entry, data)
            return
        try:
            if self._pack is not None:
                self._pack.add(key, data)
                return
            self._batch.append((entry, key, data))
            if len(self._batch) >= PACK_MIN:
                self._pack = cache_pack.PackWriter(entry.parent)
                for _, pending_key, pending_data in self._batch:
                    self._pack.add(pending_key, pending_data)
                self._batch.clear()
        except OSError:
            self._stop_packing()

    def _stop_packing(self) -> None:
        """Full or no longer writable: nothing more is written, and the pack is not made."""
        if self._pack is not None:
            self._pack.abandon()
            self._pack = None
        if self._batch is not None:
            self._batch.clear()
        self.folder = None

    def _write_file(self, entry: Path, data: bytes) -> None:
        """Write an entry file atomically (a temporary file renamed into place); a failure
        only costs the entry, and after the first one nothing more is written."""
        if self.folder is None:
            return
        temporary = None
        try:
            descriptor, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".entry-")
            with open(descriptor, "wb") as stream:
                stream.write(data)
            os.replace(temporary, entry)
            temporary = None
        except OSError:
            self.folder = None  # full or no longer writable: stop trying
        finally:
            if temporary is not None:
                with suppress(OSError):
                    os.unlink(temporary)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _settled(key: StatKey) -> bool:
    """True when the file was last modified long enough ago to be cached safely."""
    return time.time_ns() - key[1] >= RACY_NS


def _read_regular(
    path: Path, limit: int = -1, *, missing_ok: bool = True
) -> tuple[bytes, os.stat_result] | None:
    """The bytes of a regular file and its stat, or None (for a pipe or a device too: opened
    without blocking, never waited on). A missing file raises with `missing_ok=False`."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    except OSError:
        return None
    with open(descriptor, "rb") as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None
        try:
            return stream.read(limit), info
        except OSError:
            return None


def _user_key(folder: Path) -> bytes:
    """The random key of the cache folder, made on first use; refuses (OSError) a folder or
    key that others could write or read."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path = folder / "key"
    for _ in range(3):  # read; or make, then read; or replace a damaged one, then read
        try:
            found = _read_regular(key_path, KEY_BYTES + 1, missing_ok=False)
        except FileNotFoundError:
            _make_key(folder, key_path)
            continue
        if found is None:
            key_path.unlink()  # not a regular file: made again below
            continue
        key, info = found
        if os.name == "posix":
            if info.st_uid != os.getuid() or info.st_mode & 0o077:
                raise PermissionError(f"{key_path} is not private to this user")
            folder_info = os.stat(folder)
            if folder_info.st_uid != os.getuid():
                raise PermissionError(f"{folder} belongs to another user")
            if folder_info.st_mode & 0o022:
                os.chmod(folder, 0o700)  # made by hand, or under a permissive umask
        if len(key) != KEY_BYTES:
            key_path.unlink()  # damaged: every entry is made again under a new key
            continue
        return key
    raise OSError(f"could not make a key in {folder}")


def _make_key(folder: Path, key_path: Path) -> None:
    """Write a new key without ever showing a half-written one: another process making its
    own at the same moment wins or loses as a whole."""
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".key-")
    try:
        with open(descriptor, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(temporary, key_path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: a rename, which may overwrite
            os.replace(temporary, key_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
