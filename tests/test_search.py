"""The search index: ranking, filters, folding, fuzzy names, snippets, incremental updates."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_tui.model import loader
from briefing_tui.model import search as search_module
from briefing_tui.model.document import Document
from briefing_tui.model.library import Library
from briefing_tui.model.query import QueryError
from briefing_tui.model.refs import EntityRef
from briefing_tui.model.search import (
    FORMAT_VERSION,
    Hit,
    SearchIndex,
    fold,
    index_location,
    library_files,
    similarity,
)

REGISTRY = """\
schema: actors/1
actors:
  - id: russia
    name: Russia
    kind: state
    country: RU
    aliases: [Russian Federation]
    profile: >
      A large state whose forces have fought in Syria since 2015, backing the government in
      Damascus with air power, military police, advisers, contractors and diplomatic cover at
      the Security Council, and which brokers talks with Turkey and Iran in the Astana format.
  - id: sergey-lavrov
    name: Sergey Lavrov
    kind: person
    profile: Foreign minister of russia; russia's voice on russia and Russia.
  - id: turkey
    name: Turkey
    kind: state
    country: TR
  - id: recep-tayyip-erdogan
    name: Recep Tayyip Erdoğan
    kind: person
    aliases: [Erdogan]
    profile: President of [[turkey]].
  - id: kemal-kilicdaroglu
    name: Kemal Kılıçdaroğlu
    kind: person
  - id: faylaq-al-sham
    name: Faylaq al-Sham
    kind: armed-group
    aliases: [Sham Legion]
    relations:
      - kind: opposes
        target: bashar-al-assad
        note: Fights the government of [[bashar-al-assad]].
  - id: bashar-al-assad
    name: Bashar al-Assad
    kind: person
"""

IDLIB = """\
schema: briefing/1
id: idlib-2020
title: Idlib strike of October 2020
as_of: "2020-11-01"
summary: Russia struck a camp of [[faylaq-al-sham]] near the border; see [[evt-strike]].
tags: [syria, idlib]
authors: [Jane Analyst]
judgments:
  - id: j-warning
    text: Moscow meant the strike as a warning to [[turkey]].
    likelihood: likely
  - text: An unnamed judgment about deterrence.
actors:
  - id: abu-yusuf-al-maghribi
    name: Abu Yusuf al-Maghribi
    kind: person
    profile: A Hurras al-Din figure.
  - id: russia
    name: Russia
    kind: state
    aliases: [Rossiya]
    profile: Ally of the Syrian government.
places:
  - {id: jabal-al-duwayli, name: Jabal al-Duwayli, aliases: [Duwayli], country: SY}
timeline:
  - id: evt-strike
    date: "2020-10-26"
    title: Russian air strike on a training camp
    date_text: October twenty-sixth this year
    description: Aircraft of [[russia]] struck a camp of [[faylaq-al-sham]]; dozens were killed.
    type: air-strike
    actors: [{ref: russia, role: perpetrator}, {ref: faylaq-al-sham, role: target}]
    place: jabal-al-duwayli
    status: confirmed
  - id: evt-call
    date: 2020-10-27
    title: Erdoğan and Putin speak by telephone
    actors: [recep-tayyip-erdogan, russia]
    location: by telephone
  - id: evt-us-strike
    date: 2020-10-15
    title: Drone attack near Idlib
    description: The article names "Abu Youssef Al Maghrebi" among the dead.
    actors: [abu-yusuf-al-maghribi]
    status: claimed
  - id: evt-channel
    date: 2020-09/2020-10
    title: Rumoured channel between factions
    description: "Rumours of a channel; \\x1b[31mred\\x1b[0m text stays inert."
    status: rumor
questions:
  - id: q-toll
    text: How many died in the strike of 26 October?
    about: [evt-strike, faylaq-al-sham]
    claims:
      - {text: "At least 37 fighters, per SNHR.", sources: [src-snhr]}
      - {text: "More than 100 dead, per the article.", sources: [src-article]}
  - id: q-deal
    text: Was the September agreement revoked?
    status: answered
    answer: No agreement was revoked.
