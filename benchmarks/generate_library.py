"""Synthetic libraries of N briefings for the scale benchmarks: realistic size and shape.

Each briefing is about 15 KB of valid `briefing/1` YAML: a summary with links, tags, authors,
judgments, a few actors of its own (some re-defining registry actors with extra aliases, so
definitions merge), places shared across briefings, a timeline of dated events with actors,
roles, places and fatalities, open questions with competing claims, and graded sources. All
briefings share one actor registry (`actors.yaml`). Names are varied and many carry diacritics
(Erdoğan, Kılıçdaroğlu, Łódź, al-Ḥalabī...), as real briefings do. The same seed gives the
same library.

    .venv/bin/python benchmarks/generate_library.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

GIVEN = (
    "Recep Tayyip", "Kemal", "Mevlüt", "Hakan", "Ahmet", "Bashar", "Abu Yusuf", "Abu Muhammad",
    "Hayat", "Sergey", "Vladimir", "Nikol", "Ilham", "Łukasz", "Lech", "Antonín", "Zdeněk",
    "François", "Hélène", "José", "Begoña", "João", "Søren", "Åsa", "Jürgen", "Dörte",
    "Ayşe", "Şükrü", "Gülnara", "Nurlan", "Aliaksandr", "Svetlana", "Mahmoud", "Fatima",
    "Ḥasan", "Yūsuf", "Ibrahim", "Omar", "Tariq", "Zeynep", "Emine", "Dragoș", "Ștefan",
)  # fmt: skip
FAMILY = (
    "Erdoğan", "Kılıçdaroğlu", "Çavuşoğlu", "Fidan", "Davutoğlu", "al-Assad", "al-Maghribi",
    "al-Jawlani", "al-Ḥalabī", "al-Masri", "Lavrov", "Shoigu", "Pashinyan", "Aliyev",
    "Wałęsa", "Dvořák", "Novák", "Müller", "Groß", "Peña", "Gonçalves", "Ørsted", "Åberg",
    "Lukashenka", "Tsikhanouskaya", "Haddad", "Khoury", "Nasrallah", "Qasimi", "Öztürk",
    "Yılmaz", "Şahin", "Ionescu", "Bălan", "Ferreira", "Dubois", "Lefèvre", "Kowalczyk",
    "Zieliński", "Horváth", "Szabó", "Nagy", "Kuznetsov", "Popović", "Đorđević",
)  # fmt: skip
ORG_ADJECTIVES = (
    "National", "Popular", "Revolutionary", "Free", "Democratic", "Islamic", "United",
    "Northern", "Southern", "Eastern", "Western", "Liberation", "Sham", "Levant", "Syrian",
    "Kurdish", "Turkmen", "Caucasian", "Baltic", "Danubian",
)  # fmt: skip
ORG_NOUNS = (
    "Front", "Legion", "Brigade", "Army", "Movement", "Council", "Guard", "Division",
    "Coalition", "Committee", "Battalion", "Alliance", "Corps", "Network",
)  # fmt: skip
SYLLABLES = (
    "kaf", "tak", "ha", "rim", "dū", "way", "lī", "ja", "bal", "sar", "aqib", "ma", "ar",
    "rat", "al", "num", "an", "şan", "lı", "ur", "fa", "łó", "dź", "gaz", "ian", "tep",
    "ste", "pa", "na", "kert", "shu", "sha", "man", "bij", "ra", "qa", "der", "zor", "hom",
    "ṣ", "āb", "kır", "şe", "hir", "ğa", "zi", "ös", "ter", "vár",
)  # fmt: skip
COUNTRIES = ("SY", "TR", "RU", "AM", "AZ", "IQ", "LB", "IR", "UA", "BY", "PL", "CZ", "RS")
TAGS = (
    "syria", "idlib", "aleppo", "raqqa", "russia", "turkey", "iran", "caucasus", "karabakh",
    "ukraine", "belarus", "balkans", "air-strikes", "ceasefire", "diplomacy", "sanctions",
    "refugees", "humanitarian", "counter-terrorism", "elections", "protests", "energy",
    "source-criticism", "drones", "border", "militias", "prisoners", "economy",
)  # fmt: skip
ACTOR_KINDS = ("state", "agency", "armed-group", "coalition", "political-org", "person",
               "media", "ngo", "company", "other")  # fmt: skip
RELATIONS = ("part-of", "member-of", "leads", "backs", "affiliated-with", "allied-with",
             "opposes", "negotiates-with", "targets", "split-from", "related-to")  # fmt: skip
ROLES = ("perpetrator", "target", "party", "mediator", "victim")
STATUSES = ("confirmed", "reported", "reported", "claimed", "disputed", "rumor")
LIKELIHOODS = ("almost-no-chance", "very-unlikely", "unlikely", "roughly-even-chance",
               "likely", "very-likely", "almost-certain")  # fmt: skip
CONFIDENCES = ("low", "moderate", "high")
EVENT_TYPES = ("air-strike", "shelling", "drone-strike", "clashes", "raid", "protest",
               "agreement", "statement", "arrest", "convoy", "ambush", "evacuation")  # fmt: skip
PUBLISHERS = ("Reuters", "AFP", "Associated Press", "BBC Monitoring", "Anadolu Ajansı",
              "TASS", "Al Jazeera", "SOHR", "SNHR", "Airwars", "ACLED", "Le Monde",
              "Gazeta Wyborcza", "Der Spiegel", "El País", "Kommersant", "Hürriyet")  # fmt: skip
VERBS = (
    "struck", "shelled", "attacked", "negotiated with", "accused", "met", "warned", "supplied",
    "withdrew from", "reinforced", "targeted", "evacuated", "criticised",
    "signed an agreement with", "denied reports about", "claimed responsibility for",
)  # fmt: skip
NOUNS = ("ceasefire", "convoy", "checkpoint", "training camp", "observation post",
         "border crossing", "supply route", "air base", "refugee camp", "power station",
         "military police patrol", "humanitarian corridor", "prisoner exchange",
         "de-escalation zone", "artillery position", "market", "hospital", "bridge")  # fmt: skip
FILLER = (
    "according to local monitors", "citing officials who asked not to be named",
    "in a statement released the next morning", "amid reports of heavy casualties",
    "despite an earlier agreement", "as talks continued in the capital",
    "while the death toll remained disputed", "after several days of escalating attacks",
    "in what observers called a warning", "although the figures could not be verified",
    "a claim the other side denied", "with the support of drones and artillery",
    "following the collapse of negotiations", "as displaced families fled north",
)  # fmt: skip
QUESTIONS = (
    "How many people were killed in", "Who carried out", "Why did", "Will the agreement on",
    "What did the sides agree about", "Was there a link between", "Who controls",
    "How long will the ceasefire around", "Did foreign fighters take part in",
)  # fmt: skip


def slug(text: str) -> str:
    """A slug of any name: diacritics folded, other characters turned into hyphens."""
    folded = unicodedata.normalize("NFKD", text.translate(str.maketrans("ıłøđßŁØĐ", "iloðsLOD")))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:48].strip("-") or "x"


def scalar(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Registry:
    """The shared actors: what the benchmarks need to make realistic queries."""

    ids: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class GeneratedLibrary:
    """A library written to disk and what queries can be built from."""

    root: Path
    files: list[Path]
    registry: Registry
    briefing_ids: list[str]
    place_names: list[str]
    tags: tuple[str, ...] = TAGS

    @property
    def size(self) -> int:
        """Bytes on disk."""
        return sum(path.stat().st_size for path in self.files)


class Writer:
    """Makes the text of the registry and of each briefing from one random generator."""

    def __init__(self, seed: int, registry_size: int, place_count: int) -> None:
        self.rng = random.Random(seed)
        self.registry = self._make_registry(registry_size)
        self.places = self._make_places(place_count)

    def person(self) -> str:
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"

    def organisation(self) -> str:
        rng = self.rng
        return f"{rng.choice(ORG_ADJECTIVES)} {rng.choice(ORG_ADJECTIVES)} {rng.choice(ORG_NOUNS)}"

    def place_name(self) -> str:
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        return (
            word if rng.random() < 0.6 else f"{rng.choice(('Kafr', 'Jabal', 'Tall', 'Ayn'))} {word}"
        )

    def _make_registry(self, size: int) -> Registry:
        registry = Registry()
        seen: set[str] = set()
        while len(registry.ids) < size:
            name = self.person() if self.rng.random() < 0.55 else self.organisation()
            ident = slug(name)
            if ident in seen:
                continue
            seen.add(ident)
            registry.ids.append(ident)
            registry.names[ident] = name
            registry.aliases[ident] = self._aliases(name)
        return registry

    def _aliases(self, name: str) -> list[str]:
        rng = self.rng
        aliases = []
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if folded != name:
            aliases.append(folded)
        if " " in name and rng.random() < 0.5:
            aliases.append("".join(part[0] for part in name.split() if part[0].isupper()))
        if rng.random() < 0.3:
            aliases.append(name.split()[-1])
        return aliases

    def _make_places(self, count: int) -> list[tuple[str, str]]:
        places: dict[str, str] = {}
        while len(places) < count:
            name = self.place_name()
            places.setdefault(slug(name), name)
        return list(places.items())

    def registry_text(self) -> str:
        rng = self.rng
        lines = ["schema: actors/1", "actors:"]
        for ident in self.registry.ids:
            name = self.registry.names[ident]
            lines.append(f"  - id: {ident}")
            lines.append(f"    name: {scalar(name)}")
            lines.append(f"    kind: {rng.choice(ACTOR_KINDS)}")
            lines.append(f"    country: {rng.choice(COUNTRIES)}")
            if self.registry.aliases[ident]:
                lines.append(
                    f"    aliases: [{', '.join(map(scalar, self.registry.aliases[ident]))}]"
                )
            lines.append(f"    profile: {scalar(self.sentence(2))}")
            if rng.random() < 0.5:
                target = rng.choice(self.registry.ids)
                if target != ident:
                    lines.append("    relations:")
                    lines.append(
                        f"      - {{kind: {rng.choice(RELATIONS)}, target: {target},"
                        f" note: {scalar(self.clause())}}}"
                    )
        return "\n".join(lines) + "\n"

    def link(self) -> str:
        ident = self.rng.choice(self.registry.ids)
        if self.rng.random() < 0.3:
            return f"[[{ident}|{self.registry.names[ident]}]]"
        return f"[[{ident}]]"

    def clause(self) -> str:
        rng = self.rng
        subject = self.registry.names[rng.choice(self.registry.ids)]
        return (
            f"{subject} {rng.choice(VERBS)} the {rng.choice(NOUNS)} near"
            f" {rng.choice(self.places)[1]} {rng.choice(FILLER)}"
        )

    def sentence(self, clauses: int = 1, links: bool = False) -> str:
        rng = self.rng
        parts = []
        for _ in range(clauses):
            text = self.clause()
            if links and rng.random() < 0.5:
                text += f", and {self.link()} {rng.choice(VERBS)} the {rng.choice(NOUNS)}"
            parts.append(text[0].upper() + text[1:] + ".")
        return " ".join(parts)

    def date(self, year: int) -> tuple[str, dt.date]:
        rng = self.rng
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        roll = rng.random()
        if roll < 0.6:
            return f'"{day.isoformat()}"', day
        if roll < 0.8:
            return f"{day.year}-{day.month:02d}", day
        if roll < 0.88:
            return f"{day.isoformat()}~", day
        if roll < 0.95:
            return f"{day.year}-{day.month:02d}?", day
        later = day + dt.timedelta(days=rng.randrange(20, 90))
        return f"{day.year}-{day.month:02d}/{later.year}-{later.month:02d}", day

    def briefing_text(self, index: int) -> tuple[str, str]:
        rng = self.rng
        year = rng.randrange(2015, 2025)
        focus_place = rng.choice(self.places)
        focus_actor = rng.choice(self.registry.ids)
        topic = rng.choice(NOUNS)
        title = f"{focus_place[1]}: {self.registry.names[focus_actor]} and the {topic} ({year})"
        ident = f"b{index:05d}-{slug(focus_place[1])}-{year}"
        tags = rng.sample(TAGS, rng.randint(2, 5))
        out = [
            "schema: briefing/1",
            f"id: {ident}",
            f"title: {scalar(title)}",
            f'as_of: "{year}-12-31"',
            "summary: |",
        ]
        out += [f"  {self.sentence(2, links=True)}" for _ in range(rng.randint(2, 4))]
        out.append(f"tags: [{', '.join(tags)}]")
        out.append(f"authors: [{scalar(self.person())}]")

        source_ids = [f"src-{n + 1}" for n in range(rng.randint(6, 10))]
        out.append("judgments:")
        for n in range(rng.randint(3, 5)):
            out.append(f"  - id: j-{n + 1}")
            out.append(f"    text: {scalar(self.sentence(2, links=True))}")
            out.append(f"    likelihood: {rng.choice(LIKELIHOODS)}")
            out.append(f"    confidence: {rng.choice(CONFIDENCES)}")
            out.append(f"    sources: [{', '.join(rng.sample(source_ids, 2))}]")

        local_actors = []
        out.append("actors:")
        for n in range(rng.randint(2, 4)):
            if n == 0 and rng.random() < 0.4:  # a registry actor given again: definitions merge
                actor = focus_actor
                name = self.registry.names[actor]
                aliases = [f"{name.split()[-1]} ({year})"]
            else:
                name = self.person()
                actor = f"{slug(name)}-{index}-{n}"
                aliases = self._aliases(name)
            local_actors.append(actor)
            out.append(f"  - id: {actor}")
            out.append(f"    name: {scalar(name)}")
            out.append(f"    kind: {rng.choice(ACTOR_KINDS)}")
            if aliases:
                out.append(f"    aliases: [{', '.join(map(scalar, aliases))}]")
            out.append(f"    profile: {scalar(self.sentence(2, links=True))}")
            out.append("    relations:")
            out.append(
                f"      - {{kind: {rng.choice(RELATIONS)},"
                f" target: {rng.choice(self.registry.ids)}}}"
            )

        places = [focus_place, *rng.sample(self.places, rng.randint(1, 3))]
        places = list(dict(places).items())
        out.append("places:")
        for place_id, place_name in places:
            out.append(
                f"  - {{id: {place_id}, name: {scalar(place_name)},"
                f" country: {rng.choice(COUNTRIES)}}}"
            )

        actors_pool = [*local_actors, *rng.sample(self.registry.ids, 6)]
        events = []
        out.append("timeline:")
        for n in range(rng.randint(12, 17)):
            event = f"evt-{n + 1}"
            events.append(event)
            date_text, _ = self.date(year)
            who = rng.sample(actors_pool, rng.randint(1, 3))
            out.append(f"  - id: {event}")
            out.append(f"    date: {date_text}")
            out.append(f"    title: {scalar(self.clause()[:90])}")
            if rng.random() < 0.3:
                out.append(
                    f"    date_text: {scalar(rng.choice(('early', 'late', 'mid')) + ' that month')}"
                )
            out.append("    description: >")
            out.append(f"      {self.sentence(rng.randint(1, 2), links=True)}")
            out.append(f"    type: {rng.choice(EVENT_TYPES)}")
            roles = [
                f"{{ref: {a}, role: {rng.choice(ROLES)}}}" if rng.random() < 0.6 else a for a in who
            ]
            out.append(f"    actors: [{', '.join(roles)}]")
            out.append(f"    place: {rng.choice(places)[0]}")
            if rng.random() < 0.4:
                low = rng.randrange(0, 60)
                out.append(f"    fatalities: {{best: {low + 5}, low: {low}, high: {low + 40}}}")
            out.append(f"    status: {rng.choice(STATUSES)}")
            out.append(
                f"    sources: [{rng.choice(source_ids)},"
                f" {{ref: {rng.choice(source_ids)}, credibility: {rng.randint(1, 6)}}}]"
            )

        out.append("questions:")
        for n in range(rng.randint(4, 6)):
            about = rng.choice(events)
            out.append(f"  - id: q-{n + 1}")
            place = rng.choice(places)[1]
            question = f"{rng.choice(QUESTIONS)} the {rng.choice(NOUNS)} at {place}?"
            out.append(f"    text: {scalar(question)}")
            out.append(f"    status: {rng.choice(('open', 'open', 'answered', 'moot'))}")
            out.append(f"    about: [{about}, {rng.choice(actors_pool)}]")
            out.append("    claims:")
            for _ in range(2):
                out.append(
                    f"      - {{text: {scalar(self.sentence(1))},"
                    f" sources: [{rng.choice(source_ids)}]}}"
                )
        out.append("sources:")
        for source in source_ids:
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            out.append(f"  - id: {source}")
            out.append(f"    title: {scalar(self.clause()[:80])}")
            out.append(f"    publisher: {scalar(rng.choice(PUBLISHERS))}")
            out.append(f'    published: "{day.isoformat()}"')
            out.append(f"    reliability: {rng.choice('ABCDEF')}")
        return ident, "\n".join(out) + "\n"


def generate(
    target: Path, briefings: int, *, seed: int = 0, per_folder: int = 500
) -> GeneratedLibrary:
    """Write a library of `briefings` briefings and one shared actor registry under `target`
    (in sub-folders of `per_folder` files), and describe it."""
    target.mkdir(parents=True, exist_ok=True)
    writer = Writer(
        seed, registry_size=max(200, briefings // 5), place_count=max(100, briefings // 10)
    )
    registry_path = target / "actors.yaml"
    registry_path.write_text(writer.registry_text(), encoding="utf-8")
    files = [registry_path]
    ids = []
    for index in range(briefings):
        folder = target / f"part-{index // per_folder:03d}"
        folder.mkdir(exist_ok=True)
        ident, text = writer.briefing_text(index)
        path = folder / f"{ident}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        ids.append(ident)
    return GeneratedLibrary(
        target, files, writer.registry, ids, [name for _, name in writer.places]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("briefings", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    library = generate(args.out, args.briefings, seed=args.seed)
    print(f"{len(library.files)} files, {library.size / 1e6:.1f} MB in {library.root}")


if __name__ == "__main__":
    main()
