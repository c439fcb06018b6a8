"""Loader speed against `yaml.load(text, Loader=yaml.CSafeLoader)` on the same files.

Copies the bundled briefs into a temporary folder many times over (each copy with its own
ids, so the library links them as it would real files), then times, best of several rounds:
the baseline (read + yaml.load), `load_document` for every file, and `Library.load`
(CPU time of this process, which other processes on the machine disturb least).

    .venv/bin/python benchmarks/bench_loader.py [copies] [rounds]
"""

from __future__ import annotations

import gc
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from briefing_tui.model import loader

BRIEFS = Path(__file__).resolve().parent.parent / "briefs"
BASELINE = "baseline yaml.load (CSafeLoader)"


def make_library(target: Path, copies: int) -> list[Path]:
    """`copies` copies of every bundled briefing plus the actor registries once.

    Copy n of every briefing gets the id `<id>-copy-n`, and links between briefings are
    renamed the same way, so each copy links as the originals do (no extra warnings).
    """
    registries: list[tuple[str, str]] = []
    briefings: list[tuple[str, str]] = []
    for source in sorted(BRIEFS.glob("*.y*ml")):
        text = source.read_text(encoding="utf-8")
        if re.search(r"(?m)^schema: *['\"]?actors/1", text):
            registries.append((source.name, text))
        else:
            match = re.search(r"(?m)^id: *['\"]?([a-z0-9-]+)", text)
            briefings.append((match.group(1) if match else source.stem, text))
    files: list[Path] = []
    for name, text in registries:
        out = target / name
        out.write_text(text, encoding="utf-8")
        files.append(out)
    ids = [ident for ident, _ in briefings]
    for n in range(copies):
        for ident, text in briefings:
            for other in ids:
                text = re.sub(rf"\b{re.escape(other)}\b(?!-)", f"{other}-copy-{n}", text)
            out = target / f"{ident}-copy-{n}.yaml"
            out.write_text(text, encoding="utf-8")
            files.append(out)
    return files


def baseline(files: list[Path]) -> None:
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def ours(files: list[Path]) -> None:
    for path in files:
        document = loader.load_document(path)
        if document.errors:
            raise SystemExit(f"unexpected errors: {document.diagnostics[:3]}")


def library(folder: Path) -> None:
    from briefing_tui.model.library import Library

    Library.load([folder])


def best_interleaved(runs: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Best CPU time of each run, taking turns round by round: on a shared machine wall time
    measures the neighbours as much as the code."""
    times: dict[str, float] = {}
    for _ in range(rounds):
        for name, run in runs.items():
            gc.collect()
            start = time.process_time()
            run()
            elapsed = time.process_time() - start
            times[name] = min(times.get(name, elapsed), elapsed)
    return times


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    folder = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        files = make_library(folder, copies)
        size = sum(p.stat().st_size for p in files)
        print(f"{len(files)} files, {size / 1e6:.1f} MB, libyaml: {yaml.__with_libyaml__}")
        ours(files)  # warm imports and caches once
        runs: dict[str, Callable[[], object]] = {
            BASELINE: lambda: baseline(files),
            "load_document": lambda: ours(files),
            "Library.load": lambda: library(folder),
        }
        results = best_interleaved(runs, rounds)
        base = results[BASELINE]
        for name, seconds in results.items():
            print(f"{name:34} {seconds * 1000:8.1f} ms  {seconds / base:5.2f}x")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
