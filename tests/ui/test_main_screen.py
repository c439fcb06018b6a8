"""The main screen driven by keys: panes, stops, following links, sources, hints, layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BRIEFS, NARROW, WIDE, loaded, page_text, reader, stop_labels
from textual.actions import parse
from textual.widgets import Footer, Tab, Tabs

from briefing_tui.model.refs import EntityRef
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.messages import LibraryLoaded, LibraryProgress
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.help import HelpScreen
from briefing_tui.ui.screens.link_hints import LinkHintScreen
from briefing_tui.ui.screens.main import tab_labels
from briefing_tui.ui.screens.sources import SourcesScreen
from briefing_tui.ui.widgets.briefing_list import BriefingList
from briefing_tui.ui.widgets.link_page import LinkPage


async def test_opens_the_newest_briefing_in_four_panes() -> None:
    app = reader()
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        assert main.shown == EntityRef("briefing", "beta")
        assert "Beta follow-up" in page_text(main.page("summary"))
        assert "Later meeting" in page_text(main.page("timeline"))
        assert app.focused is main.page("summary")
        listed = main.query_one(BriefingList)
        assert [option.id for option in listed.options] == ["beta", "alpha"]


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_digits_and_tab_move_between_panes(size: tuple[int, int]) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=size) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("2")
        assert main.active_pane == "timeline"
        assert app.focused is main.page("timeline")
        await pilot.press("tab")
        assert app.focused is main.page("actors")
        await pilot.press("tab", "tab")
        assert app.focused is main.page("summary") or isinstance(app.focused, BriefingList)
        await pilot.press("4")
        await pilot.press("shift+tab")
        assert main.active_pane == "actors"
        if size == NARROW:
            shown = [
                name
                for name in ("summary", "timeline", "actors", "questions")
                if main.page(name).display
            ]
            assert shown == ["actors"]
            assert main.query_one(Tabs).active == "tab-actors"


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_nothing_overlaps(size: tuple[int, int]) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=size) as pilot:
        main = await loaded(app, pilot)
        shown = [page for page in main.query(LinkPage) if page.region.area]
        shown += [
            w for w in (main.query_one(BriefingList), main.query_one(Footer)) if w.region.area
        ]
        if main.query_one(Tabs).region.area:
            shown.append(main.query_one(Tabs))
        assert len(shown) >= 3
        for index, first in enumerate(shown):
            assert main.region.contains_region(first.region)
            for second in shown[index + 1 :]:
                assert not first.region.overlaps(second.region), (first, second)
        if size == WIDE:
            assert sum(1 for page in main.query(LinkPage) if page.region.area) == 4
            assert main.query_one(BriefingList).region.area


async def test_j_and_k_move_between_stops() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("summary")
        assert page.cursor == 0
        first = page.current_stop
        await pilot.press("j")
        assert page.cursor == 1
        await pilot.press("down")
        assert page.cursor == 2
        await pilot.press("k", "up")
        assert page.current_stop == first
        await pilot.press("G")
        assert page.cursor == len(page.stops) - 1
        await pilot.press("g")
        assert page.cursor == 0


async def test_enter_on_an_event_actor_opens_the_dossier_and_back_restores() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("2")
        timeline = main.page("timeline")
        while timeline.current_stop is None or timeline.current_stop.label != "South":
            await pilot.press("j")
        cursor = timeline.cursor
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == EntityRef("actor", "south")
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen is main
        assert main.active_pane == "timeline"
        assert main.page("timeline").cursor == cursor
        assert app.focused is main.page("timeline")
        await pilot.press("alt+right")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("alt+left")
        await pilot.pause()
        assert app.screen is main


async def test_unresolved_link_is_marked_and_enter_only_says_so(notes: list[str]) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("summary")
        assert "⚠ ghost-actor" in page_text(page)
        ghost = next(i for i, stop in enumerate(page.stops) if stop.target == "ghost-actor")
        assert page.stops[ghost].ref is None
        while page.cursor != ghost:
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is main
        assert "unresolved link: ghost-actor" in notes
        assert app.is_running


async def test_markup_in_a_briefing_is_shown_literally() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        text = " ".join(page_text(main.page("summary")).split())
        assert "Alpha talks [bold]x[/] and [@click=app.quit]quit[/]" in text
        assert "[@click=app.quit]quit[/] and [/unbalanced]" in text
        listed = main.query_one(BriefingList)
        shown = "\n".join(listed.render_line(y).text for y in range(listed.size.height))
        assert "[bold]x[/]" in shown
        await pilot.click(main.page("summary"), offset=(20, 1))
        await pilot.pause()
        assert app.is_running


async def test_s_shows_the_sources_at_the_cursor_and_escape_closes() -> None:
    app = reader(open_at="alpha#evt-talks")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        assert main.active_pane == "timeline"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        text = page_text(app.screen.query_one(LinkPage))
        assert "Wire report" in text
        assert "https://example.org/wire" in text
        assert "graded here B2" in " ".join(text.split())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main


async def test_s_closes_the_sources_and_the_footer_says_so() -> None:
    app = reader(open_at="alpha#evt-talks")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        shown = {
            key: active.binding.description
            for key, active in app.screen.active_bindings.items()
            if active.binding.show
        }
        assert shown.get("escape") == "Close"
        assert "s" not in shown  # the page beneath offers "s Sources"; here s closes
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is main


async def test_f_and_a_label_follow_a_link() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, LinkHintScreen)
        summary = main.page("summary")
        assert summary.stops[0].label == "North"
        await pilot.press("a")  # the first label goes to the first visible stop
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == EntityRef("actor", "north")


async def test_link_hints_are_cancelled_by_escape() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=NARROW) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        assert "a" in page_text(main.page("summary"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        assert main.page("summary").current_stop is not None


@pytest.mark.parametrize(
    ("open_at", "screen", "pane", "anchor"),
    [
        ("alpha", "main", "summary", None),
        ("north", "dossier", None, None),
        ("capital", "dossier", None, None),
        ("alpha#evt-talks", "main", "timeline", EntityRef("event", "evt-talks", "alpha")),
        ("alpha#q-deal", "main", "questions", EntityRef("question", "q-deal", "alpha")),
        ("alpha#src-blog", "main", "summary", EntityRef("source", "src-blog", "alpha")),
    ],
)
@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_open_at(
    open_at: str, screen: str, pane: str | None, anchor: EntityRef | None, size: tuple[int, int]
) -> None:
    app = reader(open_at=open_at)
    async with app.run_test(size=size) as pilot:
        main = await loaded(app, pilot)
        if screen == "dossier":
            assert isinstance(app.screen, DossierScreen)
            return
        assert app.screen is main
        assert main.active_pane == pane
        if anchor is not None:
            page = main.page(main.active_pane)
            assert page.anchor == anchor
            block = page.current_block
            assert block is not None and block.anchor == anchor
            first_line = " ".join(block.plain.split("\n")[0].split())
            assert first_line[:30] in " ".join(page_text(page).split())


async def test_open_at_something_unknown_says_so(notes: list[str]) -> None:
    app = reader(open_at="no-such-thing")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        assert main.shown == EntityRef("briefing", "beta")
        assert any("no-such-thing" in note for note in notes)


async def test_links_across_briefings_open_the_other_briefing() -> None:
    app = reader(open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("summary")
        assert "the talks" in stop_labels(page)
        while page.current_stop is None or page.current_stop.label != "the talks":
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert main.shown == EntityRef("event", "evt-talks", "alpha")
        assert main.active_pane == "timeline"
        await pilot.press("backspace")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "beta")
        assert main.page("summary").current_stop.label == "the talks"


async def test_choosing_a_briefing_in_the_list_opens_it() -> None:
    app = reader(open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        main.query_one(BriefingList).focus()
        await pilot.press("j", "enter")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "alpha")


async def test_l_toggles_the_library_list_at_narrow_width() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=NARROW) as pilot:
        main = await loaded(app, pilot)
        listed = main.query_one(BriefingList)
        assert not listed.region.area
        await pilot.press("l")
        await pilot.pause()
        assert listed.region.area
        assert app.focused is listed
        await pilot.press("l")
        await pilot.pause()
        assert not listed.region.area


@pytest.mark.parametrize(
    ("size", "library", "last"),
    [
        (NARROW, False, "4 Open questions"),
        (NARROW, True, "4 Questions"),
        ((60, 24), True, "4 Q"),
        ((40, 24), True, "4"),
    ],
)
async def test_the_pane_tabs_fit_beside_the_library_list(
    size: tuple[int, int], library: bool, last: str
) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=size) as pilot:
        main = await loaded(app, pilot)
        if library:
            await pilot.press("l")
            await pilot.pause()
            await pilot.pause()
        assert bool(main.query_one(BriefingList).region.area) == library
        tabs = main.query_one(Tabs)
        labels = [tab.label.plain for tab in tabs.query(Tab)]
        assert labels[-1] == last
        for tab in tabs.query(Tab):
            assert tab.region.area
            assert tabs.region.contains_region(tab.region), (tab.label.plain, tab.region)


async def test_r_reloads_an_edited_file(library_copy: Path) -> None:
    app = reader([library_copy], open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await pilot.press("2", "j")
        position = main.page("timeline").position
        alpha = library_copy / "alpha.yaml"
        alpha.write_text(alpha.read_text().replace("title: Talks open", "title: Talks reopen"))
        await pilot.press("r")
        await loaded(app, pilot)
        assert "Talks reopen" in page_text(main.page("timeline"))
        assert main.active_pane == "timeline"
        assert main.page("timeline").cursor == position.cursor


async def test_a_file_turned_invalid_keeps_its_last_good_version(
    library_copy: Path, notes: list[str]
) -> None:
    app = reader([library_copy], open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        alpha = library_copy / "alpha.yaml"
        alpha.write_text(alpha.read_text().replace("kind: state", "kind: army", 1))
        await pilot.press("r")
        await loaded(app, pilot)
        assert "Talks open" in page_text(main.page("timeline"))
        assert main.query_one("#banner").has_class("-shown")
        assert any("alpha.yaml has errors" in note for note in notes)


async def test_the_file_watcher_reloads_by_itself(library_copy: Path) -> None:
    app = BriefingApp([str(library_copy)], "beta", watch_interval=0.05)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        first = app.library
        while first is None:
            await pilot.pause(0.05)
            first = app.library
        beta = library_copy / "beta.yaml"
        beta.write_text(beta.read_text().replace("Beta follow-up", "Beta revised"))
        for _ in range(400):
            if app.library is not first:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "Beta revised" in page_text(app.main_screen.page("summary"))


async def test_q_quits_from_the_main_screen_and_closes_a_dossier() -> None:
    app = reader(open_at="north")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is main
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_bundled_briefs_open_and_every_pane_has_content() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        for briefing in app.library.briefings_newest_first():
            app.open_ref(EntityRef("briefing", briefing.id))
            await pilot.pause()
            for name in ("summary", "timeline", "actors", "questions"):
                assert main.page(name).blocks, (briefing.id, name)
            assert main.page("timeline").stops


async def test_search_help_and_palette_keys_do_not_fail(notes: list[str]) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        for key in ("question_mark", "slash", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running
            while app.screen is not main:
                await pilot.press("escape")
                await pilot.pause()


async def test_without_colour_the_cursor_is_still_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("summary")
        label = page.current_stop.label
        styled = [
            segment.style
            for y in range(page.size.height)
            for segment in page.render_line(y)
            if segment.text == label
        ]
        assert styled and all(style is not None and style.reverse for style in styled)


async def test_a_briefing_removed_on_disk_gives_way_to_another(
    library_copy: Path, notes: list[str]
) -> None:
    app = reader([library_copy], open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        (library_copy / "beta.yaml").unlink()
        await pilot.press("r")
        await loaded(app, pilot)
        assert main.shown == EntityRef("briefing", "alpha")
        assert any("no longer in the library" in note for note in notes)


async def test_a_library_without_briefings_says_where_it_looked_and_why(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("schema: briefing/1\nid: [unclosed\n")
    app = reader([tmp_path])
    async with app.run_test(size=NARROW) as pilot:
        main = await loaded(app, pilot)
        text = " ".join(page_text(main.page("summary")).split())
        assert "No briefings to show." in text
        assert "broken.yaml:" in text
        assert main.shown is None
        await pilot.press("j", "enter", "f", "escape", "backspace", "s")
        assert app.is_running


async def test_a_light_theme_restyles_the_pages_and_keeps_the_place() -> None:
    app = reader(open_at="alpha#q-deal")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        page = main.page("questions")
        before = page.position

        def north_colours() -> set[object]:
            return {
                segment.style.color
                for y in range(page.size.height)
                for segment in page.render_line(y)
                if segment.text == "North" and segment.style is not None
            }

        dark = north_colours()
        app.theme = "textual-light"
        await pilot.pause()
        light = north_colours()
        assert dark and light and dark != light
        assert page.position == before
        assert "Will North sign?" in page_text(page)


async def test_loading_counts_documents_before_showing_the_library() -> None:
    seen: list[object] = []
    app = reader([BRIEFS])
    async with app.run_test(size=NARROW, message_hook=seen.append) as pilot:
        await loaded(app, pilot)
        progress = [m for m in seen if isinstance(m, LibraryProgress)]
        assert progress, "no progress was posted"
        assert progress[-1].done == progress[-1].total == len(app.library.documents)
        loaded_at = next(i for i, m in enumerate(seen) if isinstance(m, LibraryLoaded))
        assert seen.index(progress[0]) < loaded_at


async def test_a_click_on_a_pane_focuses_it_and_a_click_on_a_tab_shows_its_pane() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        timeline = main.page("timeline")
        # Below the last line of text: nothing to follow there, the pane takes the focus.
        await pilot.click(timeline, offset=(3, timeline.size.height - 2))
        await pilot.pause()
        assert app.focused is timeline
        assert main.active_pane == "timeline"
        assert app.screen is main
    app = reader(open_at="alpha")
    async with app.run_test(size=NARROW) as pilot:
        main = await loaded(app, pilot)
        await pilot.click("#tab-questions")
        await pilot.pause()
        assert main.active_pane == "questions"
        assert main.page("questions").display and not main.page("summary").display
        assert app.focused is main.page("questions")


@pytest.mark.parametrize("focus", ["pane", "library"])
async def test_every_key_in_force_on_the_main_screen_does_something(focus: str) -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        if focus == "library":
            main.query_one(BriefingList).focus()
            await pilot.pause()
        for key, active in main.active_bindings.items():
            namespace, name, _ = parse(active.binding.action)
            target = {"app": app, "screen": main}.get(namespace, active.node)
            assert callable(getattr(target, f"action_{name}", None)), (key, active.binding)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = page_text(app.screen.query_one(LinkPage))
        for dead in ("Scroll Left", "Scroll Right", "Page Left", "Page Right"):
            assert dead not in listed


async def test_ctrl_q_quits_from_a_dossier_too() -> None:
    app = reader(open_at="north")
    async with app.run_test(size=NARROW) as pilot:
        await loaded(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


def test_tab_labels_are_the_longest_that_fit() -> None:
    full = tab_labels(200)
    assert full["questions"] == "4 Open questions"
    assert sum(len(label) + 2 for label in full.values()) == 51
    assert tab_labels(51) == full
    assert tab_labels(50)["questions"] == "4 Questions"
    assert tab_labels(27) == {
        "summary": "1 Sum",
        "timeline": "2 Time",
        "actors": "3 Act",
        "questions": "4 Q",
    }
    assert tab_labels(26) == {"summary": "1", "timeline": "2", "actors": "3", "questions": "4"}
