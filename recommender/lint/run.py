"""Account for the answer space (exactly, by walking it, or by a sample), then run every check.

``exact`` (the default, :mod:`recommender.lint.exact`) covers every profile without scoring them one
by one. ``enumerate`` walks every distinct profile: the reference the exact method is tested
against, and the fallback (with sampling beyond ``limit``) when the exact method cannot run, which
the report then says.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from recommender.errors import UserError
from recommender.lint import LIMIT
from recommender.lint.backends import BACKENDS, DEFAULT, Backend
from recommender.lint.checks import CHECKS
from recommender.lint.dist import NotExact
from recommender.lint.exact import exact
from recommender.lint.report import Finding, LintReport
from recommender.lint.score import Totals, outcomes
from recommender.lint.space import AnswerSpace, build_space
from recommender.rulebase.model import Framework, Question, Rule, RuleBase
from recommender.scoring.table import Table, table_for

BLOCK = (
    1 << 15
)  # profiles scored at once: big enough for numpy to pay off, small enough to bound memory
NEIGHBOURS = (
    2000  # sampled profiles whose every one-answer change is scored for the no-effect check
)
METHODS = ("exact", "enumerate")


def lint(
    rules: RuleBase,
    *,
    limit: int = LIMIT,
    seed: int = 0,
    backend: str = DEFAULT,
    method: str = "exact",
    clock: Callable[[], float] = time.perf_counter,
) -> LintReport:
    """Account for every profile (exactly, or by scoring every distinct one, or ``limit`` sampled
    ones) and run every check. ``limit`` bounds what is enumerated: one independent part (exact), or
    the whole space."""
    start = clock()
    table = table_for(rules)
    space = build_space(table, limit)
    if backend not in BACKENDS:
        raise UserError(f'unknown lint backend "{backend}"; valid values: {", ".join(BACKENDS)}')
    if method not in METHODS:
        raise UserError(f'unknown lint method "{method}"; valid values: {", ".join(METHODS)}')
    report, fallback = None, ""
    if method == "exact":
        try:
            t = exact(table, space, limit)
            report = LintReport(
                rules,
                space,
                t,
                sum(p.size for p in t.parts),
                True,
                seed,
                t.no_effect,
                method="exact",
            )
        except NotExact as exc:
            fallback = str(exc)
    if report is None:
        report = _walk(table, space, limit, seed, BACKENDS[backend](table, space))
        report.fallback = fallback
    for check in CHECKS.values():
        report.findings.extend(_acknowledge(f, rules) for f in check.run(report))
    report.seconds = clock() - start
    return report


def _walk(table: Table, space: AnswerSpace, limit: int, seed: int, scorer: Backend) -> LintReport:
    """Score every distinct profile, or ``limit`` sampled ones."""
    totals = Totals(table)
    exhaustive = space.size <= limit
    if exhaustive:
        codes = _walk_all(space, scorer, totals)
        no_effect = [
            d.name
            for i, d in enumerate(space.dims)
            if _constant_along(codes.reshape(space.shape), i)
        ]
    else:
        rng = np.random.default_rng(seed)
        digits = np.stack(
            [
                rng.choice(len(d.choices), size=limit, p=[c.weight / d.size for c in d.choices])
                for d in space.dims
            ],
            axis=1,
        )
        codes = np.concatenate(
            [
                totals.add(scorer.fire(digits[i : i + BLOCK]), np.ones(len(digits[i : i + BLOCK])))
                for i in range(0, limit, BLOCK)
            ]
        )
        no_effect = _no_effect_sampled(
            space, scorer, totals, digits[:NEIGHBOURS], codes[:NEIGHBOURS]
        )
    return LintReport(
        table.rules,
        space,
        totals,
        space.size if exhaustive else limit,
        exhaustive,
        seed,
        no_effect,
        method="enumerate" if exhaustive else "sample",
    )


def _walk_all(space: AnswerSpace, scorer: Backend, totals: Totals) -> np.ndarray:
    weights_of = [np.array([c.weight for c in d.choices], dtype=float) for d in space.dims]
    factor = (
        space.full_size / float(np.prod([d.size for d in space.dims]))
        if space.dims
        else space.full_size
    )
    codes = np.empty(space.size, dtype=np.int64)
    for begin in range(0, space.size, BLOCK):
        index = np.arange(begin, min(begin + BLOCK, space.size))
        digits = (
            np.stack(np.unravel_index(index, space.shape), axis=1)
            if space.dims
            else np.zeros((1, 0), int)
        )
        weights = np.full(len(index), factor)
        for d, table in enumerate(weights_of):
            weights *= table[digits[:, d]]
        codes[index] = totals.add(scorer.fire(digits), weights)
    return codes


def _constant_along(codes: np.ndarray, axis: int) -> bool:
    return bool((codes == np.take(codes, [0], axis=axis)).all())


def _no_effect_sampled(
    space: AnswerSpace, scorer: Backend, totals: Totals, base: np.ndarray, codes: np.ndarray
) -> list[str]:
    """Dimensions where no single change to a sampled profile changes its outcome."""
    out = []
    for d, dim in enumerate(space.dims):
        changed = False
        for c in range(len(dim.choices)):
            moved = base.copy()
            moved[:, d] = c
            fire = scorer.fire(moved)
            changed = bool(
                (
                    outcomes(
                        fire.astype(np.int64) @ totals.units, fire.astype(np.int32) @ totals.breaks
                    )
                    != codes
                ).any()
            )
            if changed:
                break
        if not changed:
            out.append(dim.name)
    return out


def _acknowledge(f: Finding, rules: RuleBase) -> Finding:
    """Allow a finding when a rule, framework or question it names says `lint: {allow: [check]}`."""
    for subject in f.subjects:
        kind, _, sid = subject.partition(":")
        lookups: dict[str, Callable[[str], Rule | Framework | Question]] = {
            "rule": rules.rule,
            "framework": rules.framework,
            "question": rules.question,
        }
        try:
            item = lookups[kind](sid)
        except KeyError:
            continue
        if f.check in item.lint_allow:
            return Finding(f.check, "info", f.message, f.origin, f.subjects, item.lint_reason)
    return f
