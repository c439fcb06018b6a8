"""The cache folder found without platformdirs is the one platformdirs names."""

from __future__ import annotations

import platformdirs
import pytest

from briefing_tui.model import user_cache
from briefing_tui.model.user_cache import user_cache_dir


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("/tmp/xdg cache", "/home/reader"),
        ("/tmp/xdg-cache/", "/home/reader"),
        (None, "/home/reader"),
        (None, "/home/reader/"),
        (None, "/"),
        ("", "/home/reader"),
        ("relative/cache", "/home/reader"),
        ("   ", "/home/reader"),
        ("~/cache", "/home/reader"),
    ],
)
def test_the_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str
) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setenv("HOME", home)
    assert user_cache_dir() == platformdirs.user_cache_dir("briefing-tui")


def test_plain_cases_are_answered_without_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_cache.sys, "platform", "linux")
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    monkeypatch.delenv("ANDROID_ROOT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/srv/cache")
    assert user_cache._plain_linux_cache_home() == "/srv/cache"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/home/reader")
    assert user_cache._plain_linux_cache_home() == "/home/reader/.cache"
    monkeypatch.setenv("HOME", "reader")
    assert user_cache._plain_linux_cache_home() is None
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("XDG_CACHE_HOME", "/srv/cache")
    assert user_cache._plain_linux_cache_home() is None
