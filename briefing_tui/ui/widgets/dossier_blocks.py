"""The blocks of a dossier: everything the library says of one actor or place, for `LinkPage`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...model.links import split_prose
from ...model.refs import EntityRef
from .briefing_blocks import (
    STATUS_ROLES,
    TITLE_MAX,
    human_date,
    period,
    prose,
    relation_target,
    shorten,
)
from .link_page import KEPT_PAGES, Block

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from ...model.library import ActorRecord, Library, PlaceRecord, RelationView, Sourced

DISAGREEING_FIELDS = ("name", "kind", "country", "lat", "lon")
"""Fields whose differing values across documents are listed, each with its document (profiles
are shown per document anyway)."""

COVERED_FIELDS = frozenset({"actors", "place", "about", "relations"})
"""Backlink fields a dossier already shows in their own sections."""

ACTOR_KIND_WORDS = {"armed-group": "armed group", "io": "international organization"}


def dossier_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """The dossier of an actor or a place; a single warning block when there is none."""
    if ref.kind == "actor" and ref.id in library.actors:
        return actor_dossier(library, library.actors[ref.id])
    if ref.kind == "place" and ref.id in library.places:
        return place_dossier(library, library.places[ref.id])
    return [Block().text(f"Nothing in the library is called {ref.id}.", "warning")]


class KeptDossiers:
    """The blocks of the last few dossiers shown, per library, and of one dossier prepared
    ahead (the one the cursor rests on): going back to a dossier shows the same tuple again,
    which the page keeps wrapped and drawn, and following a prepared link builds nothing."""

    def __init__(self) -> None:
        self._shown: OrderedDict[EntityRef, tuple[Block, ...]] = OrderedDict()
        self._prepared: tuple[EntityRef, tuple[Block, ...]] | None = None
        self._library: Library | None = None

    def blocks(self, library: Library, ref: EntityRef) -> tuple[Block, ...]:
        """The dossier of `ref`, counted as shown: built unless kept or prepared."""
        blocks = self._kept(library, ref)
        if blocks is None:
            blocks = tuple(dossier_blocks(library, ref))
        self._shown[ref] = blocks
        self._shown.move_to_end(ref)
        while len(self._shown) > KEPT_PAGES:
            self._shown.popitem(last=False)
        return blocks

    def prepare(self, library: Library, ref: EntityRef) -> tuple[Block, ...]:
        """The dossier of `ref` ahead of its being opened: kept, or built into a slot of its
        own (links passed over never push a shown dossier out)."""
        blocks = self._kept(library, ref)
        if blocks is None:
            blocks = tuple(dossier_blocks(library, ref))
            self._prepared = (ref, blocks)
        return blocks

    @property
    def prepared(self) -> tuple[Block, ...] | None:
        """The blocks of the dossier prepared last, if any."""
        return None if self._prepared is None else self._prepared[1]

    def _kept(self, library: Library, ref: EntityRef) -> tuple[Block, ...] | None:
        if self._library is not library:
            self._shown.clear()
            self._prepared = None
            self._library = library
        if ref in self._shown:
            return self._shown[ref]
        if self._prepared is not None and self._prepared[0] == ref:
            return self._prepared[1]
        return None


def origin_context(library: Library, origin: str) -> str | None:
    """The briefing whose ids resolve links written in `origin` (None for a registry)."""
    return origin if origin in library.briefings else None


def origin_link(block: Block, library: Library, origin: str) -> Block:
    """Where something is written: a stop to the briefing (its whole title, which wraps rather
    than being cut mid-word), or the registry's path."""
    if origin in library.briefings:
        ref = EntityRef("briefing", origin)
        return block.link(library.title_of(ref), ref, target=origin)
    return block.text("registry ", "label").text(origin, "muted")


def prose_title(library: Library, text: str, context: str | None) -> str:
    """Prose on one line with each link shown by its label, or else by its entity's name."""
    words: list[str] = []
    for piece in split_prose(text):
        if isinstance(piece, str):
            words.append(piece)
            continue
        ref = library.resolve_link(piece, context)
        if piece.label is None and ref is not None:
            words.append(library.title_of(ref))
        else:
            words.append(piece.text)
    return " ".join("".join(words).split())


def title_of(library: Library, ref: EntityRef) -> str:
    """A one-line name for an entity, with the links of a question or judgment named."""
    item = library.entity(ref)
    text = getattr(item, "text", None)
    if isinstance(text, str):
        return prose_title(library, text, ref.briefing)
    return library.title_of(ref)


