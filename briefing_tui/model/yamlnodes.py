"""YAML text to plain Python data: only plain YAML, bounded, with every node's position at hand."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .document import Loc

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists (the root mapping is depth 1); a briefing needs about 5."""
MAX_EXPANDED_NODES = 100_000
MAX_EXPANSION_RATIO = 10
"""Aliases may make a document bigger than written, up to the larger of MAX_EXPANDED_NODES nodes
and MAX_EXPANSION_RATIO times the nodes written: enough for any honest reuse of an anchor, far
below what a "billion laughs" file asks for. The expanded size is counted, never built."""

_PREFIX = "tag:yaml.org,2002:"
STR, MAP, SEQ = _PREFIX + "str", _PREFIX + "map", _PREFIX + "seq"
INT, FLOAT, BOOL, NULL = _PREFIX + "int", _PREFIX + "float", _PREFIX + "bool", _PREFIX + "null"
TIMESTAMP, MERGE = _PREFIX + "timestamp", _PREFIX + "merge"

MAX_NUMBER_LENGTH = 1_000
"""Longer integers are refused: Python will not convert more than 4,300 digits, and converting
is quadratic in the digits below that."""

# libyaml's loader when it is there (about ten times faster); the pure-Python one otherwise.
# Only the safe variants: the full loaders construct arbitrary Python objects from tags.
HAS_LIBYAML = hasattr(yaml, "CSafeLoader")
_SURROGATE = re.compile("[\ud800-\udfff]")
_IMPLICIT: dict[str, tuple[tuple[str, Any], ...]] = {
    first: tuple(resolvers)
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    if first is not None
}


class _QuickResolving:
    """The standard tag resolution made cheaper: the composer asks about every node, so this
    is the loader's speed. Same answers as PyYAML's (YAML 1.1 implicit types, no path
    resolvers)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        """The tag of an untagged node: a plain scalar by its look, anything else by its kind."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return STR
        return SEQ if kind is SequenceNode else MAP


class PythonComposingLoader(_QuickResolving, yaml.SafeLoader):
    """The pure-Python safe loader (recursive: `compose` checks the depth before using it)."""


ComposingLoader: type[yaml.SafeLoader] = PythonComposingLoader
if HAS_LIBYAML:

    class CComposingLoader(_QuickResolving, yaml.CSafeLoader):  # type: ignore[misc]
        """libyaml's safe loader (it stops by itself past 1,000 levels of nesting)."""

    ComposingLoader = CComposingLoader


_CONSTRUCTOR = SafeConstructor()
_SCALARS = {
    INT: _CONSTRUCTOR.construct_yaml_int,
    FLOAT: _CONSTRUCTOR.construct_yaml_float,
    BOOL: _CONSTRUCTOR.construct_yaml_bool,
    TIMESTAMP: _CONSTRUCTOR.construct_yaml_timestamp,
}
_TAG_NAMES = {STR: "str", INT: "int", FLOAT: "float", BOOL: "bool", TIMESTAMP: "timestamp"}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the YAML the format refuses, at a node (a key node for key problems)."""

    node: Node
    message: str


class TreeRefused(Exception):
    """The node tree cannot be turned into data at all (too deep, recursive, too big)."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


