"""Following a link and going back in a large library: the model's queries, and the reader's keys.

For each size (default 100, 1,000 and 2,000 briefings), in a fresh process, the library is
loaded through a warm document cache and frozen (`gc.freeze()`) as the reader does, then:

- model: for a random sample of briefings, actors, places and events, the queries the reader
  makes when it opens one (`entity`, `title_of`, `backlinks`, `appearances`, `relations`,
  `questions_about`, `briefings_mentioning`, `timeline`) and the blocks it builds from them
  (`dossier_blocks` for an actor or place, every pane of a briefing): time per opening;
- collections: the same openings with cyclic garbage collection as it is without the freeze,
  and with it: the longest opening and the longest full collection met on the way;
- reader (at the largest size): the real app in a headless Pilot, each key press timed from
  the press to the first frame written after which the focused page shows what it finally
  shows (rebuilt cell by cell from the frames the app writes), in wall and CPU time: `enter`
  on a link from a briefing to a dossier, from a dossier to another, and to a part of the same
  briefing, and `backspace` back from each; with the full garbage collections met meanwhile.

Target: following a link or going back <= 16 ms (one frame) at 2,000 briefings.

    .venv/bin/python benchmarks/bench_navigation.py [--sizes 100,1000,2000] [--openings 300]
        [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_library as scale

TARGET_MS = 16.0
TARGET_SIZE = 2000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50": _percentile(ms, 0.5), "p95": _percentile(ms, 0.95), "max": max(ms)}


def _openings(library: Any, count: int, seed: int = 7) -> list[Any]:
    from briefing_tui.model.refs import EntityRef

    rng = random.Random(seed)
    briefings = list(library.briefings)
    refs = [EntityRef("briefing", b) for b in rng.sample(briefings, min(len(briefings), count))]
    actors, places = list(library.actors), list(library.places)
    refs += [EntityRef("actor", a) for a in rng.sample(actors, min(len(actors), count))]
    refs += [EntityRef("place", p) for p in rng.sample(places, min(len(places), count))]
    for bid in rng.sample(briefings, min(len(briefings), count)):
        timeline = library.timeline(bid)
        if timeline:
            refs.append(EntityRef("event", rng.choice(timeline).id, bid))
    rng.shuffle(refs)
    return refs


def open_entity(library: Any, ref: Any) -> None:
    """What the reader asks of the model, and builds, when it opens `ref`."""
    from briefing_tui.ui.widgets.briefing_blocks import PANES
    from briefing_tui.ui.widgets.dossier_blocks import dossier_blocks

    library.entity(ref)
    library.title_of(ref)
    library.backlinks(ref)
    library.briefings_mentioning(ref)
    if ref.kind in ("actor", "place"):
        library.appearances(ref)
        library.relations(ref)
        library.questions_about(ref)
        dossier_blocks(library, ref)
    elif ref.kind == "briefing":
        briefing = library.briefings[ref.id]
        library.timeline(ref.id)
        for build in PANES.values():
            build(library, briefing)
    else:
        briefing = library.briefings[ref.briefing]
        for build in PANES.values():  # an event opens its briefing's panes
            build(library, briefing)


def _timed_openings(library: Any, refs: list[Any]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for ref in refs:
        started = time.perf_counter()
        open_entity(library, ref)
        times.setdefault(ref.kind, []).append(time.perf_counter() - started)
    return times


def full_collections() -> tuple[list[float], Callable[[str, dict[str, int]], None]]:
    """A list of the seconds each full garbage collection takes, and the `gc.callbacks` entry
    that fills it."""
    collections: list[float] = []
    started_at: list[float] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started_at.append(time.perf_counter())
        elif started_at:
            collections.append(time.perf_counter() - started_at.pop())

    return collections, note


def model_worker(root: Path, cache_folder: Path, openings: int) -> dict[str, Any]:
    """Model-side figures in this (fresh) process."""
    import gc

    from briefing_tui.model.cache import DocumentCache
    from briefing_tui.model.library import Library

    library = Library.load([root], cache=DocumentCache(cache_folder))
    refs = _openings(library, openings)
    open_entity(library, refs[0])  # imports and first-use caches out of the way

    # Collections as they are without the freeze: full ones re-scan the whole library.
    collections, note = full_collections()
    gc.callbacks.append(note)
    unfrozen = _timed_openings(library, refs)
    gc.collect()  # one full collection, as happens sooner or later: how long it stalls
    unfrozen_collections = list(collections)
    collections.clear()
    gc.freeze()  # what the reader does after each load
    frozen = _timed_openings(library, refs)
    gc.collect()
    frozen_collections = list(collections)
    gc.callbacks.remove(note)

    every = [t for kind in frozen.values() for t in kind]
    return {
        "openings": len(every),
        "by_kind": {kind: _summary(found) for kind, found in frozen.items()},
        "all": _summary(every),
        "unfrozen_all": _summary([t for kind in unfrozen.values() for t in kind]),
        "full_collection_ms": max(unfrozen_collections, default=0.0) * 1000,
        "frozen_full_collection_ms": max(frozen_collections, default=0.0) * 1000,
    }


class ScreenCopy:
    """What the app has written to its (headless) terminal, rebuilt cell by cell from the
    compositor's updates: to tell when a page's new content is actually on screen."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[tuple[str, Any]]] = [[(" ", None)] * width for _ in range(height)]

    def _put(self, x: int, y: int, strip: Any, x1: int = 0, x2: int | None = None) -> None:
        from rich.cells import cell_len

        if not 0 <= y < self.height:
            return
        x2 = self.width if x2 is None else x2
        row = self.cells[y]
        for segment in strip:
            if segment.control:
                continue
            for char in segment.text:
                if x1 <= x < min(x2, self.width):
                    row[x] = (char, segment.style)
                x += cell_len(char)

    def apply(self, update: Any) -> None:
        """Write one update (a full layout, or chops of lines) into the copy."""
        from textual._compositor import ChopsUpdate, LayoutUpdate

        if isinstance(update, LayoutUpdate):
            for dy, line in enumerate(update.strips):
                x = update.region.x
                for strip in line:
                    self._put(x, update.region.y + dy, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                chops = update.chops[y].items()
                for (x, strip), _end in zip(chops, update.chop_ends[y], strict=False):
                    if strip is not None:
                        self._put(x, y, strip, x1, x2 + 1)

    def region(self, region: Any) -> tuple[tuple[tuple[str, Any], ...], ...]:
        """The cells (character and style) of `region`."""
        return tuple(
            tuple(self.cells[y][region.x : region.x + region.width])
            for y in range(region.y, region.y + region.height)
        )


READER_SIZE = (120, 40)
SCENARIOS = (
    ("follow", "briefing → dossier"),
    ("follow", "dossier → dossier"),
    ("back", "dossier → dossier"),
    ("back", "dossier → briefing"),
    ("follow", "within a briefing"),
    ("back", "within a briefing"),
)
"""What each round of the reader does, in order: (key's kind, what it moves between)."""


def reader_worker(root: Path, rounds: int, pause: float) -> dict[str, Any]:
    """Key presses in the real app (headless): each timed from the press to the first frame
    after which the focused page shows what it finally shows (its scrollbar aside: the rest of
    a long page is wrapped afterwards, a slice at a time), in wall and CPU time. Between two
    presses the reader reads for `pause` seconds (the app collects garbage in such pauses)."""
    import asyncio
    import gc

    from briefing_tui.ui.app import BriefingApp
    from briefing_tui.ui.screens.dossier import DossierScreen
    from briefing_tui.ui.widgets.link_page import LinkPage

    async def run() -> dict[str, Any]:
        app = BriefingApp([root], watch=False)
        frames: list[tuple[float, float, Any]] = []
        display = app._display

        def recording_display(screen: Any, update: Any) -> None:
            display(screen, update)
            frames.append((time.perf_counter(), time.process_time(), update))

        app._display = recording_display  # type: ignore[method-assign]
        copy = ScreenCopy(*READER_SIZE)
        collections, note = full_collections()

        timings: dict[str, list[tuple[float, float]]] = {}
        collected: list[float] = []
        async with app.run_test(size=READER_SIZE) as pilot:
            for _ in range(600):
                if app.library is not None:
                    break
                await pilot.pause(0.05)
            await app.workers.wait_for_complete()  # indexing for search, if any, done first
            await pilot.pause()
            gc.callbacks.append(note)

            async def settle(reading: float = 0.1) -> None:
                await pilot.pause()
                await asyncio.sleep(reading)  # the rest of a long page wraps meanwhile
                await pilot.pause()

            async def timed(key: str, name: str) -> None:
                await settle(pause)
                for _, _, update in frames:
                    copy.apply(update)
                frames.clear()
                collections.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await settle()
                page = app.screen.focused
                if not frames or not isinstance(page, LinkPage):
                    return
                content = page.content_region
                content = content._replace(width=content.width - page.scrollbar_size_vertical)
                shown = []
                for _, _, update in frames:
                    copy.apply(update)
                    shown.append(copy.region(content))
                painted = next(f for f, s in zip(frames, shown, strict=True) if s == shown[-1])
                frames.clear()
                timings.setdefault(name, []).append((painted[0] - wall, painted[1] - cpu))
                collected.extend(collections)

            def cursor_to(kinds: tuple[str, ...], turn: int) -> bool:
                page = app.screen.focused
                if not isinstance(page, LinkPage):
                    page = app.screen.query(LinkPage).first()
                found = [
                    i for i, s in enumerate(page.stops) if s.ref is not None and s.ref.kind in kinds
                ]
                if not found:
                    return False
                page.focus()
                page.cursor = found[turn % len(found)]
                return True

            dossiers = ("actor", "place")
            for turn in range(rounds):
                if not cursor_to(dossiers, turn):
                    continue
                await timed("enter", "follow: briefing → dossier")
                if not isinstance(app.screen, DossierScreen):
                    continue
                if cursor_to(dossiers, turn):
                    await timed("enter", "follow: dossier → dossier")
                    await timed("backspace", "back: dossier → dossier")
                await timed("backspace", "back: dossier → briefing")
                if cursor_to(("event", "source", "question"), turn):
                    await timed("enter", "follow: within a briefing")
                    await timed("backspace", "back: within a briefing")
            gc.callbacks.remove(note)
        return {
            "timings": timings,
            "collections": len(collected),
            "longest_collection_ms": max(collected, default=0.0) * 1000,
        }

    found = asyncio.run(run())
    result: dict[str, Any] = {}
    for key in ("follow", "back"):
        every = [t for name, ts in found["timings"].items() if name.startswith(key) for t in ts]
        if every:
            result[key] = _summary([wall for wall, _ in every])
            result[key + " (CPU)"] = _summary([cpu for _, cpu in every])
    for name, ts in found["timings"].items():
        result[name] = _summary([wall for wall, _ in ts])
    result["full collections"] = (
        f"{found['collections']} during the presses, the longest "
        f"{found['longest_collection_ms']:.0f} ms"
    )
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, root, setting, count = sys.argv[2:6]  # setting: the cache folder, or the pause
        if kind == "model":
            result = model_worker(Path(root), Path(setting), int(count))
        else:
            result = reader_worker(Path(root), int(count), float(setting))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=scale.sizes_argument, default=[100, 1000, 2000])
    parser.add_argument("--openings", type=int, default=150, help="of each kind, per size")
    parser.add_argument(
        "--rounds", type=int, default=20, help="rounds of the reader's six key presses"
    )
    parser.add_argument(
        "--pause", type=float, default=1.5, help="seconds the reader reads between two presses"
    )
    parser.add_argument("--work", help="folder for the generated libraries (default: temporary)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = []
    with scale.work_folder(args.work) as work:
        xdg = work / "navigation-xdg"
        env = {"XDG_CACHE_HOME": str(xdg)}
        for size in args.sizes:
            root = scale.library_folder(work, size)
            cache_folder = xdg / "briefing-tui" / "documents"
            scale.run_worker(
                Path(__file__), ["model", str(root), str(cache_folder), "1"], env
            )  # fills the cache
            model = scale.run_worker(
                Path(__file__), ["model", str(root), str(cache_folder), str(args.openings)], env
            )
            results.append({"size": size, "model": model})
        largest = TARGET_SIZE if TARGET_SIZE in args.sizes else max(args.sizes)
        root = scale.library_folder(work, largest)
        try:
            reader = scale.run_worker(
                Path(__file__), ["reader", str(root), str(args.pause), str(args.rounds)], env
            )
        except RuntimeError as error:
            reader = {"error": str(error).splitlines()[-1]}
        results.append({"size": largest, "reader": reader})
    print(
        "Navigation, model side (ms per opening: queries and blocks built; frozen as the reader)\n"
    )
    rows = []
    for r in results:
        if "model" not in r:
            continue
        m = r["model"]
        rows.append(
            [
                f"{r['size']:,}",
                *(
                    f"{m['by_kind'][k]['p50']:.2f} / {m['by_kind'][k]['p95']:.2f}"
                    if k in m["by_kind"]
                    else "-"
                    for k in ("briefing", "actor", "place", "event")
                ),
                f"{m['all']['max']:.1f}",
                f"{m['unfrozen_all']['max']:.1f}",
                f"{m['full_collection_ms']:.0f} / {m['frozen_full_collection_ms']:.0f}",
            ]
        )
    print(
        scale.table(
            [
                "briefings",
                "briefing p50 / p95",
                "actor p50 / p95",
                "place p50 / p95",
                "event p50 / p95",
                "max (frozen)",
                "max (not frozen)",
                "full collection ms: not frozen / frozen",
            ],
            rows,
        )
    )
    reader = next((r["reader"] for r in results if "reader" in r), {})
    measured = next((r["size"] for r in results if "reader" in r), 0)
    print(
        f"\nReader at {measured:,} briefings (Pilot: key press to the frame that shows the "
        "page, ms; ×: times the 16 ms target):"
    )
    for name, figures in reader.items():
        if isinstance(figures, dict):
            print(
                f"  {name}: p50 {figures['p50']:.1f} ({figures['p50'] / TARGET_MS:.1f}×), "
                f"p95 {figures['p95']:.1f} ({figures['p95'] / TARGET_MS:.1f}×), "
                f"max {figures['max']:.1f} ({figures['max'] / TARGET_MS:.1f}×)"
            )
        else:
            print(f"  {name}: {figures}")
    print()
    for r in results:
        if r["size"] == TARGET_SIZE and "model" in r:
            p95 = r["model"]["all"]["p95"]
            print(
                f"model side, p95 of an opening at {TARGET_SIZE:,}: {p95:.1f} ms "
                f"(target <= {TARGET_MS:.0f} ms): " + scale.verdict(p95 <= TARGET_MS)
            )
    for name in ("follow", "back"):
        figures = reader.get(name)
        if isinstance(figures, dict):
            print(
                f"reader, {name} p95: {figures['p95']:.1f} ms (target <= {TARGET_MS:.0f} ms): "
                + scale.verdict(figures["p95"] <= TARGET_MS)
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
