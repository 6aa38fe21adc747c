"""Wall time of ``recommender probe --ray`` on a local three-node loopback cluster, against a
one-machine probe of the same frameworks; and the cluster's matrix as the command prints it.

All three nodes share this machine's cores, so the cluster probe does three times the work on them:
the ratio is an upper bound for a real cluster, whose nodes each bring their own cores.

Run: ``PYTHONPATH=$PWD python benchmarks/bench_probe_ray.py [--framework jax] [--rounds N]``.
Needs the ray extra. Prints figures and the table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ray_local import local_cluster  # noqa: E402  (tests/ holds the cluster set-up)


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds the command takes end to end, and its stdout; a failure stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", action="append", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    frameworks = [arg for f in opts.framework or ["jax"] for arg in ("--framework", f)]
    probe = [sys.executable, "-m", "recommender", "probe", "--refresh", *frameworks]
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        with local_cluster(("head", "node-2", "node-3"), RECOMMENDER_CACHE_DIR=cache) as cluster:
            up = time.perf_counter() - start
            env = cluster.driver_env()
            machine, nodes, table = [], [], ""
            for _ in range(opts.rounds):  # interleaved, so drift in machine load hits both alike
                machine.append(timed(probe, env)[0])
                seconds, table = timed([*probe, "--ray", cluster.address], env)
                nodes.append(seconds)
    one, three = statistics.median(machine), statistics.median(nodes)
    print(
        f"cores: {os.cpu_count()}, frameworks: {' '.join(frameworks[1::2])}, rounds: {opts.rounds}"
    )
    print(f"local cluster of 3 nodes up in {up:.1f} s")
    print(f"one machine, `probe --refresh`:       {one:6.2f} s  (runs: {_fmt(machine)})")
    print(f"three nodes, `probe --refresh --ray`: {three:6.2f} s  (runs: {_fmt(nodes)})")
    print(f"ratio cluster / one machine:          {three / one:6.2f}  (3 nodes on these cores)")
    print()
    print(table, end="")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
