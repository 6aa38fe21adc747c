"""Benchmark ``rules lint``: answer-space size, time, profiles/second, and per-profile cost against batch's scorer.

    python benchmarks/bench_lint.py [--rules DIR] [--limit N] [--method exact|enumerate]
        [--compiled PATH/TO/compiled.py]

Lint's per-profile cost is its whole run (every check included) divided by the real profiles its findings cover:
all of them when it is exhaustive. The batch side scores a random sample of distinct profiles the way ``batch``
does, in the same run: normalised answers -> signature -> outcome with ``recommender.scoring.compiled.CompiledRules``
(imported from the package, or from ``--compiled`` before the batch branch is merged). When CompiledRules is not
available the baseline is ``engine.Scorer.outcome`` one profile at a time, and the output says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time

import numpy as np

from recommender.lint.run import BLOCK, LIMIT, METHODS, lint
from recommender.rulebase.load import load_rules
from recommender.scoring.engine import Scorer

SAMPLE = 20_000  # profiles timed on the batch side: enough for a stable per-profile figure


def _compiled(path: str | None):
    if path:
        spec = importlib.util.spec_from_file_location("recommender.scoring.compiled", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["recommender.scoring.compiled"] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return module.CompiledRules
    try:
        from recommender.scoring.compiled import CompiledRules
    except ImportError:
        return None
    return CompiledRules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--method", default="exact", choices=METHODS)
    parser.add_argument(
        "--compiled", help="path to batch's compiled.py, before the batch branch is merged"
    )
    args = parser.parse_args(argv)
    rules = load_rules(*args.rules)
    compiled_cls = _compiled(args.compiled)

    start = time.perf_counter()
    report = lint(rules, limit=args.limit, method=args.method)
    lint_s = time.perf_counter() - start
    space = report.space
    covered = (
        space.full_size if report.exhaustive else report.scored
    )  # real profiles the findings speak for
    lint_us = lint_s / covered * 1e6
    print(
        f"rule base: {len(rules.questions)} questions, {len(rules.frameworks)} frameworks, {len(rules.rules)} rules"
    )
    print(f"answer space: {space.full_size:,} profiles, {space.size:,} distinct after merging")
    how = {
        "exact": "exhaustive, exact",
        "enumerate": "exhaustive, every distinct profile scored",
    }.get(report.method, f"a sample of {report.scored:,}")
    print(
        f"lint ({how}): {covered:,} profiles in {lint_s:.3f} s = {covered / lint_s:,.0f} profiles/s, "
        f"{lint_us * 1e3:.3g} ns/profile (all checks included)"
        + (
            f"; {lint_s / space.size * 1e9:.3g} ns per distinct profile"
            if report.exhaustive
            else ""
        )
    )

    profiles = _profiles(space)
    scorer = Scorer(rules)
    start = time.perf_counter()
    for answers, facts in profiles:
        scorer.outcome(answers, facts)
    engine_us = (time.perf_counter() - start) / len(profiles) * 1e6
    print(f"engine.Scorer.outcome: {engine_us:.2f} us/profile ({len(profiles):,} profiles)")
    if compiled_cls is None:
        print(
            "batch's CompiledRules: not available (pass --compiled PATH); baseline = engine.Scorer.outcome"
        )
        base_name, base_us = "engine.Scorer.outcome", engine_us
    else:
        base_name, base_us = "batch CompiledRules", _time_compiled(compiled_cls(rules), profiles)
        print(
            f"batch CompiledRules (signature + outcomes): {base_us:.2f} us/profile ({len(profiles):,} profiles)"
        )
    verdict = "lint is not slower" if lint_us <= base_us else "lint is SLOWER"
    print(f"lint/{base_name} per-profile cost: {lint_us / base_us:.2g}x ({verdict}, target <= 1x)")
    return 0


def _profiles(space) -> list:
    """Up to SAMPLE distinct profiles, drawn at random, for the batch-side timings."""
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
    return [space.profile(row) for row in digits]


def _time_compiled(compiled, profiles: list) -> float:
    start = time.perf_counter()
    by_facts: dict[tuple, tuple] = {}
    for answers, facts in profiles:
        key = tuple(sorted(facts.items())) if facts else ()
        by_facts.setdefault(key, (facts, []))[1].append(compiled.signature(answers, facts))
    for facts, sigs in by_facts.values():
        for i in range(0, len(sigs), BLOCK):
            compiled.outcomes(sigs[i : i + BLOCK], facts)
    return (time.perf_counter() - start) / len(profiles) * 1e6


if __name__ == "__main__":
    raise SystemExit(main())
