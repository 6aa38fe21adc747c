"""Score distributions: exactly how many real profiles end in each (scores, excluded) state.

Scores are whole millionths (the scoring table's units), so sums and ties are exact. A state is kept
in a canonical form that :mod:`recommender.scoring.decide` cannot tell apart from the original: the
scores of excluded frameworks are zeroed (nothing can un-exclude them) and the best open score is
subtracted from every score (only differences decide). Two parts' distributions combine by adding
every pair of states: a convolution.
"""

from __future__ import annotations

import numpy as np

from recommender.scoring.decide import top_codes
from recommender.values import Value, frozen

CHUNK = 1 << 20  # state pairs formed at once: bounds memory


class NotExact(Exception):
    """Why exact lint cannot run on this rule base; lint then enumerates or samples profiles."""


@frozen
class Dist(Value):
    scores: np.ndarray  # (n, frameworks) int64, canonical
    blocked: np.ndarray  # (n,) int64: bit f set = framework f excluded
    weight: np.ndarray  # (n,) int64: real profiles

    def __len__(self) -> int:
        return len(self.weight)


def mask(counts: np.ndarray) -> np.ndarray:
    """Deal-breaker counts (..., frameworks) to an excluded-frameworks bit mask (...)."""
    return ((counts > 0) * (np.int64(1) << np.arange(counts.shape[-1], dtype=np.int64))).sum(
        axis=-1
    )


def canonical(scores: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    open_ = _open(blocked, scores.shape[-1])
    kept = np.where(open_, scores, 0)
    best = np.where(open_, scores, np.iinfo(np.int64).min).max(axis=-1, keepdims=True)
    return np.where(open_, kept - np.where(open_.any(axis=-1, keepdims=True), best, 0), 0)


def codes(scores: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    """The top code of each state (:func:`recommender.scoring.decide.top_codes`), for states of any
    leading shape."""
    flat = top_codes(scores.reshape(-1, scores.shape[-1]), blocked.reshape(-1))
    return flat.reshape(blocked.shape)


def merge(scores: np.ndarray, blocked: np.ndarray, weight: np.ndarray) -> tuple[Dist, np.ndarray]:
    """Canonical states, equal (scores, blocked) merged, weights summed; and each input's state."""
    first, inverse = unique_rows(np.column_stack([scores, blocked]))
    return Dist(scores[first], blocked[first], sum_by(inverse, weight, len(first))), inverse


@frozen
class Reach(Value):
    """What parts still to come can do: ``gain[f, g]`` the most they can add to f's score minus g's
    (while f is open; -inf if they always exclude f), ``sure`` the frameworks they never exclude."""

    gain: np.ndarray  # (frameworks, frameworks) float
    sure: np.ndarray  # (frameworks,) bool

    @classmethod
    def of(cls, scores: np.ndarray, blocked: np.ndarray) -> Reach:
        """The reach of one part, from every state it can be in."""
        open_ = _open(blocked, scores.shape[1])
        diff = np.where(
            open_[:, :, None], (scores[:, :, None] - scores[:, None, :]).astype(float), -np.inf
        )
        return cls(diff.max(axis=0), np.asarray(open_.all(axis=0)))

    @classmethod
    def none(cls, frameworks: int) -> Reach:
        return cls(np.zeros((frameworks, frameworks)), np.ones(frameworks, dtype=bool))

    def __add__(self, other: Reach) -> Reach:
        return Reach(self.gain + other.gain, self.sure & other.sure)


def clamp(d: Dist, reach: Reach) -> Dist:
    """Frameworks that can no longer reach first place, whatever ``reach`` adds, count as excluded.

    Such a framework stays behind a framework that is never excluded, so it is in no outcome either
    way; marking it excluded merges states that only differ in how far behind it is, which keeps
    distributions small.
    """
    open_ = _open(d.blocked, d.scores.shape[1])
    hopeless = np.zeros_like(open_)
    for g in np.flatnonzero(reach.sure):
        behind = (d.scores[:, g : g + 1] - d.scores) > reach.gain[:, g][None, :]
        behind[:, g] = False
        hopeless |= behind & open_[:, g : g + 1]
    blocked = d.blocked | mask(hopeless & open_)
    return merge(canonical(d.scores, blocked), blocked, d.weight)[0]


def convolve(a: Dist, b: Dist, reach: Reach, cap: int) -> Dist:
    """The distribution of the sum of two independent parts, clamped to what parts still to come can
    do; NotExact if it has more than ``cap`` states."""
    step = max(1, CHUNK // max(1, len(b)))
    pieces: list[Dist] = []
    for i in range(0, len(a), step):
        s = (a.scores[i : i + step, None, :] + b.scores[None, :, :]).reshape(-1, a.scores.shape[1])
        m = (a.blocked[i : i + step, None] | b.blocked[None, :]).reshape(-1)
        w = (a.weight[i : i + step, None] * b.weight[None, :]).reshape(-1)
        pieces.append(clamp(merge(canonical(s, m), m, w)[0], reach))
        if sum(map(len, pieces)) > 2 * cap:  # merge as we go, so memory stays near the cap
            pieces = [_union(pieces, cap)]
    return _union(pieces, cap)


def _union(pieces: list[Dist], cap: int) -> Dist:
    out = (
        pieces[0]
        if len(pieces) == 1
        else merge(
            np.concatenate([p.scores for p in pieces]),
            np.concatenate([p.blocked for p in pieces]),
            np.concatenate([p.weight for p in pieces]),
        )[0]
    )
    if len(out) > cap:
        raise NotExact(f"the score distribution grows past {cap:,} states")
    return out


def unit(frameworks: int) -> Dist:
    """The distribution of no part at all: one profile, every score 0."""
    return Dist(
        np.zeros((1, frameworks), dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=np.int64),
    )


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index of each distinct row, each row's distinct index) for an int64 matrix."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = rows.min(axis=0)
    span = rows.max(axis=0) - low + 1
    if float(np.prod(span.astype(float))) < 2.0**62:  # one int64 key per row: much faster than rows
        stride = np.concatenate([np.cumprod(span[::-1])[::-1][1:], [1]]).astype(np.int64)
        _, first, inverse = np.unique((rows - low) @ stride, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def sum_by(inverse: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Integer weights summed per group, exactly (bincount would go through float)."""
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(n))
    return np.add.reduceat(weight[order], starts) if n else np.zeros(0, dtype=np.int64)


def _open(blocked: np.ndarray, frameworks: int) -> np.ndarray:
    return ((blocked[..., None] >> np.arange(frameworks, dtype=np.int64)) & 1) == 0