_UNUSUAL_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class TextLines:
    """Positions in one text as an editor counts them: lines end at LF, columns count characters.

    YAML also breaks lines at a lone CR, NEL, LS and PS, and the parser reports the end of the
    stream as a line after the last one; positions are mapped so every one can be gone to.
    """

    __slots__ = ("_starts", "exact", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # Four scans for single characters are much faster than one for the pattern.
        self.exact = not (
            ("\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text)
            and _UNUSUAL_BREAKS.search(text)
        )
        """True when the parser's line numbers are the editor's (nearly always)."""
        self._starts: list[int] | None = None

    def of(self, node: Node) -> tuple[int, int]:
        """1-based (line, column) where a node starts."""
        return self.of_mark(node.start_mark)

    def line_of(self, node: Node) -> int:
        """1-based line where a node starts (cheap: for every entity of every document)."""
        mark = node.start_mark
        return mark.line + 1 if self.exact else self.of_index(mark.index)[0]

    def of_mark(self, mark: Any) -> tuple[int, int]:
        """1-based (line, column) of a parser's mark."""
        return self.of_index(mark.index)

    def of_index(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of a character index; the very end is the last line's end."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
            if len(self._starts) > 1 and self._starts[-1] == len(self.text):
                self._starts.pop()  # a final line break ends the last line, starts no other
        starts = self._starts
        index = max(0, min(index, len(self.text)))
        line = bisect.bisect_right(starts, index)
        last = len(self.text) - self.text.endswith("\n")
        end = starts[line] - 1 if line < len(starts) else last  # a line ends before its break
        return line, min(index, end) - starts[line - 1] + 1


def compose(text: str, loader: type[yaml.SafeLoader] | None = None) -> Node | None:
    """The node tree of a one-document YAML text (None when it holds no document).

    Raises yaml.YAMLError (with marks) for syntax errors, a second document, an undefined
    alias, and for nesting past MAX_DEPTH found by a token pre-check before the recursive
    pure-Python composer could meet it.
    """
    loader_class = loader or ComposingLoader
    if loader_class is PythonComposingLoader:
        _check_depth_by_tokens(text)
    instance = loader_class(text)
    try:
        return instance.get_single_node()
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in (error.problem or ""):
            # libyaml stops at its own limit, 1,000 levels: say where ours was passed instead.
            _check_depth_by_tokens(text)
        raise
    finally:
        instance.dispose()


def _check_depth_by_tokens(text: str) -> None:
    """Refuse deep nesting before the recursive pure-Python composer meets it.

    The scanner is iterative, so counting its block and flow openings is safe at any depth
    (libyaml stops at 1,000 levels by itself, and our builder at MAX_DEPTH).
    """
    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, opening):
            depth += 1
            if depth > MAX_DEPTH + 1:  # +1: an indentless list is one level, not two tokens
                mark = token.start_mark
                raise yaml.MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark
                )
        elif isinstance(token, closing):
            depth -= 1


def _type_word(tag: str) -> str:
    return _TAG_NAMES.get(tag, tag.removeprefix(_PREFIX))


def _scalar(node: ScalarNode, problems: list[Problem]) -> Any:
    """A scalar of a standard tag other than str; a problem for every other tag."""
    tag = node.tag
    value = node.value
    if tag == INT and len(value) > MAX_NUMBER_LENGTH:
        problems.append(Problem(node, f"a number of {len(value):,} characters is too long"))
        return None
    if tag == INT and value.isascii() and value.isdigit() and (value[0] != "0" or len(value) == 1):
        return int(value)  # the common case; YAML 1.1 reads a leading 0 as octal
    if tag == NULL:
        return None
    if tag == TIMESTAMP and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # `2020-02-30`: kept as written, so a date field says what is wrong
    construct = _SCALARS.get(tag)
    if construct is None:
        problems.append(Problem(node, _tag_problem(tag)))
        return None
    try:
        return construct(node)
    except Exception:  # the constructors raise anything from ValueError to AttributeError
        if tag == TIMESTAMP:
            return value
        shown = value if len(value) <= 40 else value[:37] + "…"
        problems.append(Problem(node, f"{shown!r} is not a valid {_type_word(tag)}"))
        return None


def _tag_problem(tag: str) -> str:
    if tag == MERGE:
        return "merge keys (<<) are not supported: write the fields"
    if tag.startswith(_PREFIX + "python/"):
        return f"Python tags are not allowed: {_shown_tag(tag)}"
    return f"unsupported tag {_shown_tag(tag)}: only plain YAML"


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_PREFIX) if tag.startswith(_PREFIX) else tag


