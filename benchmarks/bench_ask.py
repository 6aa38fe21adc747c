"""Time to `recommender ask`'s first question against `python -c "import questionary"`, same run.

Both run in a pseudo-terminal (pexpect), as a user's install runs them: in a throwaway environment
laid out as ``pip install`` leaves one, through pip's console script (``_install.py`` says why not
the test venv). For `ask` the clock stops when the first question's text appears on the screen; for
the baseline, when the process exits. The ask issue's target: ratio <= 2.
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
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _install import Install, install  # noqa: E402

from recommender.rulebase.load import load_rules, shipped_rules_dir  # noqa: E402


def first_prompt(where: Install, env: dict[str, str], text: str) -> float:
    start = time.perf_counter()
    python, *args = where.argv(where.script, "ask")
    child = pexpect.spawn(
        python,
        args,
        env=env,
        cwd=str(where.folder),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    child.expect_exact(text)
    took = time.perf_counter() - start
    child.terminate(force=True)
    return took


def baseline(where: Install, env: dict[str, str]) -> float:
    start = time.perf_counter()
    python, *args = where.argv("-c", "import questionary")
    child = pexpect.spawn(
        python,
        args,
        env=env,
        cwd=str(where.folder),
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
    with tempfile.TemporaryDirectory(prefix="bench-ask-") as tmp:
        where = install(Path(tmp) / "env")
        env = where.env | {"RECOMMENDER_STATE_DIR": tmp, "PROMPT_TOOLKIT_NO_CPR": "1"}
        if os.environ.get("RECOMMENDER_BASE_RULES"):
            env["RECOMMENDER_BASE_RULES"] = str(
                Path(os.environ["RECOMMENDER_BASE_RULES"]).resolve()
            )
        baseline(where, env), first_prompt(where, env, text)  # warm the caches, write bytecode
        base_t, ours_t = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            base_t.append(baseline(where, env))
            ours_t.append(first_prompt(where, env, text))
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
