"""A JSON cache of the validated rule base, so a command does not re-parse and re-check every YAML
file. Derived data: any doubt about it means it is rebuilt, never an error.

The cache is keyed by the SHA-256 of every rule file's path and content (never size or mtime),
the package version and the cache format, and it carries the SHA-256 of its own payload: a cache
that does not decode, does not match its sources or was edited by hand is ignored and rewritten.
It holds plain JSON, decoded into the same frozen dataclasses the loader builds: nothing in it is
executed, and every object is checked against its class's field types as it is decoded (a string
where a condition belongs, a number among a rule's deal-breakers, a field missing or extra), so
even a payload written with a valid checksum by something else is ignored rather than trusted: it
is rebuilt, where it used to fail every later command with exit 3.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import operator
import os
import re
import sys
import time
from collections.abc import Callable, Container, Iterable
from pathlib import Path
from typing import Any

from recommender import __version__
from recommender.errors import UserError
from recommender.fileio import MAX_DEPTH, make_dirs, read_bytes, write_derived
from recommender.paths import cache_dir
from recommender.rulebase import conditions, model, schema
from recommender.rulebase.load import (
    display,
    load_rules,
    rule_dirs,
    rule_files,
)
from recommender.rulebase.yamlio import MAX_BYTES
from recommender.values import Value, frozen

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


class Corrupt(ValueError):
    """The payload passed its checksum but is not what this module writes: rebuild the cache."""


Check = Callable[[Any], bool]
Spec = tuple[frozenset[type], Check | None]  # the types a value may have; what else to check
_ANY_TYPES = frozenset((type(None), str, int, float, bool, list, dict))


def _spec_of(annotation: str) -> Spec:
    """What a field's annotation (a string: the model modules use ``from __future__ import
    annotations``) allows: the exact types of the value, and a further check of what it holds
    (a container's items, a number's finiteness), or None. Compiled once per class; set
    operations run in C, so checking every decoded object costs little (module docstring)."""
    t = annotation.strip()
    alternatives = _top_level(t, "|")
    if len(alternatives) > 1:
        specs = [_spec_of(a) for a in alternatives]
        types = frozenset().union(*(types for types, _ in specs))
        deep = [(types, check) for types, check in specs if check is not None]
        if not deep:
            return types, None
        return types, lambda v: all(check(v) for kinds, check in deep if type(v) in kinds)
    simple: dict[str, type] = {"None": type(None), "str": str, "int": int, "bool": bool}
    if t in simple:
        return frozenset((simple[t],)), None
    if t == "float":
        return frozenset((int, float)), _finite
    if t == "Any":  # raw YAML kept for people (a rule's `when` as written): plain data
        return _ANY_TYPES, _plain
    if t == "Condition":
        return frozenset(conditions.CLASSES.values()), None  # each checked when decoded
    if t in _CLASSES:
        return frozenset((_CLASSES[t],)), None
    head, _, inner = t.removesuffix("]").partition("[")
    if head == "tuple" and inner.endswith(", ..."):
        return frozenset((tuple,)), _items(_spec_of(inner.removesuffix(", ...")))
    if head == "frozenset":
        return frozenset((frozenset,)), _items(_spec_of(inner))
    if head == "dict":
        key, value = (_spec_of(part) for part in _top_level(inner, ","))
        keys, values = _items(key), _items(value)
        return frozenset((dict,)), lambda v: keys(v.keys()) and values(v.values())
    raise NotImplementedError(f"no cache check for the annotation {annotation!r}")


def _finite(value: float) -> bool:
    """A finite float; an int too large for one (``10**400``) is not, and never raises
    OverflowError, as ``math.isfinite`` did (exit 3)."""
    return math.isfinite(value) if type(value) is float else abs(value) <= sys.float_info.max


def _items(spec: Spec) -> Check:
    """A check that every item of a collection fits ``spec``."""
    types, deep = spec
    if deep is None:
        return lambda v: types.issuperset(map(type, v))
    return lambda v: types.issuperset(map(type, v)) and all(map(deep, v))


def _top_level(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` outside brackets, stripped."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    return [*parts, text[start:].strip()]


def _plain(value: object) -> bool:
    """JSON data, as the loader keeps a raw ``when``: no decoded object inside, and no deeper
    than a rule file's YAML can be (``MAX_DEPTH``). Walked without recursion: a forged raw
    ``when`` hundreds of levels deep was trusted, and rendering it recursed."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if type(item) is list:
            children: Iterable[object] = item
        elif type(item) is dict:
            if not all(type(k) is str for k in item):
                return False
            children = item.values()
        else:
            continue  # a scalar: the field's own check has seen its type
        if level >= MAX_DEPTH:
            return False
        for child in children:
            kind = type(child)
            if kind is list or kind is dict:
                stack.append((child, level + 1))
            elif kind not in _ANY_TYPES:
                return False
    return True


