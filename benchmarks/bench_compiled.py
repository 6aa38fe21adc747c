"""The "N profiles -> winners" path of CompiledRules (what exhaustive ``rules lint`` needs), per backend.

Times, for 100,000 random profiles of the synthetic 24-question / 160-rule base: encoding normalised answers as
signatures, ``fired`` and ``outcomes`` on both backends (memo cleared, so every distinct signature is scored), and
the engine's ``Scorer.outcome`` per profile for reference.

    PYTHONPATH=. python benchmarks/bench_compiled.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.rulebase.load import load_rules  # noqa: E402
from recommender.rulebase.profiles import normalize_answers  # noqa: E402
from recommender.scoring.compiled import CompiledRules, np  # noqa: E402
from recommender.scoring.engine import Scorer  # noqa: E402


def timed(label: str, rows: int, fn):
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    print(f"  {label:<40} {took:6.2f} s  {rows / took:11,.0f} profiles/s")
    return result


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
    n = len(normals)
    print(f"synthetic: {len(rules.questions)} questions, {len(rules.rules)} rules, {n:,} profiles")
    expected = None
    for backend in ["python", *(["numpy"] if np is not None else [])]:
        c = CompiledRules(rules, backend=backend)
        sigs = timed(f"{backend}: signature()", n, lambda: [c.signature(a) for a in normals])
        timed(f"{backend}: fired() (cold memo)", n, lambda: c.fired(sigs))
        c._programs.clear()
        got = timed(f"{backend}: outcomes() first call", n, lambda: c.outcomes(sigs))
        timed(f"{backend}: outcomes() second call", n, lambda: c.outcomes(sigs))
        assert expected is None or got == expected
        expected = got
    scorer = Scorer(rules)
    engine = timed(
        "engine: Scorer.outcome() per profile", n, lambda: [scorer.outcome(a) for a in normals]
    )
    assert engine == expected
    print(f"  distinct signatures {len(set(sigs)):,}, distinct outcomes {len(set(expected))}")


if __name__ == "__main__":
    run()
