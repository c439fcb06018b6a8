"""The model and the non-UI subcommands never import Textual or Rich (proved in a fresh process)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import briefing_tui.commands
import briefing_tui.model


def _modules(package: object) -> list[str]:
    return [
        f"{package.__name__}.{info.name}"  # type: ignore[attr-defined]
        for info in pkgutil.iter_modules(package.__path__)  # type: ignore[attr-defined]
    ]


def test_model_and_commands_import_no_ui() -> None:
    modules = _modules(briefing_tui.model) + _modules(briefing_tui.commands)
    assert "briefing_tui.model.entities" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"UI modules imported: {result.stdout.strip()}"


def test_command_line_entry_imports_no_ui() -> None:
    code = (
        "import sys\n"
        "import briefing_tui.__main__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
