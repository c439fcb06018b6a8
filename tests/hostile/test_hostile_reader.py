"""The reader on hostile briefings: markup shows literally and does nothing when clicked, and no
escape, C1, bidi or invisible character reaches the screen (each shows as a visible symbol)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from hostile_corpus import CORPUS, GOOD_ID, GOOD_TEXT, head, make_library
from hostile_screen import (
    cell_of,
    find_on_screen,
    loaded,
    reader,
    screen_rows,
    settle,
    unsafe_characters,
)
from textual.pilot import Pilot

from briefing_tui.model.refs import EntityRef
from briefing_tui.model.text import has_controls
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.problems import numbered_lines
from briefing_tui.ui.screens.sources import SourcesScreen
from briefing_tui.ui.widgets.briefing_list import BriefingList

ROW = (200, 60)
"""Wide and tall: the library list and the four panes side by side, nothing scrolled away."""
TABS = (100, 40)
"""One pane at a time, chosen with 1-4."""

MARKUP_IN_PANES = {
    "summary": [
        "[@click=app.quit]Quit[/]",
        "[@click=app.quit]click",
        "@click=app.bell]bell[/]",
        "[/bold]",
        "${x}",
        "{{double}}",
        "\\[escaped]",
        "[bold]Author[/bold]",
        "[red]$x[/red]",
        "[bold]$publisher[/bold]",
    ],
    "timeline": ["[@click=app.quit]Event[/]", "[bold]$event", "[@click=app.quit]Place[/]"],
    "actors": ["[@click=app.quit]Actor[/]", "[@click=app.quit]profile[/]", "$alias"],
    "questions": ["[@click=app.quit]Question[/]", "[@click=app.quit]claim[/]"],
}


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search index and anything else the reader keeps go to temporary folders."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def corpus_library(tmp_path: Path) -> Path:
    """The committed corpus and the good briefing (without the generated files, for speed)."""
    folder = tmp_path / "library"
    shutil.copytree(CORPUS, folder)
    (folder / f"{GOOD_ID}.yaml").write_text(GOOD_TEXT, encoding="utf-8")
    return folder


async def screenshot_rows(app: BriefingApp, pilot: Pilot[int]) -> tuple[str, list[str]]:
    """The screen now, as SVG and as rows of text, after the app has settled."""
    await settle(app, pilot)
    svg = app.export_screenshot()
    return svg, screen_rows(svg)


def assert_clean(svg: str, where: str) -> None:
    """Nothing on screen a terminal would act on, or that hides or reorders text."""
    assert unsafe_characters(svg) == [], where


async def test_markup_shows_literally_in_every_pane(corpus_library: Path) -> None:
    app = reader([corpus_library], "markup-everywhere")
    async with app.run_test(size=ROW) as pilot:
        await loaded(app, pilot)
        svg, rows = await screenshot_rows(app, pilot)
        screen = "\n".join(rows)
        for pane, fragments in MARKUP_IN_PANES.items():
            for fragment in fragments:
                assert fragment in screen, f"{fragment!r} not shown literally in the {pane} pane"
        listed = [line for line in rows if "│ [@click=app.quit]Quit[/]" in line]
        assert listed, "the library list does not show the title literally"
        assert_clean(svg, "markup briefing")


async def test_markup_shows_literally_in_the_sources_view_and_the_dossier(
    corpus_library: Path,
) -> None:
    app = reader([corpus_library], "markup-everywhere")
    async with app.run_test(size=TABS) as pilot:
        await loaded(app, pilot)
        await open_sources_of_summary(app, pilot)
        _, rows = await screenshot_rows(app, pilot)
        assert find_on_screen(rows, "[@click=app.quit]Source[/]") is not None
        assert find_on_screen(rows, "[bold]$publisher[/bold]") is not None
        await pilot.press("escape")
        app.open_ref(EntityRef("actor", "actor-markup"))
        _, rows = await screenshot_rows(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        assert find_on_screen(rows, "[@click=app.quit]Actor[/]") is not None
        assert find_on_screen(rows, "[@click=app.quit]profile[/]") is not None


async def open_sources_of_summary(app: BriefingApp, pilot: Pilot[int]) -> None:
    """Put the summary's cursor on its first citation and open the sources view with `s`."""
    await pilot.press("1")
    await settle(app, pilot)
    page = app.main_screen.page("summary")
    page.cursor = next(i for i, stop in enumerate(page.stops) if stop.sources)
    await pilot.press("s")
    await settle(app, pilot)
    assert isinstance(app.screen, SourcesScreen)


