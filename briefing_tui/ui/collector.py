"""Full garbage collections at quiet moments, rather than in the middle of a key press."""

from __future__ import annotations

import gc
import time

from textual.app import App

QUIET = 1.0
"""Seconds without input after which the reader counts as idle."""
CHECK_EVERY = 0.5
"""Seconds between two looks at whether a collection is near."""
NEAR = 4
"""Collections of the middle generation after which a full one is near: Python runs one
after more than 10 (its third threshold), given enough objects waiting."""


class QuietCollector:
    """Python runs a full collection, over every object not frozen, when enough young
    objects have survived; in the reader that came in the middle of a followed link every
    few presses, for 40-130 ms at 2,000 briefings. This runs it earlier, once the reader has
    been idle a moment, so that Python's own rarely comes due while a key is being answered.
    Python's thresholds stay as they are: without pauses, its own collections still run."""

    def __init__(self) -> None:
        self._last_input = time.monotonic()

    def start(self, app: App[object]) -> None:
        """Look every `CHECK_EVERY` seconds, on `app`'s loop, whether to collect."""
        app.set_interval(CHECK_EVERY, self.collect_if_due, name="quiet collections")

    def input_seen(self) -> None:
        """Note a key press or a click: the reader is not idle."""
        self._last_input = time.monotonic()

    def collect_if_due(self) -> bool:
        """Run a full collection when one is near and the reader is idle."""
        near = gc.isenabled() and gc.get_count()[2] >= NEAR
        if near and time.monotonic() - self._last_input >= QUIET:
            gc.collect()
            return True
        return False