def _value_text(field: str, value: object) -> str:
    if field == "kind" and isinstance(value, str):
        return ACTOR_KIND_WORDS.get(value, value.replace("-", " "))
    return str(value)


def _heading(text: str, count: int | None = None) -> Block:
    block = Block().text(text, "heading")
    if count is not None:
        block.text(f"  {count}", "muted")
    return block


def _coordinates(lat: float, lon: float) -> str:
    north = "N" if lat >= 0 else "S"
    east = "E" if lon >= 0 else "W"
    return f"{abs(lat):g}° {north}, {abs(lon):g}° {east}"


# The sections of a dossier


def disagreement_blocks(library: Library, disagreements: dict[str, list[Sourced]]) -> list[Block]:
    """Each field the documents disagree on, each value with the document that gives it."""
    fields = [name for name in DISAGREEING_FIELDS if name in disagreements]
    if not fields:
        return []
    blocks = [_heading("Where the documents disagree")]
    for name in fields:
        block = Block(gap=0).text(f"{name:<9}", "label")
        for index, sourced in enumerate(disagreements[name]):
            if index:
                block.text("  ·  ", "muted")
            block.text(_value_text(name, sourced.value), "warning").text(" in ", "label")
            origin_link(block, library, sourced.origin)
        blocks.append(block)
    return blocks


def relation_blocks(library: Library, views: Sequence[RelationView]) -> list[Block]:
    """Relations both ways: outgoing as written (`backs`), incoming by their inverse label
    (`backed by`); each target a stop, with its span, note and the document saying so."""
    if not views:
        return []
    blocks = [_heading("Relations", len(views))]
    for view in views:
        block = Block(gap=0, briefing=origin_context(library, view.origin))
        block.text(view.label.replace("-", " ") + " ", "label")
        other = relation_target(library, view.other)
        label = library.title_of(other) if other is not None else view.other
        block.link(label, other, target=view.other)
        span = period(view.relation.since, view.relation.until)
        if span:
            block.text(f" ({span})", "muted")
        block.text("  in ", "label")
        origin_link(block, library, view.origin)
        if view.relation.note:
            context = origin_context(library, view.origin)
            prose(block.line().text("    "), library, view.relation.note, context, "muted")
        blocks.append(block)
    return blocks


def event_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """Every event the actor takes part in (or that happens at the place), across briefings,
    in date order: date in its precision, the event as a stop, role, status and briefing."""
    appearances = library.appearances(ref)
    if not appearances:
        return []
    blocks = [_heading("Events", len(appearances))]
    for appearance in appearances:
        event = appearance.event
        event_ref = EntityRef("event", event.id, appearance.briefing)
        cited = tuple(dict.fromkeys(citation.ref for citation in event.sources))
        block = Block(anchor=event_ref, briefing=appearance.briefing, sources=cited)
        # The date a label: a long title wraps under itself, not under the date.
        block.text(human_date(event.date) + "  ", "label")
        block.link(event.title, event_ref, target=str(event_ref)).line()
        block.text("    ")
        if appearance.role:
            block.text(appearance.role, "strong").text(" · ", "muted")
        block.text(event.status, STATUS_ROLES.get(event.status, "muted"))
        block.text(" · in ", "muted")
        origin_link(block, library, appearance.briefing)
        blocks.append(block)
    return blocks


def question_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """The questions about the entity, each a stop (the whole question, which wraps as
    prose), then its status and briefing."""
    questions = library.questions_about(ref)
    if not questions:
        return []
    blocks = [_heading("Questions about it", len(questions))]
    for briefing_id, question in questions:
        question_ref = EntityRef("question", question.id, briefing_id)
        block = Block(anchor=question_ref, briefing=briefing_id)
        block.link(title_of(library, question_ref), question_ref).line().text("    ")
        block.text(question.status, STATUS_ROLES.get(question.status, "muted"))
        block.text(" · in ", "muted")
        origin_link(block, library, briefing_id)
        blocks.append(block)
    return blocks


