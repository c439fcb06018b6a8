"""First paint of the reader against a bare Textual app, both run for real in a terminal (a pty).

Each run starts a fresh interpreter in a pseudo-terminal of 120x40 and notes, on the system's
monotonic clock, when it was started and when the first frame was written: the first
`call_after_refresh` after mounting, for a bare `textual.app.App` and for the reader alike
(the reader gets the hook by patching its class before `briefing_tui.__main__.main` runs, so
nothing in the product knows about the benchmark). For the reader it also notes when the first
briefing is on screen (the first `LibraryLoaded` handled and painted: the part loaded so far,
when loading is slow) and when the whole library is, with a warm document cache in a temporary
XDG_CACHE_HOME, and once with an empty one.

Runs take turns, bare then reader, several times; figures are medians (wall time: a paint is
what a person waits for).

Targets: first paint <= 1.2x the bare app's for `briefs/`, <= 1.5x at 2,000 briefings.

    .venv/bin/python benchmarks/bench_first_paint.py [--sizes 2000] [--runs 7]
"""

from __future__ import annotations

import os
import sys
import time

PROBE = "--probe"


def _probe(mode: str, out: str, paths: list[str]) -> None:
    """Inside the pty: run the bare app or the reader, writing milestones to `out`."""

    def mark(name: str, last: bool = False) -> None:
        with open(out, "a", encoding="utf-8") as stream:
            stream.write(f"{name} {time.monotonic()!r}\n")
        if last:
            os._exit(0)  # no teardown: the figure is taken, the terminal is thrown away

    if mode == "bare":
        from textual.app import App

        class Bare(App[None]):
            def on_mount(self) -> None:
                self.call_after_refresh(mark, "paint", True)

        Bare().run()
        return

    from briefing_tui.ui import app as reader

    mount, loaded = reader.BriefingApp.on_mount, reader.BriefingApp.on_library_loaded

    async def on_mount(self: reader.BriefingApp) -> None:
        await mount(self)
        self.call_after_refresh(mark, "paint", mode == "paint")

    def on_library_loaded(self: reader.BriefingApp, message: reader.LibraryLoaded) -> None:
        first = self.library is None
        loaded(self, message)
        if first:
            self.call_after_refresh(mark, "content")
        if not getattr(message, "partial", False):
            self.call_after_refresh(mark, "complete", True)

    reader.BriefingApp.on_mount = on_mount  # type: ignore[method-assign]
    reader.BriefingApp.on_library_loaded = on_library_loaded  # type: ignore[method-assign]
    from briefing_tui.__main__ import main

    main(paths)


def main() -> None:
    import argparse
    import json
    import shutil
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scale_library as scale

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=scale.sizes_argument, default=[2000])
    parser.add_argument("--runs", type=int, default=7, help="runs of each, taking turns")
    parser.add_argument("--work", help="folder for the generated libraries (default: temporary)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    briefs = Path(__file__).resolve().parent.parent / "briefs"
    results = []
    with scale.work_folder(args.work) as work:
        xdg = work / "first-paint-xdg"
        # Compiled bytecode cached, as an installed copy has it: a setting that stops Python
        # writing it (PYTHONDONTWRITEBYTECODE) would otherwise make every run compile the
        # reader's modules (about 90 ms) but not Textual's, compiled when it was installed.
        pycache = {"PYTHONPYCACHEPREFIX": str(work / "first-paint-pycache")}
        for probe in (["bare"], ["paint", str(briefs)]):
            run_in_pty(probe, {"XDG_CACHE_HOME": str(xdg), **pycache})
        libraries = [("briefs/", briefs)] + [
            (f"{size:,} briefings", scale.library_folder(work, size)) for size in args.sizes
        ]
        for label, root in libraries:
            shutil.rmtree(xdg, ignore_errors=True)
            env = {"XDG_CACHE_HOME": str(xdg), **pycache}
            cold = run_in_pty(["content", str(root)], env)  # fills the document cache
            bare_runs, paints, contents, completes = [], [], [], []
            for _ in range(args.runs):
                bare_runs.append(run_in_pty(["bare"], env)["paint"])
                found = run_in_pty(["content", str(root)], env)
                paints.append(found["paint"])
                contents.append(found["content"])
                completes.append(found["complete"])
            results.append(
                {
                    "library": label,
                    "bytes": scale.disk_size(root),
                    "bare": scale.median(bare_runs),
                    "paint": scale.median(paints),
                    "content_warm": scale.median(contents),
                    "complete_warm": scale.median(completes),
                    "content_cold": cold["content"],
                    "complete_cold": cold["complete"],
                    "runs": args.runs,
                }
            )
    rows = [
        [
            r["library"],
            f"{r['bare'] * 1000:.0f} ms",
            f"{r['paint'] * 1000:.0f} ms ({r['paint'] / r['bare']:.2f}x)",
            f"{r['content_warm'] * 1000:.0f} / {r['complete_warm'] * 1000:.0f} ms",
            f"{r['content_cold'] * 1000:.0f} / {r['complete_cold'] * 1000:.0f} ms",
        ]
        for r in results
    ]
    print("First paint (wall time from start to first frame, medians)\n")
    print(
        scale.table(
            [
                "library",
                "bare Textual app",
                "reader, first paint",
                "first briefing / whole library shown, warm cache",
                "the same, cold (once)",
            ],
            rows,
        )
    )
    print()
    for r in results:
        target = 1.2 if r["library"] == "briefs/" else 1.5
        ratio = r["paint"] / r["bare"]
        print(
            f"first paint, {r['library']}: {ratio:.2f}x the bare app (target <= {target}x): "
            + scale.verdict(ratio <= target)
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


def run_in_pty(probe: list[str], env: dict[str, str], timeout: float = 120.0) -> dict[str, float]:
    """Start this script as a probe in a 120x40 pty; seconds from start to each milestone."""
    import fcntl
    import pty
    import struct
    import subprocess
    import tempfile
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "marks")
        last = "paint" if probe[0] in ("bare", "paint") else "complete"
        command = [sys.executable, os.path.abspath(__file__), PROBE, probe[0], out, *probe[1:]]
        environment = {**os.environ, **env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)

        def drain() -> None:
            while True:
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            start_new_session=True,
        )
        os.close(slave)
        marks: dict[str, float] = {}
        try:
            deadline = started + timeout
            while last not in marks:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"probe {probe} ended without {last!r}: {marks}")
                time.sleep(0.005)
                if os.path.exists(out):
                    with open(out, encoding="utf-8") as stream:
                        for line in stream:
                            name, _, when = line.partition(" ")
                            if when.endswith("\n"):
                                marks[name] = float(when) - started
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            os.close(master)
        return marks


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == PROBE:
        _probe(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main()
