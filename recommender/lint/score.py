"""Scores, outcomes and the running totals lint keeps as it walks the answer space, block by block.

An outcome is a bit mask of the frameworks tied for first among those not excluded: one bit is a
winner, several are a tie, none means every framework hit a deal-breaker. It is
:func:`recommender.scoring.decide.top_codes`.
"""

from __future__ import annotations

import hashlib

import numpy as np

from recommender.lint.dist import mask
from recommender.scoring.decide import SCALE, top_codes
from recommender.scoring.table import Table


def outcomes(scores: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """One top code per profile from its (frameworks,) scores in whole millionths and
    deal-breaker counts: :func:`recommender.scoring.decide.top_codes`."""
    return top_codes(scores, mask(blocks))


def _margin(scores: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Per profile, the lead of the best open score over the next (0 for a tie, inf with one
    contender), in whole millionths."""
    open_scores = np.where(blocks == 0, scores.astype(float), -np.inf)
    if open_scores.shape[1] < 2:
        return np.full(len(open_scores), np.inf)
    top2 = -np.partition(-open_scores, 1, axis=1)[:, :2]
    with np.errstate(invalid="ignore"):
        margin = top2[:, 0] - top2[:, 1]
    return np.where(np.isfinite(top2[:, 1]), margin, np.inf)


class Totals:
    """What every check needs, summed over all blocks of profiles (weights are real profiles)."""

    def __init__(self, table: Table) -> None:
        vector = table.vector()
        self.units = vector.units  # (rules, frameworks) whole millionths: what is summed
        self.points = self.units / SCALE  # as written, for messages
        self.breaks = vector.excludes.astype(np.int32)
        n_rules, n_frameworks = self.units.shape
        self.weight = 0.0
        self.wins = np.zeros(n_frameworks)  # sole winner
        self.tied = np.zeros(n_frameworks)  # one of several tied for first
        self.ties = 0.0
        self.nothing = 0.0  # every framework excluded
        self.fired = np.zeros(n_rules)
        self.decisive = np.zeros(n_rules)  # removing the rule changes the outcome
        self.column_hash = [hashlib.blake2b(digest_size=16) for _ in range(n_rules)]
        self.reach = np.abs(self.units).max(axis=1) if n_frameworks else np.zeros(n_rules)
        self.excludes = self.breaks.any(axis=1) if n_frameworks else np.zeros(n_rules, dtype=bool)

    @property
    def fire_keys(self) -> list[bytes]:
        """Equal keys = the rules fired in exactly the same profiles walked."""
        return [h.digest() for h in self.column_hash]

    def add(self, fire: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Account for one block; returns its outcomes.

        Scores, outcomes and the remove-one-rule test depend only on which rules fired, so they are
        computed once per distinct fired set in the block (far fewer than profiles), each carrying
        its profiles' weight.
        """
        _, first, inverse = np.unique(_row_keys(fire), return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        sets, mass = fire[first], np.bincount(inverse, weights=weights, minlength=len(first))
        # two rules fire in the same profiles exactly when their columns agree over the fired sets
        for r, column in enumerate(np.packbits(sets.T, axis=1)):
            self.column_hash[r].update(column.tobytes())
        self.fired += mass @ sets
        self.weight += weights.sum()
        scores = sets.astype(np.int64) @ self.units
        blocks = sets.astype(np.int32) @ self.breaks
        codes = outcomes(scores, blocks)
        bits = (codes[:, None] >> np.arange(self.units.shape[1])) & 1
        single = (codes & (codes - 1)) == 0
        self.wins += (bits * (mass * (single & (codes != 0)))[:, None]).sum(axis=0)
        self.tied += (bits * (mass * ~single)[:, None]).sum(axis=0)
        self.ties += mass[~single].sum()
        self.nothing += mass[codes == 0].sum()
        # Removing a rule moves any score by at most its largest points, so where the lead over the
        # runner-up is more than twice that (and the rule excludes nothing) the outcome provably
        # stays: test the rest only.
        candidates = sets & (
            (2 * self.reach[None, :] >= _margin(scores, blocks)[:, None]) | self.excludes[None, :]
        )
        for r in np.flatnonzero(candidates.any(axis=0)).tolist():
            rows = candidates[:, r]
            if rows.any():
                without = outcomes(scores[rows] - self.units[r], blocks[rows] - self.breaks[r])
                self.decisive[r] += mass[rows][without != codes[rows]].sum()
        return codes[inverse]


def _row_keys(fire: np.ndarray) -> np.ndarray:
    """A sortable key per row of a boolean matrix: a uint64 when it fits, else the packed bytes."""
    packed = np.packbits(fire, axis=1)
    width = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((len(packed), width), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    if width == 8:
        return padded.view(np.uint64).reshape(-1)
    return np.ascontiguousarray(padded).view(np.dtype((np.void, width))).reshape(-1)