def briefing_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """The briefings that define, name or link to the entity, newest first, each a stop."""
    mentioning = [b for b in library.briefings_mentioning(ref) if b in library.briefings]
    if not mentioning:
        return []
    blocks = [_heading("Briefings that mention it", len(mentioning))]
    for briefing_id in mentioning:
        briefing = library.briefings[briefing_id]
        block = Block(gap=0, briefing=briefing_id)
        block.text(human_date(briefing.as_of) + "  ", "label")
        ref = EntityRef("briefing", briefing_id)
        block.link(briefing.title, ref, target=briefing_id)  # whole: it wraps under itself
        blocks.append(block)
    return blocks


def linked_from_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """Other places whose prose links to the entity (judgments, descriptions, profiles), which
    the sections above do not already show."""
    shown = {EntityRef("event", a.event.id, a.briefing) for a in library.appearances(ref)}
    shown.update(EntityRef("question", q.id, b) for b, q in library.questions_about(ref))
    mentions = []
    for mention in library.backlinks(ref):
        if mention.field in COVERED_FIELDS or mention.source.kind == "briefing":
            continue
        if mention.source not in shown:
            shown.add(mention.source)
            mentions.append(mention)
    if not mentions:
        return []
    blocks = [_heading("Also linked from", len(mentions))]
    for mention in mentions:
        block = Block(gap=0, briefing=mention.briefing)
        block.text(f"{mention.source.kind:<10}", "label")  # 10: see the line below
        title = shorten(title_of(library, mention.source), TITLE_MAX)
        block.link(title, mention.source, target=str(mention.source))
        if mention.briefing is not None:
            block.line().text(" " * 10 + "in ", "label")
            origin_link(block, library, mention.briefing)
        blocks.append(block)
    return blocks


def connection_blocks(library: Library, ref: EntityRef) -> list[Block]:
    """The sections every dossier ends with: relations both ways, events, questions,
    briefings and other links to the entity."""
    return [
        *relation_blocks(library, library.relations(ref)),
        *event_blocks(library, ref),
        *question_blocks(library, ref),
        *briefing_blocks(library, ref),
        *linked_from_blocks(library, ref),
    ]


# Actors


def actor_dossier(library: Library, record: ActorRecord) -> list[Block]:
    """Name, kind, country, aliases; what each document says; disagreements; relations both
    ways; events; questions; briefings; other links to it."""
    ref = EntityRef("actor", record.id)
    head = Block(anchor=ref).text(record.name, "title").line()
    head.text(_value_text("kind", record.kind), "strong")
    if record.country:
        head.text(" · ", "muted").text(record.country, "strong")
    head.text(" · id ", "muted").text(record.id, "muted")
    if record.aliases:
        head.line().text("also known as ", "label").text(", ".join(record.aliases))
    blocks = [head]
    blocks.extend(disagreement_blocks(library, record.disagreements()))
    blocks.extend(profile_blocks(library, record))
    blocks.extend(connection_blocks(library, ref))
    return blocks


def profile_blocks(library: Library, record: ActorRecord) -> list[Block]:
    """What each document that defines the actor says of it: its profile, read in the
    document's own context, and the name it gives when that differs."""
    blocks = [_heading("What the documents say", len(record.definitions))]
    for actor, origin in record.definitions:
        context = origin_context(library, origin)
        block = Block(briefing=context)
        origin_link(block, library, origin)
        if actor.name != record.name:
            block.text("  as ", "label").text(actor.name, "strong")
        block.line()
        if actor.profile:
            prose(block, library, actor.profile, context)
        else:
            block.text("no profile", "muted")
        blocks.append(block)
    return blocks


# Places


def place_dossier(library: Library, record: PlaceRecord) -> list[Block]:
    """Name, aliases, country, coordinates; the documents that define it; disagreements;
    events there; questions about it; briefings; other links to it."""
    ref = EntityRef("place", record.id)
    head = Block(anchor=ref).text(record.name, "title").line()
    head.text("place", "strong")
    if record.country:
        head.text(" · ", "muted").text(record.country, "strong")
    head.text(" · id ", "muted").text(record.id, "muted")
    coordinates = record.coordinates
    if coordinates is not None:
        head.line().text("at ", "label").text(_coordinates(*coordinates))
    if record.aliases:
        head.line().text("also known as ", "label").text(", ".join(record.aliases))
    blocks = [head]
    blocks.extend(disagreement_blocks(library, record.disagreements()))
    defined = Block().text("Defined in ", "label")
    for index, origin in enumerate(record.origins):
        if index:
            defined.text(", ")
        origin_link(defined, library, origin)
    blocks.append(defined)
    blocks.extend(connection_blocks(library, ref))
    return blocks
