"""The reader's first paint waits for no heavy module: pydantic, PyYAML and SQLite load in the
library worker, after the screen is up (proved in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "pydantic_core", "yaml", "sqlite3", "_sqlite3")


def test_importing_the_reader_loads_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "import briefing_tui.__main__, briefing_tui.ui.app\n"
        f"heavy = {HEAVY!r}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"imported before the first paint: {result.stdout}"
