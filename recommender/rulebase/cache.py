"""A JSON cache of the validated rule base, so a command does not re-parse and re-check every YAML
file. Derived data: any doubt about it means it is rebuilt, never an error.

The cache is keyed by the SHA-256 of every rule file's path and content (never size or mtime),
the package version and the cache format, and it carries the SHA-256 of its own payload: a cache
that does not decode, does not match its sources or was edited by hand is ignored and rewritten.
It holds plain JSON, decoded into the same frozen dataclasses the loader builds: nothing in it is
executed, and what scoring reads (scores, conditions) is checked, so even a payload written with a
valid checksum by something else (a text score) is ignored rather than trusted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

from recommender import __version__
from recommender.errors import UserError
from recommender.fileio import read_bytes, write_derived
from recommender.paths import cache_dir
from recommender.rulebase import conditions, model
from recommender.rulebase.load import display, load_rules, rule_files, shipped_rules_dir
from recommender.rulebase.yamlio import MAX_BYTES

FORMAT = 10  # 8: Option.exclusive, Rule.lean, Question.raw_ask_when; 9: with main's 7; 10: no
# follow-up cycles (a cache written before loading refused them may hold one)
KEEP = 16  # cache files kept: one per distinct set of rule directories
MAX_CACHE = 64 << 20  # a cache file larger than this is not ours
_CLASSES: dict[str, type] = {
    **conditions.CLASSES,
    **{
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
            model.Route,
            model.DeployRoutes,
            model.HardwareRoute,
            model.RuleBase,
        )
    },
}


def _encode(obj: object) -> object:
    if isinstance(
        obj, model.Origin
    ):  # stored absolute, shown relative to where the next run starts
        return {"$": "Origin", "file": os.path.abspath(obj.file), "line": obj.line, "col": obj.col}
    if isinstance(obj, model.RuleBase):
        obj = dataclasses.replace(obj, files=tuple(os.path.abspath(f) for f in obj.files))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = (f.name for f in dataclasses.fields(obj) if f.init)
        return {"$": type(obj).__name__, **{name: _encode(getattr(obj, name)) for name in fields}}
    if isinstance(obj, tuple):
        return {"$t": [_encode(x) for x in obj]}
    if isinstance(obj, list):
        return [_encode(x) for x in obj]
    if isinstance(obj, frozenset):
        return {"$f": sorted(obj)}
    if isinstance(obj, dict):
        return {"$d": [[k, _encode(v)] for k, v in obj.items()]}
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return str(obj)  # a date in a test case's raw answers; it fails validation either way


def _shown(seen: dict[str, str], path: str) -> str:
    """An absolute path as the loader shows it from the current directory, remembered in
    ``seen`` for one read (few files, many uses; the directory may differ at the next read)."""
    found = seen.get(path)
    if found is None:
        found = seen[path] = str(display(Path(path)))
    return found


def _decode_node(seen: dict[str, str], obj: dict[str, Any]) -> object:
    """``json.loads`` object hook (with ``seen`` bound, for :func:`_shown`): children are
    already decoded, so each object is turned back once. Anything unexpected raises, and the
    cache is rebuilt."""
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
    if cls is model.Origin:
        obj["file"] = _shown(seen, obj["file"])
    elif cls is model.RuleBase:
        obj["files"] = tuple(_shown(seen, f) for f in obj["files"])
    return cls(**obj)


def _plausible(rules: object) -> bool:
    """What scoring reads, checked on a payload that passed its checksum: a cache written by
    something other than this module (a text score, a number for an id, no options) is rebuilt
    instead of failing the command. Not every field: testing each against its declared type
    took ~10 ms, 5% of a command's start, for a file only this module writes."""
    if not isinstance(rules, model.RuleBase) or not rules.frameworks:
        return False
    if not all(isinstance(f.id, str) for f in rules.frameworks):
        return False
    if not all(
        isinstance(q.id, str) and q.options and all(isinstance(o.id, str) for o in q.options)
        for q in rules.questions
    ):
        return False
    forms = tuple(conditions.CLASSES.values())
    return all(
        isinstance(r, model.Rule)
        and isinstance(r.when, forms)
        and isinstance(r.score, dict)
        and all(isinstance(k, str) and _finite(v) for k, v in r.score.items())
        and all(isinstance(f, str) for f in r.dealbreaker)
        for r in rules.rules
    )


def _finite(value: object) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value)  # type: ignore[arg-type]


def _prune(directory: str) -> None:
    """Each distinct set of overlay directories has its own cache file; keep the newest ``KEEP``."""
    files = [os.path.join(directory, f) for f in os.listdir(directory) if f.startswith("rules-")]
    for old in sorted(files, key=os.path.getmtime)[:-KEEP]:
        os.unlink(old)


def _key(files: list[str]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}".encode())
    for name in files:
        digest.update(b"\0" + os.path.abspath(name).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(read_bytes(name, MAX_BYTES + 1)).digest())
    return digest.hexdigest()


def _slot(dirs: list[str]) -> str:
    name = hashlib.sha256("\0".join(dirs).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return os.path.join(cache_dir(), f"rules-{name}.json")


def _read(slot: str, key: str) -> model.RuleBase | None:
    """The cached rule base when the file is ours, intact and for these sources; else None."""
    try:
        head, _, payload = read_bytes(slot, MAX_CACHE).partition(b"\n")
        meta = json.loads(head)
        if meta != {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
            return None
        rules = json.loads(payload, object_hook=functools.partial(_decode_node, {}))
    except (OSError, UserError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return rules if _plausible(rules) else None


def _write(slot: str, key: str, rules: model.RuleBase) -> None:
    payload = json.dumps(_encode(rules), separators=(",", ":"))
    meta = {"key": key, "sha256": hashlib.sha256(payload.encode()).hexdigest()}
    try:
        os.makedirs(os.path.dirname(slot), exist_ok=True)
        write_derived(slot, json.dumps(meta) + "\n" + payload)
        _prune(os.path.dirname(slot))
    except (OSError, UserError):
        pass  # a read-only cache directory only costs speed


def load_rules_cached(*overlays: str) -> model.RuleBase:
    """Like ``load_rules(*overlays, cases=False)``, served from the cache when no rule file has
    changed. The example cases are left out: only ``rules test`` reads them, and decoding them
    was a third of the cache's cost on every run."""
    dirs = [str(shipped_rules_dir()), *overlays]
    try:
        key = _key([str(p) for d in dirs for p in rule_files(Path(d), cases=False)])
    except (UserError, OSError):
        return load_rules(*overlays, cases=False)  # let the loader report the problem
    slot = _slot(dirs)
    cached = _read(slot, key)
    if cached is not None:
        return cached
    rules = load_rules(*overlays, cases=False)
    _write(slot, key, rules)
    return rules


def refresh() -> int:
    """Forget every cached rule base (``rules validate --refresh``); how many files went."""
    directory = cache_dir()
    try:
        names = [f for f in os.listdir(directory) if f.startswith("rules-")]
    except OSError:
        return 0
    gone = 0
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))
            gone += 1
    return gone
