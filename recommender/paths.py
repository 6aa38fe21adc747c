"""Where recommender keeps its cache (probe results, compiled rule base) and state (resume files).

Hand-written rather than platformdirs: importing platformdirs costs ~14 ms, a third of the startup
budget of `recommender recommend`. The rules are the XDG base-directory spec on Linux and each OS's
usual place elsewhere.
"""

from __future__ import annotations

import os
import sys


def _home(*parts: str) -> str:
    return os.path.join(os.path.expanduser("~"), *parts)


def _user_dir(
    override: str, windows: str, macos: tuple[str, ...], xdg: str, xdg_default: tuple[str, ...]
) -> str:
    if os.environ.get(override):
        return os.environ[override]
    if sys.platform == "win32":
        return os.path.join(
            os.environ.get("LOCALAPPDATA", _home("AppData", "Local")), "recommender", windows
        )
    if sys.platform == "darwin":
        return os.path.join(_home(*macos), "recommender")
    return os.path.join(_absolute(os.environ.get(xdg)) or _home(*xdg_default), "recommender")


def _absolute(path: str | None) -> str | None:
    """An XDG variable's path when it is absolute. The spec has a relative one ignored: it was
    taken from the working directory, so each directory a command ran in got a cache of its own
    (``rel/recommender/rules-....json`` beside the user's files)."""
    return path if path and os.path.isabs(path) else None


def cache_dir() -> str:
    """``RECOMMENDER_CACHE_DIR``, else the user cache directory for recommender."""
    return _user_dir(
        "RECOMMENDER_CACHE_DIR", "Cache", ("Library", "Caches"), "XDG_CACHE_HOME", (".cache",)
    )


def state_dir() -> str:
    """``RECOMMENDER_STATE_DIR``, else the user's state directory for recommender (resume files)."""
    return _user_dir(
        "RECOMMENDER_STATE_DIR",
        "State",
        ("Library", "Application Support"),
        "XDG_STATE_HOME",
        (".local", "state"),
    )
