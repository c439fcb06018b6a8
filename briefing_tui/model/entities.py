"""The entities of the briefing format (`briefing/1`, `actors/1`) as validated, immutable models.

One definition serves three ends: validation with every error located by its field path,
typed objects for the rest of the model, and the JSON Schema that editors use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from . import dates
from .prose import BODIES, LABELS, STORE_KEY, ProseField

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MAX = 64

ACTOR_KINDS = (
    "state",
    "agency",
    "armed-group",
    "coalition",
    "political-org",
    "person",
    "media",
    "ngo",
    "company",
    "other",
)
RELATION_INVERSES: dict[str, str] = {
    "part-of": "has part",
    "member-of": "has member",
    "leads": "led by",
    "backs": "backed by",
    "affiliated-with": "affiliated with",
    "allied-with": "allied with",
    "opposes": "opposes",
    "negotiates-with": "negotiates with",
    "targets": "targeted by",
    "split-from": "split off",
    "related-to": "related to",
}
"""Known relation kinds and the label shown on the target's side."""
EVENT_ROLES = ("perpetrator", "target", "party", "mediator", "victim")
EVENT_STATUSES = ("confirmed", "reported", "claimed", "disputed", "rumor")
QUESTION_STATUSES = ("open", "answered", "moot")
LIKELIHOODS = (
    "almost-no-chance",
    "very-unlikely",
    "unlikely",
    "roughly-even-chance",
    "likely",
    "very-likely",
    "almost-certain",
)
CONFIDENCES = ("low", "moderate", "high")
RELIABILITIES = ("A", "B", "C", "D", "E", "F")

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
KebabKind = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Prose = str
ActorKind = Literal[
    "state",
    "agency",
    "armed-group",
    "coalition",
    "political-org",
    "person",
    "media",
    "ngo",
    "company",
    "other",
]
Role = Literal["perpetrator", "target", "party", "mediator", "victim"]
EventStatus = Literal["confirmed", "reported", "claimed", "disputed", "rumor"]
QuestionStatus = Literal["open", "answered", "moot"]
Likelihood = Literal[
    "almost-no-chance",
    "very-unlikely",
    "unlikely",
    "roughly-even-chance",
    "likely",
    "very-likely",
    "almost-certain",
]
Confidence = Literal["low", "moderate", "high"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]


def _not_a_bool(value: Any) -> Any:
    # Literal[1, ...] accepts True, since True == 1 in Python; in YAML it is a mistake.
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not one of 1, 2, 3, 4, 5, 6")
    return value


Credibility = Annotated[Literal[1, 2, 3, 4, 5, 6], BeforeValidator(_not_a_bool)]


def _date_to_text(value: Any) -> Any:
    """YAML turns `2020-10-26` into a date and `2020` into an int: both mean the string."""
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return dates.normalize(value)
    return value


def _check_date(value: str) -> str:
    dates.parse(value)  # raises DateError (a ValueError), which pydantic reports at the field
    return value


_EDTF_ONE = (
    r"(\.\.|[0-9X]{4}(-[0-9X]{2}(-[0-9X]{2})?)?"
    r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?[?~%]?)?"
)
_EDTF_JSON_PATTERN = f"^{_EDTF_ONE}(/{_EDTF_ONE})?$"

EdtfText = Annotated[
    str,
    BeforeValidator(_date_to_text),
    AfterValidator(_check_date),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optional ?/~/% qualifier, "
            "or an interval A/B with .. for an open end",
            "pattern": _EDTF_JSON_PATTERN,
        }
    ),
]


