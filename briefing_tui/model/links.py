"""`[[wiki-links]]` in prose fields: finding them and splitting prose around them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A label may wrap onto the next line, as prose in a YAML block scalar does; a target may not.
_LINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]]*))?\]\]")


@dataclass(frozen=True, slots=True)
class Link:
    """One `[[target]]`, `[[target|label]]` or `[[briefing-id#local-id|label]]` in prose."""

    target: str
    label: str | None
    start: int
    end: int

    @property
    def briefing(self) -> str | None:
        """The briefing named before `#`, for links into another briefing."""
        head, sep, _ = self.target.partition("#")
        return head if sep else None

    @property
    def local(self) -> str:
        """The id after `#`, or the whole target."""
        return self.target.rpartition("#")[2]

    @property
    def text(self) -> str:
        """What the reader shows for the link: its label, else its target."""
        return self.label if self.label else self.target


def _fold(label: str | None) -> str | None:
    """A label with its line breaks and runs of spaces folded to single spaces."""
    return " ".join(label.split()) or None if label else None


def find_links(text: str) -> list[Link]:
    """Every link in a prose string, in order."""
    if "[[" not in text:
        return []
    return [
        Link(m.group(1).strip(), _fold(m.group(2)), m.start(), m.end())
        for m in _LINK.finditer(text)
    ]


def link_targets(text: str) -> list[str]:
    """The target of every link in a prose string, in order (what `find_links` gives as
    `target`, without making a Link of each: linking a library needs only these)."""
    if "[[" not in text:
        return []
    return [target.strip() for target, _ in _LINK.findall(text)]


def split_prose(text: str) -> list[str | Link]:
    """Prose as alternating plain strings and links, for presenting each link on its own."""
    parts: list[str | Link] = []
    cursor = 0
    for link in find_links(text):
        if link.start > cursor:
            parts.append(text[cursor : link.start])
        parts.append(link)
        cursor = link.end
    if cursor < len(text):
        parts.append(text[cursor:])
    return parts


def plain(text: str, name_of: Callable[[str], str | None] | None = None) -> str:
    """Prose with each link replaced by what the reader shows for it (for search and snippets):
    its label, else the name `name_of` gives its target, else its target."""
    if "[[" not in text:
        return text

    def shown(match: re.Match[str]) -> str:
        label = _fold(match.group(2))
        if label:
            return label
        target = match.group(1).strip()
        name = name_of(target) if name_of is not None else None
        return target if name is None else name

    return _LINK.sub(shown, text)
