"""The user's cache folder for briefing-tui, as platformdirs names it, found without it when
that is plain.

Importing platformdirs costs a warm `briefing-tui search` several milliseconds (pathlib,
tempfile, random): more than the search. On Linux its answer is `$XDG_CACHE_HOME` when that
is an absolute path, else `$HOME/.cache` when HOME is absolute; those two cases are answered
here, every other one (another system, Android, no usable HOME) by platformdirs itself.
"""

from __future__ import annotations

import os
import sys

APP_NAME = "briefing-tui"


def user_cache_dir() -> str:
    """The folder where briefing-tui keeps its caches (the document cache, search indexes)."""
    plain = _plain_linux_cache_home()
    if plain is not None:
        return os.path.join(plain, APP_NAME)
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME)


def _plain_linux_cache_home() -> str | None:
    """The XDG cache home on an ordinary Linux, or None when platformdirs must decide."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if "ANDROID_DATA" in os.environ or "ANDROID_ROOT" in os.environ:
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return xdg
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return os.path.expanduser("~/.cache")
    return None
