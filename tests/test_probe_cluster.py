"""The cluster probe's logic without a cluster: statuses through the ``backend`` seam, consistency,
need coverage with the real rule base, ray staying optional. A real cluster: test_probe_ray.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

import recommender
from recommender.probe import FrameworkResult, ProbeReport, ProbeTarget
from recommender.probe.cluster import ClusterReport, NodeResult, probe_cluster
from recommender.probe.cluster.backend import NodeInfo, Outcome
from recommender.probe.cluster.consistency import differences
from recommender.probe.cluster.coverage import need_coverage
from recommender.probe.cluster.node import NodeRequest
from recommender.probe.model import CheckResult
from recommender.probe.progress import ProgressEvent
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.evidence import need_checks

ROOT = Path(__file__).resolve().parents[1]
FAKE = {"fakefw": ProbeTarget("fakefw", "fakefw", ("fakefw",), Path("x.py"), ("import",))}


def report(version: str = "1.0", status: str = "ok", **checks: str) -> ProbeReport:
    """A one-machine report of framework ``fakefw``."""
    results = tuple(CheckResult(name, s) for name, s in checks.items())
    return ProbeReport((FrameworkResult("fakefw", True, version, status, "", results),))


class ScriptedBackend:
    """A cluster whose nodes do what ``script`` says: ok, garbage, raise, leave, never."""

    def __init__(self, script: Mapping[str, str]) -> None:
        self.script = dict(script)
        self.cancelled: list[tuple[str, bool]] = []
        self.requests: list[NodeRequest] = []
        self.open = False

    def __enter__(self) -> ScriptedBackend:
        self.open = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.open = False

    def nodes(self) -> list[NodeInfo]:
        return [NodeInfo(n, "10.0.0.1", f"host-{n}", {"CPU": 4.0}) for n in self.script]

    def start(self, node: NodeInfo, request: NodeRequest) -> Any:
        self.requests.append(request)
        return node.node

    def wait(self, handles: Collection[Any], timeout: float) -> list[Any]:
        ready = [h for h in handles if self.script[h] in ("ok", "garbage", "raise")]
        if not ready:
            time.sleep(min(timeout, 0.01))
        return ready

    def outcome(self, handle: Any, node: NodeInfo) -> Outcome:
        kind = self.script[handle]
        if kind == "raise":
            return Outcome("failed", "ValueError: boom")
        if kind == "garbage":
            return Outcome("ok", payload={"report": {"kind": "something else"}})
        return Outcome("ok", payload={"report": report().to_dict(), "seconds": 1.5})

    def alive(self) -> set[str]:
        return {n for n, kind in self.script.items() if kind != "leave"}

    def cancel(self, handle: Any, force: bool) -> None:
        self.cancelled.append((handle, force))


SCRIPT = {
    "n-ok": "ok",
    "n-garbage": "garbage",
    "n-raise": "raise",
    "n-leave": "leave",
    "n-never": "never",
}


def test_every_node_gets_a_row_with_its_status() -> None:
    backend = ScriptedBackend(SCRIPT)
    cluster = probe_cluster(
        "x:1", targets=FAKE, timeout=0.2, grace=0.3, cancel_wait=0.1, backend=backend
    )
    rows = {n.node: (n.status, n.detail) for n in cluster.nodes}
    assert rows == {
        "n-ok": ("ok", ""),
        "n-garbage": ("failed", "the node's report is unreadable: not a version 1 machine report"),
        "n-raise": ("failed", "ValueError: boom"),
        "n-leave": ("lost", "the node left the cluster while probing"),
        "n-never": ("timeout", "no answer within 0.5 s"),
    }
    assert [n.node for n in cluster.nodes] == list(SCRIPT)  # the cluster's order, not the finish
    ok = cluster.get("n-ok")
    assert ok is not None and ok.seconds == 1.5
    assert backend.cancelled == [("n-never", False), ("n-never", True)]  # politely, then by force
    assert not backend.open


def test_the_request_is_the_one_machine_probe() -> None:
    backend = ScriptedBackend({"n-ok": "ok"})
    probe_cluster("x:1", ["FakeFW"], targets=FAKE, timeout=7, refresh=True, backend=backend)
    assert backend.requests == [NodeRequest(("fakefw",), False, True, 7.0, FAKE, None)]


def test_an_interrupt_cancels_every_node_still_probing() -> None:
    backend = ScriptedBackend({"n-ok": "ok", "n-never": "never", "n-leave": "never"})

    def interrupt(event: ProgressEvent) -> None:
        if event.state == "done":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        probe_cluster(
            "x:1", targets=FAKE, timeout=60, cancel_wait=0.1, backend=backend, progress=interrupt
        )
    assert sorted(backend.cancelled) == [
        ("n-leave", False),
        ("n-leave", True),
        ("n-never", False),
        ("n-never", True),
    ]
    assert not backend.open


def node(name: str, probe: ProbeReport | None, status: str = "ok") -> NodeResult:
    return NodeResult(name, "10.0.0.1", name, {}, status, report=probe)


def test_consistency_names_who_differs_from_the_majority() -> None:
    nodes = (
        node("a", report("1.0", import_="ok", gpu="ok")),
        node("b", report("1.0", import_="ok", gpu="unavailable")),
        node("c", report("2.0", import_="ok", gpu="ok")),
        node("d", None, "lost"),
    )
    found = {(d.field, d.majority): dict(d.differs) for d in differences(nodes)}
    assert found == {("version", "1.0"): {"c": "2.0"}, ("gpu", "ok"): {"b": "unavailable"}}


def test_no_majority_lists_every_node() -> None:
    (only,) = differences((node("a", report(gpu="ok")), node("b", report(gpu="unavailable"))))
    assert (only.field, only.majority, dict(only.differs)) == (
        "gpu",
        None,
        {"a": "ok", "b": "unavailable"},
    )


def test_need_coverage_with_the_real_rule_base() -> None:
    """What `recommend --probe --ray` will report: the GPU need verified on some nodes."""
    rules = recommender.load_rules()
    answers = normalize_answers({"hardware": "nvidia_gpu"}, rules)

    def machine(gpu: str) -> ProbeReport:
        fws = tuple(
            FrameworkResult(fw, True, "1", "ok", "", (CheckResult("gpu", gpu),))
            for fw in ("pytorch", "jax")
        )
        return ProbeReport(fws)

    cluster = ClusterReport(
        "x:1",
        (node("a", machine("ok")), node("b", machine("unavailable")), node("c", None, "lost")),
        1.0,
    )
    frameworks = ["pytorch", "jax"]
    coverage = need_coverage(cluster, lambda facts: need_checks(rules, answers, facts, frameworks))
    assert [(c.need, c.framework, c.fact, c.coverage) for c in coverage] == [
        ("accelerator", "pytorch", "pytorch.gpu", "some"),
        ("accelerator", "jax", "jax.gpu", "some"),
    ]
    assert coverage[0].to_dict()["verified"] == ["a"]
    assert coverage[0].to_dict()["elsewhere"] == {"b": "unavailable", "c": "node lost"}


@pytest.mark.parametrize(
    ("gpus", "expected"), [(("ok", "ok"), "all"), (("ok", "unavailable"), "some"), ((), "none")]
)
def test_coverage_is_all_some_or_none(gpus: tuple[str, ...], expected: str) -> None:
    nodes = tuple(node(str(i), report(gpu=g)) for i, g in enumerate(gpus)) or (
        node("x", None, "timeout"),
    )

    class Need:
        def __init__(self, facts: Mapping[str, str]) -> None:
            self.need, self.text, self.framework, self.fact = "gpu", "a GPU", "fakefw", "fakefw.gpu"
            self.status = facts.get("fakefw.gpu", "not probed")

    (found,) = need_coverage(ClusterReport("x:1", nodes, 1.0), lambda facts: [Need(facts)])
    assert found.coverage == expected


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_CACHE_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=180
    )


def test_without_ray_the_flag_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['ray'] = None\n"  # import ray fails, as when it is not installed
        "from recommender.cli import main\n"
        "sys.exit(main(['probe', '--ray', '127.0.0.1:6379']))\n"
    )
    proc = run_python(code, tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2,
        "",
        "recommender: --ray needs the ray package: "
        "pip install -e '.[ray]' in recommender's checkout\n",
    )


def test_ray_is_imported_only_under_the_flag(tmp_path: Path) -> None:
    """A real probe (JAX) and the cluster package itself leave ray unimported."""
    code = (
        "import sys\n"
        "import recommender.probe.cluster, recommender.probe.cluster.render\n"
        "from recommender.cli import main\n"
        "assert main(['probe', '--framework', 'jax', '-f', 'json']) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'), file=sys.stderr)\n"
    )
    proc = run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"


def test_ray_flag_without_an_address_is_a_user_error(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.environ.pop('RAY_ADDRESS', None)\n"
        "from recommender.cli import main\n"
        "sys.exit(main(['probe', '--ray']))\n"
    )
    proc = run_python(code, tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2,
        "recommender: --ray needs an ADDRESS (host:port of the cluster's head), "
        "or set RAY_ADDRESS\n",
    )