@frozen
class _Fields(Value):
    """How to check one class's payload: ``shapes`` holds the shapes (field names in the
    encoder's order, then the value types) already found right, so each is judged once and the
    next object of that shape costs one set lookup."""

    cls: type
    names: tuple[str, ...]  # the fields given at construction: every one, no other, in order
    types: tuple[frozenset[type], ...]  # the types each may have
    deep: tuple[str, ...]  # the fields that need a further check (a container's items)...
    checks: tuple[Check, ...]  # ...and those checks
    shapes: set[tuple[object, ...]]

    def fits(self, shape: tuple[object, ...]) -> bool:
        """Whether a shape not seen yet is right (then it is remembered)."""
        n = len(self.names)
        fit = (
            len(shape) == 2 * n
            and shape[:n] == self.names
            and all(t in allowed for t, allowed in zip(shape[n:], self.types, strict=True))
        )
        if fit:
            self.shapes.add(shape)
        return fit


_FIELDS: dict[str, _Fields] = {}


def _fields(name: str) -> _Fields:
    """The checks of one class, by its name in the payload (KeyError: not a class of ours)."""
    found = _FIELDS.get(name)
    if found is None:
        cls = _CLASSES[name]
        fields = [f for f in dataclasses.fields(cls) if f.init]
        specs = [_spec_of(str(f.type)) for f in fields]
        deep = [(f.name, check) for f, (_, check) in zip(fields, specs, strict=True) if check]
        found = _FIELDS[name] = _Fields(
            cls,
            tuple(f.name for f in fields),
            tuple(types for types, _ in specs),
            tuple(field for field, _ in deep),
            tuple(check for _, check in deep),
            set(),
        )
    return found


Depths = dict[int, tuple[object, int]]  # id -> (a nesting condition, kept alive; its depth)
_NESTING = (conditions.Not, conditions.All, conditions.AnyOf)


def _decode_node(seen: dict[str, str], depths: Depths, obj: dict[str, Any]) -> object:
    """``json.loads`` object hook (with ``seen`` bound, for :func:`_shown`, and ``depths``, for
    :func:`_depth`): children are already decoded, so each object is turned back once, and
    checked against its class's field types (no condition where a string is, no field missing,
    extra or out of place). Anything unexpected raises, and the cache is rebuilt. About 1 ms for
    the shipped rules' 800 objects: a shape seen before is one set lookup, and the items of
    containers are checked in C."""
    if len(obj) == 1:
        if "$t" in obj:
            return tuple(_list(obj["$t"]))
        if "$f" in obj:
            return frozenset(_list(obj["$f"]))
        if "$d" in obj:
            return dict(_list(obj["$d"]))
    name = obj.pop("$", None)
    if name is None:
        return obj
    spec = _fields(name)
    shape = (*obj, *map(type, obj.values()))
    if shape not in spec.shapes and not spec.fits(shape):
        raise Corrupt(name)
    if spec.checks and not all(map(operator.call, spec.checks, map(obj.__getitem__, spec.deep))):
        raise Corrupt(name)
    cls = spec.cls
    if cls is model.Origin:
        obj["file"] = _shown(seen, obj["file"])
    elif cls is model.RuleBase:
        obj["files"] = tuple(_shown(seen, f) for f in obj["files"])
    made = cls(**obj)
    if cls in _NESTING:
        _depth(depths, made)
    return made


