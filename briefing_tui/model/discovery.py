"""Which files make a library: the one walk of the loader and of the search index.

Standard library only: a warm `briefing-tui search` walks the library without loading the
loader (PyYAML, pydantic).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

SUFFIXES = (".yaml", ".yml")
"""Document files, as a folder's walk takes them."""

Found = tuple[str, str]
"""A document file: its path as reached from the path given, and its real path."""

Problem = tuple[str, OSError, bool]
"""A path that could not be read, why, and whether it is one of the paths given."""


def walk(
    paths: Iterable[str | os.PathLike[str]], *, by_name: bool = False
) -> tuple[list[Found], list[Problem]]:
    """Every document file under `paths` and the problems met on the way.

    Folders are walked recursively, skipping hidden files and folders and following symbolic
    links without walking a real folder twice (a loop, or a folder reached by two routes); a
    file named on its own is taken whatever its suffix. A file reached twice is listed twice.
    With `by_name`, each folder's entries are taken by name, so which route reaches a folder
    first does not depend on the order of the folder on disk.
    """
    found: list[Found] = []
    problems: list[Problem] = []
    visited: set[str] = set()
    for path in paths:
        given = os.fspath(path)
        try:
            is_folder = stat.S_ISDIR(os.stat(given).st_mode)
        except OSError as exc:
            problems.append((given, exc, True))
            continue
        if not is_folder:
            found.append((given, os.path.realpath(given)))
            continue
        pending = [(given, os.path.realpath(given))]
        while pending:
            folder, real_folder = pending.pop()
            if real_folder in visited:
                continue
            visited.add(real_folder)
            try:
                with os.scandir(folder) as scan:
                    entries = list(scan)
            except OSError as exc:
                problems.append((folder, exc, False))
                continue
            if by_name:
                entries.sort(key=_name)
            # The real path of an entry that is no link: its real folder and its name, which
            # saves resolving each file (a system call per folder in its path).
            unmoved = folder == real_folder
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()  # follows links
                except OSError:
                    is_dir = False
                if not is_dir and not name.endswith(SUFFIXES):
                    continue
                reached = entry.path
                try:
                    linked = entry.is_symlink()
                except OSError:
                    linked = True  # resolved below, as the loader always did
                if linked:
                    real = os.path.realpath(reached)
                elif unmoved:
                    real = reached
                else:
                    real = os.path.join(real_folder, name)
                (pending if is_dir else found).append((reached, real))
    return found, problems


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name
