"""Who wins: the one tie tolerance, and the decision from a profile's scores and exclusions.

Points are kept as whole numbers of millionths (:data:`SCALE`), so every sum is exact in any order
and two frameworks tie exactly when their scores agree to six decimals. That is the one tie
tolerance: it is applied once, when a rule's points are read (:func:`units`), never to sums.

A decision is a *top code*: one bit per framework, set for the frameworks not excluded that share
the best score. One bit is a winner, several a tie, none means every framework is excluded.
:func:`top_code` decides one profile; :func:`top_codes` decides many at once with numpy (batch and
lint), and a property test pins the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DECIMALS = 6
SCALE = 10**DECIMALS  # points are whole millionths


def units(points: float) -> int:
    """Points as whole millionths: rounded to the tie tolerance once, then summed exactly."""
    return round(points * SCALE)


def points(units_: int) -> float:
    """Whole millionths back to points, for people and JSON."""
    return units_ / SCALE


def text_of(points_: float, sign: bool = True) -> str:
    """Points for people, to the tie tolerance's decimals and no further: ``+10.333334``,
    ``+0.5``, ``-3``. (``%+g`` keeps six significant digits, not six decimals: two scores apart
    in the sixth decimal both read ``+10.3333``.)"""
    text = f"{points_:+.{DECIMALS}f}".rstrip("0").rstrip(".")
    text = "+0" if text == "-0" else text
    return text if sign else text.removeprefix("+")


def top_code(scores: Sequence[int], blocked: int) -> int:
    """The frameworks not excluded (bit k of ``blocked`` clear) that share the best score."""
    best = None
    code = 0
    for k, score in enumerate(scores):
        if blocked >> k & 1:
            continue
        if best is None or score > best:
            best, code = score, 1 << k
        elif score == best:
            code |= 1 << k
    return code


def verdict(ids: Sequence[str], code: int) -> tuple[str | None, tuple[str, ...]]:
    """(winner, tie) from a top code: one framework, or None and the frameworks tied for first."""
    top = tuple(f for k, f in enumerate(ids) if code >> k & 1)
    return (top[0], ()) if len(top) == 1 else (None, top)


def decide(
    ids: Sequence[str], scores: Sequence[int], blocked: int
) -> tuple[str | None, tuple[str, ...]]:
    """(winner, tie) for one profile's scores (whole millionths) and excluded-framework bits."""
    return verdict(ids, top_code(scores, blocked))


def top_codes(scores: Any, blocked: Any) -> Any:
    """:func:`top_code` for N profiles at once: ``scores`` N x K integers, ``blocked`` N bit masks.

    numpy only (batch and lint import it; the rest of the package never does).
    """
    import numpy as np

    k = scores.shape[1]
    bits = np.int64(1) << np.arange(k, dtype=np.int64)
    open_ = (blocked[:, None] & bits[None, :]) == 0
    masked = np.where(open_, scores, np.iinfo(np.int64).min)
    top = open_ & (masked == masked.max(axis=1, keepdims=True)) if k else open_
    return (top * bits[None, :]).sum(axis=1)
