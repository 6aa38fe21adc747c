"""The probe cache: one JSON file per framework and what decides its imports, written atomically.

Cache files are derived data: one that does not decode, validate and match its key is ignored and
rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from recommender import paths
from recommender.errors import UserError
from recommender.fileio import loads_json, make_dirs, read_bounded, write_derived
from recommender.probe.envvars import import_vars
from recommender.probe.model import CHECK_STATUSES, FrameworkResult
from recommender.probe.targets import ProbeTarget

ENV_VAR = "RECOMMENDER_CACHE_DIR"
FORMAT = 2  # bump when the cached shape changes, so old files are ignored rather than misread
LIMIT = 4 << 20  # bytes; a real entry is about 20 KB


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``override``, else the user cache dir (``$RECOMMENDER_CACHE_DIR`` first), then ``probe/``."""
    return Path(override or paths.cache_dir()) / "probe"


def cache_key(
    framework: str,
    version: str | None,
    deep: bool,
    target: ProbeTarget | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a cached result depends on; a change in any field means a fresh probe.

    Besides the framework and the interpreter, hashed: the path a child inherits, the variables that
    change what imports (``envvars.IMPORT_VARS``), and the target's search path, env and script.
    """
    env = os.environ if env is None else env
    return {
        "format": FORMAT,
        "framework": framework,
        "version": version,
        "executable": sys.executable,
        "python": sys.version,
        "node": platform.node(),
        "machine": platform.machine(),
        "deep": deep,
        "sys_path": _digest(interpreter_path()),
        "env": _digest(import_vars(env)),
        "target": _digest(_target(target)),
    }


def interpreter_path(path: list[str] | None = None) -> list[str]:
    """The part of ``sys.path`` a fresh interpreter (a probe child) shares with this one.

    A child's path is its script's directory, ``$PYTHONPATH`` (keyed with the variables), then what
    the interpreter and ``site`` add from the standard library's zip entry on: site-packages, the
    user site, ``.pth`` entries. Entries before that are this process's own (its script's
    directory, pytest's insertions) and reach no child.
    """
    path = sys.path if path is None else path
    stdlib = f"python{sys.version_info[0]}{sys.version_info[1]}.zip"
    start = next((i for i, p in enumerate(path) if p.endswith(stdlib)), 0)
    return path[start:]


def _target(target: ProbeTarget | None) -> list[Any]:
    if target is None:
        return []
    return [target.import_name, str(target.child), list(target.search_path), dict(target.env)]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def path_for(directory: Path, key: dict[str, Any]) -> Path:
    """The file holding the entry for ``key``."""
    return directory / f"{key['framework']}-{_digest(key)}.json"


def load(
    directory: Path, key: dict[str, Any], checks: tuple[str, ...] | None = None
) -> FrameworkResult | None:
    """The cached result for ``key``; a missing, corrupt, odd or mismatched file reads as None.

    Only a clean probe is stored, so anything else (another framework, a status other than ok,
    checks other than ``checks`` or with unknown statuses) is a hand-edited or foreign file.
    """
    found = read_bounded(path_for(directory, key), LIMIT)
    if found is None or found[1]:
        return None
    try:
        raw = loads_json(found[0])
        if not isinstance(raw, dict) or raw.get("key") != key:
            return None
        result = FrameworkResult.from_dict(raw.get("result"))
    except (ValueError, TypeError):
        return None
    return result.but(cached=True) if _plausible(result, key, checks) else None


def _plausible(
    result: FrameworkResult, key: dict[str, Any], checks: tuple[str, ...] | None
) -> bool:
    names = tuple(c.name for c in result.checks)
    return (
        (result.name, result.status, result.installed) == (key["framework"], "ok", True)
        and all(c.status in CHECK_STATUSES for c in (*result.checks, *result.companions))
        and (checks is None or names == checks)
    )


def store(directory: Path, key: dict[str, Any], result: FrameworkResult) -> None:
    """Write atomically; a read-only cache is not an error."""
    try:
        make_dirs(directory)
        write_derived(
            path_for(directory, key), json.dumps({"key": key, "result": result.to_dict()}, indent=1)
        )
    except (OSError, UserError):
        pass
