"""Exact lint: every real profile of the answer space accounted for, without scoring profiles one by one.

The space splits into independent parts (:mod:`recommender.lint.parts`); a framework's score is the sum of one
score per part, and an exclusion comes from one part or another. So each part is enumerated alone, reduced to
its distribution of (scores, excluded) states (:mod:`recommender.lint.dist`), and the parts are combined by
convolution. Winner shares and firing counts follow from the distributions; "does removing rule r / changing
question q ever change an outcome" is answered by testing r's (or q's) part states against every reachable
state of the other parts, which is exactly every profile.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import prod

import numpy as np

from recommender.lint.dist import (Dist, NotExact, canonical, codes, convolve, integer_points, mask, merge, sum_by,
                                   unique_rows, unit)
from recommender.lint.parts import Enumerated, Part, enumerate_part, split
from recommender.lint.score import matrices
from recommender.lint.space import AnswerSpace
from recommender.model import RuleBase

STATES = 1 << 22  # most states one combined distribution may hold
BLOCK = 1 << 22  # (other parts' state, part state) outcomes computed at once


@dataclass
class ExactTotals:
    """The figures :class:`recommender.lint.score.Totals` gathers by walking profiles, here exact."""

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


@dataclass(frozen=True)
class _Scored:
    en: Enumerated
    scores: np.ndarray  # (size, frameworks) int64, raw
    counts: np.ndarray  # (size, frameworks) deal-breakers fired
    dist: Dist
    state: np.ndarray  # (size,) each partial profile's state in dist


def exact(rules: RuleBase, space: AnswerSpace, limit: int) -> ExactTotals:
    """Raises :class:`NotExact` when a part has more than ``limit`` distinct profiles, or arithmetic won't fit."""
    parts = split(rules, space)
    biggest = max(parts, key=lambda p: p.size, default=None)
    if biggest is not None and biggest.size > limit:
        names = ", ".join(space.dims[d].name for d in biggest.dims)
        raise NotExact(f"the part of the space read together by {names} has {biggest.size:,} distinct profiles, "
                       f"over the limit of {limit:,}")
    if space.full_size >= 1 << 62:
        raise NotExact("the answer space is too large to count in 64 bits")
    points, breaks = matrices(rules)
    ints = integer_points(points)
    scored = [_score(enumerate_part(rules, space, p), ints, breaks) for p in parts]
    rests, full = _leave_one_out([s.dist for s in scored], len(rules.framework_ids))
    factor = space.full_size // prod(d.size for d in space.dims)  # questions no condition reads, answered freely
    wins, tied, ties, nothing = _outcomes(full, factor)
    n = len(rules.rules)
    t = ExactTotals(points, space.full_size, wins, tied, ties, nothing, _fired(scored, factor, n),
                    np.zeros(n, dtype=np.int64), [b""] * n, [], parts)
    for s, rest in zip(scored, rests):
        for j, r in enumerate(s.en.part.rules):
            t.decisive[r] = _decisive(s, j, ints[r], breaks[r], rest) * factor
            t.fire_keys[r] = _fire_key(s, j)
        t.no_effect += [space.dims[d].name for c, d in enumerate(s.en.part.dims) if not _matters(s, c, rest)]
    return t


def _score(en: Enumerated, ints: np.ndarray, breaks: np.ndarray) -> _Scored:
    fire = en.fire.astype(np.int64)
    rows = list(en.part.rules)
    scores, counts = fire @ ints[rows], fire @ breaks[rows].astype(np.int64)
    blocked = mask(counts)
    dist, state = merge(canonical(scores, blocked), blocked, en.weight)
    return _Scored(en, scores, counts, dist, state)


def _leave_one_out(dists: list[Dist], frameworks: int) -> tuple[list[Dist], Dist]:
    """For each part the distribution of all the other parts together, and that of all parts."""
    prefix, suffix = [unit(frameworks)], [unit(frameworks)]
    for d in dists:
        prefix.append(convolve(prefix[-1], d, STATES))
    for d in reversed(dists):
        suffix.append(convolve(d, suffix[-1], STATES))
    suffix.reverse()
    return [convolve(prefix[i], suffix[i + 1], STATES) for i in range(len(dists))], prefix[-1]


