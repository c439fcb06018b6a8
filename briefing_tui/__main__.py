"""The command line: parses arguments, then runs a subcommand or starts the reader."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without loading typing (see model/records.py)
if TYPE_CHECKING:
    import argparse

SUBCOMMANDS = ("check", "schema", "search")


def _reader_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="briefing-tui",
        description="Read a library of YAML briefings in the terminal.",
        epilog="Subcommands: briefing-tui check|schema|search --help",
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="folders or files of briefings (default ./briefs)"
    )
    parser.add_argument(
        "--open",
        metavar="ID",
        help="open at a briefing id, an actor or place id, or briefing-id#local-id",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def _subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    import argparse

    parser = argparse.ArgumentParser(prog="briefing-tui")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate briefings and print path:line:col diagnostics")
    check.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (default .)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--no-cache", action="store_true", help="parse every file afresh")

    sub.add_parser("schema", help="print the JSON Schema (draft 2020-12) of briefing/1")

    search = sub.add_parser("search", help="search the library, one hit a line like grep")
    search.add_argument("query", help='words, "a phrase", prefix*, -word, OR, kind:, in:, ...')
    search.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (default .)")
    search.add_argument("--json", action="store_true", help="print a JSON array of hits")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits")
    search.add_argument("--no-cache", action="store_true", help="index in memory only")
    return {"check": check, "schema": sub.choices["schema"], "search": search}


def parse_subcommand(args: Sequence[str]) -> argparse.Namespace:
    """The arguments of a subcommand (`args[0]`), options and paths in any order, as in
    `briefing-tui search erdogan --json briefs` (argparse exits on anything wrong)."""
    parsed = _subcommand_parsers()[args[0]].parse_intermixed_args(args[1:])
    parsed.command = args[0]
    return parsed


def plain_search_args(args: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of `search` (those after it) as argparse would parse them, when written
    plainly: options in full and apart from their values, the query first of the words.
    None for anything else, which argparse then parses (and reports when wrong). Loading and
    building the parsers costs a warm search as much as the search itself."""
    words: list[str] = []
    as_json = no_cache = False
    limit = 20
    pending = iter(args)
    for arg in pending:
        if not arg.startswith("-"):
            words.append(arg)
            continue
        if arg == "--json":
            as_json = True
        elif arg == "--no-cache":
            no_cache = True
        elif arg == "--limit":
            value = next(pending, "-")
            if value.startswith("-"):
                return None
            try:
                limit = int(value)
            except ValueError:
                return None
        else:
            return None
    if not words:
        return None
    return SimpleNamespace(
        command="search",
        query=words[0],
        paths=words[1:],
        json=as_json,
        limit=limit,
        no_cache=no_cache,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `briefing-tui` command; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        args = (
            plain_search_args(args_list[1:]) if args_list[0] == "search" else None
        ) or parse_subcommand(args_list)
        # Each subcommand imports only what it needs: none of them loads Textual.
        if args.command == "check":
            from .commands.check import run_check

            return run_check(
                args.paths or ["."],
                strict=args.strict,
                fmt=args.format,
                use_cache=not args.no_cache,
            )
        if args.command == "schema":
            from .commands.schema import run_schema

            return run_schema()
        from .commands.search import run_search

        return run_search(
            args.query,
            args.paths or ["."],
            as_json=args.json,
            limit=args.limit,
            use_cache=not args.no_cache,
        )

    args = _reader_parser().parse_args(args_list)
    if args.version:
        from . import __version__

        print(f"briefing-tui {__version__}")
        return 0
    from .ui.app import run_reader

    return run_reader(args.paths or ["briefs"], open_at=args.open)


def run() -> None:
    """The `briefing-tui` command (its console script and `python -m briefing_tui`): `main()`
    with the process's arguments, then exit with its code."""
    code = main()
    if sys.argv[1:2] != ["search"]:
        sys.exit(code)
    # A search has closed its index and holds nothing else (no thread, no atexit hook), so
    # Python's teardown, freeing every object one by one, would only cost it time: 2-4 ms, a
    # tenth of a warm search. Its output is flushed first (run_search flushes its own), and a
    # flush that fails is left to the usual exit to report.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
