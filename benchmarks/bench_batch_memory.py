"""Peak memory of ``recommender batch`` streaming a big JSONL or CSV input (default 1,000,000 rows).

Each run is a child process (``python -m recommender batch IN -o OUT --quiet``); its peak RSS comes
from ``os.wait4``'s rusage for that child alone. Rules: the shipped base unless --rules names
another.

    PYTHONPATH=. python benchmarks/bench_batch_memory.py [--rows 1000000] [--format jsonl csv]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.rulebase.load import load_rules  # noqa: E402

WRITERS = {"jsonl": _profiles.write_jsonl, "csv": _profiles.write_csv}


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit code) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss / (1 << 20) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return rss, time.perf_counter() - start, child.returncode


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", nargs="+", choices=list(WRITERS), default=list(WRITERS))
    parser.add_argument("--rules", default=str(ROOT / "rules"), help="base rules directory")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": args.rules}
    os.environ["RECOMMENDER_BASE_RULES"] = args.rules
    rules = load_rules()
    baseline, _, _ = peak_rss_mb(
        [sys.executable, "-c", "import recommender.commands.batch, numpy"], env
    )
    print(f"interpreter + recommender + numpy imported: peak RSS {baseline:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.format:
            src, out = Path(tmp) / f"in.{fmt}", Path(tmp) / "out.jsonl"
            size = WRITERS[fmt](src, rules, args.rows)
            rss, seconds, code = peak_rss_mb(
                [sys.executable, "-m", "recommender", "batch", str(src), "-o", str(out), "--quiet"],
                env,
            )
            with open(out, "rb") as handle:
                lines = sum(1 for _ in handle)
            print(
                f"{fmt}: {args.rows:,} profiles, input {size / 1e6:.0f} MB, output "
                f"{out.stat().st_size / 1e6:.0f} MB ({lines:,} records), exit {code}, "
                f"{seconds:.1f} s, peak RSS {rss:.0f} MB"
            )
            src.unlink()
            out.unlink()


if __name__ == "__main__":
    run()