def _outcomes(full: Dist, factor: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(sole wins, ties for first, tie profiles, no-framework profiles), in real profiles."""
    c = codes(full.scores, full.blocked)
    w = full.weight * factor
    frameworks = full.scores.shape[1]
    bits = (c[:, None] >> np.arange(frameworks)) & 1
    single = (c & (c - 1)) == 0
    wins = np.array([int(w[single & (bits[:, f] == 1)].sum()) for f in range(frameworks)], dtype=np.int64)
    tied = np.array([int(w[~single & (bits[:, f] == 1)].sum()) for f in range(frameworks)], dtype=np.int64)
    return wins, tied, int(w[~single].sum()), int(w[c == 0].sum())


def _fired(scored: list[_Scored], factor: int, n_rules: int) -> np.ndarray:
    total = prod(int(s.en.weight.sum()) for s in scored)
    fired = np.zeros(n_rules, dtype=np.int64)
    for s in scored:
        others = total // int(s.en.weight.sum())
        for j, r in enumerate(s.en.part.rules):
            fired[r] = int(s.en.weight[s.en.fire[:, j]].sum()) * others * factor
    return fired


def _decisive(s: _Scored, j: int, points: np.ndarray, breaks: np.ndarray, rest: Dist) -> int:
    """Profiles (of the enumerated space) whose outcome changes when rule ``j`` of the part is removed."""
    rows = s.en.fire[:, j]
    if not rows.any():
        return 0
    with_s, with_c = s.scores[rows], s.counts[rows]
    without_s, without_c = with_s - points, with_c - breaks
    with_b, without_b = mask(with_c), mask(without_c)
    pairs = np.column_stack([canonical(with_s, with_b), with_b, canonical(without_s, without_b), without_b])
    first, inverse = unique_rows(pairs)
    weight = sum_by(inverse, s.en.weight[rows], len(first))
    half = with_s.shape[1] + 1
    keep = (pairs[first, :half] != pairs[first, half:]).any(axis=1)  # the rule moved the state at all
    first, weight = first[keep], weight[keep]
    total = 0
    step = max(1, BLOCK // len(rest))
    for i in range(0, len(first), step):
        f = first[i:i + step]
        before = _outcome_grid(rest, with_s[f], with_b[f])
        after = _outcome_grid(rest, without_s[f], without_b[f])
        total += int(rest.weight @ (before != after).astype(np.int64) @ weight[i:i + step])
    return total


def _matters(s: _Scored, column: int, rest: Dist) -> bool:
    """Whether changing the part's dimension ``column`` alone changes the outcome of any profile."""
    shape = s.en.part.shape
    runs = np.moveaxis(s.state.reshape(shape), column, -1).reshape(-1, shape[column])
    runs = runs[(runs != runs[:, :1]).any(axis=1)]  # partial profiles where the answer moves the state at all
    if not len(runs):
        return False
    runs = runs[unique_rows(runs)[0]]
    step = max(1, BLOCK // (len(rest) * runs.shape[1]))
    for i in range(0, len(runs), step):
        ids = runs[i:i + step].reshape(-1)
        grid = _outcome_grid(rest, s.dist.scores[ids], s.dist.blocked[ids]).reshape(len(rest), -1, runs.shape[1])
        if (grid != grid[:, :, :1]).any():
            return True
    return False


def _outcome_grid(rest: Dist, scores: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    """(rest states, part states) outcomes of every combination."""
    return codes(rest.scores[:, None, :] + scores[None, :, :], rest.blocked[:, None] | blocked[None, :])


def _fire_key(s: _Scored, j: int) -> bytes:
    """Rules of different parts fire in the same profiles only when both fire everywhere (or nowhere)."""
    column = s.en.fire[:, j]
    if column.all():
        return b"everywhere"
    if not column.any():
        return b"nowhere"
    return hashlib.blake2b(repr(s.en.part.dims).encode() + np.packbits(column).tobytes(), digest_size=16).digest()
