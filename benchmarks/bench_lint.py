"""Benchmark ``rules lint``: answer-space size, time, profiles/second, and the per-profile cost
against batch's scoring path, in the same run.

    python benchmarks/bench_lint.py [--rules DIR] [--limit N] [--method exact|enumerate]

Lint's per-profile cost is its whole run (every check included) divided by the real profiles its
findings cover: all of them when it is exhaustive. The batch side scores a random sample of distinct
profiles the way ``batch`` does: signature -> fired rules -> decision, on the table's numpy path.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.lint.run import BLOCK, LIMIT, METHODS, lint
from recommender.lint.space import AnswerSpace
from recommender.rulebase.load import load_rules
from recommender.scoring.decide import top_codes
from recommender.scoring.table import table_for

SAMPLE = 20_000  # profiles timed on the batch side: enough for a stable per-profile figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--method", default="exact", choices=METHODS)
    args = parser.parse_args(argv)
    rules = load_rules(*args.rules)

    start = time.perf_counter()
    report = lint(rules, limit=args.limit, method=args.method)
    lint_s = time.perf_counter() - start
    space = report.space
    covered = (
        space.full_size if report.exhaustive else report.scored
    )  # real profiles the findings speak for
    lint_us = lint_s / covered * 1e6
    print(
        f"rule base: {len(rules.questions)} questions, {len(rules.frameworks)} frameworks, "
        f"{len(rules.rules)} rules"
    )
    print(f"answer space: {space.full_size:,} profiles, {space.size:,} distinct after merging")
    how = {
        "exact": "exhaustive, exact",
        "enumerate": "exhaustive, every distinct profile scored",
    }.get(report.method, f"a sample of {report.scored:,}")
    print(
        f"lint ({how}): {covered:,} profiles in {lint_s:.3f} s = {covered / lint_s:,.0f} "
        f"profiles/s, {lint_us * 1e3:.3g} ns/profile (all checks included)"
        + (
            f"; {lint_s / space.size * 1e9:.3g} ns per distinct profile"
            if report.exhaustive
            else ""
        )
    )

    table = table_for(rules)
    vector = table.vector()
    sigs = _signatures(space)
    start = time.perf_counter()
    for i in range(0, len(sigs), BLOCK):
        chunk = sigs[i : i + BLOCK]
        words = vector.applicable(vector.matrix(chunk))
        scores, blocked = vector.totals(vector.fired_matrix(words))
        top_codes(scores, blocked)
    base_us = (time.perf_counter() - start) / len(sigs) * 1e6
    print(
        f"batch's vector path (signature -> decision): {base_us:.2f} us/profile "
        f"({len(sigs):,} profiles)"
    )
    verdict = "lint is not slower" if lint_us <= base_us else "lint is SLOWER"
    print(f"lint / batch per-profile cost: {lint_us / base_us:.2g}x ({verdict}, target <= 1x)")
    return 0


def _signatures(space: AnswerSpace) -> list[int]:
    """Up to SAMPLE distinct profiles, drawn at random, for the batch-side timing."""
    rng = np.random.default_rng(1)
    n = min(SAMPLE, space.size)
    index = (
        rng.choice(space.size, size=n, replace=False) if space.size > n else np.arange(space.size)
    )
    digits = (
        np.stack(np.unravel_index(index, space.shape), axis=1)
        if space.dims
        else np.zeros((1, 0), int)
    )
    return [space.signature(row) for row in digits]


if __name__ == "__main__":
    raise SystemExit(main())
