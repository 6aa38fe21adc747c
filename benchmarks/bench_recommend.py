"""Startup of `recommender recommend --format json` against `python -c "import yaml"`, same run.

Target (issue 9): ratio <= 2.0. Run: python benchmarks/bench_recommend.py [--runs N]

Both run as a user's install runs them: in a throwaway environment laid out as ``pip install``
leaves one, through the console script pip writes (``_install.py`` says why not the test venv).

Then where the time goes, each step as a ratio to the same baseline: the standard library the
package imports, the package's own import (its value classes defined), the value classes alone
(the time ``dataclasses`` takes to build them), and the interpreter's last garbage collection,
which the executable skips by freezing its objects (``recommender.cli.run``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _install import Install, install

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "research-lab.yaml"

STDLIB = "yaml, argparse, dataclasses, hashlib, json, pathlib, typing"  # what the package imports
# The modules `recommend --format json` imports (the package itself imports its API lazily)
COMMAND = "recommender.cli, recommender.commands.recommend, recommender.render.jsonout"
# The executable freezes its objects before exit, so the interpreter's last collection has nothing
# to walk (``recommender.cli.run``); the steps below do the same, so each compares like with like,
# and the last step, without it, shows what that collection would cost.
FROZEN = "; import gc; gc.freeze()"
EXIT_GC = "  without gc.freeze() at exit"

# Times every class ``dataclasses`` builds while the recommend command's modules are imported.
# It wraps a private function of ``dataclasses``; this is a measurement, not the product.
CLASSES = f"""
import dataclasses, time
built, took, make = [], [0.0], dataclasses._process_class
def timed(cls, *args):
    start = time.process_time()
    try:
        return make(cls, *args)
    finally:
        took[0] += time.process_time() - start
        built.append(cls)
dataclasses._process_class = timed
import {COMMAND}
print(len(built), took[0])
"""


def cpu_of(where: Install, *args: str | Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time is what a busy machine does not skew."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    where.run(*args)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def value_classes(where: Install, runs: int) -> tuple[int, float]:
    """(how many value classes the command defines, median CPU seconds to build them)."""
    results = []
    for _ in range(runs):
        out = where.run("-c", CLASSES, capture=True).split()
        results.append((int(out[0]), float(out[1])))
    return results[0][0], statistics.median(took for _, took in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-recommend-") as tmp:
        where = install(Path(tmp))
        steps: dict[str, list[str | Path]] = {
            "python -c 'import yaml'": ["-c", "import yaml"],
            "+ the standard library it imports": ["-c", f"import {STDLIB}{FROZEN}"],
            "+ import recommender": ["-c", f"import {COMMAND}, {STDLIB}{FROZEN}"],
            "recommender recommend --format json": [
                where.script, "recommend", "--profile", PROFILE, "--format", "json",
            ],
            EXIT_GC: ["-c", f"import {COMMAND}, {STDLIB}"],
        }  # fmt: skip
        for cmd in steps.values():
            cpu_of(where, *cmd)  # warm the file cache, write the bytecode and the rules cache
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in steps}
        for _ in range(args.runs):  # interleaved, so drift hits every step alike
            for label, cmd in steps.items():
                times[label].append(cpu_of(where, *cmd))
        classes = value_classes(where, max(3, args.runs // 3))
    base_label, ours_label = next(iter(steps)), list(steps)[-2]
    for i, label in ((0, "wall"), (1, "CPU")):
        b = statistics.median(t[i] for t in times[base_label])
        o = statistics.median(t[i] for t in times[ours_label])
        print(
            f"{label:>4}: python -c 'import yaml' median {b * 1000:6.1f} ms; recommender recommend "
            f"--format json median {o * 1000:6.1f} ms over {args.runs} runs; "
            f"ratio {o / b:.2f}x (target <= 2.0x)"
        )
    base = statistics.median(t[1] for t in times[base_label])
    print("where the CPU time goes (medians, each a ratio to python -c 'import yaml'):")
    for label, runs in times.items():
        cpu = statistics.median(t[1] for t in runs)
        if label == EXIT_GC:  # against the same import with the freeze
            cpu -= statistics.median(t[1] for t in times["+ import recommender"])
            label = "exit collection, were it not frozen"
        print(f"  {label:<38} {cpu * 1000:6.1f} ms  {cpu / base:.2f}x")
    count, took = classes
    print(
        f"  of which dataclasses builds {count} value classes: {took * 1000:.1f} ms "
        f"({took / base:.2f}x)"
    )


if __name__ == "__main__":
    main()
