"""Scores, outcomes and the running totals lint keeps while it walks the answer space, block by block.

An outcome is a bit mask of the frameworks tied for first among those not excluded: one bit is a winner, several
are a tie, none means every framework hit a deal-breaker. It is :func:`recommender.engine.decide`, vectorised.
"""
from __future__ import annotations

import hashlib

import numpy as np

from recommender.model import RuleBase


def matrices(rules: RuleBase) -> tuple[np.ndarray, np.ndarray]:
    """(points, deal-breakers): one row per rule, one column per framework."""
    ids = rules.framework_ids
    points = np.array([[r.score.get(f, 0.0) for f in ids] for r in rules.rules], dtype=float).reshape(-1, len(ids))
    breaks = np.array([[f in r.dealbreaker for f in ids] for r in rules.rules], dtype=np.int32).reshape(-1, len(ids))
    return points, breaks


def outcomes(scores: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """One outcome mask per profile from its (frameworks,) scores and deal-breaker counts."""
    open_ = blocks == 0
    rounded = np.where(open_, np.round(scores, 6), -np.inf)
    best = rounded.max(axis=1, keepdims=True) if rounded.shape[1] else rounded
    top = open_ & (rounded == best)
    return (top * (np.int64(1) << np.arange(top.shape[1], dtype=np.int64))).sum(axis=1)


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

    def add(self, fire: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Account for one block; returns its outcomes."""
        scores = fire @ self.points
        blocks = fire.astype(np.int32) @ self.breaks
        codes = outcomes(scores, blocks)
        bits = (codes[:, None] >> np.arange(self.points.shape[1])) & 1
        single = (codes & (codes - 1)) == 0
        self.weight += weights.sum()
        self.wins += (bits * (weights * (single & (codes != 0)))[:, None]).sum(axis=0)
        self.tied += (bits * (weights * ~single)[:, None]).sum(axis=0)
        self.ties += weights[~single].sum()
        self.nothing += weights[codes == 0].sum()
        self.fired += weights @ fire
        for r in range(fire.shape[1]):
            rows = fire[:, r]
            self.column_hash[r].update(np.packbits(rows).tobytes())
            if rows.any():
                without = outcomes(scores[rows] - self.points[r], blocks[rows] - self.breaks[r])
                self.decisive[r] += weights[rows][without != codes[rows]].sum()
        return codes
