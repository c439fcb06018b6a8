"""Finding the document files of a library and loading each one: read, parse, build, validate."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node

from . import discovery, validate, yamlnodes
from .diagnostics import Diagnostic, Severity, field_path
from .document import Document, Loc

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
SUFFIXES = discovery.SUFFIXES
MISSING_PATH = "no such file or folder"
"""The message of the diagnostic `discover` gives for a path that does not exist."""
_BOM = b"\xef\xbb\xbf"


def display_path(path: str | os.PathLike[str], cwd: Path | None = None) -> str:
    """The path to show: relative to the working folder (`cwd`, default: asked for) when it is
    below it, else as given."""
    given = Path(path)
    if not given.is_absolute():
        return str(given)
    try:
        return str(given.relative_to(cwd if cwd is not None else Path.cwd()))
    except ValueError:
        return str(given)


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Diagnostic]]:
    """Every `*.yaml`/`*.yml` file under `paths`, sorted, each real file once.

    Folders are walked recursively, skipping hidden files and folders and following symbolic
    links without looping; a file named on its own is taken whatever its suffix. A path that
    does not exist yields a diagnostic with the message MISSING_PATH.
    """
    found, problems = discovery.walk(paths, by_name=True)
    unique: list[Path] = []
    real_paths: set[str] = set()
    for path, real in sorted(((Path(reached), real) for reached, real in found), key=_shown):
        if real not in real_paths:
            real_paths.add(real)
            unique.append(path)
    diagnostics = [
        Diagnostic(path, 1, 1, "error", "", MISSING_PATH)
        if given
        else Diagnostic(str(Path(path)), 1, 1, "error", "", _os_reason(exc))
        for path, exc, given in problems
    ]
    return unique, diagnostics


def _shown(item: tuple[Path, str]) -> str:
    return str(item[0])


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the file is gone (deleted while loading, or a broken link)"
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot read: {exc.strerror or exc}"


@dataclass(slots=True)
class ParsedText:
    """A YAML text as plain data, with what was found wrong on the way."""

    text_lines: yamlnodes.TextLines
    """Positions in the text, for placing this document's diagnostics."""
    data: Any = None
    """Plain data (x- keys dropped); meaningful only when `root` is set."""
    lines: dict[Loc, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    root: Node | None = None
    """The node tree, set when the text became data; kept only while diagnostics are placed."""
    refused: list[Loc] = field(default_factory=list)
    """Field paths already reported (a duplicate key, a bad tag): validation skips them."""


def read_text(path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | Diagnostic:
    """The text of a file, or the diagnostic saying why it cannot be had.

    The file is opened without blocking and checked through its descriptor, so a file swapped
    for a pipe or a device after discovery is refused rather than waited on; its size is
    checked before reading, and again while reading (a file can grow meanwhile).
    """
    try:
        with open(path, "rb", opener=_open_without_blocking) as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISDIR(info.st_mode):
                return Diagnostic(shown, 1, 1, "error", "", "is a folder, not a file")
            if not stat.S_ISREG(info.st_mode):
                return Diagnostic(shown, 1, 1, "error", "", "not a regular file")
            if info.st_size > max_bytes:
                return _too_big(shown, info.st_size, max_bytes)
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        return Diagnostic(shown, 1, 1, "error", "", _os_reason(exc))
    if len(raw) > max_bytes:
        return _too_big(shown, len(raw), max_bytes)
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        byte = raw[exc.start]
        return Diagnostic(shown, line, col, "error", "", f"not UTF-8 text (byte 0x{byte:02X})")


def _open_without_blocking(path: str, flags: int) -> int:
    """Opening a pipe for reading waits for a writer; a regular file ignores the flag."""
    return os.open(path, flags | os.O_NONBLOCK)


def _too_big(shown: str, size: int, max_bytes: int) -> Diagnostic:
    return Diagnostic(
        shown,
        1,
        1,
        "error",
        "",
        f"file is {_mib(size)}, over the size limit of {_mib(max_bytes)}: not read",
    )


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def parse_text(text: str, shown: str) -> ParsedText:
    """Parse one YAML document into plain data; never raises for any text."""
    text_lines = yamlnodes.TextLines(text)
    parsed = ParsedText(text_lines=text_lines)
    if not text.strip():
        parsed.diagnostics.append(Diagnostic(shown, 1, 1, "error", "", "empty document"))
        return parsed
    try:
        root = yamlnodes.compose(text)
    except yaml.MarkedYAMLError as exc:
        parsed.diagnostics.append(_syntax_error(exc, shown, text_lines))
        return parsed
    except yaml.reader.ReaderError as exc:
        index = exc.position
        if yamlnodes.ComposingLoader is not yamlnodes.PythonComposingLoader:
            index = len(text.encode("utf-8")[:index].decode("utf-8", errors="ignore"))
        line, col = text_lines.of_index(index)
        character = exc.character
        code = ord(character) if isinstance(character, str) else int(character)
        message = f"character U+{code:04X} is not allowed in YAML (write it as an escape)"
        parsed.diagnostics.append(Diagnostic(shown, line, col, "error", "", message))
        return parsed
    except yaml.YAMLError as exc:
        parsed.diagnostics.append(Diagnostic(shown, 1, 1, "error", "", f"YAML error: {exc}"))
        return parsed
    except RecursionError:
        message = f"nesting deeper than {yamlnodes.MAX_DEPTH} levels"
        parsed.diagnostics.append(Diagnostic(shown, 1, 1, "error", "", message))
        return parsed
    if root is None:
        parsed.diagnostics.append(Diagnostic(shown, 1, 1, "error", "", "empty document"))
        return parsed
    try:
        data, problems = yamlnodes.to_data(root, sharing="&" in text)
    except yamlnodes.TreeRefused as refused:
        line, col = text_lines.of(refused.node)
        where = field_path(yamlnodes.loc_of(root, refused.node))
        parsed.diagnostics.append(Diagnostic(shown, line, col, "error", where, refused.message))
        return parsed
    for problem in problems:
        loc = yamlnodes.loc_of(root, problem.node)
        line, col = text_lines.of(problem.node)
        parsed.refused.append(loc)
        parsed.diagnostics.append(
            Diagnostic(shown, line, col, "error", field_path(loc), problem.message)
        )
    parsed.data = data
    parsed.root = root
    parsed.lines = yamlnodes.entity_lines(root, text_lines)
    return parsed


def _syntax_error(
    exc: yaml.MarkedYAMLError, shown: str, text_lines: yamlnodes.TextLines
) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = text_lines.of_mark(mark) if mark else (1, 1)
    problem = exc.problem or "YAML syntax error"
    if problem == "but found another document":
        return Diagnostic(shown, line, col, "error", "", "a second YAML document: one per file")
    if "maximum nesting depth" in problem or "nesting deeper" in problem:
        message = f"nesting deeper than {yamlnodes.MAX_DEPTH} levels"
        return Diagnostic(shown, line, col, "error", "", message)
    if exc.context and problem != exc.context:
        problem = f"{problem} ({exc.context})"
    return Diagnostic(shown, line, col, "error", "", f"YAML syntax: {problem}")


def load_document(
    path: str | os.PathLike[str],
    display_path: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read, parse and validate one file; every problem becomes a diagnostic, never an exception."""
    path = Path(path)
    shown = display_path if display_path is not None else str(path)
    with collection_paused():
        return _load(path, shown, max_bytes)


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while one document loads (parsed, or rebuilt from the cache)
    or a library loads and links (its callers say why there).

    Loading makes tens of thousands of short-lived nodes and no cycles (refcounting frees
    them), yet each burst of allocation triggers collections that re-scan every model already
    loaded: in a library of 2,000 files that is half the load time. Collection resumes when
    the outermost pause ends, so nothing cyclic is kept for long; the pause is global, hence
    kept to one load or link.

    What the load made is then moved straight to the oldest generation (unless the process
    freezes objects itself, which moving would undo): it is long-lived by construction, and
    the first young collection after the pause scanned all of it (a sixth of a warm library
    load) only to promote it, as the next middle one did again.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _load(path: Path, shown: str, max_bytes: int) -> Document:
    text = read_text(path, shown, max_bytes)
    if isinstance(text, Diagnostic):
        return Document(path=path, display_path=shown, diagnostics=[text])
    return document_from_text(path, shown, text)


def document_from_text(path: Path, shown: str, text: str) -> Document:
    """Parse and validate a file's text already read (by `read_text`); never raises."""
    document = Document(path=path, display_path=shown)
    parsed = parse_text(text, shown)
    document.lines = parsed.lines
    document.diagnostics.extend(parsed.diagnostics)
    if parsed.root is None:
        return document
    where = NodePositions(parsed.root, text_lines=parsed.text_lines)
    result = validate.validate(
        parsed.data,
        where,
        shown,
        stem=path.stem,
        scan_text=validate.may_hold_controls(text),
        refused=parsed.refused,
    )
    _apply(document, result)
    return document


def document_from_data(
    path: Path, shown: str, data: Any, lines: dict[Loc, int], scan_text: bool = True
) -> Document:
    """A document from plain data already parsed (by a cache): positions come from `lines`."""
    document = Document(path=path, display_path=shown, lines=dict(lines))
    result = validate.validate(
        data, validate.LinePositions(lines), shown, stem=path.stem, scan_text=scan_text
    )
    _apply(document, result)
    return document


def _apply(document: Document, result: validate.Validated) -> None:
    document.diagnostics.extend(result.diagnostics)
    if document.errors:
        return
    document.kind = result.kind
    document.briefing = result.briefing
    document.registry = result.registry


class NodePositions:
    """Positions of field paths, found in the node tree of the document being validated."""

    __slots__ = ("root", "text_lines")

    def __init__(self, root: Node, text_lines: yamlnodes.TextLines) -> None:
        self.root = root
        self.text_lines = text_lines

    def value(self, loc: Loc) -> tuple[tuple[int, int], int]:
        """(line, col) of the node at `loc`, or of the deepest node on its way; parts matched."""
        _, node, matched = yamlnodes.find(self.root, loc)
        return self.text_lines.of(node), matched

    def key(self, loc: Loc) -> tuple[int, int]:
        """(line, col) of the key that names `loc` (of the value when there is no key)."""
        key_node, node, matched = yamlnodes.find(self.root, loc)
        if key_node is not None and matched == len(loc):
            return self.text_lines.of(key_node)
        return self.text_lines.of(node)

    def source(self, loc: Loc) -> tuple[str, bool] | None:
        """The scalar text at `loc` as written, and whether it was written without quotes."""
        _, node, matched = yamlnodes.find(self.root, loc)
        if matched == len(loc) and isinstance(node, yaml.ScalarNode):
            return node.value, not node.style
        return None


def locate(path: str | os.PathLike[str], locs: Sequence[Loc]) -> dict[Loc, tuple[int, int]]:
    """Re-read a file to find the (line, col) of field paths; those it cannot find are left out.

    For placing diagnostics found later (by the library): nothing is kept between documents.
    """
    text = read_text(Path(path), str(path))
    if isinstance(text, Diagnostic):
        return {}
    try:
        root = yamlnodes.compose(text)
    except (yaml.YAMLError, RecursionError):
        return {}
    if root is None:
        return {}
    text_lines = yamlnodes.TextLines(text)
    found: dict[Loc, tuple[int, int]] = {}
    for loc in locs:
        _, node, matched = yamlnodes.find(root, tuple(loc))
        if matched == len(loc):
            found[tuple(loc)] = text_lines.of(node)
    return found


def make_diagnostic(
    document: Document,
    loc: Loc,
    severity: Severity,
    message: str,
    position: tuple[int, int] | None = None,
) -> Diagnostic:
    """A diagnostic about a field of a loaded document, placed at `position` when known (from
    `locate`), else at the line of the nearest entity or top-level field."""
    line, col = position if position is not None else (document.line_of(loc), 1)
    return Diagnostic(document.display_path, line, col, severity, field_path(loc), message)


def located_diagnostics(
    document: Document, problems: Sequence[tuple[Loc, Severity, str]]
) -> list[Diagnostic]:
    """Diagnostics for many field paths of one document, re-reading its file once."""
    positions = locate(document.path, [loc for loc, _, _ in problems]) if problems else {}
    return [
        make_diagnostic(document, loc, severity, message, positions.get(loc))
        for loc, severity, message in problems
    ]
