"""The dossier of an actor or place (a placeholder until the full dossier screen lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from ...model.refs import EntityRef
from ..navigation import Location, ViewState
from ..widgets.briefing_blocks import actor_block, human_date
from ..widgets.link_page import Block, LinkPage

if TYPE_CHECKING:
    from ..app import BriefingApp


class DossierScreen(Screen[None]):
    """One actor or place: its card, then the events it appears in, as a page of links."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.close_view", "Close"),
    ]

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location

    def compose(self) -> ComposeResult:
        yield LinkPage(id="dossier")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_location(self.location)

    def show_location(self, location: Location) -> None:
        """Present an actor or place; restore the page position when coming back."""
        self.location = location
        page = self.query_one(LinkPage)
        position = location.state.get("page")
        page.set_blocks(self._blocks(location.ref), position if position else None)
        page.focus()

    def view_state(self) -> ViewState:
        """The page position, to restore on coming back."""
        return {"page": self.query_one(LinkPage).position}

    def _blocks(self, ref: EntityRef) -> list[Block]:
        library = cast("BriefingApp", self.app).library
        if library is None:
            return []
        blocks: list[Block] = []
        if ref.kind == "actor" and ref.id in library.actors:
            blocks.append(actor_block(library, library.actors[ref.id], None))
        elif ref.kind == "place" and ref.id in library.places:
            place = library.places[ref.id]
            blocks.append(Block(anchor=ref).text(place.name, "title"))
        else:
            blocks.append(Block().text(f"Nothing in the library is called {ref.id}.", "warning"))
            return blocks
        appearances = library.events_of(ref.id)
        if appearances:
            blocks.append(Block().text("Events", "heading"))
        for briefing_id, event in appearances:
            event_ref = EntityRef("event", event.id, briefing_id)
            block = Block(anchor=event_ref, briefing=briefing_id, gap=0)
            block.text(human_date(event.date), "accent").text("  ")
            block.link(event.title, event_ref, target=str(event_ref))
            blocks.append(block)
        return blocks
