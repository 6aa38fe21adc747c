"""The probe cache: one JSON file per (framework, version, interpreter, machine, deep), written atomically."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from recommender.probe.model import FrameworkResult

ENV_VAR = "RECOMMENDER_CACHE_DIR"
FORMAT = 1  # bump when the cached shape changes, so old files are ignored rather than misread


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``override``, else $RECOMMENDER_CACHE_DIR, else the user cache dir; probe files live in ``probe/``."""
    base = override or os.environ.get(ENV_VAR)
    if not base:
        import platformdirs  # only when needed: tests and CI set the env var

        base = platformdirs.user_cache_dir("recommender")
    return Path(base) / "probe"


def cache_key(framework: str, version: str | None, deep: bool) -> dict[str, Any]:
    """What a cached result depends on; a change in any field means a fresh probe."""
    return {"format": FORMAT, "framework": framework, "version": version, "executable": sys.executable,
            "python": sys.version, "node": platform.node(), "machine": platform.machine(), "deep": deep}


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
    """Write atomically (temp file in the same dir + os.replace); a read-only cache is not an error."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "result": asdict(result)}, handle, indent=1)
            os.replace(tmp, _path(directory, key))
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
