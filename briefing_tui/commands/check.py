"""`briefing-tui check`: validate a library and print its diagnostics as `path:line:col` lines."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..model import loader
from ..model.cache import DocumentCache
from ..model.diagnostics import Diagnostic
from ..model.library import Library
from ..model.text import visible

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def run_check(
    paths: Sequence[str], *, strict: bool = False, fmt: str = "text", use_cache: bool = True
) -> int:
    """Check every document under `paths`; the exit code: 0 clean, 1 problems, 2 usage error.

    Errors (and warnings, when `strict`) make the exit code 1. With `use_cache`, files
    unchanged since they were last read (same size, mtime, ctime and inode) are taken from the
    document cache, diagnostics included: the output is the same as without it.
    """
    files: list[Path] = []
    done = [0]
    try:
        files, problems = loader.discover(paths)
        missing = [p for p in problems if p.message == loader.MISSING_PATH]
        if missing:
            for problem in missing:
                _say(_one_line(f"briefing-tui check: {problem.message}: {problem.path}"), err=True)
            return EXIT_USAGE

        def progress(count: int, total: int) -> None:
            done[0] = count

        cache = DocumentCache() if use_cache else None
        library = Library.load(list(paths), progress=progress, cache=cache)
        diagnostics = sorted(library.diagnostics(), key=lambda d: (d.path, d.line, d.col))
        status = _report(len(library.documents), diagnostics, strict=strict, fmt=fmt)
        if cache is not None:
            cache.prune()  # at most once a day, once the report is out
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PROBLEMS
    except Exception as exc:  # a bug of ours: one line that says where, never a traceback
        where = (
            f" while loading {loader.display_path(files[done[0]])}"
            if done[0] < len(files)
            else " while linking the library"
        )
        _say(
            _one_line(f"briefing-tui check: internal error{where}: {type(exc).__name__}: {exc}"),
            err=True,
        )
        return EXIT_PROBLEMS


def _report(documents: int, diagnostics: list[Diagnostic], *, strict: bool, fmt: str) -> int:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if fmt == "json":
        payload = {
            "documents": documents,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_json() for d in diagnostics],
        }
        _say(json.dumps(payload, indent=2))
    else:
        for diagnostic in diagnostics:
            _say(_one_line(diagnostic.format()))
        _say(summary(documents, errors, warnings))
    failed = errors > 0 or (strict and warnings > 0)
    return EXIT_PROBLEMS if failed else EXIT_OK


def summary(documents: int, errors: int, warnings: int) -> str:
    """`3 documents, 0 errors, 1 warning`."""
    return ", ".join(
        f"{count} {word}{'' if count == 1 else 's'}"
        for count, word in ((documents, "document"), (errors, "error"), (warnings, "warning"))
    )


def _one_line(text: str) -> str:
    """A diagnostic made safe for a terminal: file names and keys come from the author."""
    return visible(text).replace("\n", "\\n")


def _say(text: str, *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)


def _silence_stdout() -> None:
    """After the reader of our output went away (`| head`), make the final flush harmless."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
