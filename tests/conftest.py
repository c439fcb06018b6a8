"""Every test runs with private cache and state folders: the suite never touches the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the XDG cache and state folders at fresh temporary ones for each test."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_CACHE_HOME", str(Path(home, "cache")))
    monkeypatch.setenv("XDG_STATE_HOME", str(Path(home, "state")))
