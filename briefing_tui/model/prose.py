"""Long text of documents kept compressed in memory, made readable again when read.

Prose (summaries, descriptions, claims, judgments, profiles, source titles) is most of what a
loaded library holds: at 2,000 briefings about 38 MB of strings, most of them two bytes a
letter because a name in them has a letter beyond Latin-1. A document loaded through the
cache keeps it instead in two zlib-compressed `ProseBlock`s, about a sixth of that size: its
labels (the texts other pages list, such as event titles) and its bodies (the rest). Its
models hold each text's index, and the pair of blocks (its *store*) under `STORE_KEY`. A
`ProseField` on the model class reads the text through the index; models validated the
ordinary way hold their strings and are read as before.

Decompressing a briefing's labels costs ~14 µs, its bodies ~25 µs; the `KEEP` blocks read
last are kept decompressed, so a pane reading one briefing's texts decompresses each once.
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

STORE_KEY = "__prose__"
"""The key, in the `__dict__` of a model with stored prose, of its document's store: the
pair (labels, bodies) of `ProseBlock`s, either None when the document has no such text."""

LABELS = 0
BODIES = 1

KEEP = 128
"""Blocks kept decompressed (the ones read last)."""

LEVEL = 6
"""zlib level: texts are compressed once, when a file's cache entry is made."""


Store = tuple["ProseBlock | None", "ProseBlock | None"]


def store_of(labels: Sequence[str], bodies: Sequence[str]) -> Store | None:
    """The store of a document's labels and bodies (None when it has neither)."""
    if not labels and not bodies:
        return None
    return (ProseBlock.of(labels) if labels else None, ProseBlock.of(bodies) if bodies else None)


def stored(blobs: tuple[bytes | None, bytes | None] | None) -> Store | None:
    """The store of blocks kept as bytes (`blobs_of`)."""
    if blobs is None:
        return None
    labels, bodies = blobs
    return (
        ProseBlock(labels) if labels is not None else None,
        ProseBlock(bodies) if bodies is not None else None,
    )


def blobs_of(store: Store | None) -> tuple[bytes | None, bytes | None] | None:
    """The bytes of a store's blocks, to be kept (as in a cache entry)."""
    if store is None:
        return None
    labels, bodies = store
    return (
        labels.blob if labels is not None else None,
        bodies.blob if bodies is not None else None,
    )


class ProseBlock:
    """Texts of one document, compressed together; read by index."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    @classmethod
    def of(cls, texts: Sequence[str]) -> ProseBlock:
        """A block holding `texts` (index i reads texts[i])."""
        return cls(zlib.compress(marshal.dumps(tuple(texts)), LEVEL))

    def text(self, index: int) -> str:
        """The text at `index`."""
        last = _last
        if last[0] is self:
            return last[1][index]  # type: ignore[no-any-return]
        return self.texts()[index]

    def texts(self) -> tuple[str, ...]:
        """Every text of the block, in index order."""
        global _last
        with _lock:
            texts = _recent.get(self)
            if texts is not None:
                _recent.move_to_end(self)
        if texts is None:
            texts = marshal.loads(zlib.decompress(self.blob))
            with _lock:
                _recent[self] = texts
                if len(_recent) > KEEP:
                    _recent.popitem(last=False)
        _last = (self, texts)  # one tuple, so readers in other threads see a matching pair
        return texts


_lock = threading.Lock()
_recent: OrderedDict[ProseBlock, tuple[str, ...]] = OrderedDict()
_last: tuple[ProseBlock | None, tuple[str, ...]] = (None, ())


def forget() -> None:
    """Drop every decompressed block (they are made again when read)."""
    global _last
    with _lock:
        _recent.clear()
        _last = (None, ())


class ProseField:
    """A model field that may hold, instead of its text, the index of its text in one block
    (`part`: LABELS or BODIES) of the model's store. A data descriptor, so it is found before
    the instance's `__dict__`."""

    __slots__ = ("name", "part")

    def __init__(self, name: str, part: int) -> None:
        self.name = name
        self.part = part

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        fields = model.__dict__
        value = fields[self.name]
        if value.__class__ is int:
            return fields[STORE_KEY][self.part].text(value)
        return value

    def __set__(self, model: Any, value: Any) -> None:
        raise AttributeError(f"{self.name} cannot be changed")  # models are frozen anyway