sources:
  - id: src-snhr
    title: SNHR count of the dead
    publisher: Syrian Network for Human Rights
    reliability: B
    published: "2020-10-27"
  - {id: src-article, title: Turkey ups the pressure, publisher: A news site, published: "2020-10"}
"""

KARABAKH = """\
schema: briefing/1
id: karabakh-2020
title: Nagorno-Karabakh ceasefire
as_of: "2020-11-10"
summary: |
  [[russia]] brokered a ceasefire between Armenia and Azerbaijan after six weeks of war.
tags: [caucasus]
timeline:
  - id: evt-signing
    date: "2020-11-09"
    title: Ceasefire statement signed in Moscow
    actors: [russia]
    status: confirmed
  - id: evt-shusha
    date: 2020-11~
    title: Shusha falls
    location: Shusha
"""

OLDER = """\
schema: briefing/1
id: khan-shaykhun-2019
title: Khan Shaykhun offensive
as_of: 2019-09
summary: Government forces took Khan Shaykhun.
tags: [syria]
timeline:
  - id: evt-offensive
    date: 2019-08
    title: Offensive on Khan Shaykhun
    actors: [bashar-al-assad]
"""

BROKEN = "schema: briefing/1\nid: broken\ntitle: [unclosed\n"


def write_library(folder: Path) -> Path:
    """The test library, written under folder/lib."""
    root = folder / "lib"
    (root / "syria").mkdir(parents=True)
    (root / "actors.yaml").write_text(REGISTRY, encoding="utf-8")
    (root / "syria" / "idlib-2020.yaml").write_text(IDLIB, encoding="utf-8")
    (root / "syria" / "khan-shaykhun-2019.yaml").write_text(OLDER, encoding="utf-8")
    (root / "karabakh-2020.yaml").write_text(KARABAKH, encoding="utf-8")
    (root / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def library_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_library(tmp_path_factory.mktemp("search"))


@pytest.fixture(scope="module")
def index(library_root: Path) -> Iterator[SearchIndex]:
    with SearchIndex([library_root], use_cache=False) as built:
        built.update()
        yield built


def ids(hits: list[Hit]) -> list[str]:
    return [hit.id for hit in hits]


def first(index: SearchIndex, query: str) -> Hit:
    hits = index.search(query)
    assert hits, f"no hit for {query!r}"
    return hits[0]


# ----------------------------------------------------------------------------- ranking


def test_every_entity_of_every_kind_is_indexed(index: SearchIndex) -> None:
    kinds = {hit.kind for hit in index.search("-zzzz", limit=500)}
    assert kinds == {"briefing", "actor", "place", "event", "question", "source", "judgment"}


def test_a_name_hit_beats_a_profile_hit(index: SearchIndex) -> None:
    # Lavrov's short profile says russia four times; Russia's own profile is long.
    hits = index.search("russia kind:actor")
    assert ids(hits)[:2] == ["russia", "sergey-lavrov"]
    assert hits[0].score > hits[1].score


def test_a_name_hit_beats_a_summary_hit(index: SearchIndex) -> None:
    hits = index.search("faylaq")
    assert hits[0].id == "faylaq-al-sham"
    assert "idlib-2020" in ids(hits)  # its summary links to it


def test_an_alias_finds_the_actor_first(index: SearchIndex) -> None:
    assert first(index, '"sham legion"').id == "faylaq-al-sham"
    assert first(index, "duwayli").id == "jabal-al-duwayli"


def test_actors_merge_across_documents(index: SearchIndex, library_root: Path) -> None:
    hit = first(index, "rossiya")  # an alias only the briefing's definition gives
    assert (hit.kind, hit.id) == ("actor", "russia")
    assert [h.id for h in index.search("kind:actor russia") if h.id == "russia"] == ["russia"]
    assert set(hit.defined_in) == {"idlib-2020", os.path.join(str(library_root), "actors.yaml")}


def test_hits_are_sorted_best_first(index: SearchIndex) -> None:
    hits = index.search("strike")
    assert len(hits) > 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_diacritics_are_folded_both_ways(index: SearchIndex) -> None:
    assert first(index, "erdogan").id == "recep-tayyip-erdogan"
    assert "evt-call" in ids(index.search("erdogan"))  # the title says Erdoğan
    assert first(index, "Erdoğan").id == "recep-tayyip-erdogan"
    assert first(index, "kilicdaroglu").id == "kemal-kilicdaroglu"  # ı has no decomposition


def test_english_stemming(index: SearchIndex) -> None:
    assert "evt-strike" in ids(index.search("strikes"))
    assert "evt-strike" in ids(index.search("killing"))  # "were killed"
    assert "evt-call" in ids(index.search("speaking"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("faylaw", "faylaq-al-sham"),
        ("bashard", "bashar-al-assad"),
        ("erdgan", "recep-tayyip-erdogan"),
        ("maghrebi", "abu-yusuf-al-maghribi"),  # though an event's prose has "Maghrebi"
        ("alsham", "faylaq-al-sham"),
        ("kilicd", "kemal-kilicdaroglu"),
        ("bashard assad", "bashar-al-assad"),
    ],
)
def test_a_misspelt_name_finds_the_entity_first(
    index: SearchIndex, query: str, expected: str
) -> None:
    hits = index.search(query)
    assert hits[0].id == expected
    assert any(is_hit for _, is_hit in hits[0].spans)


def test_maghrebi_still_finds_the_prose_that_says_it(index: SearchIndex) -> None:
    assert ids(index.search("maghrebi"))[:2] == ["abu-yusuf-al-maghribi", "evt-us-strike"]


def test_a_name_spelt_right_keeps_near_names_after_exact_hits(index: SearchIndex) -> None:
    hits = index.search("assad")
    assert hits[0].id == "bashar-al-assad"


def test_fuzzy_names_respect_filters_and_exclusions(index: SearchIndex) -> None:
    assert index.search("erdgan kind:event") == []
    assert index.search("erdgan -president") == []
    assert ids(index.search("erdgan kind:actor")) == ["recep-tayyip-erdogan"]


def test_unrelated_words_find_nothing(index: SearchIndex) -> None:
    assert index.search("zanzibar") == []


def test_similarity_and_fold() -> None:
    assert fold("Kılıçdaroğlu Ørsted Straße") == "kilicdaroglu orsted strasse"
    assert similarity("erdgan", "erdogan") > 0.9
    assert similarity("faylaw", "faylaq") > 0.8
    assert similarity("strike", "erdogan") < 0.5


# ----------------------------------------------------------------------------- syntax


def test_phrase(index: SearchIndex) -> None:
    # The briefing's summary links to the event, and shows (and is found by) its title.
    assert ids(index.search('"training camp"')) == ["evt-strike", "idlib-2020"]
    assert index.search('"camp training"') == []


def test_prefix(index: SearchIndex) -> None:
    assert first(index, "duway*").id == "jabal-al-duwayli"
    assert "evt-signing" in ids(index.search("ceasef*"))


def test_exclusion(index: SearchIndex) -> None:
    assert "evt-strike" in ids(index.search("strike"))
    assert "evt-strike" not in ids(index.search("strike -training"))
    assert "evt-strike" not in ids(index.search("-training", limit=500))


def test_or(index: SearchIndex) -> None:
    assert set(ids(index.search("shusha OR telephone kind:event"))) == {"evt-shusha", "evt-call"}


def test_bad_queries_raise_query_error_never_sqlite_errors(index: SearchIndex) -> None:
    for text in ('"open', "color:red", "kind:army", "after:2020-13", "", "a OR"):
        with pytest.raises(QueryError):
            index.search(text)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            ["strike", "erdgan", '"camp', "OR", "-", "kind:event", "-in:idlib-2020", "(", ")",
             "after:2020-10", "tag:syria", "actor:russia", "*", "status:open", "ğ", " "]
        ),
        max_size=8,
    ).map(" ".join)
)  # fmt: skip
def test_any_query_gives_hits_or_a_query_error(index: SearchIndex, text: str) -> None:
    try:
        hits = index.search(text)
    except QueryError:
        return
    assert all(isinstance(hit, Hit) for hit in hits)


# ----------------------------------------------------------------------------- filters


def kinds_and_ids(hits: list[Hit]) -> set[tuple[str, str]]:
    return {(hit.kind, hit.id) for hit in hits}


def test_kind_filter_and_its_negation(index: SearchIndex) -> None:
    assert {h.kind for h in index.search("strike kind:event")} == {"event"}
    assert "event" not in {h.kind for h in index.search("strike -kind:event")}
    assert {h.kind for h in index.search("kind:actor OR kind:place", limit=100)} == {
        "actor",
        "place",
    }


def test_in_filter_and_its_negation(index: SearchIndex) -> None:
    hits = index.search("in:karabakh-2020", limit=100)
    assert kinds_and_ids(hits) == {
        ("briefing", "karabakh-2020"),
        ("event", "evt-signing"),
        ("event", "evt-shusha"),
        ("actor", "russia"),  # named there, defined in the registry
    }
    outside = index.search("-in:karabakh-2020 kind:event", limit=100)
    assert not {"evt-signing", "evt-shusha"} & set(ids(outside))
    assert "evt-strike" in ids(outside)


def test_tag_filter_and_its_negation(index: SearchIndex) -> None:
    tagged = index.search("tag:syria kind:briefing")
    assert set(ids(tagged)) == {"idlib-2020", "khan-shaykhun-2019"}
    assert ("event", "evt-offensive") in kinds_and_ids(index.search("tag:syria", limit=100))
    assert set(ids(index.search("-tag:syria kind:briefing"))) == {"karabakh-2020"}


def test_status_filter_and_its_negation(index: SearchIndex) -> None:
    assert ids(index.search("status:open")) == ["q-toll"]
    assert ids(index.search("status:rumor")) == ["evt-channel"]
    assert set(ids(index.search("status:reported"))) == {"evt-call", "evt-offensive", "evt-shusha"}
    assert ids(index.search("-status:open kind:question")) == ["q-deal"]


def test_actor_filter_and_its_negation(index: SearchIndex) -> None:
    linked = kinds_and_ids(index.search("actor:faylaq-al-sham", limit=100))
    assert linked == {
        ("actor", "faylaq-al-sham"),  # itself
        ("event", "evt-strike"),  # takes part
        ("question", "q-toll"),  # the question is about it
        ("briefing", "idlib-2020"),  # mentions it
    }
    assert ("actor", "faylaq-al-sham") in kinds_and_ids(index.search("actor:bashar-al-assad"))
    assert "evt-strike" not in ids(index.search("-actor:faylaq-al-sham kind:event"))
    assert "evt-call" in ids(index.search("-actor:faylaq-al-sham kind:event"))


def test_actor_filter_follows_links_in_prose(index: SearchIndex) -> None:
    assert ("judgment", "j-warning") in kinds_and_ids(index.search("actor:turkey"))


def test_after_and_before_compare_bounds(index: SearchIndex) -> None:
    after = set(ids(index.search("kind:event after:2020-10", limit=100)))
    # evt-channel (2020-09/2020-10) may reach into October; the 2019 offensive cannot.
    assert after == {"evt-strike", "evt-call", "evt-us-strike", "evt-channel", "evt-signing",
                     "evt-shusha"}  # fmt: skip
    assert set(ids(index.search("kind:event after:2020-10-27", limit=100))) == {
        "evt-channel",
        "evt-call",
        "evt-signing",
        "evt-shusha",
    }
    before = set(ids(index.search("kind:event before:2020-09", limit=100)))
    assert before == {"evt-offensive", "evt-channel"}
    assert ids(index.search("kind:briefing after:2020-11-05")) == ["karabakh-2020"]
    assert ids(index.search("kind:source before:2020-10-15")) == ["src-article"]


def test_negated_date_filter_keeps_what_the_filter_drops(index: SearchIndex) -> None:
    assert set(ids(index.search("kind:event -after:2020-10", limit=100))) == {"evt-offensive"}
    # Undated entities never pass a date filter, so its negation keeps them.
    assert "q-toll" in ids(index.search("-after:2000", limit=100))
    assert index.search("q-toll after:2000") == []


def test_filters_combine_with_words(index: SearchIndex) -> None:
    assert ids(index.search("strike kind:event in:idlib-2020 after:2020-10-20")) == ["evt-strike"]


# ----------------------------------------------------------------------------- hits


def test_hit_fields_and_lines(index: SearchIndex, library_root: Path) -> None:
    hit = first(index, '"training camp"')
    path = library_root / "syria" / "idlib-2020.yaml"
    assert (hit.kind, hit.id, hit.briefing) == ("event", "evt-strike", "idlib-2020")
    assert hit.title == "Russian air strike on a training camp"
    assert hit.path == os.path.join(str(library_root), "syria", "idlib-2020.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[hit.line - 1] == "  - id: evt-strike"
    assert hit.ref == EntityRef("event", "evt-strike", "idlib-2020")
    assert set(hit.to_json()) == {"id", "kind", "briefing", "title", "path", "line", "score",
                                  "snippet"}  # fmt: skip


def test_registry_actor_lines_and_refs(index: SearchIndex, library_root: Path) -> None:
    hit = first(index, "lavrov")
    lines = (library_root / "actors.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[hit.line - 1] == "  - id: sergey-lavrov"
    assert hit.briefing is None
    assert hit.ref == EntityRef("actor", "sergey-lavrov")


def test_unnamed_judgment_opens_its_briefing(index: SearchIndex) -> None:
    hit = first(index, "deterrence")
    assert (hit.kind, hit.id) == ("judgment", "judgments[1]")
    assert hit.ref == EntityRef("briefing", "idlib-2020")


def test_snippet_spans_mark_the_hit_terms(index: SearchIndex) -> None:
    hit = first(index, "dozens")
    marked = [text for text, is_hit in hit.spans if is_hit]
    assert marked == ["dozens"]
    assert hit.snippet == "".join(text for text, _ in hit.spans)
    assert "dozens were killed" in hit.snippet
    assert "[[" not in hit.snippet  # links shown by their label or id


def test_snippet_marks_stemmed_and_folded_forms(index: SearchIndex) -> None:
    hit = first(index, "erdogan telephone")
    assert [text for text, is_hit in hit.spans if is_hit] == ["Erdoğan", "telephone"]


def test_snippet_of_a_fuzzy_hit_marks_the_near_name(index: SearchIndex) -> None:
    hit = first(index, "faylaw")
    assert [text for text, is_hit in hit.spans if is_hit] == ["Faylaq"]


def test_snippets_are_one_line_and_free_of_control_characters(index: SearchIndex) -> None:
    hit = first(index, "inert")
    assert "\x1b" not in hit.snippet
    assert "␛[31mred" in hit.snippet
    for hit in index.search("-zzzz", limit=500):
        assert all(ord(ch) >= 32 for text, _ in hit.spans for ch in text), hit
        assert all(ord(ch) >= 32 for ch in hit.title), hit


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("strike", limit=2)) == 2
    assert index.search("strike", limit=0) == []


def test_broken_documents_are_skipped(index: SearchIndex) -> None:
    assert index.search("unclosed") == []


# ----------------------------------------------------------------------------- storage


@pytest.fixture
def cached(tmp_path: Path) -> tuple[Path, Path]:
    return write_library(tmp_path), tmp_path / "cache"


class CountingLoader:
    """The real loader, counting the files it reads."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> Document:
        self.paths.append(path)
        return loader.load_document(path)


