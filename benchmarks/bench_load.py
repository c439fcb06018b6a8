"""Loading a library, cold and warm, against `yaml.load(text, Loader=yaml.CSafeLoader)` alone.

For each size (default 100, 1,000, 2,000 and 5,000 briefings) it generates a library into a
temporary folder and times, each in a fresh process, in rounds that take turns:

- baseline: `yaml.load(text, Loader=yaml.CSafeLoader)` of every file (texts read beforehand,
  not timed): parsing alone, nothing validated, linked or indexed;
- no cache: `Library.load` (discover, read, parse, validate, link and index);
- cold: `Library.load` through an empty document cache (which it fills);
- warm: `Library.load` through the filled cache, nothing changed;
- reload: one file edited, `library.reload([that file])`, as the reader does live.

Targets at 2,000 briefings: cold <= 1.5x the baseline, warm <= 0.3x, reload <= 1 s.
Figures are medians of CPU seconds (wall seconds alongside).

    .venv/bin/python benchmarks/bench_load.py [--sizes 100,1000,2000,5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_library as scale

MODES = ("baseline", "nocache", "cold", "warm", "reload")
TARGET_COLD = 1.5
TARGET_WARM = 0.3
TARGET_RELOAD_S = 1.0
TARGET_SIZE = 2000


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.y*ml") if not p.name.startswith("."))


def worker(mode: str, root: Path, cache_folder: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    if mode == "baseline":
        import yaml

        texts = [p.read_text(encoding="utf-8") for p in _files(root)]
        cpu, wall = time.process_time(), time.perf_counter()
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)
        return _timed(cpu, wall, documents=len(texts))

    from briefing_tui.model.cache import DocumentCache
    from briefing_tui.model.library import Library

    if mode == "cold":  # an empty folder of its own, as on first use; removed afterwards
        cache_folder = cache_folder.with_name(f"{cache_folder.name}-cold-{os.getpid()}")
    if mode == "reload":
        library = Library.load([root], cache=DocumentCache(cache_folder))
        edited = _files(root)[len(_files(root)) // 2]
        text, info = edited.read_text(encoding="utf-8"), edited.stat()
        edited.write_text(text + "# edited\n", encoding="utf-8")
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            library = library.reload([str(edited)])
            return _timed(cpu, wall, documents=len(library.documents))
        finally:
            edited.write_text(text, encoding="utf-8")
            os.utime(edited, ns=(info.st_atime_ns, info.st_mtime_ns))
    cpu, wall = time.process_time(), time.perf_counter()
    cache = DocumentCache(cache_folder) if mode in ("cold", "warm") else None
    library = Library.load([root], cache=cache)
    result = _timed(cpu, wall, documents=len(library.documents))
    if cache is not None:
        result.update(hits=cache.hits, misses=cache.misses)
    if mode == "cold":
        shutil.rmtree(cache_folder, ignore_errors=True)
    return result


def _timed(cpu: float, wall: float, **extra: Any) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
        "system": usage.ru_stime,  # of the whole process: file creation shows here
        **extra,
    }


def measure(work: Path, size: int, rounds: int) -> dict[str, Any]:
    """Medians of every mode at one size."""
    root = scale.library_folder(work, size)
    cache_folder = work / f"cache-{size}"
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    scale.run_worker(Path(__file__), ["warm", str(root), str(cache_folder)])  # fill the cache
    for _ in range(rounds):
        for mode in MODES:
            args = [mode, str(root), str(cache_folder)]
            runs[mode].append(scale.run_worker(Path(__file__), args))
    result: dict[str, Any] = {
        "size": size,
        "files": runs["baseline"][0]["documents"],
        "bytes": scale.disk_size(root),
        "rounds": rounds,
    }
    for mode, found in runs.items():
        result[mode] = {
            "cpu": scale.median([r["cpu"] for r in found]),
            "wall": scale.median([r["wall"] for r in found]),
        }
    result["warm_hits"] = runs["warm"][-1].get("hits")
    result["warm_misses"] = runs["warm"][-1].get("misses")
    return result


def report(results: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The table, and the verdict lines at the target size."""
    rows = []
    for r in results:
        base = r["baseline"]["cpu"]
        rows.append(
            [
                f"{r['size']:,}",
                f"{r['bytes'] / 1e6:.1f} MB",
                f"{base:.2f} s",
                f"{r['nocache']['cpu']:.2f} s ({r['nocache']['cpu'] / base:.2f}x)",
                f"{r['cold']['cpu']:.2f} s ({r['cold']['cpu'] / base:.2f}x)",
                f"{r['warm']['cpu']:.2f} s ({r['warm']['cpu'] / base:.2f}x)",
                f"{r['reload']['cpu']:.2f} s",
                f"{r['warm']['wall']:.2f} / {r['cold']['wall']:.2f} s",
            ]
        )
    text = scale.table(
        [
            "briefings",
            "on disk",
            "yaml.load (baseline)",
            "no cache",
            "cold (fills cache)",
            "warm",
            "reload 1 file",
            "wall warm / cold",
        ],
        rows,
    )
    verdicts = []
    for r in results:
        if r["size"] != TARGET_SIZE:
            continue
        base = r["baseline"]["cpu"]
        cold, warm, reload = r["cold"]["cpu"] / base, r["warm"]["cpu"] / base, r["reload"]["cpu"]
        verdicts += [
            f"cold load {cold:.2f}x baseline (target <= {TARGET_COLD}x): "
            + scale.verdict(cold <= TARGET_COLD),
            f"warm load {warm:.2f}x baseline (target <= {TARGET_WARM}x): "
            + scale.verdict(warm <= TARGET_WARM),
            f"reload of one file {reload:.2f} s (target <= {TARGET_RELOAD_S} s): "
            + scale.verdict(reload <= TARGET_RELOAD_S),
        ]
    return text, verdicts


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        mode, root, cache_folder = sys.argv[2:5]
        print(json.dumps(worker(mode, Path(root), Path(cache_folder))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=scale.sizes_argument, default=[100, 1000, 2000, 5000])
    parser.add_argument("--rounds", type=int, default=3, help="rounds up to 2,000 briefings")
    parser.add_argument("--big-rounds", type=int, default=1, help="rounds above 2,000")
    parser.add_argument("--work", help="folder for the generated libraries (default: temporary)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = scale.measure_sizes(
        args.work,
        args.sizes,
        lambda work, size: measure(
            work, size, args.rounds if size <= TARGET_SIZE else args.big_rounds
        ),
    )
    text, verdicts = report(results)
    scale.print_report(
        "Loading (CPU seconds, medians; ratios against the baseline of the same size)",
        text,
        verdicts,
        results,
        args.json,
    )


if __name__ == "__main__":
    main()
