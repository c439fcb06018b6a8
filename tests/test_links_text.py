"""Prose links and the making-visible of untrusted text."""

from __future__ import annotations

from briefing_tui.model.links import Link, find_links, plain, split_prose
from briefing_tui.model.text import has_controls, one_line, visible


def test_links_in_all_three_forms() -> None:
    text = "[[russia]] met [[turkey|Ankara]] after [[idlib-2020#evt-strike|the strike]]."
    links = find_links(text)
    assert [(lk.target, lk.label) for lk in links] == [
        ("russia", None),
        ("turkey", "Ankara"),
        ("idlib-2020#evt-strike", "the strike"),
    ]
    assert links[2].briefing == "idlib-2020"
    assert links[2].local == "evt-strike"
    assert links[0].briefing is None
    assert plain(text) == "russia met Ankara after the strike."


def test_split_prose_keeps_every_character() -> None:
    text = "a [[x]] b [[y|Y]]"
    parts = split_prose(text)
    assert [p.text if isinstance(p, Link) else p for p in parts] == ["a ", "x", " b ", "Y"]
    assert split_prose("no links") == ["no links"]


def test_unclosed_brackets_are_not_links() -> None:
    assert find_links("[[open and [not] a link") == []


def test_controls_become_visible_symbols() -> None:
    hostile = "T\x1b]0;owned\x07i\x9b2Jt\u202ele\u200b"
    shown = visible(hostile)
    assert has_controls(hostile)
    assert not has_controls(shown)
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert shown.startswith("T\u241b]0;owned\u2407i")


def test_layout_whitespace_is_kept_and_folded_on_one_line() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert not has_controls("a\tb\nc")
    assert one_line("a\n  b\tc") == "a b c"


def test_a_label_may_wrap_onto_the_next_line_but_a_target_may_not() -> None:
    (link,) = find_links("see the [[b#evt-call|call of\n  27 October]] here")
    assert link.target == "b#evt-call"
    assert link.label == "call of 27 October"
    assert find_links("[[bro\nken]]") == []
