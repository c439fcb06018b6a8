"""Long text of documents kept compressed in memory, made readable again when read.

Prose (summaries, descriptions, claims, judgments, profiles, source titles) is most of what a
loaded library holds: at 2,000 briefings about 38 MB of strings, most of them two bytes a
letter because a name in them has a letter beyond Latin-1. A document loaded through the
cache keeps it instead as one `ProseStore` per document: its texts in one zlib-compressed
block, about a fifth of that size, whose models hold each text's index. A `ProseField` on
the model class reads the text through the index; models validated the ordinary way hold
their strings and are read as before.

Decompressing a document's block costs ~20-40 µs; the blocks of the `KEEP` documents read
last are kept decompressed, so a pane reading one briefing's texts decompresses it once.
"""

from __future__ import annotations

import marshal
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

STORE_KEY = "__prose__"
"""The key, in the `__dict__` of a model with stored prose, of the store holding its texts."""

KEEP = 64
"""Documents whose texts are kept decompressed (the ones read last)."""

LEVEL = 6
"""zlib level: texts are compressed once, when a file's cache entry is made."""


class ProseStore:
    """The texts of one document, compressed together; read by index."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    @classmethod
    def of(cls, texts: Sequence[str]) -> ProseStore:
        """A store holding `texts` (index i reads texts[i])."""
        return cls(zlib.compress(marshal.dumps(tuple(texts)), LEVEL))

    def text(self, index: int) -> str:
        """The text at `index`."""
        last = _last
        if last[0] is self:
            return last[1][index]  # type: ignore[no-any-return]
        return self.texts()[index]

    def texts(self) -> tuple[str, ...]:
        """Every text of the store, in index order."""
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
_recent: OrderedDict[ProseStore, tuple[str, ...]] = OrderedDict()
_last: tuple[ProseStore | None, tuple[str, ...]] = (None, ())


def forget() -> None:
    """Drop every decompressed block (they are made again when read)."""
    global _last
    with _lock:
        _recent.clear()
        _last = (None, ())


class ProseField:
    """A model field that may hold, instead of its text, the index of its text in the model's
    store. A data descriptor, so it is found before the instance's `__dict__`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        fields = model.__dict__
        value = fields[self.name]
        if value.__class__ is int:
            return fields[STORE_KEY].text(value)
        return value

    def __set__(self, model: Any, value: Any) -> None:
        raise AttributeError(f"{self.name} cannot be changed")  # models are frozen anyway
