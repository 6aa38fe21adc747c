"""Benchmark ``rules lint``: answer-space size, time, profiles/second, and per-profile cost against batch's scorer.

    RECOMMENDER_BASE_RULES=tests/data/mini python benchmarks/bench_lint.py [--rules DIR] [--limit N]
        [--compiled PATH/TO/compiled.py]

The batch side scores the same distinct profiles the way ``batch`` does: normalised answers -> signature ->
outcome with ``recommender.compiled.CompiledRules`` (imported from the package, or from ``--compiled`` before the
batch branch is merged), and, as a floor, ``engine.Scorer.outcome`` one profile at a time.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time

import numpy as np

from recommender.engine import Scorer
from recommender.lint.run import BLOCK, LIMIT, lint
from recommender.lint.space import build_space
from recommender.rulebase import load_rules

SAMPLE = 20_000  # profiles timed on the batch side: enough for a stable per-profile figure


def _compiled(path: str | None):
    if path:
        spec = importlib.util.spec_from_file_location("recommender.compiled", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["recommender.compiled"] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return module.CompiledRules
    try:
        from recommender.compiled import CompiledRules
    except ImportError:
        return None
    return CompiledRules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--compiled", help="path to batch's compiled.py, before the batch branch is merged")
    args = parser.parse_args(argv)
    rules = load_rules(*args.rules)
    compiled_cls = _compiled(args.compiled)

    start = time.perf_counter()
    report = lint(rules, limit=args.limit)
    lint_s = time.perf_counter() - start
    space = report.space
    lint_us = lint_s / report.scored * 1e6
    print(f"rule base: {len(rules.questions)} questions, {len(rules.frameworks)} frameworks, {len(rules.rules)} rules")
    print(f"answer space: {space.full_size:,} profiles, {space.size:,} distinct after merging")
    print(f"lint ({'exhaustive' if report.exhaustive else 'sampled'}): {report.scored:,} profiles in {lint_s:.3f} s "
          f"= {report.scored / lint_s:,.0f} profiles/s, {lint_us:.2f} us/profile (all checks included)")

    space = build_space(rules)
    rng = np.random.default_rng(1)
    n = min(SAMPLE, space.size)
    index = rng.choice(space.size, size=n, replace=False) if space.size > n else np.arange(space.size)
    digits = np.stack(np.unravel_index(index, space.shape), axis=1) if space.dims else np.zeros((1, 0), int)
    profiles = [space.profile(row) for row in digits]
    scorer = Scorer(rules)
    start = time.perf_counter()
    for answers, facts in profiles:
        scorer.outcome(answers, facts)
    engine_us = (time.perf_counter() - start) / len(profiles) * 1e6
    print(f"engine.Scorer.outcome: {engine_us:.2f} us/profile ({len(profiles):,} profiles)")
    if compiled_cls is None:
        print("batch's CompiledRules: not available (pass --compiled PATH); compare against engine above")
        return 0
    compiled = compiled_cls(rules)
    start = time.perf_counter()
    by_facts: dict[tuple, tuple] = {}
    for answers, facts in profiles:
        key = tuple(sorted(facts.items())) if facts else ()
        by_facts.setdefault(key, (facts, []))[1].append(compiled.signature(answers, facts))
    for facts, sigs in by_facts.values():
        for i in range(0, len(sigs), BLOCK):
            compiled.outcomes(sigs[i:i + BLOCK], facts)
    batch_us = (time.perf_counter() - start) / len(profiles) * 1e6
    verdict = "lint is not slower" if lint_us <= batch_us else "lint is SLOWER"
    print(f"batch CompiledRules (signature + outcomes): {batch_us:.2f} us/profile ({len(profiles):,} profiles)")
    print(f"lint/batch per-profile cost: {lint_us / batch_us:.2f}x ({verdict}, target <= 1x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
