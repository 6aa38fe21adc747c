"""Startup of `recommender recommend --format json` against `python -c "import yaml"`, same run.

Target (issue 2): ratio <= 2.0. Run: python benchmarks/bench_recommend.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "research-lab.yaml"


# The warm-up run must write bytecode, or every run recompiles the package (as a user's never does).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "PYTHONPATH": str(ROOT)
}


def wall(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is what a busy machine does not skew."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    base = [sys.executable, "-c", "import yaml"]
    ours = [
        sys.executable,
        "-m",
        "recommender",
        "recommend",
        "--profile",
        str(PROFILE),
        "--format",
        "json",
    ]
    wall(base), wall(ours)  # warm the file cache
    base_t, ours_t = [], []
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        base_t.append(wall(base))
        ours_t.append(wall(ours))
    for i, label in ((0, "wall"), (1, "CPU")):
        b = statistics.median(t[i] for t in base_t)
        o = statistics.median(t[i] for t in ours_t)
        print(
            f"{label:>4}: python -c 'import yaml' median {b * 1000:6.1f} ms; recommender recommend "
            f"--format json median {o * 1000:6.1f} ms over {args.runs} runs; "
            f"ratio {o / b:.2f}x (target <= 2.0x)"
        )


if __name__ == "__main__":
    main()
