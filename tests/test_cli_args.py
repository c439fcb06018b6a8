"""The command line: `search` arguments parsed without argparse agree with argparse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_tui.__main__ import parse_subcommand, plain_search_args

TOKENS = (
    "erdogan", "lib", "a b", "", "-", "-rumour", "--json", "--no-cache", "--limit", "--limit=3",
    "--lim", "--js", "3", "0", "-1", " 7 ", "x1", "--", "-h", "--help", "kind:event", "é",
)  # fmt: skip


def parsed_by_argparse(args: list[str]) -> dict[str, object] | None:
    try:
        return vars(parse_subcommand(["search", *args]))
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
        ["erdogan", "--json", "lib"],
        ["erdogan", "--limit", "3", "lib", "--no-cache", "briefs"],
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


def test_options_may_come_between_paths_of_any_subcommand() -> None:
    check = parse_subcommand(["check", "a", "--strict", "b", "--format", "json", "c"])
    assert (check.command, check.paths, check.strict, check.format) == (
        "check",
        ["a", "b", "c"],
        True,
        "json",
    )
    search = parse_subcommand(["search", "erdogan", "--json", "lib", "--limit", "3", "more"])
    assert (search.query, search.paths, search.json, search.limit) == (
        "erdogan",
        ["lib", "more"],
        True,
        3,
    )


def test_a_wrong_subcommand_argument_still_exits_with_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_subcommand(["check", "--format", "yaml"])
    assert stopped.value.code == 2
    assert "briefing-tui check" in capsys.readouterr().err
