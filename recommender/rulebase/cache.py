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

from recommender import __version__
from recommender.atomic import write_text_atomic
from recommender.errors import UserError
from recommender.paths import cache_dir
from recommender.rulebase import conditions, model
from recommender.rulebase.load import _display, load_rules, rule_files, shipped_rules_dir

FORMAT = 5  # 5: package claims, and origins on companions and facts
KEEP = 16  # cache files kept: one per distinct set of rule directories
_CLASSES = {
    cls.__name__: cls
    for cls in (
        model.Origin,
        model.Option,
        model.Question,
        model.Companion,
        model.Fact,
        model.Framework,
        model.Rule,
        model.Case,
        model.Need,
        model.PackageClaim,
        model.RuleBase,
        conditions.Always,
        conditions.Is,
        conditions.Unanswered,
        conditions.ProbeFact,
        conditions.All,
        conditions.AnyOf,
        conditions.Not,
    )
}


def _encode(obj: object) -> object:
    if isinstance(
        obj, model.Origin
    ):  # stored absolute, shown relative to wherever the next run starts
        return {"$": "Origin", "file": os.path.abspath(obj.file), "line": obj.line, "col": obj.col}
    if isinstance(obj, model.RuleBase):
        obj = dataclasses.replace(obj, files=tuple(os.path.abspath(f) for f in obj.files))
    if isinstance(obj, conditions.Condition):
        return {
            "$": type(obj).__name__,
            **{name: _encode(getattr(obj, name)) for name in obj._fields},
        }
    if dataclasses.is_dataclass(obj):
        return {
            "$": type(obj).__name__,
            **{f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)},
        }
    if isinstance(obj, (tuple, list)):
        return (
            {"$t": [_encode(x) for x in obj]}
            if isinstance(obj, tuple)
            else [_encode(x) for x in obj]
        )
    if isinstance(obj, frozenset):
        return {"$f": sorted(obj)}
    if isinstance(obj, dict):
        return {"$d": [[k, _encode(v)] for k, v in obj.items()]}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)  # a date in a test case's raw answers; it fails validation either way


@functools.cache
def _shown(path: str) -> str:
    """An absolute path as the loader would show it from the current directory (few files, many origins)."""
    return str(_display(Path(path)))


def _decode_node(obj: dict) -> object:
    """``json.loads`` object hook: children are already decoded, so each JSON object is turned back once."""
    if "$t" in obj:
        return tuple(obj["$t"])
    if "$f" in obj:
        return frozenset(obj["$f"])
    if "$d" in obj:
        return dict(obj["$d"])
    name = obj.pop("$", None)
    if name is None:
        return obj
    cls = _CLASSES[name]
    if issubclass(cls, conditions.Condition):
        return cls(*obj.values())
    if cls is model.Origin:
        obj["file"] = _shown(obj["file"])
    elif cls is model.RuleBase:
        obj["files"] = tuple(_shown(f) for f in obj["files"])
    return cls(**obj)


def _prune(directory: str) -> None:
    """Each distinct set of overlay directories has its own cache file; keep only the newest ``KEEP``."""
    files = [os.path.join(directory, f) for f in os.listdir(directory) if f.startswith("rules-")]
    for old in sorted(files, key=os.path.getmtime)[:-KEEP]:
        os.unlink(old)


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
            data = json.load(handle, object_hook=_decode_node)
        if data.get("key") == key and isinstance(data.get("rulebase"), model.RuleBase):
            return data["rulebase"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rules = load_rules(*overlays)
    try:
        os.makedirs(os.path.dirname(slot), exist_ok=True)
        write_text_atomic(
            slot, json.dumps({"key": key, "rulebase": _encode(rules)}, separators=(",", ":"))
        )
        _prune(os.path.dirname(slot))
    except (OSError, UserError):
        pass  # a read-only cache directory only costs speed
    return rules
