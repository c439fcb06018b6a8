"""The sources view: the sources cited at a place, with publisher, date, address and grade."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...model.text import one_line
from ..widgets.briefing_blocks import human_date
from ..widgets.link_page import Block, LinkPage

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from ...model.entities import Briefing, Citation


def cited_grades(briefing: Briefing, source_id: str) -> list[str]:
    """Every grade the briefing gives the source's claims (`B2`, `B3`), in first-seen order."""
    reliability = source.reliability if (source := briefing.source(source_id)) else None
    found: list[Citation] = []
    for judgment in briefing.judgments:
        found.extend(judgment.sources)
    for event in briefing.timeline:
        found.extend(event.sources)
    for question in briefing.questions:
        for claim in question.claims:
            found.extend(claim.sources)
    for actor in briefing.actors:
        for relation in actor.relations:
            found.extend(relation.sources)
    grades = [c.grade(reliability) for c in found if c.ref == source_id]
    return list(dict.fromkeys(grade for grade in grades if grade))


def source_blocks(
    briefing: Briefing,
    source_ids: Sequence[str],
    grades: Mapping[str, Sequence[str]] | None = None,
) -> list[Block]:
    """A block per source: title, publisher, kind, date, address, reliability, the grade the
    citations at this place give it (`grades`) and those given elsewhere in the briefing."""
    blocks: list[Block] = []
    for source_id in dict.fromkeys(source_ids):
        source = briefing.source(source_id)
        block = Block(briefing=briefing.id, sources=(source_id,))
        if source is None:
            block.text(f"⚠ {source_id}", "warning").line()
            block.text("no source of this briefing has this id", "muted")
            blocks.append(block)
            continue
        block.text(source.title, "title")
        for label, value in (
            ("publisher", source.publisher),
            ("kind", source.kind),
            ("published", human_date(source.published) if source.published else None),
            ("url", source.url),
        ):
            if value:
                block.line().text(f"{label:<12}", "label").text(value)
        block.line().text(f"{'reliability':<12}", "label")
        block.text(source.reliability or "not graded", "strong" if source.reliability else "muted")
        here = list((grades or {}).get(source_id, ()))
        if here:
            block.line().text(f"{'graded here':<12}", "label").text(", ".join(here), "strong")
        elsewhere = [grade for grade in cited_grades(briefing, source_id) if grade not in here]
        if elsewhere:
            label = "elsewhere" if here else "graded"
            block.line().text(f"{label:<12}", "label").text(", ".join(elsewhere))
        blocks.append(block)
    return blocks


class SourcesScreen(ModalScreen[None]):
    """The sources cited at the cursor, over the page; Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        # Before the page's own `s` (more sources), so the footer does not offer it here:
        # on this page `s` reads as "enough sources".
        Binding("s", "close", "Close", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
    }
    SourcesScreen #sources-title { padding: 0 1; color: $text-muted; }
    SourcesScreen LinkPage { height: auto; max-height: 30; }
    """

    def __init__(
        self,
        briefing: Briefing,
        source_ids: Sequence[str],
        grades: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self.briefing = briefing
        self.source_ids = list(source_ids)
        self.grades = dict(grades or {})

    def compose(self) -> ComposeResult:
        noun = "source" if len(set(self.source_ids)) == 1 else "sources"
        with Vertical():
            yield Static(
                Content.assemble(
                    f"{noun.capitalize()} cited here — ", one_line(self.briefing.title)
                ),
                id="sources-title",
            )
            yield LinkPage(source_blocks(self.briefing, self.source_ids, self.grades), id="sources")
            yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(LinkPage).focus()

    def action_close(self) -> None:
        """Close the sources view."""
        self.dismiss(None)
