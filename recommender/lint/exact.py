"""Exact lint: every real profile of the answer space counted, without scoring them one by one.

The space splits into independent parts (:mod:`recommender.lint.parts`); a framework's score is the
sum of one score per part, and an exclusion comes from one part or another. So each part is
enumerated alone, reduced to its distribution of (scores, excluded) states
(:mod:`recommender.lint.dist`), and the parts are combined by convolution. Winner shares and firing
counts follow from the distributions; "does removing rule r / changing question q ever change an
outcome" is answered by testing r's (or q's) part states against every reachable state of the other
parts, which is exactly every profile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import pairwise
from math import prod

import numpy as np

from recommender.lint.dist import (
    Dist,
    NotExact,
    Reach,
    canonical,
    codes,
    convolve,
    mask,
    merge,
    sum_by,
    unique_rows,
    unit,
)
from recommender.lint.parts import Enumerated, Part, enumerate_part, split
from recommender.lint.space import AnswerSpace
from recommender.scoring.decide import SCALE
from recommender.scoring.table import Table
from recommender.values import Value, frozen

STATES = 1 << 22  # most states one combined distribution may hold
BLOCK = 1 << 21  # (other parts' state, part state) outcomes computed at once


@dataclass
class ExactTotals:
    """The figures :class:`recommender.lint.score.Totals` gathers by walking profiles, exactly."""

    points: np.ndarray  # (rules, frameworks) as written, for messages
    weight: int
    wins: np.ndarray  # sole winner, real profiles per framework
    tied: np.ndarray
    ties: int
    nothing: int
    fired: np.ndarray
    decisive: np.ndarray  # profiles whose outcome changes when the rule is removed
    fire_keys: list[bytes]  # equal keys = the rules fire in exactly the same profiles
    no_effect: list[str]  # dimensions no change to which alone changes any outcome
    parts: list[Part]


@frozen
class _Scored(Value):
    """One part, enumerated as states: each partial profile's state, with and without each rule."""

    en: Enumerated
    states: Dist  # distinct states, weighted by real profiles (0: a "without a rule" state only)
    state: np.ndarray  # (size,) each partial profile's state
    without: list[
        np.ndarray
    ]  # per rule of the part: for the profiles where it fires, their state without it
    reach: Reach

    @property
    def dist(self) -> Dist:
        used = self.states.weight > 0
        return Dist(self.states.scores[used], self.states.blocked[used], self.states.weight[used])


def exact(table: Table, space: AnswerSpace, limit: int) -> ExactTotals:
    """Raises :class:`NotExact` when a part has more than ``limit`` distinct profiles, or the
    arithmetic won't fit in 64 bits."""
    parts = split(table, space)
    biggest = max(parts, key=lambda p: p.size, default=None)
    if biggest is not None and biggest.size > limit:
        names = ", ".join(space.dims[d].name for d in biggest.dims)
        raise NotExact(
            f"the part of the space read together by {names} has {biggest.size:,} distinct "
            f"profiles, over the limit of {limit:,}"
        )
    if space.full_size >= 1 << 62:
        raise NotExact("the answer space is too large to count in 64 bits")
    vector = table.vector()
    # Scores only compare with each other, so points divided by their common factor decide alike;
    # small integers keep the states' keys small (unique_rows' fast path).
    common = int(np.gcd.reduce(np.abs(vector.units).ravel())) if vector.units.size else 1
    ints, breaks = vector.units // max(common, 1), vector.excludes.astype(np.int64)
    if ints.size and int(np.abs(ints).sum()) >= 1 << 60:
        raise NotExact("rule points are too large to add exactly")
    scored = [_score(enumerate_part(table, space, p), ints, breaks) for p in parts]
    rests, full = _leave_one_out(scored, len(table.ids))
    factor = space.full_size // prod(
        d.size for d in space.dims
    )  # questions no condition reads, answered freely
    wins, tied, ties, nothing = _outcomes(full, factor)
    n = len(table.when)
    t = ExactTotals(
        vector.units / SCALE,
        space.full_size,
        wins,
        tied,
        ties,
        nothing,
        _fired(scored, factor, n),
        np.zeros(n, dtype=np.int64),
        [b""] * n,
        [],
        parts,
    )
    for s, rest in zip(scored, rests, strict=True):
        decisive, matters = _against_rest(s, rest)
        for j, r in enumerate(s.en.part.rules):
            t.decisive[r] = decisive[j] * factor
            t.fire_keys[r] = _fire_key(s, j)
        dims = zip(s.en.part.dims, matters, strict=True)
        t.no_effect += [space.dims[d].name for d, m in dims if not m]
    return t


def _score(en: Enumerated, ints: np.ndarray, breaks: np.ndarray) -> _Scored:
    fire = en.fire.astype(np.int64)
    rows = list(en.part.rules)
    scores, counts = fire @ ints[rows], fire @ breaks[rows]
    all_scores, all_counts, weights = [scores], [counts], [en.weight]
    for j, r in enumerate(rows):
        fired = en.fire[:, j]
        all_scores.append(scores[fired] - ints[r])
        all_counts.append(counts[fired] - breaks[r])
        weights.append(np.zeros(int(fired.sum()), dtype=np.int64))
    blocked = mask(np.concatenate(all_counts))
    states, index = merge(
        canonical(np.concatenate(all_scores), blocked), blocked, np.concatenate(weights)
    )
    bounds = np.cumsum([0, *(len(w) for w in weights)])
    return _Scored(
        en,
        states,
        index[: len(en.weight)],
        [index[a:b] for a, b in pairwise(bounds[1:])],
        Reach.of(states.scores, states.blocked),
    )


