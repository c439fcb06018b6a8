"""`briefing-tui search`: ranked search over a library, printed one hit a line like grep."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Sequence

from ..model.query import QueryError, parse_query
from ..model.records import TYPE_CHECKING
from ..model.search import Hit, SearchIndex
from ..model.text import has_controls, visible

if TYPE_CHECKING:
    from typing import TextIO

PROGRAM = "briefing-tui search"
PROGRESS_FROM = 200
"""Files to (re)index from which the command says how far it has got."""


def format_hit(hit: Hit) -> str:
    """`path:line: kind id: snippet`, on one line, made visible (file names are untrusted)."""
    return _one_line(f"{hit.path}:{hit.line}: {hit.kind} {hit.id}: {hit.snippet}")


def _one_line(text: str) -> str:
    """Text made safe for a terminal, on one line: paths and queries come from others."""
    return visible(text).replace("\n", "\\n")


def _json_text(text: str) -> str:
    """JSON written with ensure_ascii=False, every unsafe character escaped as `\\uXXXX` (JSON
    escapes only C0 controls by itself: C1 and bidi characters would reach the terminal)."""
    if not has_controls(text):
        return text
    import json

    return "".join(json.dumps(c)[1:-1] if has_controls(c) else c for c in text)


def _report_query_error(query: str, error: QueryError, err: TextIO) -> None:
    print(f"{PROGRAM}: bad query: {_one_line(str(error))}", file=err)
    if error.position is not None:
        shown = " ".join(query.split("\n"))
        caret = len(visible(shown[: error.position]))
        print(f"  {visible(shown)}\n  {' ' * caret}^", file=err)


def _progress(err: TextIO) -> Callable[[int, int], None]:
    """Tell a person at a terminal how indexing a large library goes (on one line)."""

    def show(done: int, total: int) -> None:
        if total >= PROGRESS_FROM:
            end = "\n" if done == total else ""
            print(f"\r{PROGRAM}: indexing {done}/{total} files", end=end, file=err, flush=True)

    return show


def run_search(
    query: str,
    paths: Sequence[str],
    *,
    as_json: bool = False,
    limit: int = 20,
    use_cache: bool = True,
) -> int:
    """Search the library at `paths`; print hits; exit 0 with hits, 1 without, 2 on an error
    (a bad query, a bad limit, or a path that does not exist)."""
    out, err = sys.stdout, sys.stderr
    try:
        parsed = parse_query(query)
    except QueryError as error:
        _report_query_error(query, error, err)
        return 2
    if limit < 1:
        print(f"{PROGRAM}: --limit must be at least 1", file=err)
        return 2
    status = 0
    existing = []
    for path in paths:
        if os.path.exists(path):
            existing.append(path)
        else:
            print(f"{PROGRAM}: {_one_line(path)}: no such file or folder", file=err)
            status = 2
    hits: list[Hit] = []
    if existing:
        try:
            with SearchIndex(existing, use_cache=use_cache) as index:
                index.update(progress=_progress(err) if err.isatty() else None)
                hits = index.search(parsed, limit=limit)
        except (sqlite3.Error, OSError) as error:
            print(f"{PROGRAM}: the search index failed: {_one_line(str(error))}", file=err)
            return 2
    try:
        if as_json:
            import json

            text = json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2)
            out.write(_json_text(text) + "\n")
        else:
            out.write("".join(format_hit(hit) + "\n" for hit in hits))
        out.flush()
    except BrokenPipeError:
        # The reader (head, less) went away: say nothing more, as grep does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    if status:
        return status
    return 0 if hits else 1
