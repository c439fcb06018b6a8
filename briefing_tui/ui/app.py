"""The reader application: loads the library in a worker, owns navigation and history."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import get_current_worker

from ..model.refs import EntityRef
from ..model.text import one_line, visible
from .collector import QuietCollector
from .messages import (
    EntityRequested,
    FilesChanged,
    LibraryFailed,
    LibraryLoaded,
    LibraryProgress,
    SourceRequested,
    StopReached,
)
from .navigation import Location, LocationView, ReadingHistory, view_for
from .screens.main import MainScreen

PREPARE_AFTER = 0.1
"""Seconds the cursor rests on a link to a dossier before that dossier is built ahead: long
enough to pass over links with a held key, shorter than reading a link and pressing Enter."""

WARM_AFTER = 0.5
"""Seconds after the library shows before the dossier screen is made, ready for a link."""

# What the first frame does not show is imported when first asked for: the library's model
# in its worker, the other screens when they open.
if TYPE_CHECKING:
    from textual.command import Provider
    from textual.timer import Timer

    from ..model.library import Library
    from .screens.dossier import DossierScreen
    from .screens.search import LibrarySearch, SearchResults
    from .widgets.dossier_blocks import KeptDossiers

WATCH_INTERVAL = 1.0
"""Seconds between two looks at the library's files."""

PROGRESS_INTERVAL = 0.05
"""Seconds between two counts of documents loaded posted to the screen."""

FileState = dict[str, tuple[int, int]]


def library_files(roots: Sequence[str | Path]) -> FileState:
    """Size and mtime of every `*.yaml`/`*.yml` under `roots` (hidden folders skipped): what
    tells the watcher that something changed. It only reads; the library folders stay as is."""
    state: FileState = {}

    def note(path: str) -> None:
        try:
            info = os.stat(path)
        except OSError:
            return
        state[os.path.realpath(path)] = (info.st_size, info.st_mtime_ns)

    for root in roots:
        root = os.fspath(root)
        if os.path.isfile(root):
            note(root)
            continue
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            for name in files:
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    note(os.path.join(folder, name))
    return state


def changed_files(before: FileState, after: FileState) -> list[str]:
    """Paths added, removed or changed between two looks."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def library_commands() -> type[Provider]:
    """The command palette's destinations and views (imported once the palette opens)."""
    from .commands import LibraryCommands

    return LibraryCommands