def _leave_one_out(scored: list[_Scored], frameworks: int) -> tuple[list[Dist], Dist]:
    """For each part the distribution of all the other parts together, and that of all parts; each
    clamped to what the parts still to be added can do (see :func:`recommender.lint.dist.clamp`)."""
    n, nothing = len(scored), Reach.none(frameworks)
    before, after = (
        [nothing],
        [nothing],
    )  # before[i]: the reach of parts ..i-1; after[i]: of parts i..
    for s in scored:
        before.append(before[-1] + s.reach)
    for s in reversed(scored):
        after.insert(0, after[0] + s.reach)
    prefix = [unit(frameworks)]  # prefix[i]: parts ..i-1, to which parts i.. will be added
    for i, s in enumerate(scored):
        prefix.append(convolve(prefix[i], s.dist, after[i + 1], STATES))
    suffix = [unit(frameworks)] * (
        n + 1
    )  # suffix[i]: parts i.., to which parts ..i-1 will be added
    for i in reversed(range(n)):
        suffix[i] = convolve(scored[i].dist, suffix[i + 1], before[i], STATES)
    rests = [convolve(prefix[i], suffix[i + 1], scored[i].reach, STATES) for i in range(n)]
    return rests, prefix[n]


def _outcomes(full: Dist, factor: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(sole wins, ties for first, tie profiles, no-framework profiles), in real profiles."""
    c = codes(full.scores, full.blocked)
    w = full.weight * factor
    frameworks = full.scores.shape[1]
    bits = (c[:, None] >> np.arange(frameworks)) & 1
    single = (c & (c - 1)) == 0
    wins = np.array(
        [int(w[single & (bits[:, f] == 1)].sum()) for f in range(frameworks)], dtype=np.int64
    )
    tied = np.array(
        [int(w[~single & (bits[:, f] == 1)].sum()) for f in range(frameworks)], dtype=np.int64
    )
    return wins, tied, int(w[~single].sum()), int(w[c == 0].sum())


def _fired(scored: list[_Scored], factor: int, n_rules: int) -> np.ndarray:
    total = prod(int(s.en.weight.sum()) for s in scored)
    fired = np.zeros(n_rules, dtype=np.int64)
    for s in scored:
        others = total // int(s.en.weight.sum())
        for j, r in enumerate(s.en.part.rules):
            fired[r] = int(s.en.weight[s.en.fire[:, j]].sum()) * others * factor
    return fired


def _against_rest(s: _Scored, rest: Dist) -> tuple[list[int], list[bool]]:
    """Per rule of the part, the profiles whose outcome changes without it; per dimension of the
    part, whether changing it alone changes any outcome. Every part state meets every state of the
    other parts."""
    pairs = [_pairs(s, j) for j in range(len(s.en.part.rules))]
    runs = [_runs(s, c) for c in range(len(s.en.part.dims))]
    decisive, matters = [0] * len(pairs), [False] * len(runs)
    widest = max([len(s.states) * s.states.scores.shape[1], *(r.size for r in runs)])
    step = max(1, BLOCK // max(1, widest))
    for i in range(0, len(rest), step):
        grid = codes(
            rest.scores[i : i + step, None, :] + s.states.scores[None, :, :],
            rest.blocked[i : i + step, None] | s.states.blocked[None, :],
        )
        weight = rest.weight[i : i + step]
        for j, (a, b, w) in enumerate(pairs):
            decisive[j] += int(weight @ (grid[:, a] != grid[:, b]).astype(np.int64) @ w)
        for c, run in enumerate(runs):
            if not matters[c]:
                matters[c] = bool((grid[:, run] != grid[:, run[:, :1]]).any())
    return decisive, matters


def _pairs(s: _Scored, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(state with rule j, state without it, real profiles) for each distinct pair that differs."""
    with_, without = s.state[s.en.fire[:, j]], s.without[j]
    first, inverse = unique_rows(np.column_stack([with_, without]))
    weight = sum_by(inverse, s.en.weight[s.en.fire[:, j]], len(first))
    keep = with_[first] != without[first]
    return with_[first][keep], without[first][keep], weight[keep]


def _runs(s: _Scored, column: int) -> np.ndarray:
    """The distinct rows of states a partial profile goes through as dimension ``column`` takes
    every choice, keeping only rows where the state moves."""
    shape = s.en.part.shape
    runs = np.moveaxis(s.state.reshape(shape), column, -1).reshape(-1, shape[column])
    runs = runs[(runs != runs[:, :1]).any(axis=1)]
    return runs[unique_rows(runs)[0]] if len(runs) else runs.reshape(0, shape[column])


def _fire_key(s: _Scored, j: int) -> bytes:
    """Rules of two parts fire in the same profiles only when both fire everywhere (or nowhere)."""
    column = s.en.fire[:, j]
    if column.all():
        return b"everywhere"
    if not column.any():
        return b"nowhere"
    return hashlib.blake2b(
        repr(s.en.part.dims).encode() + np.packbits(column).tobytes(), digest_size=16
    ).digest()
