"""The probe cache: one JSON file per (framework, version, interpreter, machine, deep), written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from recommender import paths
from recommender.errors import UserError
from recommender.fileio import write_text_atomic
from recommender.probe.model import FrameworkResult

ENV_VAR = "RECOMMENDER_CACHE_DIR"
FORMAT = 1  # bump when the cached shape changes, so old files are ignored rather than misread


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``override``, else the user cache dir (``$RECOMMENDER_CACHE_DIR`` first); probe files live in ``probe/``."""
    return Path(override or paths.cache_dir()) / "probe"


def cache_key(framework: str, version: str | None, deep: bool) -> dict[str, Any]:
    """What a cached result depends on; a change in any field means a fresh probe."""
    return {
        "format": FORMAT,
        "framework": framework,
        "version": version,
        "executable": sys.executable,
        "python": sys.version,
        "node": platform.node(),
        "machine": platform.machine(),
        "deep": deep,
    }


def _path(directory: Path, key: dict[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return directory / f"{key['framework']}-{digest}.json"


def load(directory: Path, key: dict[str, Any]) -> FrameworkResult | None:
    """The cached result for ``key``; a missing, corrupt or mismatched file reads as None (and gets rewritten)."""
    try:
        raw = json.loads(_path(directory, key).read_text(encoding="utf-8"))
        if raw.get("key") != key:
            return None
        result = FrameworkResult.from_dict(raw["result"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    result.cached = True
    return result


def store(directory: Path, key: dict[str, Any], result: FrameworkResult) -> None:
    """Write atomically; a read-only cache is not an error."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_text_atomic(
            _path(directory, key), json.dumps({"key": key, "result": asdict(result)}, indent=1)
        )
    except (OSError, UserError):
        pass