class Entity(BaseModel):
    """Base of every format object: unknown fields are refused, values never change."""

    # strict: YAML already gives real types; `lat: "36.5"` or `credibility: true` is a mistake.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    # Compared and hashed by what their fields read, not by what their `__dict__` holds: a
    # model loaded through the cache holds its stored prose as indexes (see `STORED_PROSE`).
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        if other.__class__ is not self.__class__:
            return False
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in type(self).model_fields))

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, info in type(self).model_fields.items():
            if info.repr:
                yield name, getattr(self, name)

    # pydantic's serializer reads `__dict__`, not the fields: it is given a readable copy.
    def model_dump(self, **options: Any) -> dict[str, Any]:
        return BaseModel.model_dump(self.readable(), **options)

    def model_dump_json(self, **options: Any) -> str:
        return BaseModel.model_dump_json(self.readable(), **options)

    def readable(self) -> Self:
        """This model with every text in its fields, however it keeps them."""
        values = {name: _readable(getattr(self, name)) for name in type(self).model_fields}
        return self.model_construct(self.model_fields_set, **values)


def _readable(value: Any) -> Any:
    if isinstance(value, Entity):
        return value.readable()
    if isinstance(value, list):
        return [_readable(item) for item in value]
    return value


class Citation(Entity):
    """A citation of a source: its id and, optionally, the credibility of this claim (1–6)."""

    ref: Slug
    credibility: Credibility | None = None

    def grade(self, reliability: str | None) -> str:
        """The Admiralty grade, e.g. `B2`; unknown parts shown as `?`... only when one is known."""
        if reliability is None and self.credibility is None:
            return ""
        return f"{reliability or '?'}{self.credibility or '?'}"


def _bare_ref(value: Any) -> Any:
    return {"ref": value} if isinstance(value, str) else value


CitationItem = Annotated[
    Citation, BeforeValidator(_bare_ref, json_schema_input_type=Slug | Citation)
]


class Relation(Entity):
    """A directed relation from the actor that holds it to `target`."""

    kind: KebabKind
    target: Slug
    since: EdtfText | None = None
    until: EdtfText | None = None
    note: Prose | None = None
    sources: list[CitationItem] = Field(default_factory=list)


class Actor(Entity):
    """A state, armed group, agency, person…: global to the library by its id."""

    id: Slug
    name: str
    kind: ActorKind
    aliases: list[str] = Field(default_factory=list)
    country: CountryCode | None = None
    profile: Prose | None = None
    relations: list[Relation] = Field(default_factory=list)


class Place(Entity):
    """A place, global to the library by its id."""

    id: Slug
    name: str
    country: CountryCode | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    aliases: list[str] = Field(default_factory=list)


class EventActor(Entity):
    """An actor taking part in an event, with its role when one is given."""

    ref: Slug
    role: Role | None = None


EventActorItem = Annotated[
    EventActor, BeforeValidator(_bare_ref, json_schema_input_type=Slug | EventActor)
]


class Fatalities(Entity):
    """Deaths as reported: a best figure and/or a range, with a note."""

    best: Annotated[int, Field(ge=0)] | None = None
    low: Annotated[int, Field(ge=0)] | None = None
    high: Annotated[int, Field(ge=0)] | None = None
    note: Prose | None = None

    @model_validator(mode="after")
    def _range_in_order(self) -> Fatalities:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self

    def human(self) -> str:
        """`43`, `37–100`, `43 (37–100)`."""
        span = ""
        if self.low is not None or self.high is not None:
            span = (
                f"{'' if self.low is None else self.low}–{'' if self.high is None else self.high}"
            )
        if self.best is not None:
            return f"{self.best} ({span})" if span else str(self.best)
        return span or "unknown"


def _bare_fatalities(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"best": value}
    return value


FatalitiesField = Annotated[
    Fatalities,
    BeforeValidator(
        _bare_fatalities, json_schema_input_type=Annotated[int, Field(ge=0)] | Fatalities
    ),
]


class Event(Entity):
    """An entry of a briefing's timeline."""

    id: Slug
    date: EdtfText
    title: str
    date_text: str | None = None
    description: Prose | None = None
    type: str | None = None
    actors: list[EventActorItem] = Field(default_factory=list)
    place: Slug | None = None
    location: str | None = None
    fatalities: FatalitiesField | None = None
    status: EventStatus = "reported"
    sources: list[CitationItem] = Field(default_factory=list)


