"""A check that never ran, because its framework's probe was killed, reads ``skipped`` ("not run:
..."), never ``failed``; so does the check a timeout cut short, as a timeout is transient. No
stated need then fails, and no rule fires on it.

The real command on the real frameworks, with a ``--timeout`` shorter than any of their imports;
and fakes, as real children, that hang or crash with more checks to come."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SHIPPED
from probe_fakes import fake_target, get_check, get_fw, make_package

import recommender
from recommender.probe import run_probe
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.evidence import gather

TIMEOUT = "0.3"  # seconds: less than any framework's import takes
FRAMEWORKS = ("pytorch", "tensorflow", "jax")
# every need a child's check answers (the companions, read from metadata, are still checked)
NEEDS = {
    "hardware": "nvidia_gpu",
    "custom_gradients": "yes",
    "vectorization": "yes",
    "deployment": "server",
    "parallelism": "multi_gpu",
}


def probe(tmp_path: Path, fmt: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "probe", "--refresh", "--timeout", TIMEOUT]
        + ["--format", fmt, "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    return proc.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(probe(tmp_path_factory.mktemp("cache"), "json"))
    if not any(f["installed"] for f in found["frameworks"]):
        pytest.skip("no framework is installed: pip install -e '.[frameworks]'")
    return found


def timed_out(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = [f for f in report["frameworks"] if f["status"] == "timeout"]
    assert found, "no framework's probe timed out: the test proves nothing"
    return found


def test_no_check_of_a_timed_out_framework_failed(report: dict[str, Any]) -> None:
    for fw in timed_out(report):
        during = re.search(r"during check '(\w+)'", fw["detail"])
        assert during, fw["detail"]
        for check in fw["checks"]:
            why = "no result" if check["name"] == during.group(1) else "not run"
            assert (check["status"], check["detail"]) == ("skipped", f"{why}: {fw['detail']}")
        facts = {k: v for k, v in report["facts"].items() if k.startswith(f"{fw['name']}.")}
        assert "failed" not in facts.values(), facts
        assert facts[f"{fw['name']}.probe"] == "timeout"


def test_the_table_says_not_run(tmp_path: Path, report: dict[str, Any]) -> None:
    table = probe(tmp_path, "table")
    names = [fw["name"] for fw in timed_out(report)]
    notes = [line for line in table.splitlines() if line.split(".")[0] in names]
    assert notes and not [line for line in notes if ": failed" in line], table
    assert any(re.match(r"\w+\.gpu: skipped: not run: killed after", n) for n in notes), table


def test_no_need_fails_and_no_rule_fires(report: dict[str, Any]) -> None:
    """The needs of a timed-out framework are "not checked", blocked by its timeout."""
    rules = recommender.load_rules(base=SHIPPED)
    facts = report["facts"]
    result = recommender.recommend(NEEDS, rules=rules, facts=facts)
    evidence = gather(rules, normalize_answers(NEEDS, rules), result, facts, {})
    for fw in timed_out(report):
        name = fw["name"]
        assert evidence.checked(name), f"no stated need is checked on {name}"
        assert evidence.problems(name) == ()
        assert {evidence.blocker(c) for c in evidence.unverified(name)} == {"timeout"}
    fired = {r.rule for s in result.ranking for r in (*s.reasons, *s.dealbreakers)}
    assert not {r for r in fired if r.startswith("broken-install")}


@pytest.mark.parametrize(
    ("source", "status", "first"),
    [
        ("import time\ntime.sleep(1000)\n", "timeout", ("skipped", "no result")),
        (
            "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
            "crashed",
            ("failed", "no result"),
        ),
        (
            "import sys\nsys.stdout.flush()\nimport os\nos._exit(7)\n",
            "failed",
            ("failed", "no result"),
        ),
    ],
    ids=["timeout", "crash", "exit"],
)
def test_only_the_check_a_child_died_in_can_fail(
    tmp_path: Path, source: str, status: str, first: tuple[str, str]
) -> None:
    """A crash or an error exit fails the check it happened in; the checks after it never ran."""
    make_package(tmp_path / "site", "fakefw", source)
    target = fake_target("fakefw", tmp_path / "site", checks=("import", "gpu", "jit"))
    fw = get_fw(run_probe(targets={"fakefw": target}, timeout=2, cache_dir=tmp_path), "fakefw")
    assert fw.status == status
    found = get_check(fw, "import")
    assert (found.status, found.detail) == (first[0], f"{first[1]}: {fw.detail}")
    for name in ("gpu", "jit"):
        found = get_check(fw, name)
        assert (found.status, found.detail) == ("skipped", f"not run: {fw.detail}")
