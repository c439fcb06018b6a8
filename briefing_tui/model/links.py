"""`[[wiki-links]]` in prose fields: finding them and splitting prose around them."""

from __future__ import annotations

import re
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


def plain(text: str) -> str:
    """Prose with each link replaced by what the reader shows for it (for search and snippets)."""
    if "[[" not in text:
        return text
    return _LINK.sub(lambda m: _fold(m.group(2)) or m.group(1).strip(), text)
