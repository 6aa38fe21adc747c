"""Time to `recommender ask`'s first question against `python -c "import questionary"`, same run.

Both run in a pseudo-terminal (pexpect). For `ask` the clock stops when the first question's text
appears on the screen; for the baseline, when the process exits. The ask issue's target: ratio <= 2.
Run: python benchmarks/bench_ask.py [--runs N]  (rules: the shipped base, or RECOMMENDER_BASE_RULES)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommender.rulebase.load import load_rules, shipped_rules_dir  # noqa: E402


def first_prompt(env: dict[str, str], text: str) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "ask"],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    child.expect_exact(text)
    took = time.perf_counter() - start
    child.terminate(force=True)
    return took


def baseline(env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        ["-c", "import questionary"],
        env=env,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    took = time.perf_counter() - start
    child.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    text = load_rules().questions[0].text
    with tempfile.TemporaryDirectory() as state:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RECOMMENDER_STATE_DIR": state,
            "PROMPT_TOOLKIT_NO_CPR": "1",
        }
        baseline(env), first_prompt(env, text)  # warm the file cache
        base_t, ours_t = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            base_t.append(baseline(env))
            ours_t.append(first_prompt(env, text))
    b, o = statistics.median(base_t), statistics.median(ours_t)
    print(f"rules: {shipped_rules_dir()} ({len(load_rules().questions)} questions)")
    print(
        f"python -c 'import questionary'          median {b * 1000:7.1f} ms over {args.runs} runs"
    )
    print(
        f"recommender ask, first question shown   median {o * 1000:7.1f} ms over {args.runs} runs"
    )
    print(f"ratio {o / b:.2f}x (target <= 2.0x)")


if __name__ == "__main__":
    main()
