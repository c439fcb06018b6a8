"""NavigationHistory: back and forward like a browser, a length cap, saved state per entry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.model.history import NavigationHistory


def test_empty_history_has_nowhere_to_go() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    assert history.current is None
    assert not history.can_back
    assert not history.can_forward
    assert history.back() is None
    assert history.forward() is None
    assert history.current_state == {}
    assert len(history) == 0


def test_back_and_forward_walk_the_visits() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    for place in ("a", "b", "c"):
        history.visit(place)
    assert history.current == "c"
    assert history.can_back and not history.can_forward
    assert history.back() == "b"
    assert history.back() == "a"
    assert history.back() is None
    assert history.current == "a"
    assert history.forward() == "b"
    assert history.current == "b"
    assert history.can_back and history.can_forward


def test_visiting_after_going_back_drops_the_forward_entries() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    for place in ("a", "b", "c"):
        history.visit(place)
    history.back()
    history.back()
    history.visit("d")
    assert list(history) == ["a", "d"]
    assert not history.can_forward
    assert history.back() == "a"


def test_visiting_the_current_place_again_adds_no_entry() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    history.visit("a", scroll=1)
    history.visit("a", scroll=5)
    assert list(history) == ["a"]
    assert history.current_state == {"scroll": 5}


def test_the_oldest_entries_fall_off_past_the_limit() -> None:
    history: NavigationHistory[int] = NavigationHistory(limit=3)
    for place in range(5):
        history.visit(place)
    assert list(history) == [2, 3, 4]
    assert history.current == 4
    assert history.back() == 3
    assert history.back() == 2
    assert history.back() is None


def test_each_entry_keeps_its_own_state() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    history.visit("a")
    history.save_state(scroll_y=12)
    history.visit("b", scroll_y=3)
    history.save_state(focus="timeline")
    assert history.current_state == {"scroll_y": 3, "focus": "timeline"}
    history.back()
    assert history.current_state == {"scroll_y": 12}
    history.forward()
    assert history.current_state["focus"] == "timeline"


def test_replace_current_keeps_the_state() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    history.visit("a", scroll_y=4)
    history.replace_current("a2")
    assert history.current == "a2"
    assert history.current_state == {"scroll_y": 4}


def test_clear_and_bad_limit() -> None:
    history: NavigationHistory[str] = NavigationHistory()
    history.visit("a")
    history.clear()
    assert history.current is None and len(history) == 0
    with pytest.raises(ValueError):
        NavigationHistory(limit=0)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.tuples(st.just("visit"), st.integers(0, 5)), st.sampled_from(["back", "fwd"])),
        max_size=40,
    ),
    st.integers(1, 6),
)
def test_history_behaves_like_a_list_with_a_cursor(ops: list[object], limit: int) -> None:
    history: NavigationHistory[int] = NavigationHistory(limit=limit)
    model: list[int] = []
    cursor = -1
    for op in ops:
        if op == "back":
            moved = history.back()
            if cursor > 0:
                cursor -= 1
                assert moved == model[cursor]
            else:
                assert moved is None
        elif op == "fwd":
            moved = history.forward()
            if cursor < len(model) - 1:
                cursor += 1
                assert moved == model[cursor]
            else:
                assert moved is None
        else:
            assert isinstance(op, tuple)
            item = op[1]
            if not model or model[cursor] != item:
                model = [*model[: cursor + 1], item][-limit:]
                cursor = len(model) - 1
            history.visit(item)
        assert list(history) == model
        assert history.current == (model[cursor] if model else None)
        assert history.can_back == (cursor > 0)
        assert history.can_forward == (0 <= cursor < len(model) - 1)
        assert len(history) <= limit
