"""A JSON cache of the validated rule base, so a command does not re-parse and re-check every YAML file.

The cache is keyed by every rule file's path, size and modification time, the package version and the cache
format; any change re-reads the YAML. The cache holds plain JSON, decoded into the same frozen dataclasses the
loader builds: nothing in it is executed. A missing, corrupt or stale cache file is simply rebuilt.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import zlib
from pathlib import Path

from recommender import __version__, conditions, model
from recommender.atomic import write_text_atomic
from recommender.errors import UserError
from recommender.paths import cache_dir
from recommender.rulebase import _display, load_rules, rule_files, shipped_rules_dir

FORMAT = 3
_CLASSES = {cls.__name__: cls for cls in (
    model.Origin, model.Option, model.Question, model.Companion, model.Fact, model.Framework, model.Rule,
    model.Case, model.Need, model.RuleBase, conditions.Always, conditions.Is, conditions.Unanswered, conditions.ProbeFact,
    conditions.All, conditions.AnyOf, conditions.Not)}


def _encode(obj: object) -> object:
    if isinstance(obj, model.Origin):  # stored absolute, shown relative to wherever the next run starts
        return {"$": "Origin", "file": os.path.abspath(obj.file), "line": obj.line, "col": obj.col}
    if isinstance(obj, model.RuleBase):
        obj = dataclasses.replace(obj, files=tuple(os.path.abspath(f) for f in obj.files))
    if dataclasses.is_dataclass(obj):
        return {"$": type(obj).__name__,
                **{f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if isinstance(obj, (tuple, list)):
        return {"$t": [_encode(x) for x in obj]} if isinstance(obj, tuple) else [_encode(x) for x in obj]
    if isinstance(obj, frozenset):
        return {"$f": sorted(obj)}
    if isinstance(obj, dict):
        return {"$d": [[k, _encode(v)] for k, v in obj.items()]}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)  # a date in a test case's raw answers; it fails validation either way


@functools.lru_cache(maxsize=None)
def _shown(path: str) -> str:
    """An absolute path as the loader would show it from the current directory (few files, many origins)."""
    return str(_display(Path(path)))


def _decode(obj: object) -> object:
    if isinstance(obj, list):
        return [_decode(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "$t" in obj:
        return tuple(_decode(x) for x in obj["$t"])
    if "$f" in obj:
        return frozenset(obj["$f"])
    if "$d" in obj:
        return {k: _decode(v) for k, v in obj["$d"]}
    cls = _CLASSES[obj["$"]]
    fields = {k: _decode(v) for k, v in obj.items() if k != "$"}
    if cls is model.Origin:
        fields["file"] = _shown(fields["file"])
    elif cls is model.RuleBase:
        fields["files"] = tuple(_shown(f) for f in fields["files"])
    return cls(**fields)


def _key(files: list[str]) -> str:
    stats = []
    for name in files:
        st = os.stat(name)
        stats.append([os.path.abspath(name), st.st_size, st.st_mtime_ns])
    return json.dumps([FORMAT, __version__, stats])


def load_rules_cached(*overlays: str) -> model.RuleBase:
    """Like ``load_rules(*overlays)``, served from the cache when no rule file has changed."""
    dirs = [str(shipped_rules_dir()), *overlays]
    try:
        files = [str(p) for d in dirs for p in rule_files(Path(d))]
        key = _key(files)
    except (UserError, OSError):
        return load_rules(*overlays)  # let the loader report the problem
    slot = os.path.join(cache_dir(), f"rules-{zlib.crc32(chr(0).join(dirs).encode()):08x}.json")
    try:
        with open(slot, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("key") == key:
            return _decode(data["rulebase"])  # type: ignore[return-value]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rules = load_rules(*overlays)
    try:
        os.makedirs(os.path.dirname(slot), exist_ok=True)
        write_text_atomic(slot, json.dumps({"key": key, "rulebase": _encode(rules)}))
    except (OSError, UserError):
        pass  # a read-only cache directory only costs speed
    return rules