async def test_clicking_markup_does_nothing(corpus_library: Path) -> None:
    app = reader([corpus_library], "markup-everywhere")
    async with app.run_test(size=ROW) as pilot:
        await loaded(app, pilot)
        _, rows = await screenshot_rows(app, pilot)
        targets = [
            "[@click=app.quit]Quit[/]",  # in the library list and the summary's title
            "[@click=app.quit]click",
            "@click=app.bell]bell[/]",
            "[link=https://example.invalid]x[/lin",
            "[@click=app.quit]Event[/]",
            "[@click=app.quit]Question[/]",
        ]
        clicked = []
        for text in targets:
            places = [(cell_of(line, text), row) for row, line in enumerate(rows) if text in line]
            assert places, f"{text!r} is not on the screen"
            for column, row in places:
                await pilot.click(offset=(column + 1, row))
                await settle(app, pilot)
                assert app.is_running and app.return_code is None, f"clicking {text!r} quit"
                clicked.append(text)
                if app.screen is not app.main_screen:
                    await pilot.press("escape")
                    await settle(app, pilot)
        assert len(clicked) > len(targets)  # the title twice: in the list and in its pane
        assert app.is_running


ESCAPES_SHOWN = ["␛]2;PWNED␇", "⟨U+009B⟩", "⟨U+202E⟩", "⟨U+200B⟩", "⟨U+E0041⟩", "␀"]


async def test_no_control_reaches_the_screen_in_any_view(corpus_library: Path) -> None:
    app = reader([corpus_library], "escapes-everywhere")
    async with app.run_test(size=ROW, notifications=True) as pilot:
        await loaded(app, pilot)
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "four panes")
        screen = "\n".join(rows)
        for symbol in ESCAPES_SHOWN:
            assert symbol in screen, f"{symbol} not shown"

        # The actor's dossier, through the link in the timeline.
        app.open_ref(EntityRef("actor", "actor-escapes"))
        svg, rows = await screenshot_rows(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        assert_clean(svg, "dossier")
        assert find_on_screen(rows, "Actor ␛]2;PWNED␇") is not None
        await pilot.press("q")
        await settle(app, pilot)

        # The sources view over the summary.
        await open_sources_of_summary(app, pilot)
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "sources view")
        assert find_on_screen(rows, "␛]8;;https://example.invalid␛\\") is not None
        await pilot.press("escape")

        # Link hints over the panes.
        await pilot.press("f")
        svg, _ = await screenshot_rows(app, pilot)
        assert_clean(svg, "link hints")
        await pilot.press("escape")
        svg, _ = await screenshot_rows(app, pilot)
        assert_clean(svg, "after everything")
        for screen_shown in app.screen_stack:
            assert not has_controls(f"{screen_shown.title}{screen_shown.sub_title}")
        assert not has_controls(f"{app.title}{app.sub_title}")


async def test_an_unresolved_link_with_escapes_is_named_visibly(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    summary = '"See [[\\ec\\x9b2J\\u202e]] now."'
    (folder / "link.yaml").write_text(head("link", summary=summary), encoding="utf-8")
    app = reader([folder], "link")
    async with app.run_test(size=TABS, notifications=True) as pilot:
        await loaded(app, pilot)
        page = app.main_screen.page("summary")
        page.cursor = next(i for i, stop in enumerate(page.stops) if not stop.resolved)
        await pilot.press("enter")
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "notification of an unresolved link")
        assert find_on_screen(rows, "⚠ ␛c⟨U+009B⟩2J⟨U+202E⟩") is not None
        assert any("unresolved link: ␛c⟨U+009B⟩2J⟨U+202E⟩" in row for row in rows)


async def test_the_good_briefing_opens_among_every_hostile_file(tmp_path: Path) -> None:
    folder = make_library(tmp_path / "library")
    app = reader([folder])
    async with app.run_test(size=ROW, notifications=True) as pilot:
        await loaded(app, pilot)
        assert app.main_screen.shown == EntityRef("briefing", GOOD_ID)
        listed = [option.id for option in app.main_screen.query_one(BriefingList).options]
        assert GOOD_ID in listed and "markup-everywhere" in listed
        svg, rows = await screenshot_rows(app, pilot)
        assert find_on_screen(rows, "The one good briefing") is not None
        assert_clean(svg, "hostile library")
        for key in ("2", "j", "enter", "backspace", "3", "4", "1", "r"):
            await pilot.press(key)
            await settle(app, pilot)
        svg, _ = await screenshot_rows(app, pilot)
        assert_clean(svg, "after moving around and reloading")
        assert app.is_running


