"""Locations the reader visits, the screens that present them, and the history between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from ..model.history import NavigationHistory
from ..model.refs import EntityRef

ViewKind = Literal["main", "dossier"]

ViewState = dict[str, Any]
"""What a screen needs to put a location back as the reader left it: for the main screen the
active pane and each pane's `PagePosition`; a dossier keeps whatever it likes."""


def view_for(ref: EntityRef) -> ViewKind:
    """The screen that presents an entity: actors and places have dossiers, the rest of the
    library is shown on the main screen (a briefing, or one of its parts highlighted)."""
    return "dossier" if ref.kind in ("actor", "place") else "main"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the library and how the reader left it (empty state: a fresh visit)."""

    ref: EntityRef
    state: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def fresh(self) -> bool:
        """True for a first visit (show the entity itself), False when coming back to it."""
        return not self.state


@runtime_checkable
class LocationView(Protocol):
    """A screen that presents locations. The app records each visit in the history and, before
    leaving the screen, asks for its state to restore it on coming back."""

    def show_location(self, location: Location) -> None:
        """Present `location`: a fresh one at the entity itself, else as its state says."""

    def view_state(self) -> ViewState:
        """The state to save for the location shown now."""


class ReadingHistory:
    """Back and forward through visited locations; each entry keeps the state the reader left
    it in, saved by `leave` just before moving on."""

    def __init__(self, limit: int = 200) -> None:
        self._history: NavigationHistory[EntityRef] = NavigationHistory(limit)

    @property
    def current(self) -> Location | None:
        """Where the reader is, with its saved state."""
        ref = self._history.current
        return None if ref is None else Location(ref, dict(self._history.current_state))

    @property
    def can_back(self) -> bool:
        """True when there is somewhere to go back to."""
        return self._history.can_back

    @property
    def can_forward(self) -> bool:
        """True after going back, until a new visit."""
        return self._history.can_forward

    def __len__(self) -> int:
        return len(self._history)

    def leave(self, state: Mapping[str, Any]) -> None:
        """Save how the reader leaves the current location."""
        self._history.save_state(**state)

    def visit(self, ref: EntityRef) -> Location:
        """Go to `ref` (dropping the forward entries); a fresh location to present."""
        self._history.visit(ref)
        return Location(ref)

    def back(self) -> Location | None:
        """The previous location with its saved state, or None at the oldest."""
        if self._history.back() is None:
            return None
        return self.current

    def forward(self) -> Location | None:
        """The next location with its saved state, or None at the newest."""
        if self._history.forward() is None:
            return None
        return self.current
