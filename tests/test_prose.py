"""Long texts kept compressed: documents loaded through the cache read as validated ones do."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from briefing_tui.model import prose
from briefing_tui.model.cache import DocumentCache
from briefing_tui.model.document import PackedLines
from briefing_tui.model.entities import STORED_PROSE, Event
from briefing_tui.model.library import Library
from briefing_tui.model.prose import BODIES, LABELS, STORE_KEY, ProseBlock

BRIEFS = Path(__file__).resolve().parent.parent / "briefs"


def _stored_prose(model: object) -> list[tuple[str, object]]:
    """(field, what the model holds for it) for each stored prose field set on `model`."""
    names = STORED_PROSE.get(type(model), ())  # type: ignore[call-overload]
    return [(name, model.__dict__[name]) for name in names if model.__dict__[name] is not None]


@pytest.mark.parametrize("persistent", [True, False], ids=["cache folder", "no cache folder"])
def test_texts_read_through_the_cache_are_the_texts_of_the_files(
    tmp_path: Path, persistent: bool
) -> None:
    plain = Library.load([BRIEFS])
    folder = tmp_path / "documents"
    for _ in range(2):  # cold, then (with a folder) warm
        cache = DocumentCache(folder, persistent=persistent)
        compact = Library.load([BRIEFS], cache=cache)
        assert compact.briefings.keys() == plain.briefings.keys()
        for ident, briefing in plain.briefings.items():
            ours = compact.briefings[ident]
            assert ours.model_dump() == briefing.model_dump()
            assert ours == briefing
            assert repr(ours) == repr(briefing)
            events = list(zip(ours.timeline, briefing.timeline, strict=True))
            assert events
            for event, validated in events:
                held = dict(_stored_prose(event))
                assert held and all(value.__class__ is int for value in held.values())
                assert event.__dict__[STORE_KEY] is ours.__dict__[STORE_KEY]
                assert event.title == validated.title
                assert event.description == validated.description
            labels, bodies = ours.__dict__[STORE_KEY]
            assert labels is not None and bodies is not None
            assert briefing.timeline[0].title in labels.texts()
            assert briefing.timeline[0].title not in bodies.texts()
            assert briefing.summary in bodies.texts()
            for source, validated_source in zip(ours.sources, briefing.sources, strict=True):
                assert source == validated_source
                assert hash(source) == hash(validated_source)
    assert cache.hits == (len(compact.documents) if persistent else 0)


def test_what_other_pages_list_is_kept_apart_from_the_rest() -> None:
    parts = {
        (model.__name__, name): vars(model)[name].part
        for model, names in STORED_PROSE.items()
        for name in names
    }
    assert parts.pop(("Event", "title")) == LABELS
    assert parts.pop(("Question", "text")) == LABELS
    assert parts.pop(("Source", "title")) == LABELS
    assert set(parts.values()) == {BODIES}


def test_a_validated_model_holds_its_texts() -> None:
    event = Event.model_validate({"id": "e", "date": "2020", "title": "T", "description": "D"})
    assert _stored_prose(event) == [("title", "T"), ("description", "D")]
    assert (event.title, event.description) == ("T", "D")
    with pytest.raises(Exception, match="frozen"):
        event.title = "other"  # type: ignore[misc]


def test_a_store_gives_back_every_text_of_any_kind() -> None:
    texts = [
        "",
        "plain",
        "nul \0 inside",
        "Şırnak ğ ı — “quoted”",
        "emoji 🛰",
        "\udcff lone",
        "x" * 9999,
    ]
    store = ProseBlock.of(texts)
    assert [store.text(i) for i in range(len(texts))] == texts
    assert store.texts() == tuple(texts)
    assert len(store.blob) < sum(len(t) for t in texts)


def test_more_stores_than_are_kept_decompressed_still_read_right() -> None:
    stores = [ProseBlock.of([f"doc {n} text {i}" for i in range(5)]) for n in range(prose.KEEP * 3)]
    for _ in range(2):
        for n, store in enumerate(stores):
            assert store.text(3) == f"doc {n} text 3"
    assert len(prose._recent) <= prose.KEEP
    prose.forget()
    assert stores[-1].text(0) == f"doc {len(stores) - 1} text 0"


def test_threads_reading_stores_at_once_each_read_their_own_texts() -> None:
    stores = [ProseBlock.of([f"{n}:{i}" for i in range(20)]) for n in range(prose.KEEP * 2)]
    wrong: list[str] = []

    def read(offset: int) -> None:
        for round_ in range(30):
            for n in range(len(stores)):
                index = (n * 7 + round_ + offset) % len(stores)
                for i in (0, 19, 7):
                    found = stores[index].text(i)
                    if found != f"{index}:{i}":
                        wrong.append(found)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_models_made_by_the_cache_after_many_validations_share_their_keys(tmp_path: Path) -> None:
    # pydantic's own models used to use up the room CPython keeps for shared keys; the cache's
    # models then each got a dict twice the size (see entities._share_keys).
    for n in range(500):
        Event.model_validate({"id": f"e{n}", "date": "2020", "title": "t"})
    library = Library.load([BRIEFS], cache=DocumentCache(tmp_path / "documents"))
    events = [event for briefing in library.briefings.values() for event in briefing.timeline]
    assert events
    for event in events:
        fields = event.__dict__
        assert sys.getsizeof(fields) < sys.getsizeof(dict(fields))


def test_lines_of_documents_loaded_through_the_cache_are_packed_and_read_the_same(
    tmp_path: Path,
) -> None:
    plain = Library.load([BRIEFS])
    for _ in range(2):  # cold, then warm
        compact = Library.load([BRIEFS], cache=DocumentCache(tmp_path / "documents"))
        for ours, theirs in zip(compact.documents, plain.documents, strict=True):
            assert isinstance(ours.lines, PackedLines)
            assert len(ours.lines.blob) < sys.getsizeof(theirs.lines)
            assert dict(ours.lines.items()) == theirs.lines
            for loc in [*theirs.lines, ("timeline", 999, "title"), ("nowhere",)]:
                assert ours.line_of(loc) == theirs.line_of(loc)
                assert (loc in ours.lines) == (loc in theirs.lines)
