"""Search speed at scale, against `grep -ril` on the same tree in the same run.

For each size (default 1,000 and 5,000 briefings) it generates a library into a temporary
folder (`generate_library.py`), builds the index, then reports:

- the cold build time (load every file, index it) and the index size;
- query latency p50/p95 in-process (`SearchIndex.search`) over realistic queries: words,
  diacritics, prefixes, phrases, filters and misspelt names, each run many times; also the
  CPU time the searching thread used, which other processes on a shared machine disturb less;
- the wall time of `grep -ril WORD DIR` and of `briefing-tui search WORD DIR` on a warm
  index (median of several alternated runs, for a common word, a place name, a word with
  diacritics and a misspelt name), their CPU time (user + system), and the ratios.

Targets: p95 <= 10 ms per query at 5,000 briefings; warm command line <= 1.5x grep.

    .venv/bin/python benchmarks/search_bench.py [SIZE ...] [--rounds R] [--runs K]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_library import GeneratedLibrary, generate

from briefing_tui.model.search import SearchIndex

TARGET_P95_MS = 10.0
TARGET_CLI_RATIO = 1.5


def misspell(name: str, rng: random.Random) -> str:
    """A word of the name with one letter dropped or changed, as a reader might type it."""
    word = max(name.replace("-", " ").split(), key=len).lower()
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]


def queries(library: GeneratedLibrary, rng: random.Random) -> list[tuple[str, str]]:
    """(category, query) pairs drawn from what the library holds."""
    names = [library.registry.names[i] for i in rng.sample(library.registry.ids, 6)]
    actor = rng.choice(library.registry.ids)
    briefing = rng.choice(library.briefing_ids)
    place = rng.choice(library.place_names)
    out = [
        ("word", "ceasefire"),
        ("word", "convoy"),
        ("word", "hospital evacuated"),
        ("word", place.split()[-1]),
        ("name", names[0]),
        ("name", names[1].split()[-1]),
        ("diacritics", "erdogan"),
        ("diacritics", "kilicdaroglu"),
        ("diacritics", "walesa"),
        ("prefix", "negot*"),
        ("prefix", "evacu*"),
        ("prefix", max(re.findall(r"[^\W_]+", names[2]), key=len)[:4].lower() + "*"),
        ("phrase", '"training camp"'),
        ("phrase", '"humanitarian corridor"'),
        ("filter", "kind:event shelling after:2020-06 before:2021-06"),
        ("filter", f"actor:{actor} kind:event"),
        ("filter", f"in:{briefing} strike"),
        ("filter", "tag:drones kind:briefing"),
        ("filter", "status:open kind:question convoy"),
        ("exclude", "strike -drone"),
        ("or", "shelling OR raid checkpoint"),
        ("fuzzy", "erdgan"),
        ("fuzzy", misspell(names[3], rng)),
        ("fuzzy", misspell(names[4], rng)),
        ("fuzzy", misspell(names[5], rng)),
    ]
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system, s) of one run of a command, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, code


def command_line() -> list[str]:
    script = Path(sys.executable).with_name("briefing-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing_tui"]


def bench(size: int, rounds: int, runs: int, work: Path) -> dict[str, float]:
    print(f"\n=== {size:,} briefings ===", flush=True)
    root = work / f"lib-{size}"
    started = time.perf_counter()
    library = generate(root, size, seed=size)
    print(
        f"generated {len(library.files):,} files, {library.size / 1e6:.1f} MB"
        f" in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    cache_home = work / f"cache-{size}"
    started = time.perf_counter()
    index = SearchIndex([root], cache_dir=cache_home / "briefing-tui")
    index.update()
    build = time.perf_counter() - started
    assert index.location is not None
    db_size = index.location.stat().st_size
    print(
        f"index built in {build:.1f} s: {index.count():,} entities, {db_size / 1e6:.1f} MB",
        flush=True,
    )

    rng = random.Random(size)
    cases = queries(library, rng)
    samples: dict[str, list[float]] = {}
    cpu: list[float] = []
    hits: dict[str, int] = {}
    for category, text in cases:
        index.search(text)  # first run: page cache
        for _ in range(rounds):
            start, start_cpu = time.perf_counter(), time.thread_time()
            found = index.search(text, limit=20)
            samples.setdefault(category, []).append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        hits[text] = len(found)
    index.close()
    every = [value for values in samples.values() for value in values]
    print(f"\nin-process query latency ({len(cases)} queries x {rounds} rounds, limit 20):")
    print(f"  {'category':<12}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for category, values in samples.items():
        print(
            f"  {category:<12}{percentile(values, 0.5):>9.2f}{percentile(values, 0.95):>9.2f}"
            f"{max(values):>9.2f}"
        )
    p50, p95 = percentile(every, 0.5), percentile(every, 0.95)
    print(f"  {'all':<12}{p50:>9.2f}{p95:>9.2f}{max(every):>9.2f}")
    cpu95 = percentile(cpu, 0.95)
    print(f"  {'all, CPU':<12}{percentile(cpu, 0.5):>9.2f}{cpu95:>9.2f}{max(cpu):>9.2f}")
    empty = [text for text, count in hits.items() if count == 0]
    if empty:
        print(f"  (no hits for: {', '.join(empty)})")

    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    # As installed, Python reads cached bytecode; without it every run compiles the package.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cli = command_line()
    rare = misspell(library.registry.names[library.registry.ids[0]], rng)
    words = ("ceasefire", library.place_names[0].split()[-1].lower(), "erdoğan", rare)
    print(f"\nmedian of {runs} runs each, alternated (warm index, warm page cache):")
    print(
        f"  {'word':<16}{'grep wall':>10}{'search':>9}{'ratio':>7}"
        f"{'grep CPU':>10}{'search':>9}{'ratio':>7}  exit codes"
    )
    ratios = []
    for word in words:
        grep = ["grep", "-ril", word, str(root)]
        search = [*cli, "search", word, str(root)]
        timed(grep, env)  # page cache and bytecode
        timed(search, env)
        runs_of: dict[str, list[tuple[float, float, int]]] = {"grep": [], "search": []}
        for _ in range(runs):  # alternated, so that both meet the same load
            runs_of["grep"].append(timed(grep, env))
            runs_of["search"].append(timed(search, env))
        (grep_wall, grep_cpu), (search_wall, search_cpu) = (
            (statistics.median(r[0] for r in runs_of[name]),
             statistics.median(r[1] for r in runs_of[name]))
            for name in ("grep", "search")
        )  # fmt: skip
        ratios.append(search_wall / grep_wall)
        print(
            f"  {word:<16}{grep_wall * 1000:>8.0f}ms{search_wall * 1000:>7.0f}ms"
            f"{search_wall / grep_wall:>7.2f}{grep_cpu * 1000:>8.0f}ms{search_cpu * 1000:>7.0f}ms"
            f"{search_cpu / max(grep_cpu, 1e-3):>7.2f}"
            f"  grep {runs_of['grep'][-1][2]}, search {runs_of['search'][-1][2]}"
        )
    worst = max(ratios)
    print(
        f"\n  p95 {p95:.2f} ms (target <= {TARGET_P95_MS} ms):"
        f" {'met' if p95 <= TARGET_P95_MS else 'MISSED'}"
    )
    print(
        f"  worst command-line ratio {worst:.2f}x grep (target <= {TARGET_CLI_RATIO}x):"
        f" {'met' if worst <= TARGET_CLI_RATIO else 'MISSED'}"
    )
    return {"size": size, "build": build, "p50": p50, "p95": p95, "cpu95": cpu95, "ratio": worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=30, help="runs of each query in-process")
    parser.add_argument("--runs", type=int, default=7, help="runs of each command for wall time")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs,"
        f" LANG={os.environ.get('LANG', '')!r} LC_ALL={os.environ.get('LC_ALL', '')!r}"
    )
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        results = [bench(size, args.rounds, args.runs, work) for size in args.sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nsummary:")
    print(
        f"  {'briefings':>10}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}{'CPU p95':>9}{'cli/grep':>10}"
    )
    for row in results:
        print(
            f"  {row['size']:>10,}{row['build']:>9.1f}{row['p50']:>9.2f}{row['p95']:>9.2f}"
            f"{row['cpu95']:>9.2f}{row['ratio']:>9.2f}x"
        )
    print(f"  load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
