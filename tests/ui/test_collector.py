"""The reader collects garbage when idle, not while a key is being answered."""

from __future__ import annotations

import gc

import pytest

from briefing_tui.ui import collector
from briefing_tui.ui.collector import QuietCollector


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Full collections asked for (recorded, not run)."""
    generations: list[int] = []
    monkeypatch.setattr(
        collector.gc, "collect", lambda generation=2: generations.append(generation)
    )
    return generations


def test_collects_once_idle_when_a_full_collection_is_near(
    monkeypatch: pytest.MonkeyPatch, asked: list[int]
) -> None:
    quiet = QuietCollector()
    monkeypatch.setattr(collector.gc, "get_count", lambda: (0, 0, collector.NEAR))
    now = [1000.0]
    monkeypatch.setattr(collector.time, "monotonic", lambda: now[0])
    quiet.input_seen()
    now[0] += collector.QUIET / 2
    assert not quiet.collect_if_due()  # a key was pressed a moment ago
    now[0] += collector.QUIET
    assert quiet.collect_if_due()
    assert asked == [2]


def test_leaves_python_alone_while_no_full_collection_is_near(
    monkeypatch: pytest.MonkeyPatch, asked: list[int]
) -> None:
    quiet = QuietCollector()
    monkeypatch.setattr(collector.gc, "get_count", lambda: (0, 0, collector.NEAR - 1))
    monkeypatch.setattr(collector.time, "monotonic", lambda: 1e9)
    assert not quiet.collect_if_due()
    assert asked == []


def test_never_collects_while_collection_is_paused(
    monkeypatch: pytest.MonkeyPatch, asked: list[int]
) -> None:
    quiet = QuietCollector()
    monkeypatch.setattr(collector.gc, "get_count", lambda: (0, 0, 99))
    monkeypatch.setattr(collector.time, "monotonic", lambda: 1e9)
    gc.disable()
    try:
        assert not quiet.collect_if_due()
    finally:
        gc.enable()
    assert asked == []
