"""Whatever bytes a file holds, loading it yields diagnostics, never an exception."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.model import loader
from briefing_tui.model.document import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    p.read_bytes()
    for p in sorted((ROOT / "tests" / "yaml").glob("*.yaml"))
    + sorted((ROOT / "briefs").glob("*.yaml"))[:2]
]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def load_bytes(folder: Path, data: bytes) -> Document:
    path = folder / f"doc-{next(_names)}.yaml"
    path.write_bytes(data)
    try:
        document = loader.load_document(path, "doc.yaml")
    finally:
        path.unlink()
    lines = data.split(b"\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    for diagnostic in document.diagnostics:  # a place an editor can go to
        assert diagnostic.line <= len(lines), diagnostic
    return document


def assert_sound(document: Document) -> None:
    """Diagnostics are well formed, and a document is usable exactly when it has no error."""
    for diagnostic in document.diagnostics:
        assert diagnostic.path == "doc.yaml"
        assert diagnostic.line >= 1
        assert diagnostic.col >= 1
        assert diagnostic.severity in ("error", "warning")
        assert diagnostic.message
        diagnostic.format()
    assert document.usable == (document.errors == 0)


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text(folder: Path, text: str) -> None:
    assert_sound(load_bytes(folder, text.encode("utf-8", errors="surrogatepass")))


YAMLISH = st.lists(
    st.sampled_from([*"abxyz-:,[]{}&*!|>'\"#?%@` \n\t0129.~<=\\", "x-", "  ", "- ", ": "]),
    max_size=150,
).map("".join)


@FUZZ
@given(text=YAMLISH)
def test_text_made_of_yaml_punctuation(folder: Path, text: str) -> None:
    assert_sound(load_bytes(folder, text.encode()))


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(folder: Path, data: bytes) -> None:
    assert_sound(load_bytes(folder, data))


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
)
def test_byte_flips_of_valid_files(
    folder: Path, seed: bytes, flips: list[tuple[float, int]]
) -> None:
    data = bytearray(seed)
    for where, byte in flips:
        data[int(where * len(data))] = byte
    assert_sound(load_bytes(folder, bytes(data)))


@FUZZ
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0, 1))
def test_truncations_of_valid_files(folder: Path, seed: bytes, cut: float) -> None:
    assert_sound(load_bytes(folder, seed[: int(cut * len(seed))]))


@FUZZ
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_line_shuffles_of_valid_files(folder: Path, seed: bytes, data: st.DataObject) -> None:
    lines = seed.splitlines(keepends=True)
    shuffled = data.draw(st.permutations(lines))
    kept = data.draw(st.integers(0, len(lines)))
    assert_sound(load_bytes(folder, b"".join(shuffled[:kept])))


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    data=st.data(),
)
def test_lines_duplicated_or_reindented(folder: Path, seed: bytes, data: st.DataObject) -> None:
    lines = seed.splitlines(keepends=True)
    index = data.draw(st.integers(0, len(lines) - 1))
    indent = data.draw(st.sampled_from([b"", b" ", b"  ", b"    ", b"\t"]))
    changed = [*lines[:index], indent + lines[index].lstrip(), *lines[index:]]
    assert_sound(load_bytes(folder, b"".join(changed)))


def test_every_seed_loads_cleanly(folder: Path) -> None:
    for seed in SEEDS:
        document = load_bytes(folder, seed)
        assert document.errors == 0, [d.format() for d in document.diagnostics]
