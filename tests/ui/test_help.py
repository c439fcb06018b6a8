"""The help screen: every key in force, read from the bindings, and how reading works."""

from __future__ import annotations

from typing import ClassVar

from conftest import BRIEFS, WIDE, loaded, reader
from textual.app import App
from textual.binding import Binding, BindingType

from briefing_tui.ui.app import BriefingApp
from briefing_tui.ui.screens.dossier import DossierScreen
from briefing_tui.ui.screens.help import HelpScreen
from briefing_tui.ui.screens.main import MainScreen
from briefing_tui.ui.widgets.link_page import LinkPage


def help_text(app: BriefingApp) -> str:
    assert isinstance(app.screen, HelpScreen)
    return "\n".join(block.plain for block in app.screen.query_one("#help", LinkPage).blocks)


def listed(app: BriefingApp, text: str, bindings: list[Binding]) -> None:
    """Every binding's description and keys are on a line of the help."""
    lines = text.splitlines()
    for binding in bindings:
        description = binding.description or ""
        key = app.get_key_display(binding)
        assert any(key in line and description.lower() in line.lower() for line in lines), (
            f"{binding.key} ({description}) missing from the help"
        )


async def test_help_lists_every_binding_of_the_app_and_the_screen() -> None:
    app = reader([BRIEFS])
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = help_text(app)
        for heading in ("Everywhere", "On this screen (main screen)", "In the link page"):
            assert heading in text
        listed(app, text, list(Binding.make_bindings(BriefingApp.BINDINGS)))
        listed(app, text, list(Binding.make_bindings(MainScreen.BINDINGS)))
        listed(app, text, list(Binding.make_bindings(LinkPage.BINDINGS)))
        assert "^p" in text  # the command palette, which Textual binds itself
        for topic in ("Links", "Link hints", "History"):
            assert f"\n{topic}\n" in text
        assert "Backspace" in text and "alt+right" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_help_on_a_dossier_lists_its_keys_and_closes_with_q() -> None:
    app = reader([BRIEFS], open_at="turkey")
    async with app.run_test(size=WIDE) as pilot:
        await loaded(app, pilot)
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("f1")
        await pilot.pause()
        text = help_text(app)
        assert "On this screen (dossier screen)" in text
        listed(app, text, list(Binding.make_bindings(DossierScreen.BINDINGS)))
        listed(app, text, list(Binding.make_bindings(BriefingApp.BINDINGS)))
        assert "Next pane" not in text  # the main screen's keys are not in force here
        await pilot.press("j", "q")
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen)


async def test_help_describes_bindings_without_a_description_by_their_action() -> None:
    class Tiny(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "explode", show=False)]

        def action_explode(self) -> None:
            """Blow everything up. Loudly."""

        def on_mount(self) -> None:
            self.push_screen(HelpScreen())

    app = Tiny()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = "\n".join(b.plain for b in app.screen.query_one("#help", LinkPage).blocks)
        assert any(
            line.strip().startswith("x ") and "Blow everything up" in line
            for line in text.splitlines()
        )
