"""The blocks of a briefing's panes (summary, timeline, actors, questions) and of its parts, for
`LinkPage`; other screens reuse the part builders (an event, a question, a citation list)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ...model import dates
from ...model.links import Link, find_links
from ...model.refs import EntityRef
from .link_page import Block

# The model's heavy modules load in the library worker, after the first paint.
if TYPE_CHECKING:
    from ...model.entities import Briefing, Citation, Event, Judgment, Question, Source
    from ...model.library import ActorRecord, Library

LIKELIHOOD_WORDS = {
    "almost-no-chance": "almost no chance",
    "very-unlikely": "very unlikely",
    "unlikely": "unlikely",
    "roughly-even-chance": "roughly even chance",
    "likely": "likely",
    "very-likely": "very likely",
    "almost-certain": "almost certain",
}
STATUS_ROLES = {
    "confirmed": "success",
    "reported": "muted",
    "claimed": "warning",
    "disputed": "warning",
    "rumor": "warning",
    "open": "accent",
    "answered": "success",
    "moot": "muted",
}
LABEL_MAX = 48
"""Longest source title shown in a citation; the sources view shows it whole."""
TITLE_MAX = 64
"""Longest title shown for an unlabelled link in prose (an event's title can be long)."""


def human_date(text: str) -> str:
    """A date in its own precision (`26 Oct 2020`, `Oct 2020`, `~2019`), or as written."""
    try:
        return dates.parse(text).human()
    except ValueError:
        return text


def period(since: str | None, until: str | None) -> str:
    """A relation's time span in words ("since …", "… – …"); empty when it has none."""
    if since and until:
        return f"{human_date(since)} – {human_date(until)}"
    if since:
        return f"since {human_date(since)}"
    if until:
        return f"until {human_date(until)}"
    return ""


def relation_target(library: Library, other: str) -> EntityRef | None:
    """The actor, else the place, a relation points at; None when the library has neither."""
    if other in library.actors:
        return EntityRef("actor", other)
    if other in library.places:
        return EntityRef("place", other)
    return None


def judgment_words(likelihood: str | None, confidence: str | None) -> str:
    """`likely, moderate confidence`: likelihood and confidence as words, kept apart."""
    words = []
    if likelihood:
        words.append(LIKELIHOOD_WORDS.get(likelihood, likelihood))
    if confidence:
        words.append(f"{confidence} confidence")
    return ", ".join(words)


def resolver(library: Library, briefing_id: str | None) -> Callable[[Link], EntityRef | None]:
    """What prose links of `briefing_id` resolve to."""
    return lambda link: library.resolve_link(link, briefing_id)


def prose(block: Block, library: Library, text: str, context: str | None, role: str = "") -> Block:
    """Prose of briefing `context` with its links as stops, unlabelled ones named by title."""
    return block.prose(
        text,
        resolver(library, context),
        role,
        title_of=lambda ref: shorten(library.title_of(ref), TITLE_MAX),
    )


def link_to(block: Block, library: Library, target: str, context: str | None) -> Block:
    """A stop for a bare id of a structured field, labelled with the entity's name."""
    ref = library.resolve(target, context)
    label = library.title_of(ref) if ref is not None else target
    return block.link(label, ref, target=target)


def shorten(text: str, width: int = LABEL_MAX) -> str:
    """One line of at most `width` characters, with an ellipsis where it was cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def citations(
    block: Block,
    library: Library,
    briefing: Briefing,
    cited: Sequence[Citation],
    *,
    lead: str = "Sources: ",
) -> Block:
    """A line of citations, each a stop to its source with its Admiralty grade (`B2`)."""
    if not cited:
        return block
    block.text(lead, "label")
    for index, citation in enumerate(cited):
        if index:
            block.text(", ")
        source = briefing.source(citation.ref)
        ref = EntityRef("source", citation.ref, briefing.id) if source else None
        label = shorten(source.title) if source else citation.ref
        grade = citation.grade(source.reliability if source else None)
        block.link(label, ref, target=citation.ref, sources=(citation.ref,), grade=grade)
        if grade:
            block.text(f" {grade}", "strong")
    return block


def _cited_ids(cited: Iterable[Citation]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(citation.ref for citation in cited))


# The summary pane


def summary_blocks(library: Library, briefing: Briefing) -> list[Block]:
    """Title, date, tags, authors, the summary, the judgments and the sources of a briefing."""
    bid = briefing.id
    ref = EntityRef("briefing", bid)
    head = Block(anchor=ref, briefing=bid).text(briefing.title, "title").line()
    head.text("as of ", "label").text(human_date(briefing.as_of), "strong")
    if briefing.authors:
        head.text("  by ", "label").text(", ".join(briefing.authors))
    if briefing.tags:
        head.line().text(" ".join(f"#{tag}" for tag in briefing.tags), "accent")
    problems = library.problems(bid)
    if problems:
        noun = "problem" if problems == 1 else "problems"
        head.line().text(f"⚠ {problems} {noun} in this file", "warning")
    blocks = [head, prose(Block(briefing=bid), library, briefing.summary, bid)]
    if briefing.judgments:
        blocks.append(Block(briefing=bid).text("Judgments", "heading"))
        blocks.extend(judgment_block(library, briefing, j) for j in briefing.judgments)
    if briefing.sources:
        blocks.append(Block(briefing=bid).text("Sources", "heading"))
        blocks.extend(source_block(briefing.id, source) for source in briefing.sources)
    return blocks


def judgment_block(library: Library, briefing: Briefing, judgment: Judgment) -> Block:
    """A judgment: its text with links, likelihood and confidence in words, its citations."""
    bid = briefing.id
    anchor = EntityRef("judgment", judgment.id, bid) if judgment.id else None
    block = Block(anchor=anchor, briefing=bid, sources=_cited_ids(judgment.sources))
    prose(block.text("▸ ", "accent"), library, judgment.text, bid)
    words = judgment_words(judgment.likelihood, judgment.confidence)
    if words:
        block.line().text(words, "strong")
    if judgment.sources:
        citations(block.line(), library, briefing, judgment.sources)
    return block


def source_block(briefing_id: str, source: Source) -> Block:
    """A source: title, publisher, kind, date published, reliability and address."""
    block = Block(
        anchor=EntityRef("source", source.id, briefing_id),
        briefing=briefing_id,
        sources=(source.id,),
    )
    block.text(source.title, "strong")
    details = [part for part in (source.publisher, source.kind) if part]
    if source.published:
        details.append(human_date(source.published))
    if details:
        block.line().text(" · ".join(details), "muted")
    if source.reliability:
        block.line().text("reliability ", "label").text(source.reliability, "strong")
    if source.url:
        block.line().text(source.url, "muted")
    return block


# The timeline pane


def timeline_blocks(library: Library, briefing: Briefing) -> list[Block]:
    """Every event of the briefing in date order."""
    events = library.timeline(briefing.id)
    if not events:
        return [Block(briefing=briefing.id).text("No events in this briefing.", "muted")]
    return [event_block(library, briefing, event) for event in events]


def event_block(library: Library, briefing: Briefing, event: Event) -> Block:
    """An event: date in its precision, title, status, fatalities, place, actors with roles,
    description, citations with grades."""
    bid = briefing.id
    block = Block(
        anchor=EntityRef("event", event.id, bid), briefing=bid, sources=_cited_ids(event.sources)
    )
    block.text(human_date(event.date), "accent").text("  ").text(event.title, "strong").line()
    block.text(event.status, STATUS_ROLES.get(event.status, "muted"))
    if event.type:
        block.text(" · ", "muted").text(event.type, "muted")
    if event.fatalities is not None:
        block.text(" · ", "muted").text(f"† {event.fatalities.human()}", "error")
    if event.place:
        block.text(" · at ", "muted")
        link_to(block, library, event.place, bid)
    elif event.location:
        block.text(" · at ", "muted").text(event.location)
    if event.actors:
        block.line().text("Actors: ", "label")
        for index, actor in enumerate(event.actors):
            if index:
                block.text(", ")
            ref = EntityRef("actor", actor.ref) if actor.ref in library.actors else None
            label = library.title_of(ref) if ref else actor.ref
            block.link(label, ref, target=actor.ref)
            if actor.role:
                block.text(f" ({actor.role})", "muted")
    if event.date_text:
        block.line().text("dated as “", "label").text(event.date_text, "muted").text("”", "label")
    if event.description:
        prose(block.line(), library, event.description, bid)
    if event.fatalities is not None and event.fatalities.note:
        prose(block.line().text("† ", "label"), library, event.fatalities.note, bid)
    if event.sources:
        citations(block.line(), library, briefing, event.sources)
    return block


# The actors pane


def actors_of(library: Library, briefing: Briefing) -> list[str]:
    """Ids of the actors the briefing defines, then of those it mentions, in first-seen order."""
    seen: dict[str, None] = {actor.id: None for actor in briefing.actors}
    bid = briefing.id

    def mention(ref: EntityRef | None) -> None:
        if ref is not None and ref.kind == "actor":
            seen.setdefault(ref.id, None)

    def mention_prose(text: str | None) -> None:
        for link in find_links(text or ""):
            mention(library.resolve_link(link, bid))

    mention_prose(briefing.summary)
    for judgment in briefing.judgments:
        mention_prose(judgment.text)
    for event in briefing.timeline:
        for actor in event.actors:
            if actor.ref in library.actors:
                seen.setdefault(actor.ref, None)
        mention_prose(event.description)
    for question in briefing.questions:
        for about in question.about:
            mention(library.resolve(about, bid))
        mention_prose(question.text)
        for claim in question.claims:
            mention_prose(claim.text)
        mention_prose(question.answer)
    return [actor_id for actor_id in seen if actor_id in library.actors]


def actors_blocks(library: Library, briefing: Briefing) -> list[Block]:
    """A card for every actor the briefing defines or mentions."""
    ids = actors_of(library, briefing)
    if not ids:
        return [Block(briefing=briefing.id).text("No actors in this briefing.", "muted")]
    defined = {actor.id for actor in briefing.actors}
    return [
        actor_block(library, library.actors[actor_id], briefing.id if actor_id in defined else None)
        for actor_id in ids
    ]


def actor_block(library: Library, record: ActorRecord, context: str | None) -> Block:
    """An actor card: name (a stop to its dossier), kind, country, aliases, profile with links,
    relations with their targets as stops. `context` is the briefing its links resolve in."""
    ref = EntityRef("actor", record.id)
    block = Block(anchor=ref, briefing=context)
    block.link(record.name, ref, target=record.id)
    details = [record.kind]
    if record.country:
        details.append(record.country)
    block.text("  " + " · ".join(details), "muted")
    if record.aliases:
        block.line().text("also ", "label").text(", ".join(record.aliases), "muted")
    if record.profile:
        origin = record.definitions[0][1] if record.definitions else None
        profile_context = context or (origin if origin in library.briefings else None)
        prose(block.line(), library, record.profile, profile_context)
    for view in library.relations(record.id):
        block.line().text("  " + view.label.replace("-", " ") + " ", "label")
        other = relation_target(library, view.other)
        label = library.title_of(other) if other else view.other
        block.link(label, other, target=view.other)
        span = period(view.relation.since, view.relation.until)
        if span:
            block.text(f" ({span})", "muted")
    return block


# The questions pane


def questions_blocks(library: Library, briefing: Briefing) -> list[Block]:
    """Every question of the briefing with its competing claims and answer."""
    if not briefing.questions:
        return [Block(briefing=briefing.id).text("No open questions in this briefing.", "muted")]
    blocks: list[Block] = []
    for question in briefing.questions:
        blocks.extend(question_blocks(library, briefing, question))
    return blocks


def question_blocks(library: Library, briefing: Briefing, question: Question) -> list[Block]:
    """A question: status, text, what it is about (stops), each claim with its sources, the
    answer with likelihood and confidence. Every block is anchored on the question."""
    bid = briefing.id
    anchor = EntityRef("question", question.id, bid)
    head = Block(anchor=anchor, briefing=bid)
    head.text(question.status.upper(), STATUS_ROLES.get(question.status, "muted")).text("  ")
    prose(head, library, question.text, bid, "strong")
    if question.about:
        head.line().text("About: ", "label")
        for index, about in enumerate(question.about):
            if index:
                head.text(", ")
            link_to(head, library, about, bid)
    blocks = [head]
    for number, claim in enumerate(question.claims, start=1):
        claim_block = Block(
            anchor=anchor, briefing=bid, sources=_cited_ids(claim.sources), indent=2, gap=0
        )
        prose(claim_block.text(f"claim {number}: ", "label"), library, claim.text, bid)
        citations(claim_block.line(), library, briefing, claim.sources)
        blocks.append(claim_block)
    words = judgment_words(question.likelihood, question.confidence)
    if question.answer or words:
        answer = Block(anchor=anchor, briefing=bid, indent=2, gap=0).text("answer: ", "label")
        if question.answer:
            prose(answer, library, question.answer, bid)
        if words:
            answer.line().text(words, "strong")
        blocks.append(answer)
    return blocks


PANES: dict[str, Callable[[Library, Briefing], list[Block]]] = {
    "summary": summary_blocks,
    "timeline": timeline_blocks,
    "actors": actors_blocks,
    "questions": questions_blocks,
}
"""Each pane of the main screen and what fills it."""

PANE_OF_KIND = {
    "briefing": "summary",
    "judgment": "summary",
    "source": "summary",
    "event": "timeline",
    "question": "questions",
    "actor": "actors",
}
"""The pane that presents an entity of each kind."""