def _depth(depths: Depths, cond: Any) -> None:
    """Note how deep ``cond`` nests (its parts are already noted); Corrupt past ``MAX_DEPTH``, the
    nesting a rule file's YAML allows. A forged cache held conditions hundreds of levels deep,
    which every walk over conditions (``explain``, the scoring table) recursed into: exit 3."""
    parts = (cond.part,) if type(cond) is conditions.Not else cond.parts
    level = 1 + max((depths.get(id(p), (None, 1))[1] for p in parts), default=1)
    if level > MAX_DEPTH:
        raise Corrupt(f"a condition nested deeper than {MAX_DEPTH} levels")
    depths[id(cond)] = (cond, level)  # kept alive, so no later object can reuse its id


def _list(value: Any) -> list[Any]:
    """The items of an encoded tuple, frozenset or dict, which the encoder writes as a list."""
    if type(value) is not list:
        raise Corrupt("a container that is not a list")
    return value


def _plausible(rules: object) -> bool:
    """What the field checks of :func:`_decode_node` cannot see: the payload is a rule base, it
    has frameworks, every question has options (scoring indexes them), and every rule's points
    and deal-breakers are what the rule format allows."""
    return (
        isinstance(rules, model.RuleBase)
        and bool(rules.frameworks)
        and all(q.options for q in rules.questions)
        and all(_fits(rule, rules.framework_by_id) for rule in rules.rules)
    )


def _fits(rule: model.Rule, frameworks: Container[str]) -> bool:
    """Points as a rule file may give them (:func:`schema.points`: within +-1000, to six
    decimals), for known frameworks only. A forged 1e308 passed as a finite float and overflowed
    the scoring's whole millionths (exit 3); 5000 was trusted and changed the result."""
    return all(
        fid in frameworks and schema.points(points) is None for fid, points in rule.score.items()
    ) and all(fid in frameworks for fid in rule.dealbreaker)


def _prune(directory: str) -> None:
    """Each distinct set of overlay directories has its own cache file; keep the newest ``KEEP``.
    A temporary file of a write cut off by SIGKILL (or a power cut), which no handler could
    remove, goes once it is ``STALE``: a live write takes milliseconds."""
    files = [os.path.join(directory, f) for f in _ours(directory)]
    for old in sorted(files, key=os.path.getmtime)[:-KEEP]:
        os.unlink(old)
    now = time.time()
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if _CUT_OFF.fullmatch(name) and now - os.path.getmtime(path) > STALE:
            with contextlib.suppress(OSError):
                os.unlink(path)


# A cache file's name, as :func:`_slot` makes it. Only these are ever removed: the cache directory
# may be one the user shares ($RECOMMENDER_CACHE_DIR=/tmp, a project folder), and every name that
# only began with "rules-" (rules-notes.md, rules-draft.yaml) went in the pruning.
_SLOT = re.compile(r"rules-[0-9a-f]{16}\.json")
# A temporary file beside one, as ``fileio.write_text_atomic`` names it (``tempfile.mkstemp``).
_CUT_OFF = re.compile(r"\.rules-[0-9a-f]{16}\.json\.[a-z0-9_]{8}\.tmp")
STALE = 3600  # seconds


def _ours(directory: str) -> list[str]:
    """The names of the cache files in ``directory``."""
    return [name for name in os.listdir(directory) if _SLOT.fullmatch(name)]


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
        rules = json.loads(payload, object_hook=functools.partial(_decode_node, {}, {}))
    except (OSError, UserError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return rules if _plausible(rules) else None


def _write(slot: str, key: str, rules: model.RuleBase) -> None:
    payload = json.dumps(_encode(rules), separators=(",", ":"))
    meta = {"key": key, "sha256": hashlib.sha256(payload.encode()).hexdigest()}
    try:
        make_dirs(os.path.dirname(slot))
        write_derived(slot, json.dumps(meta) + "\n" + payload)
        _prune(os.path.dirname(slot))
    except (OSError, UserError):
        pass  # a read-only cache directory only costs speed


def load_rules_cached(*overlays: str) -> model.RuleBase:
    """Like ``load_rules(*overlays, cases=False)``, served from the cache when no rule file has
    changed. The example cases are left out: only ``rules test`` reads them, and decoding them
    was a third of the cache's cost on every run."""
    dirs = [str(d) for d in rule_dirs(overlays)]  # each once; the base as an overlay refused
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
        names = _ours(directory)
    except OSError:
        return 0
    gone = 0
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))
            gone += 1
    return gone
