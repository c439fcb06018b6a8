"""The hostile corpus: committed files, files made at test time, what `check` must say of each."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

GOOD_ID = "good-briefing"
GOOD_TEXT = """\
schema: briefing/1
id: good-briefing
title: The one good briefing
as_of: "2021-03-01"
summary: |
  Everything here is plain. [[good-actor]] met [[good-other]]; see [[good-event]].
actors:
  - {id: good-actor, name: Good Actor, kind: state, country: AM}
  - {id: good-other, name: Other Actor, kind: agency}
timeline:
  - id: good-event
    date: "2021-02-27"
    title: A plain meeting
    actors: [good-actor, good-other]
questions:
  - id: good-question
    text: Will they meet again?
    about: [good-actor]
"""

DEPTH = 10_000
"""How deep the nesting bombs go (the loader's bound is far lower)."""
OVER_LIMIT = 9 * 1024 * 1024
"""Size of the sparse file made to be over the default 8 MiB limit."""
BIG_SUMMARY = 1_000_000

_HEAD = """\
schema: briefing/1
id: {id}
title: {title}
as_of: "2020-11-10"
summary: {summary}
"""


def head(ident: str, title: str = "A title", summary: str = "A summary.") -> str:
    """The required fields of a briefing."""
    return _HEAD.format(id=ident, title=title, summary=summary)


@dataclass(frozen=True, slots=True)
class Expect:
    """One diagnostic `check` must give: where, how bad, which field, and words of its message."""

    severity: str
    line: int
    col: int
    field: str
    words: str


def error(line: int, col: int, field: str, words: str) -> Expect:
    """An expected error."""
    return Expect("error", line, col, field, words)


def warning(line: int, col: int, field: str, words: str) -> Expect:
    """An expected warning."""
    return Expect("warning", line, col, field, words)


CONTROLS = "text holds control or invisible characters"
NESTING = "nesting deeper than"

DOCUMENT_DIAGNOSTICS: dict[str, tuple[Expect, ...]] = {
    # Valid: markup is text like any other.
    "markup-everywhere.yaml": (),
    "bom.yaml": (),
    "big-summary.yaml": (),
    "x.yaml/inside-a-folder-named-x-yaml.yaml": (),
    "good-briefing.yaml": (),
    # Valid with warnings: control characters are shown, not refused.
    "escapes-everywhere.yaml": (
        warning(5, 8, "title", CONTROLS),
        warning(7, 10, "summary", CONTROLS),
        warning(8, 11, "authors[0]", CONTROLS),
        warning(11, 11, "actors[0].name", CONTROLS),
        warning(13, 15, "actors[0].aliases[0]", CONTROLS),
        warning(14, 14, "actors[0].profile", CONTROLS),
        warning(18, 12, "timeline[0].title", CONTROLS),
        warning(19, 18, "timeline[0].description", CONTROLS),
        warning(23, 11, "questions[0].text", CONTROLS),
        warning(26, 12, "sources[0].title", CONTROLS),
        warning(27, 10, "sources[0].url", CONTROLS),
        warning(29, 12, "judgments[0].text", CONTROLS),
    ),
    "raw-bidi.yaml": (
        warning(3, 8, "title", CONTROLS),
        warning(5, 10, "summary", CONTROLS),
    ),
    # Invalid.
    "billion-laughs.yaml": (error(15, 5, "x8", "aliases expand this document"),),
    "self-alias.yaml": (error(7, 10, "authors", "recursive alias"),),
    "self-alias-mapping.yaml": (error(7, 9, "actors", "recursive alias"),),
    "empty.yaml": (error(1, 1, "", "empty document"),),
    "comments-only.yaml": (error(1, 1, "", "empty document"),),
    "latin1.yaml": (error(4, 11, "", "not UTF-8 text (byte 0xE9)"),),
    "duplicate-keys.yaml": (
        error(7, 1, "title", "'title' given twice"),
        error(9, 39, "actors[0].name", "'name' given twice"),
    ),
    "non-string-keys.yaml": (
        error(7, 3, "", "a key must be text, not a mapping or a list"),
        error(9, 1, "1", "a key must be text, got int '1'"),
        error(10, 1, "null", "a key must be text, got null"),
        error(11, 1, "true", "a key must be text, got bool"),
        error(12, 1, "2020-01-01", "a key must be text, got timestamp"),
        error(13, 1, "1.5", "a key must be text, got float"),
        error(15, 35, "actors[0].7", "a key must be text, got int '7'"),
    ),
    "wrong-types.yaml": (
        error(4, 8, "title", "expected text, got a number (2020)"),
        error(6, 10, "summary", "expected text, got a date (2020-10-26 10:00:00)"),
        error(7, 11, "authors[0]", "expected text, got a boolean (yes)"),
        error(7, 16, "authors[1]", "expected text, got a number (12.5)"),
        error(7, 22, "authors[2]", "expected text, got nothing"),
        error(9, 19, "actors[0].name", "expected text, got a date (2020-10-26)"),
        error(11, 34, "timeline[0].title", "expected text, got a list"),
    ),
    "python-tags.yaml": (
        error(4, 8, "title", "Python tags are not allowed: !!python/object/apply:os.mkdir"),
        error(6, 10, "summary", "Python tags are not allowed: !!python/name:os.system"),
        error(7, 11, "authors[0]", "Python tags are not allowed: !!python/object:builtins.dict"),
        error(8, 7, "tags", "Python tags are not allowed: !!python/object/new:builtins.list"),
    ),
    "python-root.yaml": (
        error(2, 1, "", "Python tags are not allowed"),
        error(2, 1, "", "a document is a mapping of fields, got a list"),
    ),
    "other-tags.yaml": (
        error(4, 8, "title", "unsupported tag !!binary"),
        error(6, 10, "summary", "unsupported tag !custom"),
        error(7, 7, "tags", "unsupported tag !!set"),
        error(8, 10, "authors", "unsupported tag !!omap"),
    ),
    "not-a-mapping.yaml": (error(2, 1, "", "a document is a mapping of fields, got a list"),),
    "two-documents.yaml": (error(7, 1, "", "a second YAML document"),),
    "undefined-alias.yaml": (error(4, 8, "", "undefined alias"),),
    "merge-key.yaml": (
        error(9, 5, "actors[1].<<", "merge keys (<<) are not supported"),
        error(9, 5, "actors[1].name", "missing required field 'name'"),
        error(9, 5, "actors[1].kind", "missing required field 'kind'"),
    ),
    "escaped-key.yaml": (error(7, 1, "␛]2;PWNED␇", "unknown field '\\x1b]2;PWNED\\x07'"),),
    "raw-escape.yaml": (error(3, 13, "", "character U+001B is not allowed in YAML"),),
    "raw-c1.yaml": (error(3, 16, "", "character U+009B is not allowed in YAML"),),
    # Positions past the bound: see NESTING_DEPTH_AT.
    "deep-flow-sequence.yaml": (error(1, 0, "", NESTING),),
    "deep-flow-mapping.yaml": (error(1, 0, "", NESTING),),
    "deep-block-sequence.yaml": (error(1, 0, "", NESTING),),
    "deep-block-mapping.yaml": (error(0, 0, "", NESTING),),
    "over-the-limit.yaml": (error(1, 1, "", "over the size limit of 8.0 MiB: not read"),),
    "self-loop.yaml": (error(1, 1, "", "cannot read: Too many levels of symbolic links"),),
    "dangling-link.yaml": (error(1, 1, "", "the file is gone"),),
    "fifo.yaml": (error(1, 1, "", "not a regular file"),),
    "device-link.yaml": (error(1, 1, "", "not a regular file"),),
    "huge-integer.yaml": (error(4, 8, "title", "a number of 5,000 characters is too long"),),
    "huge-hex-fatalities.yaml": (
        error(8, 64, "timeline[0].fatalities", "a number of 5,002 characters is too long"),
    ),
}
"""Every diagnostic of each document, as `check` must print it (document-level ones only)."""

LIBRARY_DIAGNOSTICS: dict[str, tuple[Expect, ...]] = {
    "markup-everywhere.yaml": (warning(6, 10, "summary", "unresolved link [[@click=app.quit]]"),),
}
"""Diagnostics found once the documents are linked: references that resolve to nothing."""

NESTING_DEPTH_AT: dict[str, Callable[[int, int], int]] = {
    "deep-flow-sequence.yaml": lambda line, col: col - len("a: "),
    "deep-flow-mapping.yaml": lambda line, col: (col - 1) // len("{a: ") + 1,
    "deep-block-sequence.yaml": lambda line, col: (col - 1) // len("- ") + 1,
    "deep-block-mapping.yaml": lambda line, col: line,
}
"""How deep the nesting is at a (line, col) of each nesting bomb. Where the bound is met depends
on the YAML parser (libyaml stops by itself at 1,000 levels, before the loader's own bound), so
for these the test checks that the error points past the bound, not at one exact place."""

USABLE = frozenset(
    {
        "markup-everywhere.yaml",
        "bom.yaml",
        "big-summary.yaml",
        "x.yaml/inside-a-folder-named-x-yaml.yaml",
        "escapes-everywhere.yaml",
        "raw-bidi.yaml",
        "good-briefing.yaml",
    }
)
"""Documents that open in the reader; every other one has an error."""


def make_generated(folder: Path) -> None:
    """Write the hostile files that are huge, need raw bytes a reviewer should not have to see,
    or are links, folders and pipes rather than plain files."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = head("raw-escape", title='"Raw \x1b]2;PWNED\x07 escape"')
    (folder / "raw-escape.yaml").write_text(raw, encoding="utf-8")
    raw_c1 = head("raw-c1", title='"Raw C1 \x9b2J here"')
    (folder / "raw-c1.yaml").write_text(raw_c1, encoding="utf-8")
    bidi = head(
        "raw-bidi",
        title='"Raw \u202eevil\u202c bidi"',
        summary='"zero\u200bwidth\u200d and \u2066isolate\u2069 and tag\U000e0041"',
    )
    (folder / "raw-bidi.yaml").write_text(bidi, encoding="utf-8")
    (folder / "deep-flow-sequence.yaml").write_text(
        "a: " + "[" * DEPTH + "]" * DEPTH + "\n", encoding="utf-8"
    )
    (folder / "deep-flow-mapping.yaml").write_text(
        "{a: " * DEPTH + "1" + "}" * DEPTH + "\n", encoding="utf-8"
    )
    (folder / "deep-block-sequence.yaml").write_text("- " * DEPTH + "x\n", encoding="utf-8")
    # A block mapping gets one column deeper per level: 10,000 levels would be 50 MB of
    # indentation, so this one goes only ten times past the bound.
    (folder / "deep-block-mapping.yaml").write_text(
        "".join(" " * level + "k:\n" for level in range(1000)) + " " * 1000 + "x\n",
        encoding="utf-8",
    )
    with open(folder / "over-the-limit.yaml", "wb") as stream:
        stream.write(head("over-the-limit").encode())
        stream.truncate(OVER_LIMIT)  # sparse: no 9 MiB written to disk
    big = head("big-summary", summary="x" * BIG_SUMMARY)
    (folder / "big-summary.yaml").write_text(big, encoding="utf-8")
    inner = folder / "x.yaml"
    inner.mkdir()
    (inner / "inside-a-folder-named-x-yaml.yaml").write_text(
        head("inside-a-folder-named-x-yaml"), encoding="utf-8"
    )
    (folder / "self-loop.yaml").symlink_to("self-loop.yaml")
    (folder / "dangling-link.yaml").symlink_to("nowhere/missing.yaml")
    (folder / "loop").mkdir()
    (folder / "loop" / "back").symlink_to("..", target_is_directory=True)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "device-link.yaml").symlink_to("/dev/zero")  # a read of it never ends


def make_library(folder: Path) -> Path:
    """A library folder: the committed corpus, the generated files and one good briefing."""
    shutil.copytree(CORPUS, folder, symlinks=True)
    make_generated(folder)
    (folder / f"{GOOD_ID}.yaml").write_text(GOOD_TEXT, encoding="utf-8")
    return folder


def all_documents() -> list[str]:
    """Every document file of a library made by `make_library`, relative to it."""
    return sorted({*DOCUMENT_DIAGNOSTICS, *USABLE})
