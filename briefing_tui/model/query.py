"""The search query language: a tokenizer, a parser, and its translation to an FTS5 MATCH.

Syntax, by example:

- `idlib strike`: every word must match (diacritics folded, English stemming: `strikes`
  finds `strike`).
- `"foreign fighters"`: a phrase; `erdo*` and `"al sha"*`: a prefix.
- `-rumour`: exclude what matches; `russia -turkey` keeps what mentions Russia, not Turkey.
- `russia OR turkey strike`: OR joins the terms (or groups, or filters) on each side of it and
  binds tighter than the implicit AND: this reads `(russia OR turkey) strike`.
  Parentheses group: `(russia strike) OR (turkey shelling)`. `OR` is only a keyword when
  written in capitals.
- Filters, `name:value`, narrow the hits:
  - `kind:K`: entities of kind K (briefing, actor, place, event, question, source, judgment).
  - `in:B`: the briefing B, the entities it holds, and the actors and places it defines or
    names (in a structured field or a link).
  - `tag:T`: the same, for every briefing tagged T.
  - `status:S`: events (confirmed, reported, claimed, disputed, rumor) and questions (open,
    answered, moot) with status S.
  - `actor:A`: the actor A itself, the events it takes part in, the questions about it, the
    entities whose prose links to it, the actors with a relation to it, and the briefings
    that define or name it.
  - `after:D`: dated entities (events by `date`, briefings by `as_of`, sources by
    `published`) that can fall on or after the start of D: their latest possible day is on
    or after the first day of D.
  - `before:D`: dated entities that can fall on or before the end of D: their earliest
    possible day is on or before the last day of D.

  D is an EDTF date (`2020`, `2020-10`, `2020-10-26`, ...); an interval with an open end
  reaches as far as it may. Entities without a date never pass `after:` or `before:`.
  A `-` before a filter keeps exactly what the filter drops (so `-after:2020` keeps undated
  entities too). Filters can be joined with OR (`kind:actor OR kind:place`), but OR cannot
  join a filter and a word.

Every user term is quoted in the MATCH expression, so no user text is read as FTS5 syntax.
A malformed query raises `QueryError`, which says what is wrong and where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .records import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal

    TokenKind = Literal["word", "phrase", "filter", "or", "minus", "open", "close"]

FILTERS = ("kind", "in", "tag", "status", "actor", "after", "before")
KINDS = ("briefing", "actor", "place", "event", "question", "source", "judgment")
EVENT_STATUSES = ("confirmed", "reported", "claimed", "disputed", "rumor")
QUESTION_STATUSES = ("open", "answered", "moot")
# Kept here, not imported from `entities` and `refs`: those load pydantic and dataclasses,
# which the warm command-line search never needs. A test keeps these equal to theirs.

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FILTER_NAME = re.compile(r"^[A-Za-z_]+$")
_WORD_END = frozenset(' \t\n\r\f\v()"')
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
WORD = re.compile(r"[^\W_]+")
"""A word as the index splits text: a run of letters and digits (FTS5's unicode61 rule)."""


class QueryError(ValueError):
    """A query that cannot be understood; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at column {self.position + 1})"


# ----------------------------------------------------------------------------- tokens


class Token(NamedTuple):
    """One lexical unit of a query and where it starts."""

    kind: TokenKind
    text: str
    position: int
    prefix: bool = False
    name: str = ""
    """For filters: the filter's name (`kind`, `in`, ...); `text` is then its value."""


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens; raises QueryError on an unclosed quote or a stray `-`/`*`."""
    # Control characters (NUL ends an FTS5 string early) become spaces; positions stay.
    query = _CONTROLS.sub(" ", query)
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("open", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(Token("close", ch, i))
            i += 1
        elif ch == '"':
            start = i
            text, i, prefix = _read_phrase(query, i)
            tokens.append(Token("phrase", text, start, prefix=prefix))
        elif ch == "-" and (i == 0 or query[i - 1].isspace() or query[i - 1] in "()"):
            if i + 1 >= n or query[i + 1].isspace() or query[i + 1] == ")":
                raise QueryError("'-' must be followed by a word, phrase, filter or group", i)
            tokens.append(Token("minus", ch, i))
            i += 1
        else:
            token, i = _read_word(query, i)
            tokens.append(token)
    return tokens


def _read_phrase(query: str, start: int) -> tuple[str, int, bool]:
    """The phrase opening at `start`, the offset after it, and whether a `*` follows it."""
    end = query.find('"', start + 1)
    if end < 0:
        raise QueryError("unbalanced quote: this phrase is never closed", start)
    text = query[start + 1 : end]
    if not text.strip():
        raise QueryError("empty phrase", start)
    if not _searchable(text):
        raise QueryError(f"the phrase {text!r} has no letters or digits to search for", start)
    after = end + 1
    prefix = after < len(query) and query[after] == "*"
    if prefix:
        _check_prefix(text, start)
    return text, after + prefix, prefix


def _read_word(query: str, start: int) -> tuple[Token, int]:
    i, n = start, len(query)
    while i < n and query[i] not in _WORD_END:
        i += 1
    word = query[start:i]
    name, colon, value = word.partition(":")
    if colon and _FILTER_NAME.match(name):
        if name.lower() not in FILTERS:
            raise QueryError(
                f"unknown filter '{name}:' (filters: {', '.join(f + ':' for f in FILTERS)};"
                " put the text in quotes to search for it)",
                start,
            )
        if not value and i < n and query[i] == '"':  # a quoted value: tag:"..."
            value, i, prefix = _read_phrase(query, i)
            if prefix:
                raise QueryError(f"'{name}:' takes no prefix '*'", start)
        if not value:
            raise QueryError(f"'{name}:' needs a value", start)
        return Token("filter", value, start, name=name.lower()), i
    if word == "OR":
        return Token("or", word, start), i
    prefix = word.endswith("*")
    stem = word.rstrip("*") if prefix else word
    if "*" in stem or word.count("*") > 1:
        raise QueryError("'*' can only end a word (a prefix search, like erdo*)", start)
    if not _searchable(stem):
        raise QueryError(f"{word!r} has no letters or digits to search for", start)
    if prefix:
        _check_prefix(stem, start)
    return Token("word", stem, start, prefix=prefix), i


def _searchable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _check_prefix(text: str, position: int) -> None:
    """A prefix of one letter would match most of the library (and slowly)."""
    words = WORD.findall(text)
    if not words or len(words[-1]) < 2:
        raise QueryError("a prefix needs at least two letters or digits before '*'", position)


# ----------------------------------------------------------------------------- syntax tree


class Term(NamedTuple):
    """A word or phrase to find, perhaps as a prefix."""

    text: str
    position: int
    phrase: bool = False
    prefix: bool = False


class Filter(NamedTuple):
    """A `name:value` filter; dates carry their bounds as ordinal days."""

    name: str
    value: str
    position: int
    day: int | None = None
    """For after:/before:, the first (after) or last (before) day of the date, as an ordinal."""


class Not(NamedTuple):
    """Everything its operand does not match."""

    operand: Node


class AllOf(NamedTuple):
    """Every operand must match (the implicit AND between terms)."""

    operands: tuple[Node, ...]


class AnyOf(NamedTuple):
    """At least one operand must match (OR)."""

    operands: tuple[Node, ...]


Node = Term | Filter | Not | AllOf | AnyOf


class _Parser:
    """Recursive descent: query := clause+ ; clause := unary (OR unary)* ;
    unary := '-' unary | primary ; primary := word | phrase | filter | '(' query ')'."""

    def __init__(self, query: str, tokens: list[Token]) -> None:
        self.query = query
        self.tokens = tokens
        self.at = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.conjunction(top=True)
        extra = self.peek()
        if extra is not None:  # only a ')' can stop the top-level conjunction early
            raise QueryError("')' without a matching '('", extra.position)
        return node

    def conjunction(self, top: bool) -> Node:
        clauses: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "close":
            clauses.append(self.clause())
        if not clauses:
            where = self.peek()
            if top:
                raise QueryError("empty query: type words to search for, or a filter")
            raise QueryError("empty group '()'", where.position if where else None)
        return clauses[0] if len(clauses) == 1 else AllOf(tuple(clauses))

    def clause(self) -> Node:
        operands = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.at += 1
            following = self.peek()
            if following is None or following.kind in ("or", "close"):
                raise QueryError("OR needs a term on each side", token.position)
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def unary(self) -> Node:
        token = self.peek()
        assert token is not None
        if token.kind == "minus":
            self.at += 1
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        assert token is not None
        self.at += 1
        if token.kind == "word":
            return Term(token.text, token.position, prefix=token.prefix)
        if token.kind == "phrase":
            return Term(token.text, token.position, phrase=True, prefix=token.prefix)
        if token.kind == "filter":
            return _filter(token)
        if token.kind == "open":
            node = self.conjunction(top=False)
            closing = self.peek()
            if closing is None:
                raise QueryError("unbalanced parenthesis: this '(' is never closed", token.position)
            self.at += 1
            return node
        if token.kind == "or":
            raise QueryError("OR needs a term on each side", token.position)
        raise QueryError("')' without a matching '('", token.position)


def _filter(token: Token) -> Filter:
    name, value, position = token.name, token.text, token.position
    if name in ("after", "before"):
        from . import dates  # only dates need it: a plain search loads less

        try:
            date = dates.parse(value)
        except dates.DateError as exc:
            raise QueryError(f"{name}: {exc}", position) from None
        bound = date.lower if name == "after" else date.upper
        if bound is None:
            side = "start" if name == "after" else "end"
            raise QueryError(f"{name}: {value!r} has no {side} to compare with", position)
        return Filter(name, value, position, day=bound.toordinal())
    lowered = value.lower()
    if name == "kind":
        if lowered not in KINDS:
            raise QueryError(f"kind: {value!r} is not one of {', '.join(KINDS)}", position)
    elif name == "status":
        if lowered not in EVENT_STATUSES + QUESTION_STATUSES:
            raise QueryError(
                f"status: {value!r} is not an event status ({', '.join(EVENT_STATUSES)})"
                f" or a question status ({', '.join(QUESTION_STATUSES)})",
                position,
            )
    elif not _SLUG.match(lowered):
        raise QueryError(
            f"{name}: {value!r} is not an id (lowercase letters, digits and hyphens)", position
        )
    return Filter(name, lowered, position)


# ----------------------------------------------------------------------------- translation


def _is_filter(node: Node) -> bool | None:
    """True for a filter-only tree, False for a text-only one, None when it mixes both."""
    if isinstance(node, Term):
        return False
    if isinstance(node, Filter):
        return True
    if isinstance(node, Not):
        return _is_filter(node.operand)
    found = {_is_filter(child) for child in node.operands}
    return found.pop() if len(found) == 1 else None


def _position(node: Node) -> int:
    if isinstance(node, Term | Filter):
        return node.position
    if isinstance(node, Not):
        return _position(node.operand)
    return _position(node.operands[0])


def _flatten(node: Node) -> list[Node]:
    """The top-level conjunction as a list; groups of plain AND merge into it."""
    if isinstance(node, AllOf):
        return [leaf for child in node.operands for leaf in _flatten(child)]
    return [node]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


Expansion = Callable[[str], Sequence[str]]
"""Given a prefix, the words of the library that start with it (none: FTS5 matches the prefix
itself)."""


def _match(node: Node, expand: Expansion | None = None) -> str:
    """The FTS5 MATCH form of a text-only tree (every term quoted)."""
    if isinstance(node, Term):
        if not node.prefix:
            return _quote(node.text)
        words = expand(node.text) if expand is not None and not node.phrase else ()
        if words:  # the words themselves: FTS5 finds each one's stem directly
            return " OR ".join(map(_quote, words))
        return _quote(node.text) + " *"
    if isinstance(node, AllOf):
        return _conjunction_match(list(node.operands), _position(node), expand)
    if isinstance(node, AnyOf):
        parts = []
        for child in node.operands:
            if isinstance(child, Not):
                raise QueryError(
                    "a negated term cannot stand alone in an OR (write: a -b, or -(a OR b))",
                    _position(child),
                )
            parts.append(f"({_match(child, expand)})")
        return " OR ".join(parts)
    if isinstance(node, Not):
        raise QueryError("a negated term needs a term beside it to exclude from", _position(node))
    raise AssertionError(node)


def _conjunction_match(operands: list[Node], position: int, expand: Expansion | None) -> str:
    positives = [child for child in operands if not isinstance(child, Not)]
    negatives = [child.operand for child in operands if isinstance(child, Not)]
    if not positives:
        raise QueryError("a group of only negated terms has nothing to exclude from", position)
    text = " AND ".join(f"({_match(child, expand)})" for child in positives)
    return text + "".join(f" NOT ({_match(child, expand)})" for child in negatives)


class Query(NamedTuple):
    """A parsed query, split into what FTS5 matches and what SQL filters."""

    text: str
    tree: Node
    texts: tuple[Node, ...]
    """The text clauses of the top-level conjunction (terms, groups, negated ones)."""
    filters: tuple[Node, ...]
    """Filter-only clauses, every one of which must hold (Filter, Not, AnyOf, AllOf nodes)."""
    fuzzy_words: tuple[str, ...]
    """The plain words to look up among names when nothing matches a name exactly (empty
    unless the text part is a plain conjunction of words)."""
    match: str | None = None
    """The FTS5 MATCH expression of the text clauses (None: no positive text term)."""
    exclude: tuple[str, ...] = ()
    """The MATCH expression of each negated text clause (already part of `match`, if any)."""
    name_match: str | None = None
    """The positive clauses alone, matched against names and titles only: those hits rank
    first."""

    def expanded(self, expand: Expansion | None) -> Query:
        """The query with its MATCH expressions made again, each prefix term matching the
        words `expand` gives for it, when it gives any: FTS5 stems a prefix like a word, which
        can cut it short (`duway*` would look for `duwai`), and reads every word that starts
        with it, which is slow."""
        positives = [clause for clause in self.texts if not isinstance(clause, Not)]
        match = name_match = None
        if positives:
            match = _conjunction_match(list(self.texts), _position(self.texts[0]), expand)
            name_match = " AND ".join(f"({_match(clause, expand)})" for clause in positives)
        exclude = tuple(
            _match(clause.operand, expand) for clause in self.texts if isinstance(clause, Not)
        )
        return self._replace(match=match, exclude=exclude, name_match=name_match)


def parse_query(text: str) -> Query:
    """Parse a query; raises QueryError with a message and a position when it is malformed."""
    tree = _Parser(text, tokenize(text)).parse()
    texts: list[Node] = []
    filters: list[Node] = []
    for clause in _flatten(tree):
        kind = _is_filter(clause)
        if kind is None:
            raise QueryError(
                "OR and '-' apply to words or to filters, not to both at once"
                " (put the filter outside the group)",
                _position(clause),
            )
        (filters if kind else texts).append(clause)
    positives = [clause for clause in texts if not isinstance(clause, Not)]
    words: tuple[str, ...] = ()
    if positives and all(
        isinstance(clause, Term) and not clause.phrase and not clause.prefix for clause in positives
    ):
        words = tuple(clause.text for clause in positives if isinstance(clause, Term))
    return Query(text, tree, tuple(texts), tuple(filters), words).expanded(None)
