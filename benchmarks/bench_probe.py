"""Speed of ``recommender probe``: cold against importing the three frameworks in turn, and cached.

Run: ``PYTHONPATH=$PWD python benchmarks/bench_probe.py [--rounds N]``. Prints figures and ratios;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ("torch", "tensorflow", "jax")
CACHED_BUDGET_MS = 150.0


CPU: list[float] = []  # CPU seconds (user + sys, all descendants) of the last wall() call


def wall(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one command takes end to end (a failure stops the benchmark); CPU time to ``CPU``."""
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    CPU.append(_children_cpu() - before)
    return elapsed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sequential_imports(env: dict[str, str]) -> tuple[float, float]:
    """``python -c "import X"`` for each framework in turn (a naive probe): wall and CPU seconds."""
    total_wall = total_cpu = 0.0
    for name in FRAMEWORKS:
        total_wall += wall([sys.executable, "-c", f"import {name}"], env)
        total_cpu += CPU[-1]
    return total_wall, total_cpu


def in_process_cached(cache_dir: str, rounds: int) -> float:
    """Median seconds of ``run_probe()`` in this process once everything is cached."""
    sys.path.insert(0, str(ROOT))
    from recommender.probe import run_probe

    run_probe(cache_dir=cache_dir)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run_probe(cache_dir=cache_dir)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="cold rounds (each probes all three)")
    parser.add_argument("--cached-rounds", type=int, default=10)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RECOMMENDER_CACHE_DIR": tmp,
            "KERAS_HOME": str(Path(tmp) / "keras"),
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        probe = [sys.executable, "-m", "recommender", "probe"]
        cold, naive, cold_cpu, naive_cpu = [], [], [], []
        for _ in range(opts.rounds):  # interleaved, so drift in machine load hits both alike
            seconds, cpu = sequential_imports(env)
            naive.append(seconds)
            naive_cpu.append(cpu)
            cold.append(wall([*probe, "--refresh"], env))
            cold_cpu.append(CPU[-1])
        cached = [wall(probe, env) for _ in range(opts.cached_rounds)]
        inproc = in_process_cached(tmp, opts.cached_rounds)
    cold_s, naive_s, cached_ms = (
        statistics.median(cold),
        statistics.median(naive),
        statistics.median(cached) * 1e3,
    )
    print(
        f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, rounds: {opts.rounds} cold, "
        f"{opts.cached_rounds} cached (medians)"
    )
    print(f"(a) cold probe, all three, default checks:  {cold_s:6.2f} s   (runs: {_fmt(cold)})")
    print(f"    import torch; tensorflow; jax in turn:  {naive_s:6.2f} s   (runs: {_fmt(naive)})")
    per_round = statistics.median(c / n for c, n in zip(cold, naive, strict=True))
    print(
        f"    ratio cold probe / sequential imports:  {cold_s / naive_s:6.2f}   (target <= 1.00; "
        f"median of per-round ratios {per_round:.2f})"
    )
    print(
        f"    CPU seconds, probe / imports:           {statistics.median(cold_cpu):6.2f} / "
        f"{statistics.median(naive_cpu):.2f}   (the wall ratio needs that many free cores: "
        f"the probe wins by running in parallel)"
    )
    print(
        f"(b) cached probe, `python -m recommender probe` end to end: {cached_ms:6.1f} ms, "
        f"ratio to {CACHED_BUDGET_MS:.0f} ms budget: {cached_ms / CACHED_BUDGET_MS:.2f} "
        "(target <= 1.00)"
    )
    print(
        f"    cached run_probe() in process:          {inproc * 1e3:6.1f} ms, "
        f"ratio to budget: {inproc * 1e3 / CACHED_BUDGET_MS:.2f}"
    )


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
