"""The footer of the reading screens: Textual's, composed again only when its keys change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

ShownKeys = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """Textual's footer, which composes its keys afresh (mounting and styling a widget per
    key) whenever the screen's bindings may have changed: on every focus change and every
    return to the screen. This one does so only when the keys it would show differ."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._composed: ShownKeys | None = None

    def _shown_keys(self) -> ShownKeys:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        self._composed = self._shown_keys() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's, but composing only if the keys differ once the refresh is done: by then
        # they may have been composed already (see `compose_keys`).
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self.compose_keys)

    async def compose_keys(self) -> None:
        """Compose the keys the screen has now, unless they are the ones shown."""
        if self._composed is None or self._shown_keys() != self._composed:
            await self.recompose()