class Claim(Entity):
    """One competing answer to a question, with the sources that make it."""

    text: Prose
    sources: Annotated[list[CitationItem], Field(min_length=1)]


class Question(Entity):
    """An open (or answered, or moot) question of a briefing."""

    id: Slug
    text: Prose
    status: QuestionStatus = "open"
    about: list[Slug] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    answer: Prose | None = None
    likelihood: Likelihood | None = None
    confidence: Confidence | None = None


class Source(Entity):
    """A source cited by the briefing, graded for reliability (A–F)."""

    id: Slug
    title: str
    publisher: str | None = None
    kind: str | None = None
    url: str | None = None
    published: EdtfText | None = None
    reliability: Reliability | None = None


class Judgment(Entity):
    """An analytic judgment, with likelihood and confidence kept apart (ICD 203)."""

    id: Slug | None = None
    text: Prose
    likelihood: Likelihood | None = None
    confidence: Confidence | None = None
    sources: list[CitationItem] = Field(default_factory=list)


class Briefing(Entity):
    """A briefing document (`schema: briefing/1`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        json_schema_extra={"title": "briefing/1"},
    )

    schema_: Literal["briefing/1"] = Field(alias="schema")
    id: Slug
    title: str
    as_of: EdtfText
    summary: Prose
    tags: list[Slug] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    judgments: list[Judgment] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)

    def source(self, source_id: str) -> Source | None:
        """The source of this briefing with that id, if there is one."""
        for source in self.sources:
            if source.id == source_id:
                return source
        return None


class ActorRegistry(Entity):
    """An actor registry document (`schema: actors/1`): actors shared by many briefings."""

    schema_: Literal["actors/1"] = Field(alias="schema")
    actors: list[Actor] = Field(default_factory=list)


STORED_PROSE: dict[type[Entity], tuple[str, ...]] = {
    Relation: ("note",),
    Actor: ("profile",),
    Fatalities: ("note",),
    Event: ("title", "description"),
    Claim: ("text",),
    Question: ("text", "answer"),
    Source: ("title", "url"),
    Judgment: ("text",),
    Briefing: ("summary",),
}
"""The long text fields a document loaded through the cache keeps compressed (`prose`). Not a
briefing's title: the library list shows and sorts every one of them."""

PROSE_LABELS: frozenset[tuple[type[Entity], str]] = frozenset(
    ((Event, "title"), (Question, "text"), (Source, "title"))
)
"""Stored prose that pages of other briefings show (an actor's dossier lists every event and
question it is in), kept apart from the rest: a dossier then decompresses only these, a third
of a briefing's text."""

for _model, _names in STORED_PROSE.items():
    for _name in _names:
        _part = LABELS if (_model, _name) in PROSE_LABELS else BODIES
        setattr(_model, _name, ProseField(_name, _part))


def _share_keys(model: type[Entity]) -> None:
    """Give the instances of `model` one shared table of keys, whoever makes the first one.

    CPython gives each instance a `__dict__` that shares its keys with the class's other
    instances (half the size of a dict of its own), but shrinks the room for keys a little
    with every instance dict made. pydantic makes its validated models' dicts without filling
    that table, so after a few hundred validations it has no room left, and every model the
    cache then makes (`cache.ModelBuilder`) gets a dict of its own: 12 MB more at 2,000
    briefings. One instance made now, with every field, fills the table once and for all.
    """
    fields = object.__new__(model).__dict__
    for name in model.model_fields:
        fields[name] = None
    if model in STORED_PROSE:
        fields[STORE_KEY] = None


for _model in Entity.__subclasses__():
    _share_keys(_model)

BRIEFING_FIELDS = tuple((f.alias or name) for name, f in Briefing.model_fields.items())
"""The top-level keys a briefing may have, as written in YAML."""
