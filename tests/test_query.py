"""The query language: tokens, precedence, filters, errors, and a MATCH that is always safe."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_tui.model import entities, refs
from briefing_tui.model.query import (
    EVENT_STATUSES,
    KINDS,
    QUESTION_STATUSES,
    AllOf,
    AnyOf,
    Filter,
    Not,
    QueryError,
    Term,
    parse_query,
    tokenize,
)


def test_words_must_all_match() -> None:
    query = parse_query("idlib strike")
    assert query.match == '("idlib") AND ("strike")'
    assert query.fuzzy_words == ("idlib", "strike")
    assert query.filters == ()


def test_phrase_prefix_and_phrase_prefix() -> None:
    assert parse_query('"foreign fighters"').match == '("foreign fighters")'
    assert parse_query("erdo*").match == '("erdo" *)'
    assert parse_query('"al sha"*').match == '("al sha" *)'
    # Phrases and prefixes are exact: no fuzzy name lookup for them.
    assert parse_query("erdo*").fuzzy_words == ()
    assert parse_query('"al sham"').fuzzy_words == ()


def test_a_prefix_expands_to_the_words_it_starts() -> None:
    query = parse_query("duway* -jabal*").expanded(
        lambda prefix: ["duwayli", "duwaylī"] if prefix == "duway" else []
    )
    assert query.match == '("duwayli" OR "duwaylī") NOT ("jabal" *)'
    assert query.exclude == ('"jabal" *',)
    assert parse_query('"al sha"*').expanded(lambda prefix: ["never"]).match == '("al sha" *)'


def test_exclusion_joins_the_match_and_is_listed_apart() -> None:
    query = parse_query("strike -rumor")
    assert query.match == '("strike") NOT ("rumor")'
    assert query.exclude == ('"rumor"',)
    assert query.name_match == '("strike")'


def test_only_negated_words_match_nothing_but_exclude() -> None:
    query = parse_query("-russia kind:actor")
    assert query.match is None
    assert query.exclude == ('"russia"',)


def test_or_binds_tighter_than_the_implicit_and() -> None:
    query = parse_query("russia OR turkey strike")
    assert query.match == '(("russia") OR ("turkey")) AND ("strike")'
    assert query.fuzzy_words == ()  # an OR is not a plain list of words


def test_groups() -> None:
    query = parse_query("(russia strike) OR (turkey -shelling)")
    assert query.match == '((("russia") AND ("strike")) OR (("turkey") NOT ("shelling")))'


def test_lowercase_or_is_a_word() -> None:
    assert parse_query("war or peace").match == '("war") AND ("or") AND ("peace")'


def test_tree_shapes() -> None:
    tree = parse_query("a OR b -c kind:event").tree
    assert isinstance(tree, AllOf)
    first, second, third = tree.operands
    assert isinstance(first, AnyOf) and first.operands == (Term("a", 0), Term("b", 5))
    assert isinstance(second, Not) and second.operand == Term("c", 8)
    assert third == Filter("kind", "event", 10)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('a"b"', '("a") AND ("b")'),
        ("NEAR(a b)", '("NEAR") AND ("a") AND ("b")'),
        ("a AND b", '("a") AND ("AND") AND ("b")'),
        ("^start", '("^start")'),
        ("x+y", '("x+y")'),
        ("a NOT b", '("a") AND ("NOT") AND ("b")'),
    ],
)
def test_fts5_syntax_in_user_text_is_quoted(text: str, needle: str) -> None:
    assert parse_query(text).match == needle


def test_a_double_quote_inside_a_filter_value_never_reaches_the_match() -> None:
    query = parse_query('tag:"syria" idlib')
    assert query.filters == (Filter("tag", "syria", 0),)
    assert query.match == '("idlib")'


def test_filters_and_their_values() -> None:
    query = parse_query(
        "kind:Event in:idlib-2020 tag:syria status:open actor:russia after:2020-10 before:2021"
    )
    by_name = {f.name: f for f in query.filters if isinstance(f, Filter)}
    assert by_name["kind"].value == "event"  # lowercased
    assert by_name["in"].value == "idlib-2020"
    assert by_name["status"].value == "open"
    assert by_name["after"].day == dt.date(2020, 10, 1).toordinal()
    assert by_name["before"].day == dt.date(2021, 12, 31).toordinal()
    assert query.match is None


def test_dates_compare_on_their_bounds() -> None:
    (after,) = parse_query("after:2020-09/2020-10").filters
    (before,) = parse_query("before:2020-09/2020-10").filters
    assert isinstance(after, Filter) and isinstance(before, Filter)
    assert after.day == dt.date(2020, 9, 1).toordinal()
    assert before.day == dt.date(2020, 10, 31).toordinal()
    (open_end,) = parse_query("after:2017/..").filters
    assert isinstance(open_end, Filter) and open_end.day == dt.date(2017, 1, 1).toordinal()


def test_negated_filters_and_or_between_filters() -> None:
    query = parse_query("-kind:event kind:actor OR kind:place")
    first, second = query.filters
    assert first == Not(Filter("kind", "event", 1))
    assert isinstance(second, AnyOf)


def test_tokens_carry_positions() -> None:
    tokens = tokenize('ab "c de"* -(x OR kind:event)')
    assert [(t.kind, t.position) for t in tokens] == [
        ("word", 0),
        ("phrase", 3),
        ("minus", 11),
        ("open", 12),
        ("word", 13),
        ("or", 15),
        ("filter", 18),
        ("close", 28),
    ]
    assert tokens[1].prefix and tokens[1].text == "c de"


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty query", None),
        ("   ", "empty query", None),
        ('erdogan "foreign', "unbalanced quote", 8),
        ('""', "empty phrase", 0),
        ("(russia", "unbalanced parenthesis", 0),
        ("russia)", "')' without a matching '('", 6),
        ("()", "empty group", 1),
        ("color:red", "unknown filter 'color:'", 0),
        ("kind:", "'kind:' needs a value", 0),
        ("kind:army", "kind: 'army' is not one of briefing, actor", 0),
        ("status:maybe", "status: 'maybe' is not an event status", 0),
        ("in:Not_An_Id", "in: 'Not_An_Id' is not an id", 0),
        ("actor:a/b", "actor: 'a/b' is not an id", 0),
        ("after:2020-13", "after: '2020-13': month 13 does not exist", 0),
        ("before:yesterday", "before: 'yesterday' is not an EDTF date", 0),
        ("before:2019/..", "before: '2019/..' has no end", 0),
        ("OR russia", "OR needs a term on each side", 0),
        ("russia OR", "OR needs a term on each side", 7),
        ("a OR OR b", "OR needs a term on each side", 2),
        ("russia -", "'-' must be followed by", 7),
        ("er*do", "'*' can only end a word", 0),
        ("**", "'*' can only end a word", 0),
        ("a*", "a prefix needs at least two letters or digits", 0),
        ("al-h*", "a prefix needs at least two letters or digits", 0),
        ('"al h"*', "a prefix needs at least two letters or digits", 0),
        ("&&", "no letters or digits", 0),
        ('"--"', "no letters or digits", 0),
        ("a OR -b", "a negated term cannot stand alone in an OR", 6),
        ("x OR kind:actor", "OR and '-' apply to words or to filters", 0),
        ("-(russia kind:actor)", "OR and '-' apply to words or to filters", 2),
        ("(-a -b) OR c", "a group of only negated terms", 2),
    ],
)
def test_malformed_queries_say_what_and_where(
    text: str, message: str, position: int | None
) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in caught.value.message
    assert caught.value.position == position
    if position is not None:
        assert str(caught.value).endswith(f"(at column {position + 1})")


def test_query_error_is_a_value_error() -> None:
    assert issubclass(QueryError, ValueError)


def test_vocabularies_match_the_format() -> None:
    assert entities.EVENT_STATUSES == EVENT_STATUSES
    assert entities.QUESTION_STATUSES == QUESTION_STATUSES
    assert refs.GLOBAL_KINDS + refs.LOCAL_KINDS == KINDS


_FTS = sqlite3.connect(":memory:")
_FTS.execute(
    "CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='porter unicode61 remove_diacritics 2')"
)
_FTS.execute("INSERT INTO t VALUES ('Erdoğan spoke to Putin', 'a \"quoted\" strike*')")

_PIECES = [*'ab ORNEAkind:tg-*"()^{}+_.,:;ğ\t', " OR ", "kind:", "after:", "NOT", "NEAR"]
_QUERY_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(_QUERY_TEXT | st.text(max_size=20))
def test_any_text_parses_or_fails_cleanly_and_its_match_runs(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(text)
        return
    for expression in (query.match, query.name_match, *query.exclude):
        if expression is not None:
            _FTS.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


def test_control_characters_separate_words() -> None:
    # NUL would end the MATCH string early inside SQLite.
    assert parse_query("a\x00b").match == '("a") AND ("b")'
