"""Where recommender keeps its cache (probe results, the compiled rule base) and its state (resume files).

Hand-written rather than platformdirs: importing platformdirs costs ~14 ms, a third of the startup budget of
`recommender recommend`. The rules are the XDG base-directory spec on Linux and each OS's usual place elsewhere.
"""
from __future__ import annotations

import os
import sys


def _home(*parts: str) -> str:
    return os.path.join(os.path.expanduser("~"), *parts)


def cache_dir() -> str:
    """``RECOMMENDER_CACHE_DIR``, else the user cache directory for recommender."""
    if os.environ.get("RECOMMENDER_CACHE_DIR"):
        return os.environ["RECOMMENDER_CACHE_DIR"]
    if sys.platform == "win32":
        return os.path.join(os.environ.get("LOCALAPPDATA", _home("AppData", "Local")), "recommender", "Cache")
    if sys.platform == "darwin":
        return _home("Library", "Caches", "recommender")
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or _home(".cache"), "recommender")


def state_dir() -> str:
    """``RECOMMENDER_STATE_DIR``, else the user state directory for recommender (resume files live here)."""
    if os.environ.get("RECOMMENDER_STATE_DIR"):
        return os.environ["RECOMMENDER_STATE_DIR"]
    if sys.platform == "win32":
        return os.path.join(os.environ.get("LOCALAPPDATA", _home("AppData", "Local")), "recommender", "State")
    if sys.platform == "darwin":
        return _home("Library", "Application Support", "recommender")
    return os.path.join(os.environ.get("XDG_STATE_HOME") or _home(".local", "state"), "recommender")
