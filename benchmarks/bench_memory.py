"""Peak memory (ru_maxrss) of loading a library, against the library's size on disk.

For each size (default 100, 1,000, 2,000 and 5,000 briefings), each in a fresh process:

- interpreter: Python with the model's modules imported, nothing loaded (what any load costs);
- no cache: `Library.load` with no document cache (validated pydantic models as they come);
- cold: `Library.load` through an empty document cache (compact models; entries written);
- warm: `Library.load` through the filled cache (what the reader does on every start);
- warm + search: the warm load, then the search index built from it in the same process
  (`SearchIndex.update_from`, an on-disk index in a temporary cache folder), as the reader
  does on the first search.

Target: peak RSS <= 4x the library's size on disk at 2,000 briefings.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 100,1000,2000,5000]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_library as scale

MODES = ("interpreter", "nocache", "cold", "warm", "warm+search")
TARGET_RATIO = 4.0
TARGET_SIZE = 2000


def _peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS says bytes, Linux KiB


def worker(mode: str, root: Path, work: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    from briefing_tui.model.cache import DocumentCache
    from briefing_tui.model.library import Library
    from briefing_tui.model.search import SearchIndex

    if mode == "interpreter":
        return {"peak": _peak_bytes()}
    cache_folder = work / "memory-cache" / "documents"
    if mode == "cold":
        shutil.rmtree(cache_folder, ignore_errors=True)
    cache = None if mode == "nocache" else DocumentCache(cache_folder)
    library = Library.load([root], cache=cache)
    gc.freeze()  # as the reader does after each load
    if mode == "warm+search":
        index_folder = work / "memory-cache" / "search"
        shutil.rmtree(index_folder, ignore_errors=True)
        with SearchIndex([root], cache_dir=index_folder) as index:
            index.update_from(library)
    return {"peak": _peak_bytes(), "documents": len(library.documents)}


def measure(work: Path, size: int) -> dict[str, Any]:
    root = scale.library_folder(work, size)
    result: dict[str, Any] = {"size": size, "bytes": scale.disk_size(root)}
    scale.run_worker(Path(__file__), ["cold", str(root), str(work)])  # fill the cache
    for mode in MODES:
        result[mode] = scale.run_worker(Path(__file__), [mode, str(root), str(work)])["peak"]
    return result


def report(results: list[dict[str, Any]]) -> tuple[str, list[str]]:
    rows = []
    for r in results:
        disk = r["bytes"]
        rows.append(
            [
                f"{r['size']:,}",
                f"{disk / 1e6:.1f} MB",
                f"{r['interpreter'] / 1e6:.0f} MB",
                *(f"{r[m] / 1e6:.0f} MB ({r[m] / disk:.1f}x)" for m in MODES[1:]),
                f"{(r['warm'] - r['interpreter']) / disk:.1f}x",
            ]
        )
    text = scale.table(
        [
            "briefings",
            "on disk",
            "interpreter",
            "no cache",
            "cold",
            "warm",
            "warm + search index",
            "warm above interpreter",
        ],
        rows,
    )
    verdicts = []
    for r in results:
        if r["size"] == TARGET_SIZE:
            worst = max(r["cold"], r["warm"], r["warm+search"]) / r["bytes"]
            verdicts.append(
                f"peak RSS {worst:.1f}x the size on disk (target <= {TARGET_RATIO}x): "
                + scale.verdict(worst <= TARGET_RATIO)
            )
    return text, verdicts


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        mode, root, work = sys.argv[2:5]
        print(json.dumps(worker(mode, Path(root), Path(work))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=scale.sizes_argument, default=[100, 1000, 2000, 5000])
    parser.add_argument("--work", help="folder for the generated libraries (default: temporary)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = scale.measure_sizes(args.work, args.sizes, measure)
    text, verdicts = report(results)
    scale.print_report(
        "Peak memory (ru_maxrss of a fresh process; ratios against the size on disk)",
        text,
        verdicts,
        results,
        args.json,
    )


if __name__ == "__main__":
    main()
