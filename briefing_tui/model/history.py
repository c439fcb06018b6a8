"""Navigation history: back and forward through visited places, like a browser."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 200


@dataclass(slots=True)
class HistoryEntry(Generic[T]):
    """One visited place and what to restore on coming back to it (scroll positions, focus)."""

    item: T
    state: dict[str, Any] = field(default_factory=dict)


class NavigationHistory(Generic[T]):
    """Visited places with a cursor: `back()`/`forward()` move it, `visit()` drops the forward
    entries and adds a new one; the oldest entries fall off past `limit`."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("a history holds at least one entry")
        self.limit = limit
        self._entries: list[HistoryEntry[T]] = []
        self._index = -1

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        return (entry.item for entry in self._entries)

    @property
    def entries(self) -> list[HistoryEntry[T]]:
        """Every entry, oldest first (a copy: change the history through its methods)."""
        return list(self._entries)

    @property
    def index(self) -> int:
        """The position of the current entry (-1 while the history is empty)."""
        return self._index

    @property
    def current(self) -> T | None:
        """The place the reader is at, or None before the first visit."""
        return self._entries[self._index].item if self._entries else None

    @property
    def current_state(self) -> dict[str, Any]:
        """The saved state of the current entry (empty before the first visit)."""
        return self._entries[self._index].state if self._entries else {}

    @property
    def can_back(self) -> bool:
        """True when there is an entry before the current one."""
        return self._index > 0

    @property
    def can_forward(self) -> bool:
        """True when `back()` was used and there is an entry after the current one."""
        return 0 <= self._index < len(self._entries) - 1

    def visit(self, item: T, **state: Any) -> None:
        """Go to `item`: forward entries are dropped. Visiting the current item again only
        updates its state, so repeated requests for one place do not pile up."""
        if self._entries and self._entries[self._index].item == item:
            self._entries[self._index].state.update(state)
            return
        del self._entries[self._index + 1 :]
        self._entries.append(HistoryEntry(item, dict(state)))
        overflow = len(self._entries) - self.limit
        if overflow > 0:
            del self._entries[:overflow]
        self._index = len(self._entries) - 1

    def back(self) -> T | None:
        """Move to the previous entry and return it (None, and no move, at the oldest)."""
        if not self.can_back:
            return None
        self._index -= 1
        return self._entries[self._index].item

    def forward(self) -> T | None:
        """Move to the next entry and return it (None, and no move, at the newest)."""
        if not self.can_forward:
            return None
        self._index += 1
        return self._entries[self._index].item

    def save_state(self, **state: Any) -> None:
        """Record state of the current entry (e.g. `scroll_y=12`), merged into what it has."""
        if self._entries:
            self._entries[self._index].state.update(state)

    def replace_current(self, item: T) -> None:
        """Put `item` in place of the current entry, keeping its state (e.g. a renamed id)."""
        if self._entries:
            self._entries[self._index].item = item

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
        self._index = -1
