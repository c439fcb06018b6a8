"""Every scale benchmark in one go, on libraries generated once into a temporary folder.

Runs, one after the other: loading (`bench_load.py`), peak memory (`bench_memory.py`),
navigation (`bench_navigation.py`), first paint (`bench_first_paint.py`) and, with `--search`,
the search benchmark (`search_bench.py`, which makes its own libraries). Prints each report,
then every verdict line together; the exit code is 1 when a target was missed.

    .venv/bin/python benchmarks/run_all.py [--quick] [--search] [--keep DIR]

`--quick` measures 100 and 2,000 briefings only, with fewer rounds (a minute or two).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale_library as scale  # noqa: E402

FULL = {
    "bench_load.py": ["--sizes", "100,1000,2000,5000", "--rounds", "5"],
    "bench_memory.py": ["--sizes", "100,1000,2000,5000"],
    "bench_navigation.py": ["--sizes", "100,1000,2000,5000", "--openings", "100", "--rounds", "5"],
    "bench_first_paint.py": ["--sizes", "1000,2000,5000", "--runs", "5"],
}
QUICK = {
    "bench_load.py": ["--sizes", "100,2000", "--rounds", "1"],
    "bench_memory.py": ["--sizes", "100,2000"],
    "bench_navigation.py": ["--sizes", "2000", "--openings", "50", "--rounds", "3"],
    "bench_first_paint.py": ["--sizes", "2000", "--runs", "3"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two sizes, fewer rounds")
    parser.add_argument("--search", action="store_true", help="also run search_bench.py")
    parser.add_argument("--keep", help="generate libraries here and keep them (default: a temp)")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    verdicts: list[str] = []
    failed = False
    started = time.perf_counter()
    with scale.work_folder(args.keep) as work:
        for script, options in plan.items():
            print(f"\n=== {script} {' '.join(options)}\n", flush=True)
            began = time.perf_counter()
            result = subprocess.run(
                [sys.executable, str(HERE / script), *options, "--work", str(work)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(result.stdout, flush=True)
            if result.returncode != 0:
                failed = True
                print(result.stderr[-3000:], file=sys.stderr)
                verdicts.append(f"{script}: FAILED to run (exit {result.returncode})")
            verdicts += [
                f"{script}: {line}" for line in result.stdout.splitlines() if ": holds" in line
            ]
            verdicts += [
                f"{script}: {line}" for line in result.stdout.splitlines() if ": MISSED" in line
            ]
            print(f"({script} took {time.perf_counter() - began:.0f} s)", flush=True)
    if args.search:
        print("\n=== search_bench.py\n", flush=True)
        result = subprocess.run([sys.executable, str(HERE / "search_bench.py")], check=False)
        failed |= result.returncode != 0
    print(f"\n=== Summary ({time.perf_counter() - started:.0f} s in all)\n")
    for line in verdicts:
        print(line)
    missed = any("MISSED" in line or "FAILED" in line for line in verdicts)
    return 1 if failed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
