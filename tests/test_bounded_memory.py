"""Issue 10's unbounded reads, measured: a huge JSONL line or CSV line and a big YAML batch keep
the process's peak memory flat (a 200 MB line took 1.4 GB; 35 MB of YAML took 3.5 GB).

Each run is a real process that reports its own peak RSS, compared with the same command on a
tiny input in the same test, so the figures mean the same on any machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, ROOT

PEAK = """
import resource, sys
from recommender.cli import main
code = main(sys.argv[1:])
sys.stderr.write("\\nPEAK %d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def peak_mib(tmp_path: Path, *args: str) -> tuple[int, float, str]:
    """(exit code, peak RSS in MiB, stdout) of ``recommender ARGS`` in its own process."""
    env = {"PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "RECOMMENDER_CACHE_DIR": str(tmp_path / "cache")},
        timeout=600,
    )
    peak = int(done.stderr.rsplit("PEAK ", 1)[1])
    return done.returncode, peak / 1024, done.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_64_mib_line_is_an_error_row_in_flat_memory(tmp_path: Path, fmt: str) -> None:
    head = "name,os\n" if fmt == "csv" else ""
    good = "ok,linux\n" if fmt == "csv" else '{"name": "ok", "os": "linux"}\n'
    (tmp_path / f"tiny.{fmt}").write_text(head + good)
    with open(tmp_path / f"huge.{fmt}", "w") as handle:
        handle.write(head)
        for _ in range(64):
            handle.write("x" * (1 << 20))
        handle.write("\n" + good)
    _, baseline, _ = peak_mib(tmp_path, "batch", f"tiny.{fmt}", "-q")
    code, peak, out = peak_mib(tmp_path, "batch", f"huge.{fmt}", "-q")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["name"] for r in records] == [None, "ok"]
    assert peak - baseline < 16, (baseline, peak)


def test_a_yaml_batch_is_read_one_profile_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text("- {name: p, os: linux}\n")
    profiles = "".join(f"- name: p{i}\n  answers: {{os: linux, audience: beginner}}\n" for i in
                       range(60_000))  # fmt: skip
    (tmp_path / "big.yaml").write_text(profiles)  # 3 MB: about 300 MB when parsed whole
    _, baseline, _ = peak_mib(tmp_path, "batch", "tiny.yaml", "-q", "-f", "csv")
    code, peak, out = peak_mib(tmp_path, "batch", "big.yaml", "-q", "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 60_001
    assert peak - baseline < 40, (baseline, peak)
