"""Bounded reads: cache files and child results are read whole only when small and regular.

A FIFO in place of a cache file would block a plain ``open``; ``/dev/zero`` would never end. Both
read here as nothing, and a file over the limit is cut at the limit.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

MAX_DEPTH = 32  # nesting of a JSON record or cache file; the probe's own output is at most 6 deep


def read_bounded(path: str | os.PathLike[str], limit: int) -> tuple[bytes, bool] | None:
    """(up to ``limit`` bytes, whether there was more), or None: missing, or not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = handle.read(limit + 1)
        except OSError:
            return None
    return data[:limit], len(data) > limit


def load_json(path: Path, limit: int) -> Any:
    """The JSON value in ``path``; ValueError when it is missing, too big, too deep or not JSON."""
    found = read_bounded(path, limit)
    if found is None or found[1]:
        raise ValueError(f"{path}: missing, not a regular file, or over {limit} bytes")
    return loads(found[0])


def loads(data: bytes | str, nan_as_none: bool = False) -> Any:
    """``json.loads`` refusing duplicate keys, NaN, and nesting past ``MAX_DEPTH`` (ValueError).

    ``nan_as_none`` reads NaN and infinity as None instead: a check that computed NaN still reports.
    """
    constant = (lambda _: None) if nan_as_none else _no_constant
    try:
        value = json.loads(data, object_pairs_hook=_unique, parse_constant=constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if depth(value) > MAX_DEPTH:
        raise ValueError("nested too deeply")
    return value


def depth(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 0), computed without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
