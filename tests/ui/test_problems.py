"""The problems view: every diagnostic of the library, and Enter opening the document there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import BRIEFS, FIXTURE_LIBRARY, NARROW, WIDE, loaded, reader
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from briefing_tui.model.refs import EntityRef
from briefing_tui.model.text import one_line
from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.screens.problems import SEVERITY_WIDTH, DocumentScreen, ProblemsScreen

BROKEN = (
    "schema: briefing/1\n"
    "id: gamma\n"
    "title: Broken [bold]title[/] \x1b[31m\n"
    'as_of: "2021"\n'
    "summary: fine\n"
    "timeline:\n"
    "  - {id: e2, date: [unclosed\n"
)
"""A briefing that cannot be read: an escape character on line 3, beside markup."""

DELTA = """\
schema: briefing/1
id: delta
title: Delta
as_of: "2021-07"
summary: Delta mentions [[north]].
actors:
  - id: east
    name: East
    kind: state
    relations:
      - {kind: backs, target: nowhere}
"""

REGISTRY = """\
schema: actors/1
actors:
  - id: west
    name: West
    kind: state
    profile: West of [[nothing-here]].
"""


@pytest.fixture
def broken_library(tmp_path: Path) -> Path:
    """The fixture library with warnings, plus an unusable file and more warnings."""
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    (root / "gamma.yaml").write_bytes(BROKEN.encode())
    (root / "delta.yaml").write_text(DELTA, encoding="utf-8")
    (root / "registry.yaml").write_text(REGISTRY, encoding="utf-8")
    return root


def problem_lines(app: BriefingApp) -> list[str]:
    assert isinstance(app.screen, ProblemsScreen)
    problems = app.screen.query_one("#problems", OptionList)
    return [
        # A long problem is wrapped to the list's width, further lines indented: one line again.
        problems.get_option_at_index(i).prompt.plain.replace("\n" + " " * SEVERITY_WIDTH, " ")  # type: ignore[union-attr]
        for i in range(problems.option_count)
    ]


async def choose(pilot: Pilot[int], app: BriefingApp, fragment: str) -> None:
    """Move down the list (with j) to the problem whose line holds `fragment`, press Enter."""
    lines = problem_lines(app)
    target = next(i for i, line in enumerate(lines) if fragment in line)
    problems = app.screen.query_one("#problems", OptionList)
    while problems.highlighted != target:
        await pilot.press("j")
    await pilot.press("enter")
    await pilot.pause()


async def open_problems(pilot: Pilot[int], app: BriefingApp) -> None:
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, ProblemsScreen)


async def test_the_problems_view_lists_every_diagnostic(broken_library: Path) -> None:
    app = reader([broken_library], open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        assert app.library is not None
        diagnostics = app.library.diagnostics()
        lines = problem_lines(app)
        assert len(lines) == len(diagnostics) == 5
        for line, diagnostic in zip(lines, diagnostics, strict=True):
            where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}"
            assert line.startswith(f"{diagnostic.severity:<8}{where} ")
            assert line.endswith(diagnostic.message)
        assert any("error   " in line and "gamma.yaml:3:30" in line for line in lines)
        summary = app.screen.query_one("#problems-summary", Static).render()
        assert str(summary) == "1 error, 4 warnings in 4 files"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_enter_on_an_unusable_document_shows_its_raw_text(broken_library: Path) -> None:
    app = reader([broken_library], open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        await choose(pilot, app, "gamma.yaml")
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        state = str(screen.query_one("#document-state", Static).render())
        assert "cannot show it" in state
        lines = {
            widget.id: str(widget.render()) for widget in screen.query(".source-line") if widget.id
        }
        assert lines["line-1"] == "1 │ schema: briefing/1"
        # Markup stays literal; the escape character is shown, never sent to the terminal.
        assert lines["line-3"] == "3 │ title: Broken [bold]title[/] ␛[31m"
        assert lines["line-7"] == "7 │   - {id: e2, date: [unclosed"
        assert screen.query_one("#line-3").has_class("-chosen")
        assert not screen.query_one("#line-2").has_class("-chosen")
        caret = [str(w.render()) for w in screen.query(".source-line") if not w.id]
        assert caret == [" " * (4 + 29) + "^"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)


async def test_enter_opens_a_usable_briefing_at_the_problem(broken_library: Path) -> None:
    app = reader([broken_library], open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await open_problems(pilot, app)
        await choose(pilot, app, "timeline[0].actors[2]")
        talks = EntityRef("event", "evt-talks", "alpha")
        assert app.screen is main and main.shown == talks
        assert main.active_pane == "timeline"
        assert main.page("timeline").anchor == talks
        # The history records it: back returns to where the reader was.
        await pilot.press("backspace")
        await pilot.pause()
        assert main.shown == EntityRef("briefing", "beta")

        await open_problems(pilot, app)
        await choose(pilot, app, "summary: unresolved link")
        assert main.shown == EntityRef("briefing", "alpha")
        assert main.active_pane == "summary"


async def test_enter_on_an_actor_shows_its_card_or_its_dossier(broken_library: Path) -> None:
    app = reader([broken_library], open_at="beta")
    async with app.run_test(size=WIDE) as pilot:
        main = await loaded(app, pilot)
        await open_problems(pilot, app)
        await choose(pilot, app, "actors[0].relations[0].target")
        assert app.screen is main and main.shown == EntityRef("briefing", "delta")
        assert main.active_pane == "actors"
        assert main.page("actors").anchor == EntityRef("actor", "east")

        await open_problems(pilot, app)
        await choose(pilot, app, "registry.yaml")
        assert isinstance(app.screen, DossierScreen)
        assert app.screen.location.ref == EntityRef("actor", "west")


async def test_a_valid_library_has_no_problems() -> None:
    app = reader(open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        # The fixture library's own warnings (its deliberately unresolved links) are listed.
        assert all(line.startswith("warning") for line in problem_lines(app))
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_pipe_or_an_endless_line_never_freezes_the_raw_view(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    os.mkfifo(root / "pipe.yaml")
    (root / "long.yaml").write_bytes(b"schema: [" + b"y" * 3_000_000 + b"\nz: \x1b\n")
    app = reader([root], open_at="alpha")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        await choose(pilot, app, "pipe.yaml")
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        texts = [str(widget.render()) for widget in screen.query(Static)]
        assert any("cannot be read" in text and "not a regular file" in text for text in texts)
        await pilot.press("escape")
        await pilot.pause()
        await choose(pilot, app, "long.yaml")
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        first = str(screen.query_one("#line-1", Static).render())
        assert first.startswith("1 │ schema: [yyy") and first.endswith("…")
        assert len(first) < 10_000
        assert str(screen.query_one("#line-2", Static).render()) == "2 │ z: ␛"


async def test_long_problems_wrap_past_the_severity_column_at_80_columns(
    broken_library: Path,
) -> None:
    app = reader([broken_library])
    async with app.run_test(size=NARROW) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        await pilot.pause()
        problems = app.screen.query_one("#problems", OptionList)
        shown = [
            problems.render_line(y).text.rstrip()
            for y in range(problems.scrollable_content_region.height)
        ]
        shown = [line for line in shown if line.strip()]
        starts = [line for line in shown if line.startswith(("error ", "warning "))]
        assert len(starts) == len(problem_lines(app))
        more = [line for line in shown if line not in starts]
        assert more  # the paths of a temporary folder make every problem long
        assert all(line.startswith(" " * SEVERITY_WIDTH) for line in more), more
        # Nothing is cut: each problem reads whole, one line again.
        for line, diagnostic in zip(problem_lines(app), app.library.diagnostics(), strict=True):  # type: ignore[union-attr]
            assert line.endswith(one_line(diagnostic.message))


async def test_a_library_without_problems_says_so_in_the_list() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=NARROW) as pilot:
        await loaded(app, pilot)
        await open_problems(pilot, app)
        await pilot.pause()
        summary = app.screen.query_one("#problems-summary", Static)
        assert str(summary.render()).startswith("No problems")
        assert problem_lines(app) == ["Nothing to fix."]