def reopen(root: Path, cache: Path, load: CountingLoader | None = None) -> SearchIndex:
    index = SearchIndex([root], cache_dir=cache)
    index.update(load)
    return index


def test_the_index_lives_in_the_cache_and_never_in_the_library(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    before = sorted(p.name for p in root.rglob("*"))
    with reopen(root, cache) as index:
        assert index.persistent
        assert index.location == index_location([root], cache)
        assert index.location is not None and index.location.is_file()
        assert cache in index.location.parents
    assert sorted(p.name for p in root.rglob("*")) == before


def test_the_cache_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    location = index_location([tmp_path])
    assert location.is_relative_to(tmp_path / "xdg" / "briefing-tui")


def test_one_database_per_library(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = index_location([tmp_path / "a"], tmp_path), index_location([tmp_path / "b"], tmp_path)
    assert a != b
    both = index_location([tmp_path / "a", tmp_path / "b"], tmp_path)
    assert both == index_location([tmp_path / "b", str(tmp_path / "a") + "/"], tmp_path)


def test_a_warm_open_reads_no_file(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    reopen(root, cache).close()
    counting = CountingLoader()
    with reopen(root, cache, counting) as index:
        assert counting.paths == []
        assert first(index, "erdgan").id == "recep-tayyip-erdogan"


def test_a_changed_file_is_read_again_alone(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        assert ids(index.search("shusha kind:event")) == ["evt-shusha"]
    path = root / "karabakh-2020.yaml"
    path.write_text(KARABAKH.replace("Shusha falls", "Shushi falls"), encoding="utf-8")
    counting = CountingLoader()
    with reopen(root, cache, counting) as index:
        assert [p.name for p in counting.paths] == ["karabakh-2020.yaml"]
        assert ids(index.search("shushi")) == ["evt-shusha"]
        assert index.search('"shusha falls"') == []


def test_a_file_with_a_new_mtime_alone_is_read_again(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    reopen(root, cache).close()
    path = root / "karabakh-2020.yaml"
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    counting = CountingLoader()
    reopen(root, cache, counting).close()
    assert [p.name for p in counting.paths] == ["karabakh-2020.yaml"]
    counting = CountingLoader()
    reopen(root, cache, counting).close()
    assert counting.paths == []


def test_a_deleted_file_takes_its_hits_along(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    reopen(root, cache).close()
    (root / "karabakh-2020.yaml").unlink()
    with reopen(root, cache) as index:
        assert index.search("shusha") == []
        assert index.search("in:karabakh-2020") == []
        assert first(index, "russia kind:actor").id == "russia"


def test_a_new_file_is_indexed(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    reopen(root, cache).close()
    (root / "new.yaml").write_text(
        OLDER.replace("khan-shaykhun-2019", "new").replace("Khan Shaykhun", "Saraqib"),
        encoding="utf-8",
    )
    counting = CountingLoader()
    with reopen(root, cache, counting) as index:
        assert [p.name for p in counting.paths] == ["new.yaml"]
        assert first(index, "saraqib").briefing == "new"


def test_merged_actors_stay_right_when_one_definition_goes(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        assert first(index, "rossiya").id == "russia"
    idlib = root / "syria" / "idlib-2020.yaml"
    idlib.write_text(IDLIB.replace("[Rossiya]", "[Rus]"), encoding="utf-8")
    with reopen(root, cache) as index:
        assert index.search('"rossiya"') == []
        hit = first(index, "rus kind:actor")
        assert hit.id == "russia"
        assert len([h for h in index.search("russia kind:actor") if h.id == "russia"]) == 1
    idlib.unlink()
    with reopen(root, cache) as index:
        hit = first(index, "russia kind:actor")
        assert hit.id == "russia"
        assert hit.defined_in == (os.path.join(str(root), "actors.yaml"),)
        assert index.search("rus kind:actor") == []
        assert index.search("abu yusuf") == []


def test_a_registry_change_updates_the_merged_actor(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    reopen(root, cache).close()
    (root / "actors.yaml").write_text(
        REGISTRY.replace("aliases: [Erdogan]", "aliases: [Erdogan, Reis]"), encoding="utf-8"
    )
    with reopen(root, cache) as index:
        assert first(index, "reis").id == "recep-tayyip-erdogan"


def test_renaming_an_actor_renames_it_where_documents_link_to_it(
    cached: tuple[Path, Path],
) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        assert ids(index.search("faylaq kind:event")) == ["evt-strike"]
    (root / "actors.yaml").write_text(
        REGISTRY.replace("name: Faylaq al-Sham", "name: Rahman Corps"), encoding="utf-8"
    )
    counting = CountingLoader()
    with reopen(root, cache, counting) as index:
        # The registry changed, and the one briefing that links to the actor is read again.
        assert sorted(p.name for p in counting.paths) == ["actors.yaml", "idlib-2020.yaml"]
        assert ids(index.search("rahman kind:event")) == ["evt-strike"]
        assert ids(index.search("rahman kind:briefing")) == ["idlib-2020"]
        assert index.search("faylaq kind:event") == []
        assert index.search("faylaq kind:briefing") == []
    counting = CountingLoader()
    reopen(root, cache, counting).close()
    assert counting.paths == []  # and nothing is read again after


def test_renaming_an_actor_in_a_loaded_library_renames_it_where_it_is_linked(
    cached: tuple[Path, Path],
) -> None:
    root, cache = cached
    with SearchIndex([root], cache_dir=cache) as index:
        index.update_from(Library.load([root]))
        assert ids(index.search("faylaq kind:event")) == ["evt-strike"]
        (root / "actors.yaml").write_text(
            REGISTRY.replace("name: Faylaq al-Sham", "name: Rahman Corps"), encoding="utf-8"
        )
        changes = index.update_from(Library.load([root]))
        assert sorted(os.path.basename(p) for p in changes.indexed) == [
            "actors.yaml",
            "idlib-2020.yaml",
        ]
        assert ids(index.search("rahman kind:event")) == ["evt-strike"]
        assert index.search("faylaq kind:event") == []


def test_a_corrupt_database_is_rebuilt(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        location = index.location
    assert location is not None
    location.write_bytes(b"this is not a database, whatever it was" * 200)
    for suffix in ("-wal", "-shm"):
        Path(f"{location}{suffix}").unlink(missing_ok=True)
    with reopen(root, cache) as index:
        assert index.rebuilt and index.persistent
        assert first(index, "erdgan").id == "recep-tayyip-erdogan"


def test_a_database_damaged_inside_is_rebuilt_when_queried(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        location = index.location
        index._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert location is not None
    data = bytearray(location.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # keep the header and the schema page
        data[start + 8 : start + page] = b"\xa5" * (page - 8)
    location.write_bytes(bytes(data))
    with SearchIndex([root], cache_dir=cache) as index:
        index.update()
        assert first(index, "erdgan").id == "recep-tayyip-erdogan"
        assert index.rebuilt
        assert first(index, "duway*").id == "jabal-al-duwayli"  # the words were indexed again


def test_another_format_version_is_rebuilt(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        index._db.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    with reopen(root, cache) as index:
        assert index.rebuilt
        assert first(index, "faylaw").id == "faylaq-al-sham"


def test_an_unwritable_cache_falls_back_to_memory(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    cache.write_text("a file where the cache folder should be", encoding="utf-8")
    with reopen(root, cache) as index:
        assert not index.persistent
        assert first(index, "erdgan").id == "recep-tayyip-erdogan"


def test_a_read_only_database_falls_back_to_memory(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        location = index.location
    assert location is not None
    (root / "new.yaml").write_text(OLDER.replace("khan-shaykhun-2019", "new"), encoding="utf-8")
    with SearchIndex([root], cache_dir=cache) as index:
        index._db.close()
        index._db = sqlite3.connect(f"file:{location}?mode=ro", uri=True, isolation_level=None)
        index.update()
        assert not index.persistent
        assert "new" in {hit.briefing for hit in index.search("khan")}


def test_an_index_locked_by_another_process_falls_back_to_memory(
    cached: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = cached
    with reopen(root, cache) as index:
        location = index.location
    assert location is not None
    (root / "new.yaml").write_text(OLDER.replace("khan-shaykhun-2019", "new"), encoding="utf-8")
    monkeypatch.setattr(search_module, "BUSY_TIMEOUT", 0.05)
    other = sqlite3.connect(location, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process updating the same index
    try:
        with reopen(root, cache) as index:
            assert not index.persistent
            assert "new" in {hit.briefing for hit in index.search("khan")}
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_no_cache_means_memory(library_root: Path) -> None:
    with SearchIndex([library_root], use_cache=False) as index:
        assert not index.persistent and index.location is None


def test_the_index_follows_a_loaded_library(cached: tuple[Path, Path]) -> None:
    root, cache = cached
    library = Library.load([root])
    with SearchIndex([root], cache_dir=cache) as index:
        changes = index.update_from(library)
        assert len(changes.indexed) == len(library.documents)
        assert first(index, "erdgan").id == "recep-tayyip-erdogan"
        assert not index.update_from(library)
    counting = CountingLoader()
    with reopen(root, cache, counting) as index:
        assert counting.paths == []  # the command line agrees with the library's files


def test_the_files_are_those_the_loader_finds(tmp_path: Path) -> None:
    root = write_library(tmp_path)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.yaml").write_text(OLDER, encoding="utf-8")
    (root / ".dot.yaml").write_text(OLDER, encoding="utf-8")
    (root / "notes.txt").write_text("x", encoding="utf-8")
    (root / "short.yml").write_text(OLDER, encoding="utf-8")
    (root / "link").symlink_to(root / "syria")
    (root / "loop").symlink_to(root)
    found, _ = loader.discover([root, root / "actors.yaml"])
    assert set(library_files([root, root / "actors.yaml"])) == {
        os.path.realpath(path) for path in found
    }


def test_paths_show_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_library(tmp_path)
    monkeypatch.chdir(tmp_path)
    with SearchIndex(["lib"], use_cache=False) as index:
        index.update()
        assert first(index, '"training camp"').path == os.path.join(
            "lib", "syria", "idlib-2020.yaml"
        )
    with SearchIndex(["lib/karabakh-2020.yaml"], use_cache=False) as index:
        index.update()
        assert first(index, "shusha").path == "lib/karabakh-2020.yaml"


def test_documents_built_by_hand_are_indexed(tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    path.write_text(textwrap.dedent(KARABAKH), encoding="utf-8")
    document = loader.load_document(path)
    with SearchIndex([tmp_path], use_cache=False) as index:
        index.index_documents([document])
        assert first(index, "shusha").id == "evt-shusha"


# ----------------------------------------------------------------------------- plans


def test_kind_and_status_filters_inside_the_match(index: SearchIndex) -> None:
    hits = index.search("strike kind:event OR kind:question", limit=100)
    assert {h.kind for h in hits} == {"event", "question"}
    assert "q-toll" in ids(hits)
    assert set(ids(index.search("camp OR telephone kind:event"))) == {"evt-strike", "evt-call"}
    assert ids(index.search("camp OR telephone kind:event -status:confirmed")) == ["evt-call"]
    assert ids(index.search("died status:open")) == ["q-toll"]


def test_a_date_window_with_words(index: SearchIndex) -> None:
    assert ids(index.search("strike after:2020-10-20 before:2020-10-31 kind:event")) == [
        "evt-strike"
    ]
    assert index.search("strike after:2021 before:2021-12") == []
    assert set(ids(index.search("offensive before:2019-12"))) == {
        "evt-offensive",
        "khan-shaykhun-2019",
    }


def test_a_selective_filter_with_words(index: SearchIndex) -> None:
    assert ids(index.search("moscow actor:russia")) == ["evt-signing"]
    assert ids(index.search("shusha in:karabakh-2020")) == ["evt-shusha"]


@pytest.mark.parametrize(
    "text",
    [
        "strike in:idlib-2020",
        "strike actor:faylaq-al-sham",
        "russia tag:syria",
        "strike -in:karabakh-2020 after:2020",
        "ceasefire OR strike kind:event",
    ],
)
def test_every_plan_finds_the_same_hits(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    gathered = kinds_and_ids(index.search(text, limit=100))
    assert gathered
    monkeypatch.setattr(search_module, "SELECTIVE", 0)  # filters checked on each matching row
    assert kinds_and_ids(index.search(text, limit=100)) == gathered


def test_ranking_looks_at_the_latest_candidates_only(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = index.search("strike", limit=100)
    monkeypatch.setattr(search_module, "CANDIDATES", 1)
    few = index.search("strike", limit=1)
    assert len(few) == 1 and few[0].id in ids(every)


def test_a_checksum_of_another_version_is_replaced_without_reading_a_file(
    cached: tuple[Path, Path],
) -> None:
    root, cache = cached
    reopen(root, cache).close()
    with SearchIndex([root], cache_dir=cache) as index:
        index._db.execute("UPDATE meta SET value = 'older' WHERE key = 'files'")
    load = CountingLoader()
    with reopen(root, cache, load) as index:
        assert load.paths == []
        stored = index._db.execute("SELECT value FROM meta WHERE key = 'files'").fetchone()
        assert stored[0] != "older"
        index._db.execute("DELETE FROM documents")  # only the checksum can say nothing changed
        assert index.stale() == ({}, [])
