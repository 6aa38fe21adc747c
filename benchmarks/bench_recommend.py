"""Startup of `recommender recommend --format json` against `python -c "import yaml"`, same run.

Target (issue 9): ratio <= 2.0. Run: python benchmarks/bench_recommend.py [--runs N]

Both run as a user's install runs them: in a throwaway environment laid out as ``pip install``
leaves one (the package with its rules inside, as ``pyproject.toml``'s package-dir maps them),
through the console script pip writes. The test venv itself is not used: its editable install
runs a finder from a ``.pth`` file at every start (pathlib, fnmatch, importlib.util, ~25 ms),
which the baseline would pay too, flattering the ratio, and which a user's install does not have.

Then where the time goes, each step as a ratio to the same baseline: the standard library the
package imports, the package's own import (its value classes defined), the value classes alone
(the time ``dataclasses`` takes to build them), and the interpreter's last garbage collection,
which the executable skips by freezing its objects (``recommender.cli.run``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "research-lab.yaml"
SCRIPT = Path(sys.executable).parent / "recommender"  # the console script pip wrote for the venv


@dataclass(frozen=True, slots=True)
class Install:
    """A throwaway environment laid out as ``pip install`` leaves one (:func:`install`)."""

    folder: Path
    python: Path
    script: Path
    env: dict[str, str]

    def run(self, *args: str | Path, capture: bool = False) -> str:
        """Run its python with ``args``, in its own folder: ``python -c`` puts the working
        directory first on ``sys.path``, and a checkout there would shadow the installed
        package."""
        out = subprocess.run(
            [self.python, *args], check=True, env=self.env, cwd=self.folder, text=True,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        )  # fmt: skip
        return out.stdout


def install(folder: Path) -> Install:
    """A venv without pip, the package in its site-packages with the shipped rules inside it (as
    ``pyproject.toml``'s package-dir maps them), and pip's console script. PyYAML comes from the
    test venv's site-packages, named in a ``.pth`` line: the ``.pth`` files of a directory so
    named are not run, so the editable finder is not."""
    if not SCRIPT.is_file():
        sys.exit(f"{SCRIPT}: no console script; set up the test venv first (scripts/test)")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    # The warm-up run must write bytecode, or every run recompiles the package (as a user's
    # never does); and nothing may point Python at the checkout.
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env["RECOMMENDER_CACHE_DIR"] = str(folder / "cache")
    where = Install(folder, folder / "bin" / "python", folder / "bin" / "recommender", env)
    site = Path(
        where.run(
            "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", capture=True
        ).strip()
    )
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "recommender", site / "recommender", ignore=skip)
    shutil.copytree(ROOT / "rules", site / "recommender" / "rules", ignore=skip)
    (site / "test-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    shutil.copy(SCRIPT, where.script)
    return where


STDLIB = "yaml, argparse, dataclasses, hashlib, json, typing"  # what the package imports
# The executable freezes its objects before exit, so the interpreter's last collection has nothing
# to walk (``recommender.cli.run``); the steps below do the same, so each compares like with like,
# and the last step, without it, shows what that collection would cost.
FROZEN = "; import gc; gc.freeze()"
EXIT_GC = "  without gc.freeze() at exit"

# Times every class ``dataclasses`` builds while the recommend command's modules are imported.
# It wraps a private function of ``dataclasses``; this is a measurement, not the product.
CLASSES = """
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
import recommender.cli, recommender.commands.recommend, recommender.render.jsonout
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
            "+ import recommender": ["-c", f"import recommender, {STDLIB}{FROZEN}"],
            "recommender recommend --format json": [
                where.script, "recommend", "--profile", PROFILE, "--format", "json",
            ],
            EXIT_GC: ["-c", f"import recommender, {STDLIB}"],
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