class BriefingApp(App[int]):
    """Reads a library of briefings: the main screen, dossiers, and history between them."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/main.tcss"]
    """The main screen's CSS with the app's: it is the default screen, never pushed."""
    TITLE = "briefing-tui"
    COMMANDS = App.COMMANDS | {library_commands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace,alt+left", "back", "Back"),
        Binding("alt+right", "forward", "Forward", show=False),
        Binding("f", "link_hints", "Hints"),
        Binding("slash", "search", "Search"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("p", "problems", "Problems", show=False),
        Binding("n", "next_result", "Next result", show=False),
        Binding("N", "previous_result", "Previous result", show=False),
        Binding("r", "reload", "Reload", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        paths: Sequence[str | Path],
        open_at: str | None = None,
        *,
        watch: bool = True,
        watch_interval: float = WATCH_INTERVAL,
    ) -> None:
        super().__init__()
        self.paths: tuple[str | Path, ...] = tuple(paths)
        self.open_at = open_at
        self.library: Library | None = None
        """The library shown; replaced (never changed) by a reload."""
        self.history = ReadingHistory()
        self.main_screen = MainScreen()
        self._dossier: DossierScreen | None = None
        self._preparing: Timer | None = None
        self._collector = QuietCollector()
        self._watch = watch
        self._watch_interval = watch_interval
        self._stop_watching = threading.Event()
        self._changed_while_loading: set[str] = set()
        self._partly_loaded = False
        """True while the library shown is the part loaded so far (the rest is loading)."""
        self.last_search: SearchResults | None = None
        """The results of the last search opened, which n and N step through."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._collector.input_seen()
        await super().on_event(event)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification literally and visibly, whoever calls it.

        Notifications quote ids, file names and link targets taken from briefings, so one
        guard here covers every call site: never markup, never a raw control character.
        """
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def get_default_screen(self) -> Screen[None]:
        # The first screen: a default screen below it would cost the first frame its styling.
        return self.main_screen

    async def on_mount(self) -> None:
        # After the first frame, which has the progress bar alone: the rest of the main
        # screen, then the library, whose modules are not even imported before.
        self._collector.start(self)
        self.call_after_refresh(self._start)

    @work(exclusive=True, group="start")
    async def _start(self) -> None:
        """Build the main screen, then load the library and watch its files."""
        await self.main_screen.build()
        self.load_library()
        if self._watch:
            self.watch_files()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        gc.unfreeze()  # what the loads froze may be collected again once the reader is gone
        if "library_search" in vars(self):  # made when first used
            self.library_search.close()

    @cached_property
    def library_search(self) -> LibrarySearch:
        """The search index, brought up to date in a worker whenever the library loads."""
        from .screens.search import LibrarySearch

        return LibrarySearch()

    @cached_property
    def dossiers(self) -> KeptDossiers:
        """The blocks of the dossiers shown lately, and of the one prepared ahead."""
        from .widgets.dossier_blocks import KeptDossiers

        return KeptDossiers()

    # Loading and reloading

    @work(thread=True, exclusive=True, group="library")
    def load_library(self, previous: Library | None = None, changed: Sequence[str] = ()) -> None:
        """Load the library (or reload it from `previous`) and post the result."""
        from ..model.cache import DocumentCache
        from ..model.library import Library

        worker = get_current_worker()

        posted = [0.0]

        def progress(done: int, total: int) -> None:
            # A count every 50 ms is enough to watch; one per document redrew the screen
            # thousands of times, taking the loader's time.
            now = time.monotonic()
            if previous is None and (done in (0, total) or now - posted[0] >= PROGRESS_INTERVAL):
                posted[0] = now
                self.post_message(LibraryProgress(done, total))

        def partial(part: Library) -> None:
            # Shown only when it has something to show, and what --open asks for if anything.
            wanted = self.open_at is None or part.parse_ref(self.open_at) is not None
            if part.briefings and wanted and not worker.is_cancelled:
                self.post_message(LibraryLoaded(part, partial=True))

        collecting = gc.isenabled()
        gc.disable()
        try:
            if previous is None:
                library = Library.load(
                    self.paths, progress=progress, cache=DocumentCache(), partial=partial
                )
            elif changed:
                library = previous.reload(changed)
            else:
                library = Library.load(previous.roots, previous=previous)
        except Exception as error:  # one bad file never raises; this is the whole load failing
            self.post_message(LibraryFailed(one_line(f"{type(error).__name__}: {error}")))
            return
        finally:
            # A library is millions of objects, made once and never changed: frozen, they are
            # left out of every later collection (each full one took 300 ms at 2,000 briefings).
            gc.freeze()
            if collecting:
                gc.enable()
        if not worker.is_cancelled:
            self.post_message(LibraryLoaded(library, reloaded=previous is not None))
        if library.cache is not None and previous is None:
            library.cache.prune()  # at most once a day: entries of files gone or changed

    @work(thread=True, exclusive=True, group="watch")
    def watch_files(self) -> None:
        """Look at the library's files every interval; post what changed."""
        before = library_files(self.paths)
        while not self._stop_watching.wait(self._watch_interval):
            if get_current_worker().is_cancelled:
                return
            after = library_files(self.paths)
            changed = changed_files(before, after)
            if changed:
                before = after
                self.post_message(FilesChanged(changed))

    def on_library_progress(self, message: LibraryProgress) -> None:
        self.main_screen.show_progress(message.done, message.total)

    def on_library_failed(self, message: LibraryFailed) -> None:
        self.main_screen.show_failure(message.error)
        self.notify(
            message.error, title="Could not load the library", severity="error", markup=False
        )

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        previous, library = self.library, message.library
        completing = self._partly_loaded  # the whole library, after the part shown so far
        self._partly_loaded = message.partial
        self.library = library
        if not message.partial:
            from .screens.search import start_indexing

            start_indexing(self, library)
        self.main_screen.set_library(library)
        if self._dossier is None:
            self.set_timer(WARM_AFTER, self._warm_dossier_screen)
        if completing:
            current = self.history.current
            if current is None or library.entity(current.ref) is None:
                self._open_first()
            else:
                view = self._location_view()
                if view is not None and view is not self.main_screen:
                    view.show_location(Location(current.ref, view.view_state()))
        elif previous is None:
            self._open_first()
        if previous is None or completing:
            if self._changed_while_loading and not message.partial:
                changed, self._changed_while_loading = sorted(self._changed_while_loading), set()
                self.load_library(library, changed)
            return
        self._report_changes(previous, library)
        current = self.history.current
        if current is not None and library.entity(current.ref) is None:
            self.notify(f"{current.ref} is no longer in the library", markup=False)
            self._open_first()
            return
        view = self._location_view()
        if view is not None and view is not self.main_screen and current is not None:
            view.show_location(Location(current.ref, view.view_state()))

    def _open_first(self) -> None:
        library = self.library
        if library is None:
            return
        ref: EntityRef | None = None
        if self.open_at:
            ref = library.parse_ref(self.open_at)
            if ref is None:
                self.notify(
                    f"nothing in the library is called {one_line(self.open_at)}",
                    severity="warning",
                    markup=False,
                )
        if ref is None:
            newest = library.briefings_newest_first()
            if not newest:
                self.main_screen.show_empty(self.paths, library.diagnostics())
                return
            ref = EntityRef("briefing", newest[0].id)
        self.open_ref(ref)

    def _report_changes(self, previous: Library, library: Library) -> None:
        """Say which files turned invalid (their last good version stays) or valid again."""

        def broken(lib: Library) -> dict[str, bool]:
            return {doc.display_path: doc.usable for doc in lib.documents if doc.errors}

        before, after = broken(previous), broken(library)
        for path, usable in after.items():
            if path in before:
                continue
            name = one_line(Path(path).name)  # a file name is as untrusted as its text
            if usable:
                text = f"{name} has errors; showing its last good version"
            else:
                text = f"{name} has errors and cannot be shown"
            self.notify(text, title="Reloaded", severity="warning", markup=False)
        for path in before.keys() - after.keys():
            name = one_line(Path(path).name)
            self.notify(f"{name} is valid again", title="Reloaded", markup=False)

    def on_files_changed(self, message: FilesChanged) -> None:
        if self.library is None or self._partly_loaded:
            self._changed_while_loading.update(message.paths)
            return
        self.load_library(self.library, message.paths)

    def action_reload(self) -> None:
        """Read every file of the library again."""
        if self.library is None or self._partly_loaded:
            return
        self.notify("Reloading the library…", markup=False, timeout=2)
        self.load_library(self.library)

    # Navigation

    def open_ref(self, ref: EntityRef) -> None:
        """Open an entity where it is presented and record the visit in the history."""
        library = self.library
        if library is None:
            return
        if library.entity(ref) is None:
            self.notify(f"nothing in the library is called {ref}", severity="warning", markup=False)
            return
        self._leave()
        self._present(self.history.visit(ref))

    @on(EntityRequested)
    def _entity_requested(self, message: EntityRequested) -> None:
        self.open_ref(message.ref)

    @on(StopReached)
    def _stop_reached(self, message: StopReached) -> None:
        self._prepare_soon(message.ref)

    def _prepare_soon(self, ref: EntityRef) -> None:
        # Building a dossier is most of following a link to one: done while the reader looks
        # at the link, Enter only shows it.
        if self._preparing is not None:
            self._preparing.stop()
            self._preparing = None
        if self.library is not None and view_for(ref) != "main":
            self._preparing = self.set_timer(PREPARE_AFTER, lambda: self._prepare(ref))

    def _prepare(self, ref: EntityRef) -> None:
        self._preparing = None
        library = self.library
        if library is not None and library.entity(ref) is not None:
            blocks = self.dossiers.prepare(library, ref)
            if self._dossier is not None:
                self._dossier.prepare(blocks)

    def action_back(self) -> None:
        """Go back to the previous location, as it was left."""
        if not self.history.can_back:
            self.notify("Nothing to go back to.", markup=False, timeout=2)
            return
        self._leave()
        location = self.history.back()
        if location is not None:
            self._present(location)

    def action_forward(self) -> None:
        """Go forward again after going back."""
        if not self.history.can_forward:
            self.notify("Nothing to go forward to.", markup=False, timeout=2)
            return
        self._leave()
        location = self.history.forward()
        if location is not None:
            self._present(location)

    def action_close_view(self) -> None:
        """Close the current view: a dialog, a dossier (back to the briefing), or the reader."""
        if self.screen is self.main_screen:
            self.exit(0)
            return
        if not isinstance(self.screen, LocationView):
            self.pop_screen()
            return
        shown = self.main_screen.shown
        self._leave()
        if shown is None:
            self.pop_screen()
            return
        self.history.visit(shown)
        self._present(Location(shown, self.main_screen.view_state()))

    def _location_view(self) -> LocationView | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, LocationView):
                return screen
        return None

    def _leave(self) -> None:
        view = self._location_view()
        if view is not None and self.history.current is not None:
            self.history.leave(view.view_state())

    def _present(self, location: Location) -> None:
        from .screens.dossier import DossierScreen

        if view_for(location.ref) == "main":
            while self.screen is not self.main_screen:
                self.pop_screen()
            self.main_screen.show_location(location)
        else:
            while self.screen is not self.main_screen and not isinstance(
                self.screen, DossierScreen
            ):
                self.pop_screen()
            if isinstance(self.screen, DossierScreen):
                self.screen.show_location(location)
            else:
                self.push_screen(self._dossier_screen(location))
        # The page opens with its cursor on a stop, which no key moved there: once it is
        # shown, say so, as a key would, so that what it opens is prepared while one reads.
        self.call_after_refresh(self._prepare_under_cursor)

    def _prepare_under_cursor(self) -> None:
        from .widgets.link_page import LinkPage

        page = self.screen.focused
        stop = page.current_stop if isinstance(page, LinkPage) else None
        if stop is not None and stop.ref is not None:
            self._prepare_soon(stop.ref)

    def _dossier_screen(self, location: Location | None) -> DossierScreen:
        """The one dossier screen, showing `location`: kept installed between visits, so
        opening a dossier neither composes nor styles a screen again."""
        screen = self._dossier
        if screen is None:
            from .screens.dossier import DossierScreen

            screen = self._dossier = DossierScreen(location)
            self.install_screen(screen, "dossier")
        elif location is not None:
            screen.show_location(location)
        return screen

    async def _warm_dossier_screen(self) -> None:
        """Make the dossier screen while the reader reads: read its CSS (which restyles the
        app), compose it, lay it out and draw it, unseen. The first link followed to a dossier
        did all of it, which made it the slowest by 30-60 ms. (Textual's own steps for a
        pushed screen, done early: it has no public way to ready a screen without showing
        it.)"""
        if self._dossier is not None or self.library is None:
            return
        screen = self._dossier_screen(None)
        self._load_screen_css(screen)
        if self.dossiers.prepared is not None:  # prepared before there was a screen for it
            screen.prepare(self.dossiers.prepared)
        _, mounted = self._get_screen(screen)
        await mounted
        if screen.is_attached and not screen.is_current:
            screen.make_ready()

    # Other views

    @on(SourceRequested)
    def _sources_requested(self, message: SourceRequested) -> None:
        from .screens.sources import SourcesScreen

        briefing = self.library.briefings.get(message.briefing) if self.library else None
        if briefing is None:
            self.notify(f"no briefing {message.briefing}", severity="warning", markup=False)
            return
        self.push_screen(SourcesScreen(briefing, message.source_ids, message.grades))

    def action_link_hints(self) -> None:
        """Label every visible link; typing a label follows it."""
        from .screens.link_hints import LinkHintScreen, hint_labels
        from .widgets.link_page import LinkPage

        pages = [page for page in self.screen.query(LinkPage) if page.region.area]
        targets = [(page, stop) for page in pages for stop in page.visible_stops()]
        if not targets:
            self.notify("No links in sight.", markup=False, timeout=2)
            return
        labels = hint_labels(len(targets))
        chosen = dict(zip(labels, targets, strict=False))
        for page in pages:
            page.show_hints({stop: label for label, (p, stop) in chosen.items() if p is page})

        def follow(label: str | None) -> None:
            for page in pages:
                page.show_hints({})
            if label in chosen:
                page, stop = chosen[label]
                page.focus()
                page.follow(stop)

        self.push_screen(LinkHintScreen(list(chosen)), follow)

    def action_search(self) -> None:
        """Search the library."""
        from .screens.search import SearchScreen

        self.push_screen(SearchScreen())

    def action_help(self) -> None:
        """Show the keys."""
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        """List every error and warning of the library."""
        from .screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen())

    def action_next_result(self) -> None:
        """Open the next result of the last search."""
        from .screens.search import step_results

        step_results(self, +1)

    def action_previous_result(self) -> None:
        """Open the previous result of the last search."""
        from .screens.search import step_results

        step_results(self, -1)


def run_reader(paths: Sequence[str | Path], open_at: str | None = None) -> int:
    """Run the reader on the library at `paths`; returns the exit code."""
    app = BriefingApp(paths, open_at=open_at)
    app.run()
    return app.return_code or 0
