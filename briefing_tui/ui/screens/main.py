"""The main screen: the library list and the selected briefing in four panes of links."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import DescendantFocus, Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from ...model.refs import EntityRef
from ...model.text import one_line
from ..navigation import Location, ViewState
from ..widgets.loading import LoadingProgress

# The first frame shows the progress bar alone: the model's heavy modules load in the library
# worker, and the list's and panes' modules when `build` makes them, after that frame.
if TYPE_CHECKING:
    from ...model.diagnostics import Diagnostic
    from ...model.library import Library
    from ..widgets.briefing_list import BriefingList
    from ..widgets.link_page import LinkPage

PANE_TITLES = {
    "summary": "Summary",
    "timeline": "Timeline",
    "actors": "Actors",
    "questions": "Open questions",
}
PANE_NAMES = tuple(PANE_TITLES)
TAB_TITLES = (
    PANE_TITLES,
    {**PANE_TITLES, "questions": "Questions"},
    {"summary": "Sum", "timeline": "Time", "actors": "Act", "questions": "Q"},
)
"""The titles the pane tabs may take, longest first: the longest that fits is shown."""
TAB_PADDING = 2
"""Cells a tab adds around its label (Textual's `Tab { padding: 0 1 }`)."""


def tab_labels(width: int) -> dict[str, str]:
    """The label of each pane's tab: the longest titles whose tabs fit in `width` cells, else
    the digits alone."""
    for titles in TAB_TITLES:
        labels = {
            name: f"{number} {title}"
            for number, (name, title) in enumerate(titles.items(), start=1)
        }
        if sum(len(label) + TAB_PADDING for label in labels.values()) <= width:
            return labels
    return {name: str(number) for number, name in enumerate(PANE_TITLES, start=1)}


TABS_BELOW = 110
"""Narrower than this, one pane shows at a time, chosen by tabs."""
ROW_FROM = 200
"""From this width on, the four panes stand side by side."""
GRID_MIN_HEIGHT = 30
"""Shorter than this, two rows of panes would be too cramped: use tabs."""
EMPTY_PROBLEMS_SHOWN = 200
"""Problems listed when no briefing can be shown (the problems view lists them all)."""
LIBRARY_FROM = 100
"""From this width on, the library list shows unless the reader hides it."""


class MainScreen(Screen[None]):
    """The library list and one briefing in four panes (Summary, Timeline, Actors, Questions)."""

    # main.tcss is read with the app's CSS: this screen is the app's default screen.

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_pane", "Next pane", show=False),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False),
        Binding("1", "pane('summary')", "Summary", show=False),
        Binding("2", "pane('timeline')", "Timeline", show=False),
        Binding("3", "pane('actors')", "Actors", show=False),
        Binding("4", "pane('questions')", "Questions", show=False),
        Binding("l", "toggle_library", "Library"),
        Binding("q", "app.quit", "Quit"),
    ]

    active_pane: reactive[str] = reactive("summary", init=False)
    """The pane shown when one shows at a time, and focused when all show."""

    def __init__(self) -> None:
        super().__init__(classes="-loading")
        self.library: Library | None = None
        self.shown: EntityRef | None = None
        """The entity presented: the briefing, or one of its parts highlighted."""
        self._shown_library: Library | None = None
        self._library_choice: bool | None = None
        self._loading = LoadingProgress(id="loading")
        self._list: BriefingList | None = None
        self._pages: dict[str, LinkPage] = {}

    # Layout

    def compose(self) -> ComposeResult:
        yield self._loading

    def on_mount(self) -> None:
        self._arrange()

    async def build(self) -> None:
        """Mount the library list, the panes and the footer.

        Styling and laying them out (some 140 nodes) cost more than the rest of a first frame,
        so the first frame has the progress bar alone and the app builds the rest after it,
        hidden while the library loads."""
        if self._list is not None:
            return
        from ..widgets.briefing_list import BriefingList
        from ..widgets.footer import KeyFooter
        from ..widgets.link_page import LinkPage

        library_list = BriefingList(id="library")
        library_list.border_title = "Library"
        tabs = Tabs(
            *(
                Tab(f"{number} {title}", id=f"tab-{name}")
                for number, (name, title) in enumerate(PANE_TITLES.items(), start=1)
            ),
            id="pane-tabs",
            active=f"tab-{self.active_pane}",
        )
        tabs.can_focus = False
        pages = {name: LinkPage(id=f"pane-{name}", classes="pane") for name in PANE_TITLES}
        for name, page in pages.items():
            page.set_class(name == self.active_pane, "-active")
            page.border_title = PANE_TITLES[name]
        panes = Container(*pages.values(), id="panes")
        reading = Vertical(tabs, Static(id="banner"), panes, id="reading")
        await self.mount_all(
            [Horizontal(library_list, reading, id="body"), KeyFooter(compact=True)]
        )
        self._list, self._pages = library_list, pages
        self._arrange()
        # The keys of this screen are usable now; and a footer mounted after the screen lists
        # keys only once told that they changed.
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Every key of this screen moves between panes or the list: none until they exist.
        return self._list is not None

    def on_resize(self, event: Resize) -> None:
        self._arrange()

    def _fit_tabs(self) -> None:
        if self._list is None:
            return
        tabs = self.query_one("#pane-tabs", Tabs)
        if not tabs.size.width:
            return
        for name, label in tab_labels(tabs.size.width).items():
            tab = tabs.query_one(f"#tab-{name}", Tab)
            if tab.label.plain != label:
                tab.label = label

    def _arrange(self) -> None:
        width, height = self.size
        if width < TABS_BELOW or height < GRID_MIN_HEIGHT:
            arrangement = "-tabs"
        elif width >= ROW_FROM:
            arrangement = "-row"
        else:
            arrangement = "-grid"
        for name in ("-tabs", "-grid", "-row"):
            self.set_class(name == arrangement, name)
        show_library = self._library_choice
        if show_library is None:
            show_library = width >= LIBRARY_FROM
        self.set_class(not show_library, "-library-hidden")
        self.call_after_refresh(self._fit_tabs)

    @property
    def one_pane_at_a_time(self) -> bool:
        """True when the panes show as tabs."""
        return self.has_class("-tabs")

    def page(self, name: str) -> LinkPage:
        """The page of a pane by name (`summary`, `timeline`, `actors`, `questions`)."""
        return self._pages[name]

    @property
    def library_list(self) -> BriefingList:
        """The list of the library's briefings."""
        assert self._list is not None, "the main screen is not built yet"
        return self._list

    # Loading

    def show_progress(self, done: int, total: int) -> None:
        """Count documents as they load."""
        self._loading.show_progress(done, total)

    def show_failure(self, error: str) -> None:
        """Say that the library could not be loaded at all."""
        self._loading.show_failure(error)

    def set_library(self, library: Library) -> None:
        """Show a (re)loaded library; the briefing shown stays, redrawn where it was."""
        self.library = library
        if self.has_class("-loading"):
            self.remove_class("-loading")
            self.call_after_refresh(self._fit_tabs)  # the tabs had no width while loading
        self.library_list.show_library(library, self._briefing_id(self.shown))
        if self.shown is not None and self._shown_library is not library:
            self.show_location(Location(self.shown, self.view_state()))

    def show_empty(self, paths: Sequence[str | Path], problems: Sequence[Diagnostic]) -> None:
        """Say that no briefing could be shown, where the reader looked, and what was wrong."""
        from ..widgets.link_page import Block

        block = Block().text("No briefings to show.", "title").line()
        block.text("Looked in: ", "label").text(", ".join(str(path) for path in paths))
        blocks = [block]
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            blocks.append(Block().text(f"⚠ {len(problems)} {noun}", "warning"))
            for problem in problems[:EMPTY_PROBLEMS_SHOWN]:
                role = "error" if problem.is_error else "warning"
                blocks.append(Block(gap=0).text(problem.format(), role))
        self.page("summary").set_blocks(blocks)
        self.active_pane = "summary"
        self.page("summary").focus()

    # Locations

    @staticmethod
    def _briefing_id(ref: EntityRef | None) -> str | None:
        if ref is None:
            return None
        return ref.id if ref.kind == "briefing" else ref.briefing

    def show_location(self, location: Location) -> None:
        """Show a briefing (or one of its parts, in its pane, highlighted)."""
        from ..widgets.briefing_blocks import PANE_OF_KIND, PANES
        from ..widgets.link_page import PagePosition

        library = self.library
        briefing_id = self._briefing_id(location.ref)
        if library is None or briefing_id is None:
            return
        briefing = library.briefings.get(briefing_id)
        if briefing is None:
            self.notify(f"no briefing {briefing_id}", severity="warning", markup=False)
            return
        pages: dict[str, PagePosition] = dict(location.state.get("pages", {}))
        redraw = self._shown_library is not library or self._briefing_id(self.shown) != briefing_id
        self.shown = location.ref
        self._shown_library = library
        for name, fill in PANES.items():
            page = self.page(name)
            if redraw:
                page.set_blocks(fill(library, briefing), pages.get(name))
            elif name in pages:
                page.restore(pages[name])
            elif location.fresh:
                page.restore(PagePosition(cursor=0 if page.stops else None))
        pane = location.state.get("pane") or PANE_OF_KIND.get(location.ref.kind, "summary")
        anchored = location.fresh and location.ref.kind != "briefing"
        if anchored and not self.page(pane).show_anchor(location.ref):
            self.notify(f"{location.ref} is not shown here", markup=False)
        self.library_list.select_briefing(briefing_id)
        self._show_banner(library, briefing_id)
        self.active_pane = pane
        self._show_active()
        self.page(pane).focus()

    def view_state(self) -> ViewState:
        """The active pane and the position in each pane."""
        return {
            "pane": self.active_pane,
            "pages": {name: self.page(name).position for name in PANE_NAMES},
        }

    def _show_banner(self, library: Library, briefing_id: str) -> None:
        banner = self.query_one("#banner", Static)
        document = library.document_of(briefing_id)
        stale = document is not None and document.usable and document.errors > 0
        if stale and document is not None:
            banner.update(
                Content.assemble(
                    ("⚠ ", "bold"),
                    one_line(Path(document.display_path).name),
                    " has errors; showing its last good version",
                )
            )
        banner.set_class(stale, "-shown")

    # Panes

    def watch_active_pane(self) -> None:
        self._show_active()

    def _show_active(self) -> None:
        if self._list is None:
            return
        for name in PANE_NAMES:
            self.page(name).set_class(name == self.active_pane, "-active")
        tabs = self.query_one("#pane-tabs", Tabs)
        if tabs.active != f"tab-{self.active_pane}":
            tabs.active = f"tab-{self.active_pane}"
        page = self.page(self.active_pane)
        if self.focused is not page and self.focused is not self._list:
            page.focus()

    def action_pane(self, name: str) -> None:
        """Show and focus a pane."""
        self.active_pane = name
        self.call_after_refresh(self.page(name).focus)

    def _cycle(self, step: int) -> None:
        stops: list[str] = list(PANE_NAMES)
        library_shown = not self.has_class("-library-hidden")
        if library_shown:
            stops.insert(0, "library")
        here = "library" if self.focused is self._list else self.active_pane
        following = stops[(stops.index(here) + step) % len(stops)]
        if following == "library":
            self.library_list.focus()
        else:
            self.action_pane(following)

    def action_next_pane(self) -> None:
        """Focus the next pane (the library list comes before the first)."""
        self._cycle(+1)

    def action_previous_pane(self) -> None:
        """Focus the previous pane."""
        self._cycle(-1)

    def action_toggle_library(self) -> None:
        """Show or hide the library list."""
        self._library_choice = self.has_class("-library-hidden")
        self._arrange()
        if self._library_choice:
            self.library_list.focus()
        else:
            self.page(self.active_pane).focus()

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id and event.tab.id.startswith("tab-"):
            name = event.tab.id.removeprefix("tab-")
            if name != self.active_pane:
                self.action_pane(name)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if widget in self._pages.values() and widget.id:
            name = widget.id.removeprefix("pane-")
            if name != self.active_pane:
                self.active_pane = name
