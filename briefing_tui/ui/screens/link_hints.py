"""Link hints: a label on every visible link; typing a label follows that link."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

HINT_LETTERS = "asdfghjklqwertyuiopzxcvbnm"
"""Home row first: the most reachable letters label the first links."""


def hint_labels(count: int, letters: str = HINT_LETTERS) -> list[str]:
    """`count` labels, none the prefix of another: one letter each while they suffice, else two
    letters each (as many as the letters allow squared)."""
    if count <= len(letters):
        return list(letters[:count])
    pairs = ["".join(pair) for pair in product(letters, repeat=2)]
    return pairs[:count]


class LinkHintScreen(ModalScreen[str | None]):
    """Waits for the reader to type one of `labels` (dismissed with it) or Esc (with None).
    The pages beneath draw the labels; this screen only reads keys."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    LinkHintScreen { background: transparent; align: center bottom; }
    LinkHintScreen #hint-prompt {
        dock: bottom;
        width: 100%;
        height: 1;
        background: $warning;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, labels: Sequence[str]) -> None:
        super().__init__()
        self.labels = set(labels)
        self.typed = ""

    def compose(self) -> ComposeResult:
        yield Static(self._prompt(), id="hint-prompt")

    def _prompt(self) -> Content:
        return Content.assemble(
            ("Follow link: type its label", "bold"), "  ", self.typed, "   Esc cancels"
        )

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            return
        event.stop()
        event.prevent_default()
        character = event.character
        if not character or not character.isalpha():
            return
        self.typed += character.lower()
        if self.typed in self.labels:
            self.dismiss(self.typed)
            return
        if not any(label.startswith(self.typed) for label in self.labels):
            self.typed = ""
            self.app.bell()
        self.query_one("#hint-prompt", Static).update(self._prompt())

    def action_cancel(self) -> None:
        """Stop showing hints without following anything."""
        self.dismiss(None)
