"""The dossier of an actor or place: everything the library says of it, as a page of links."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ...model.refs import EntityRef
from ..navigation import Location, ViewState
from ..widgets.dossier_blocks import dossier_blocks
from ..widgets.footer import KeyFooter
from ..widgets.link_page import KEPT_PAGES, Block, LinkPage

if TYPE_CHECKING:
    from ...model.library import Library
    from ..app import BriefingApp

PAGE_TITLES = {"actor": "Actor", "place": "Place"}


class DossierScreen(Screen[None]):
    """One actor or place across the whole library: what each document says of it, its
    relations both ways, its events, the questions about it and the briefings naming it."""

    CSS_PATH = "dossier.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.close_view", "Close"),
    ]

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        """The actor or place shown, with the state it was opened in."""
        self._composed = False
        self._built: OrderedDict[EntityRef, tuple[Block, ...]] = OrderedDict()
        self._built_for: Library | None = None

    def compose(self) -> ComposeResult:
        yield LinkPage(id="dossier")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._composed = True
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

    def view_state(self) -> ViewState:
        """The page position, to restore on coming back."""
        if not self._composed:
            return dict(self.location.state)
        return {"page": self.page.position}

    def _blocks(self, ref: EntityRef) -> tuple[Block, ...]:
        """The dossier's blocks, built once per library: going back to a dossier shows the
        same tuple again, which the page keeps wrapped and drawn."""
        library = cast("BriefingApp", self.app).library
        if library is None:
            return (Block().text("The library is still loading.", "muted"),)
        if self._built_for is not library:
            self._built.clear()
            self._built_for = library
        blocks = self._built.get(ref)
        if blocks is None:
            blocks = self._built[ref] = tuple(dossier_blocks(library, ref))
            while len(self._built) > KEPT_PAGES:
                self._built.popitem(last=False)
        self._built.move_to_end(ref)
        return blocks
