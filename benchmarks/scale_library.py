"""What the scale benchmarks share: synthetic libraries by size, subprocess runs, medians, tables.

Libraries come from `generate_library.py` (about 16 KB a briefing and a shared registry), with
one briefing in twenty given an unresolved link, so loading also places library warnings as a
real library's does. Every file is dated a day back: the document cache never keeps a file
modified in the last seconds, and real libraries are older than that.

Each measurement runs in a fresh Python process (`run_worker`), so one run's memory and
garbage never slow the next; times are CPU seconds of that process (what other processes on a
shared machine disturb least) and wall seconds, and the figures reported are medians of rounds
that take turns, baseline and measured, so a slow spell hits both.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BROKEN_EVERY = 20
"""One briefing in this many gets an unresolved link (a library warning to place)."""
A_DAY_NS = 86_400 * 1_000_000_000


def library_folder(work: Path, size: int) -> Path:
    """A library of `size` briefings under `work`, generated on first use (same seed, same
    library), its files dated a day back."""
    root = work / f"library-{size}"
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    # Imported here, not above: the workers that measure memory import this module too.
    from generate_library import generate

    generated = generate(root, size)
    past = time.time_ns() - A_DAY_NS
    for index, path in enumerate(sorted(generated.files)):
        if index % BROKEN_EVERY == 1:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("[[", "[[no-such-", 1), encoding="utf-8")
        os.utime(path, ns=(past, past))
    done.write_text("", encoding="utf-8")  # hidden: the library's walk skips it
    return root


def disk_size(root: Path) -> int:
    """Bytes of the library's YAML files."""
    return sum(p.stat().st_size for p in root.rglob("*.y*ml") if not p.name.startswith("."))


@contextmanager
def work_folder(given: str | None) -> Iterator[Path]:
    """`given` (kept), or a temporary folder removed afterwards."""
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="briefing-scale-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_worker(script: Path, args: Sequence[str], env: dict[str, str] | None = None) -> Any:
    """Run `script --worker ARGS` in a fresh interpreter; its last stdout line is JSON."""
    result = subprocess.run(
        [sys.executable, str(script), "--worker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median(values: Sequence[float]) -> float:
    """The median (of one value: that value)."""
    return statistics.median(values)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, columns padded so it reads in a terminal too."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def verdict(ok: bool) -> str:
    """`holds` or `MISSED`, for the summary lines."""
    return "holds" if ok else "MISSED"


def sizes_argument(text: str) -> list[int]:
    """`100,1000,2000` → [100, 1000, 2000]."""
    return [int(part) for part in text.split(",") if part.strip()]


def measure_sizes(
    work_arg: str | None, sizes: Sequence[int], measure: Callable[[Path, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """`measure(work, size)` for each size in one work folder, saying how long each took."""
    results = []
    with work_folder(work_arg) as work:
        for size in sizes:
            started = time.perf_counter()
            results.append(measure(work, size))
            print(
                f"  {size:,} briefings measured in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    return results


def print_report(
    heading: str, text: str, verdicts: Sequence[str], results: object, json_path: str | None
) -> None:
    """The table under its heading, the verdicts, and the raw results as JSON when asked."""
    print(f"{heading}\n")
    print(text)
    print()
    for line in verdicts:
        print(line)
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2), encoding="utf-8")