async def test_a_hostile_file_name_is_shown_visibly(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / f"{GOOD_ID}.yaml").write_text(GOOD_TEXT, encoding="utf-8")
    hostile = folder / "evil-\x1b]2;PWNED\x07-\u202e.yaml"
    hostile.write_text(head("evil"), encoding="utf-8")
    app = reader([folder], "evil")
    async with app.run_test(size=TABS, notifications=True) as pilot:
        await loaded(app, pilot)
        hostile.write_text(head("evil") + "unknown: field\n", encoding="utf-8")
        await pilot.press("r")
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "banner and notifications about a broken file")
        assert any("evil-␛]2;PWNED␇-⟨U+202E⟩.yaml has errors" in row for row in rows)
        hostile.write_text(head("evil"), encoding="utf-8")
        await pilot.press("r")
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "notification about a file valid again")
        assert any("evil-␛]2;PWNED␇-⟨U+202E⟩.yaml is valid again" in row for row in rows)


async def test_a_huge_fatality_count_the_loader_accepts_shows(tmp_path: Path) -> None:
    """Python refuses to print ints over 4,300 digits: the loader bounds a number's length,
    and the biggest it lets through must still show."""
    folder = tmp_path / "library"
    folder.mkdir()
    count = "0x" + "f" * 990  # about 1,200 decimal digits
    event = f'timeline:\n  - {{id: counted, date: "2020", title: Counted, fatalities: {count}}}\n'
    (folder / "huge.yaml").write_text(head("huge") + event, encoding="utf-8")
    app = reader([folder], "huge")
    async with app.run_test(size=TABS) as pilot:
        await loaded(app, pilot)
        assert app.library is not None and "huge" in app.library.briefings
        await pilot.press("2")
        _, rows = await screenshot_rows(app, pilot)
        assert find_on_screen(rows, "Counted") is not None
        assert app.is_running


async def test_a_failed_load_is_reported_visibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading never fails as a whole today; if it does, its message may quote a path."""

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("cannot read evil-\x1b]2;PWNED\x07-\u202e")

    monkeypatch.setattr("briefing_tui.model.library.Library.load", fail)
    app = reader([tmp_path])
    async with app.run_test(size=TABS, notifications=True) as pilot:
        await settle(app, pilot)
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "a failed load")
        assert any("evil-␛]2;PWNED␇-⟨U+202E⟩" in row for row in rows)


async def test_palette_search_and_problems_show_hostile_text_visibly(tmp_path: Path) -> None:
    folder = make_library(tmp_path / "library")
    app = reader([folder], "escapes-everywhere")
    async with app.run_test(size=TABS, notifications=True) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p", *"PWNED")
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "command palette")
        assert find_on_screen(rows, "Actor ␛]2;PWNED␇") is not None
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("slash", *"PWNED")
        for _ in range(50):  # the search runs in a worker as the query is typed
            svg, rows = await screenshot_rows(app, pilot)
            if find_on_screen(rows, "Judgment ␛]2;PWNED␇") is not None:
                break
            await pilot.pause(0.1)
        assert_clean(svg, "search results")
        assert find_on_screen(rows, "Judgment ␛]2;PWNED␇") is not None
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("p")
        svg, rows = await screenshot_rows(app, pilot)
        assert_clean(svg, "problems")
        assert any("␛]2;PWNED␇: unknown field '\\x1b]2;PWNED\\x07'" in row for row in rows)


async def test_markup_in_the_palette_is_text_and_opens_its_briefing(corpus_library: Path) -> None:
    app = reader([corpus_library], GOOD_ID)
    async with app.run_test(size=TABS) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p", *"click=app.quit]Quit")
        _, rows = await screenshot_rows(app, pilot)
        assert find_on_screen(rows, "[@click=app.quit]Quit[/]") is not None
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        assert app.main_screen.shown == EntityRef("briefing", "markup-everywhere")


PIPE_WAIT = 5.0
"""Seconds to wait before deciding a read is blocked on a pipe (it should return at once)."""


def test_the_problems_view_never_waits_on_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(list(numbered_lines(fifo, 1)))
        except OSError as error:
            outcome.append(error)

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    reading.join(PIPE_WAIT)
    if reading.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a writer releases the reader
        reading.join(PIPE_WAIT)
        pytest.fail("numbered_lines waited for a writer on a pipe")
    assert isinstance(outcome[0], OSError)


def test_the_problems_view_cuts_a_huge_line(tmp_path: Path) -> None:
    path = tmp_path / "one-line.yaml"
    with open(path, "wb") as stream:
        stream.write(b"x: " + b"y" * 20_000_000 + b"\nz: 1\n")
    lines = list(numbered_lines(path, 1))
    assert [number for number, _ in lines] == [1, 2]
    assert len(lines[0][1]) < 100_000
    assert lines[1][1] == "z: 1"
