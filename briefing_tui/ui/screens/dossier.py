"""The dossier of an actor or place: everything the library says of it, as a page of links."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ...model.refs import EntityRef
from ..navigation import Location, ViewState
from ..widgets.footer import KeyFooter
from ..widgets.link_page import Block, LinkPage

if TYPE_CHECKING:
    from ..app import BriefingApp

PAGE_TITLES = {"actor": "Actor", "place": "Place"}


class DossierScreen(Screen[None]):
    """One actor or place across the whole library: what each document says of it, its
    relations both ways, its events, the questions about it and the briefings naming it."""

    CSS_PATH = "dossier.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.close_view", "Close"),
    ]

    def __init__(self, location: Location | None = None) -> None:
        super().__init__()
        self.location = location
        """The actor or place shown, with the state it was opened in (None: none yet)."""
        self._composed = False
        self._styled_with: tuple[object, ...] | None = None
        self._ahead: tuple[Block, ...] | None = None

    def compose(self) -> ComposeResult:
        yield LinkPage(id="dossier")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._composed = True
        if self.location is not None:
            self.show_location(self.location)

    @property
    def page(self) -> LinkPage:
        """The page of the dossier."""
        return self.query_one("#dossier", LinkPage)

    def show_location(self, location: Location) -> None:
        """Present an actor or place: at the top on a fresh visit, else where it was left."""
        self.location = location
        if not self._composed:
            return
        page = self.page
        page.border_title = PAGE_TITLES.get(location.ref.kind, "Dossier")
        position = location.state.get("page")
        page.set_blocks(self._blocks(location.ref), position or None)
        page.focus()

    def prepare(self, blocks: tuple[Block, ...]) -> None:
        """Wrap and draw the top of a dossier ahead, shown or not (see `LinkPage.prepare`);
        on a screen not laid out yet, once it is."""
        self._ahead = blocks
        page = self.query_one_optional("#dossier", LinkPage)
        if page is not None:
            page.prepare(blocks)

    def view_state(self) -> ViewState:
        """The page position, to restore on coming back."""
        if not self._composed:
            return {} if self.location is None else dict(self.location.state)
        return {"page": self.page.position}

    def _blocks(self, ref: EntityRef) -> tuple[Block, ...]:
        """The dossier's blocks, kept by the app (see `KeptDossiers`)."""
        app = cast("BriefingApp", self.app)
        if app.library is None:
            return (Block().text("The library is still loading.", "muted"),)
        return app.dossiers.blocks(app.library, ref)

    def make_ready(self) -> None:
        """Lay the (mounted) screen out and draw it as it will be shown, unseen: what Textual
        does when a screen is first shown (restyle it whole, focus the page, compose the
        footer's keys for it, lay it all out and draw every widget) cost the first dossier
        opened 10-15 ms more than the next ones."""
        page = self.query_one_optional("#dossier", LinkPage)
        footer = self.query_one_optional(KeyFooter)
        if page is None or footer is None:  # the app is closing
            return
        self._styled_with = self._styling()  # just styled by its mounting
        self.set_focus(page, scroll_visible=False)
        # In this order, each after the app's next refresh, from the footer's own queue.
        footer.call_after_refresh(footer.compose_keys)
        footer.call_after_refresh(self._draw_unseen)

    def _draw_unseen(self) -> None:
        if self.is_attached and not self.is_current:
            self._refresh_layout(self.app.size)
            self._compositor.render_strips()  # fills each widget's cache of drawn lines
            # A screen's update timer waits a whole frame before its first frame ever, and
            # none after a pause: run it once now, so that the first dossier waits for none.
            self._update_timer.resume()
            if self._ahead is not None:
                self.prepare(self._ahead)

    def _styling(self) -> tuple[object, ...]:
        """What the screen's styles follow besides its own widgets' state."""
        app = self.app
        return (
            app.stylesheet.rules,
            app._css_update_count,
            frozenset(app.classes),
            frozenset(app.get_pseudo_classes()),
        )

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler. Pushed again, the screen is restyled whole (3 ms
        # before the dossier's frame), though its styles change only with the stylesheet, its
        # variables or the app's classes: Textual updates those on the screens stacked, not
        # on one installed and set aside.
        styled_with = self._styling()
        if styled_with == self._styled_with:
            event.refresh_styles = False
        self._styled_with = styled_with
