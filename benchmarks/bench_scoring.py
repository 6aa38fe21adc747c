"""Why the scoring table keeps a numpy path beside the scalar one: "which rules fire" for N distinct
profiles both ways, in the same run, on the synthetic 24-question / 160-rule base.

Times ``Table.fired_one`` per signature (the scalar path ``recommend`` uses) against
``Vector.fired`` on the whole list (the path batch and lint use), checks they agree, and prints the
ratio; then the whole result (``Scorer.recommend_many``) with each path.

    PYTHONPATH=. python benchmarks/bench_scoring.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.rulebase.load import load_rules  # noqa: E402
from recommender.rulebase.profiles import normalize_answers  # noqa: E402
from recommender.scoring.result import Scorer  # noqa: E402


def timed(label: str, rows: int, fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    print(f"  {label:<44} {took:6.2f} s  {rows / took:11,.0f} profiles/s")
    return result, took


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rules = load_rules(base=_profiles.synthetic_rules(Path(tmp) / "rules"))
    normals = [
        normalize_answers({k: v for k, v in p.items() if k != "name"}, rules)
        for p in _profiles.profiles(rules, args.rows)
    ]
    scorer = Scorer(rules)
    table, vector = scorer.table, scorer.table.vector()
    sigs = list(dict.fromkeys(table.signature(a) for a in normals))
    n = len(sigs)
    print(f"synthetic: {len(rules.questions)} questions, {len(rules.rules)} rules, {n:,} distinct")
    table.forget()
    scalar, t_scalar = timed(
        "scalar: Table.fired_one per signature", n, lambda: [table.fired_one(s) for s in sigs]
    )
    fast, t_vector = timed("numpy: Vector.fired on the list", n, lambda: vector.fired(sigs))
    assert fast == scalar
    print(f"  ratio numpy / scalar: {t_vector / t_scalar:.2f}x")
    profiles = [(None, a) for a in normals]
    table.forget()
    _, t_one = timed(
        "recommend_many, scalar path",
        len(profiles),
        lambda: Scorer(rules).recommend_many(profiles, None, None),
    )
    table.forget()
    _, t_many = timed(
        "recommend_many, numpy path",
        len(profiles),
        lambda: Scorer(rules).recommend_many(profiles, None, vector),
    )
    print(f"  ratio numpy / scalar: {t_many / t_one:.2f}x")


if __name__ == "__main__":
    run()
