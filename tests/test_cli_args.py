"""The command line: `search` arguments parsed without argparse agree with argparse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_tui.__main__ import _subcommand_parser, plain_search_args

TOKENS = (
    "erdogan", "lib", "a b", "", "-", "-rumour", "--json", "--no-cache", "--limit", "--limit=3",
    "--lim", "--js", "3", "0", "-1", " 7 ", "x1", "--", "-h", "--help", "kind:event", "é",
)  # fmt: skip


def parsed_by_argparse(args: list[str]) -> dict[str, object] | None:
    try:
        return vars(_subcommand_parser().parse_args(["search", *args]))
    except SystemExit:
        return None


@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_plain_arguments_parse_as_argparse_parses_them(args: list[str]) -> None:
    plain = plain_search_args(args)
    if plain is not None:
        assert vars(plain) == parsed_by_argparse(args)


@pytest.mark.parametrize(
    "args",
    [
        ["erdogan"],
        ["erdogan", "lib", "briefs"],
        ["--json", "--limit", "5", "erdogan", "lib"],
        ["erdogan", "lib", "--no-cache", "--limit", " 7 "],
        ["--limit", "0", "erdogan"],
        ["", "lib"],
    ],
)
def test_the_usual_arguments_are_parsed_plainly(args: list[str]) -> None:
    plain = plain_search_args(args)
    assert plain is not None
    assert vars(plain) == parsed_by_argparse(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--json"],
        ["-rumour"],
        ["--", "-rumour"],
        ["erdogan", "--json", "lib"],
        ["erdogan", "--limit"],
        ["erdogan", "--limit", "many"],
        ["erdogan", "--limit", "-1"],
        ["erdogan", "--limit=3"],
        ["erdogan", "--lim", "3"],
        ["erdogan", "-h"],
    ],
)
def test_anything_else_is_left_to_argparse(args: list[str]) -> None:
    assert plain_search_args(args) is None
