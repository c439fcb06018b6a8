"""What the main screen shows while the library loads: a count of documents over a bar."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

BAR_WIDTH = 32
"""Cells of the bar, as wide as Textual's own progress bar."""


def progress_bar(done: int, total: int | None, width: int = BAR_WIDTH) -> Content:
    """A bar filled in proportion to `done` of `total`, then the percentage; dim, without a
    percentage, while the total is unknown."""
    if total is None:
        return Content.styled("━" * width, "$panel-lighten-2")
    share = min(max(done / total, 0.0), 1.0) if total else 1.0
    filled = round(share * width)
    return Content.assemble(
        ("━" * filled, "$primary"),
        ("━" * (width - filled), "$panel-lighten-2"),
        f" {round(share * 100):>3}%",
    )


class LoadingProgress(Widget):
    """ "Loading the library… 120 of 2000 documents" over a bar that fills as they load, or why
    the library could not be loaded.

    One widget that draws text: it is all the first frame shows, and Textual's `Label` and
    `ProgressBar` (four widgets, an animation while the total is unknown) took a third of
    what that frame cost over a bare app's."""

    DEFAULT_CSS = """
    LoadingProgress {
        height: 1fr;
        content-align: center middle;
        text-align: center;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._message = Content("Loading the library…")
        self._bar: Content | None = progress_bar(0, None)

    def show_progress(self, done: int, total: int) -> None:
        """Count documents as they load."""
        self._message = Content(f"Loading the library… {done} of {total} documents")
        self._bar = progress_bar(done, total)
        self.refresh()

    def show_failure(self, error: str) -> None:
        """Say that the library could not be loaded at all (`error` is shown literally)."""
        self._message = Content.assemble(("Could not load the library: ", "bold"), error)
        self._bar = None
        self.refresh()

    def render(self) -> Content:
        if self._bar is None:
            return self._message
        return Content("\n").join([self._message, Content(), self._bar])