def to_data(root: Node, sharing: bool = True) -> tuple[Any, list[Problem]]:
    """Plain data (dict, list, str, int, float, bool, None, date) from a node tree.

    Refuses duplicate keys, keys that are not text, and tags other than the standard ones;
    drops keys that start with `x-`. Raises TreeRefused for nesting deeper than MAX_DEPTH, a
    recursive alias, or aliases that expand the document past the bound. `sharing=False`
    promises the tree has no aliases (no `&` in the text): memoising nodes is then skipped.
    Recursion is bounded by MAX_DEPTH, so the stack stays shallow whatever the input.
    """
    problems: list[Problem] = []
    memo: dict[int, tuple[Any, int, int]] = {}  # id(node) -> (value, expanded size, height)
    building: set[int] = set()
    written = 0  # nodes built (each node once)
    extra = 0  # nodes that aliases add on top
    biggest: tuple[int, Node | None] = (0, None)
    deepest = 0

    def build(node: Node, depth: int) -> Any:
        nonlocal written, extra, biggest, deepest
        if node.__class__ is ScalarNode:
            written += 1
            if node.tag == STR:
                value = node.value
                if not value.isascii() and _SURROGATE.search(value):
                    # Only the pure-Python parser lets `"\uD800"` through; it could not be
                    # shown or written out as UTF-8 later.
                    problems.append(Problem(node, "text holds a lone surrogate code point"))
                    return None
                return value
            return _scalar(node, problems)  # type: ignore[arg-type]
        if depth > MAX_DEPTH:
            raise TreeRefused(node, f"nesting deeper than {MAX_DEPTH} levels")
        if sharing:
            key = id(node)
            hit = memo.get(key)
            if hit is not None:
                value, size, height = hit
                extra += size
                if size > biggest[0]:
                    biggest = (size, node)
                if depth + height > MAX_DEPTH:
                    raise TreeRefused(node, f"nesting deeper than {MAX_DEPTH} levels (by alias)")
                deepest = max(deepest, depth + height)
                return value
            if key in building:
                raise TreeRefused(node, "recursive alias: this node contains an alias of itself")
            building.add(key)
            before = written + extra
        saved = deepest
        deepest = depth
        result: Any
        if node.__class__ is MappingNode:
            result = {}
            if node.tag != MAP:
                problems.append(Problem(node, _tag_problem(node.tag)))
            for key_node, value_node in node.value:
                if key_node.__class__ is not ScalarNode or key_node.tag != STR:
                    problems.append(Problem(key_node, _key_problem(key_node)))
                    continue
                name = key_node.value
                if name.startswith("x-"):
                    continue
                if name in result:
                    problems.append(Problem(key_node, f"key {name!r} given twice in one mapping"))
                    continue
                result[name] = build(value_node, depth + 1)
        else:
            if node.tag != SEQ:
                problems.append(Problem(node, _tag_problem(node.tag)))
            result = [build(child, depth + 1) for child in node.value]
        written += 1
        height = deepest - depth
        deepest = max(saved, deepest)
        if sharing:
            building.discard(key)
            memo[key] = (result, written + extra - before, height)
        return result

    data = build(root, 1)
    if extra > max(MAX_EXPANDED_NODES, MAX_EXPANSION_RATIO * written):
        node = biggest[1] or root
        raise TreeRefused(
            node,
            f"aliases expand this document to {written + extra:,} nodes from {written:,} "
            f"written (the limit is {MAX_EXPANSION_RATIO} times, or {MAX_EXPANDED_NODES:,})",
        )
    return data, problems


def _key_problem(node: Node) -> str:
    if isinstance(node, ScalarNode):
        if node.tag == MERGE:
            return "merge keys (<<) are not supported: write the fields"
        return f"a key must be text, got {_type_word(node.tag)} {node.value!r}: quote it"
    return "a key must be text, not a mapping or a list"


def find(root: Node, loc: Loc) -> tuple[Node | None, Node, int]:
    """(key node, value node, parts matched) of the deepest node on the way to `loc`."""
    key_node: Node | None = None
    node = root
    for matched, part in enumerate(loc):
        if isinstance(node, MappingNode) and isinstance(part, str):
            for candidate, value in node.value:
                if isinstance(candidate, ScalarNode) and candidate.value == part:
                    key_node, node = candidate, value
                    break
            else:
                return key_node, node, matched
        elif (
            isinstance(node, SequenceNode)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(node.value)
        ):
            key_node, node = None, node.value[part]
        else:
            return key_node, node, matched
    return key_node, node, len(loc)


def _walk(root: Node) -> Iterator[tuple[Loc, Node, Node | None]]:
    """(loc, node, key node) of every node once, in document order, without recursion."""
    seen: set[int] = set()
    stack: list[tuple[Loc, Node, Node | None]] = [((), root, None)]
    while stack:
        loc, node, key_node = stack.pop()
        yield loc, node, key_node
        if id(node) in seen or len(loc) > MAX_DEPTH + 1:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                part = k.value if isinstance(k, ScalarNode) else "?"
                stack.append(((*loc, part), v, k))
        elif isinstance(node, SequenceNode):
            for i in range(len(node.value) - 1, -1, -1):
                stack.append(((*loc, i), node.value[i], None))


def loc_of(root: Node, target: Node) -> Loc:
    """The field path of a node (for a key node: the path of its value; for a key that is no
    text, and so names no field, the path of the mapping that holds it)."""
    for loc, node, key_node in _walk(root):
        if key_node is target and not isinstance(target, ScalarNode):
            return loc[:-1]
        if node is target or key_node is target:
            return loc
    return ()


def entity_lines(root: Node, text_lines: TextLines) -> dict[Loc, int]:
    """Lines of the top-level fields and of the items of top-level lists (the entities)."""
    lines: dict[Loc, int] = {}
    if not isinstance(root, MappingNode):
        return lines
    line_of = text_lines.line_of
    for key_node, value in root.value:
        if not isinstance(key_node, ScalarNode):
            continue
        name = key_node.value
        lines[(name,)] = line_of(key_node)
        if isinstance(value, SequenceNode):
            for i, item in enumerate(value.value):
                lines[(name, i)] = line_of(item)
    return lines
