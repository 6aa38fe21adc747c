"""Scores, outcomes and the running totals lint keeps while it walks the answer space, block by block.

An outcome is a bit mask of the frameworks tied for first among those not excluded: one bit is a winner, several
are a tie, none means every framework hit a deal-breaker. It is :func:`recommender.scoring.engine.decide`, vectorised.
"""

from __future__ import annotations

import hashlib

import numpy as np

from recommender.rulebase.model import RuleBase


def matrices(rules: RuleBase) -> tuple[np.ndarray, np.ndarray]:
    """(points, deal-breakers): one row per rule, one column per framework."""
    ids = rules.framework_ids
    points = np.array(
        [[r.score.get(f, 0.0) for f in ids] for r in rules.rules], dtype=float
    ).reshape(-1, len(ids))
    breaks = np.array(
        [[f in r.dealbreaker for f in ids] for r in rules.rules], dtype=np.int32
    ).reshape(-1, len(ids))
    return points, breaks


def outcomes(scores: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """One outcome mask per profile from its (frameworks,) scores and deal-breaker counts."""
    open_ = blocks == 0
    rounded = np.where(open_, np.round(scores, 6), -np.inf)
    best = rounded.max(axis=1, keepdims=True) if rounded.shape[1] else rounded
    top = open_ & (rounded == best)
    return (top * (np.int64(1) << np.arange(top.shape[1], dtype=np.int64))).sum(axis=1)


def _margin(scores: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Per profile, the lead of the best open score over the next (0 for a tie, inf with one contender)."""
    rounded = np.where(blocks == 0, np.round(scores, 6), -np.inf)
    if rounded.shape[1] < 2:
        return np.full(len(rounded), np.inf)
    top2 = -np.partition(-rounded, 1, axis=1)[:, :2]
    with np.errstate(invalid="ignore"):
        margin = top2[:, 0] - top2[:, 1]
    return np.where(np.isfinite(top2[:, 1]), margin, np.inf)


class Totals:
    """What every check needs, summed over all blocks of profiles (weights are real profiles)."""

    def __init__(self, rules: RuleBase) -> None:
        self.points, self.breaks = matrices(rules)
        n_rules, n_frameworks = self.points.shape
        self.weight = 0.0
        self.wins = np.zeros(n_frameworks)  # sole winner
        self.tied = np.zeros(n_frameworks)  # one of several tied for first
        self.ties = 0.0
        self.nothing = 0.0  # every framework excluded
        self.fired = np.zeros(n_rules)
        self.decisive = np.zeros(n_rules)  # removing the rule changes the outcome
        self.column_hash = [hashlib.blake2b(digest_size=16) for _ in range(n_rules)]
        self.reach = np.abs(self.points).max(axis=1) if n_frameworks else np.zeros(n_rules)
        self.excludes = self.breaks.any(axis=1) if n_frameworks else np.zeros(n_rules, dtype=bool)

    @property
    def fire_keys(self) -> list[bytes]:
        """Equal keys = the rules fired in exactly the same profiles walked."""
        return [h.digest() for h in self.column_hash]

    def add(self, fire: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Account for one block; returns its outcomes.

        Scores, outcomes and the remove-one-rule test depend only on which rules fired, so they are computed
        once per distinct fired set in the block (far fewer than profiles), each carrying its profiles' weight.
        """
        _, first, inverse = np.unique(_row_keys(fire), return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        sets, mass = fire[first], np.bincount(inverse, weights=weights, minlength=len(first))
        # two rules fire in the same profiles exactly when their columns agree over the distinct fired sets
        for r, column in enumerate(np.packbits(sets.T, axis=1)):
            self.column_hash[r].update(column.tobytes())
        self.fired += mass @ sets
        self.weight += weights.sum()
        scores = sets @ self.points
        blocks = sets.astype(np.int32) @ self.breaks
        codes = outcomes(scores, blocks)
        bits = (codes[:, None] >> np.arange(self.points.shape[1])) & 1
        single = (codes & (codes - 1)) == 0
        self.wins += (bits * (mass * (single & (codes != 0)))[:, None]).sum(axis=0)
        self.tied += (bits * (mass * ~single)[:, None]).sum(axis=0)
        self.ties += mass[~single].sum()
        self.nothing += mass[codes == 0].sum()
        # Removing a rule moves any score by at most its largest points, so where the lead over the runner-up
        # is more than twice that (and the rule excludes nothing) the outcome provably stays: test the rest only.
        candidates = sets & (
            (2 * self.reach[None, :] + 1e-6 >= _margin(scores, blocks)[:, None])
            | self.excludes[None, :]
        )
        for r in np.flatnonzero(candidates.any(axis=0)):
            rows = candidates[:, r]
            if rows.any():
                without = outcomes(scores[rows] - self.points[r], blocks[rows] - self.breaks[r])
                self.decisive[r] += mass[rows][without != codes[rows]].sum()
        return codes[inverse]


def _row_keys(fire: np.ndarray) -> np.ndarray:
    """One sortable key per row of a boolean matrix: a uint64 when it fits, else the packed bytes."""
    packed = np.packbits(fire, axis=1)
    width = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((len(packed), width), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    if width == 8:
        return padded.view(np.uint64).reshape(-1)
    return np.ascontiguousarray(padded).view(np.dtype((np.void, width))).reshape(-1)
