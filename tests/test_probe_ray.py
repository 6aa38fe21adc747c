"""``recommender probe --ray`` on a real three-node Ray cluster on loopback (``cluster_utils``).

Every node binds to 127.0.0.1 only, and the dashboard and usage stats are off: nothing is sent to
any other address. Each node has its own fake framework on its own ``PYTHONPATH``: on the head it
answers at once, on ``hang`` it never returns from its import, on ``leave`` it is slow, and that
node is removed mid-run. Afterwards nothing of the cluster, and no probe child, may be running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from probe_fakes import make_package, processes_with, schema_errors, still_alive
from ray_local import LOOPBACK, ROOT, LocalCluster, local_cluster

pytestmark = pytest.mark.ray

# scripts/test installs the extra and requires the test; elsewhere it may be missing
if os.environ.get("RECOMMENDER_REQUIRE_RAY") != "1":
    pytest.importorskip("ray", reason="the ray extra is not installed: pip install '.[ray]'")

TIMEOUT = 4.0  # each framework's probe, on every node
SOURCES = {
    "head": "__version__ = '1.0'\n",
    "hang": "import time\ntime.sleep(1000)\n",
    "leave": "import os, time\nopen(os.environ['LEAVE_MARKER'], 'w').close()\ntime.sleep(60)\n",
}
DRIVER = """\
import json, sys
from recommender.probe import ProbeTarget
from recommender.probe.cluster import probe_cluster
from recommender.probe.cluster.render import FORMATS
from recommender.probe.targets import CHILDREN

fake = ProbeTarget("fakefw", "fakefw", ("fakefw",), CHILDREN / "import_probe.py", ("import",))
report = probe_cluster(sys.argv[1], targets={"fakefw": fake}, timeout=float(sys.argv[2]), grace=30,
                       refresh=True)
print(json.dumps({f: FORMATS[f](report) for f in FORMATS}))
"""


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Three nodes, ``head``, ``hang`` and ``leave``, each with its own fake framework."""
    sites = tmp_path_factory.mktemp("sites")
    for name, source in SOURCES.items():
        make_package(sites / name, "fakefw", source)
    paths = {name: sites / name for name in SOURCES}
    marker = str(tmp_path_factory.mktemp("marker") / "leave-started")
    cache = str(tmp_path_factory.mktemp("cache"))
    with local_cluster(
        tuple(SOURCES), paths, LEAVE_MARKER=marker, RECOMMENDER_CACHE_DIR=cache
    ) as c:
        yield c


def test_an_unreachable_cluster_is_one_line_at_once(tmp_path: Path) -> None:
    """ray.init would retry for minutes, flooding stderr; a TCP check of the head answers first."""
    env = {**os.environ, **LOOPBACK, "PYTHONPATH": str(ROOT), "RAY_TMPDIR": str(tmp_path)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "probe", "--ray", "127.0.0.1:1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2,
        "",
        "recommender: cannot reach the Ray cluster at 127.0.0.1:1: "
        "127.0.0.1:1: Connection refused\n",
    )
    assert time.perf_counter() - start < 20


def test_cli_probes_every_node_with_the_real_framework(ray_cluster: LocalCluster) -> None:
    """The command itself, with JAX really probed on each of the three nodes."""
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "probe", "--ray", ray_cluster.address]
        + ["--framework", "jax", "--format", "json", "--refresh"],
        capture_output=True,
        text=True,
        env=ray_cluster.driver_env(),
        timeout=300,
    )
    assert (proc.returncode, proc.stderr) == (0, "")  # no Ray log line reaches the user
    report = json.loads(proc.stdout)
    assert sorted(n["node"] for n in report["nodes"]) == sorted(ray_cluster.node_ids.values())
    for node in report["nodes"]:
        assert (node["ip"], node["status"]) == ("127.0.0.1", "ok"), node["detail"]
        assert node["frameworks"][0]["status"] == "ok"
        assert node["facts"]["jax.autograd"] == "ok"
        assert node["seconds"] > 0
    assert report["consistency"] == [] or all(
        d["field"] not in ("version", "probe") for d in report["consistency"]
    )


def test_recommend_checks_each_stated_need_on_every_node(ray_cluster: LocalCluster) -> None:
    """`recommend --probe --ray`: each need per framework is verified on all, some or none of the
    nodes, and the report says which (the real frameworks, on the three nodes)."""
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--probe", "--ray", ray_cluster.address]
        + ["-a", "custom_gradients=yes", "-a", "hardware=nvidia_gpu", "--format", "json"],
        capture_output=True,
        text=True,
        env=ray_cluster.driver_env(),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    cluster = json.loads(proc.stdout)["evidence"]["cluster"]
    assert cluster["nodes"] == 3
    by = {(c["need"], c["framework"]): c for c in cluster["needs"]}
    every = sorted(ray_cluster.node_ids.values())
    custom = by[("custom-gradients", "jax")]
    assert (custom["coverage"], sorted(custom["verified"])) == ("all", every)
    gpu = by[("accelerator", "jax")]  # CPU-only nodes: the need is verified nowhere
    assert gpu["coverage"] == "none" and sorted(gpu["elsewhere"]) == every
    table = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--probe", "--ray", ray_cluster.address]
        + ["-a", "custom_gradients=yes", "-a", "hardware=nvidia_gpu"],
        capture_output=True,
        text=True,
        env=ray_cluster.driver_env(),
        timeout=600,
    ).stdout
    assert "The Ray cluster (3 nodes): " in table  # the brief screen, in a line
    full = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--probe", "--ray", ray_cluster.address]
        + ["-a", "custom_gradients=yes", "-a", "hardware=nvidia_gpu", "--full"],
        capture_output=True,
        text=True,
        env=ray_cluster.driver_env(),
        timeout=600,
    ).stdout
    print(full)  # the README's example: pytest -s tests/test_probe_ray.py -k recommend
    assert "On the Ray cluster (3 nodes)" in full and "on every node" in full
    import jsonschema

    from recommender import schemas

    schema = schemas.load("recommend")
    checker = jsonschema.Draft202012Validator(schema, registry=schemas.registry())
    assert [e.message for e in checker.iter_errors(json.loads(proc.stdout))] == []


@pytest.fixture(scope="module")
def hang_and_leave(ray_cluster: LocalCluster) -> dict[str, Any]:
    """The fake probe on all three nodes; ``leave`` is removed once its probe has started."""
    marker = Path(ray_cluster.env["LEAVE_MARKER"])
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, ray_cluster.address, str(TIMEOUT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ray_cluster.driver_env(),
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), proc.communicate()
        ray_cluster.cluster.remove_node(ray_cluster.nodes["leave"])
        out, err = proc.communicate(timeout=180)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    return {**json.loads(out), "seconds": time.perf_counter() - start}


def test_every_node_is_a_row_with_its_status(
    ray_cluster: LocalCluster, hang_and_leave: dict[str, Any]
) -> None:
    report = json.loads(hang_and_leave["json"])
    by_id = {n["node"]: n for n in report["nodes"]}
    ids = ray_cluster.node_ids
    assert sorted(by_id) == sorted(ids.values())
    head, hang, leave = (by_id[ids[name]] for name in ("head", "hang", "leave"))
    assert (head["status"], head["frameworks"][0]["status"]) == ("ok", "ok")
    assert (hang["status"], hang["frameworks"][0]["status"]) == ("ok", "timeout")
    assert "during check 'import' (--timeout)" in hang["frameworks"][0]["detail"]
    assert (leave["status"], leave["frameworks"]) == ("lost", [])
    assert all(n["seconds"] > 0 for n in report["nodes"])


def test_the_json_validates_against_the_published_schema(hang_and_leave: dict[str, Any]) -> None:
    assert schema_errors(json.loads(hang_and_leave["json"])) == []


def test_consistency_names_the_nodes_that_differ(
    ray_cluster: LocalCluster, hang_and_leave: dict[str, Any]
) -> None:
    report = json.loads(hang_and_leave["json"])
    probe = next(d for d in report["consistency"] if d["field"] == "probe")
    ids = ray_cluster.node_ids
    assert probe == {
        "framework": "fakefw",
        "field": "probe",
        "majority": None,  # one ok, one timeout: the lost node sent nothing
        "differs": {ids["head"]: "ok", ids["hang"]: "timeout"},
    }


def test_the_table_shows_the_matrix(hang_and_leave: dict[str, Any]) -> None:
    print(hang_and_leave["table"])  # the README's matrix: pytest -s tests/test_probe_ray.py
    lines = hang_and_leave["table"].splitlines()
    assert lines[0].split()[0] == "node" and lines[0].count("(127.0.0.1)") == 3
    status = lines[2].split()
    assert status[0] == "status" and sorted(status[1::3]) == ["lost", "ok", "ok"]
    rows = [line.split()[0] for line in lines[3:6]]
    assert rows == ["fakefw.version", "fakefw.probe", "fakefw.import"]
    assert "nodes (" in hang_and_leave["table"] and "1 lost" in hang_and_leave["table"]


def test_markdown_has_the_matrix_and_each_node(hang_and_leave: dict[str, Any]) -> None:
    text = hang_and_leave["markdown"]
    assert text.startswith("### recommender probe --ray\n\n| node |")
    assert text.count("<details>") == 3


def test_nothing_of_the_probe_is_left_running(
    ray_cluster: LocalCluster, hang_and_leave: dict[str, Any]
) -> None:
    """No probe child on any node; no temp dir on the nodes that stayed (a killed worker cannot
    clean up: the removed node's are left, as on a machine that was switched off)."""
    children = [p for p in processes_with(str(ray_cluster.tmp)) if _is_probe_child(p)]
    assert still_alive(children, seconds=10) == []
    for name in ("head", "hang"):
        assert list((ray_cluster.tmp / f"t-{name}").iterdir()) == []


def test_the_cluster_probe_is_quick(hang_and_leave: dict[str, Any]) -> None:
    """The nodes run in parallel: one hang costs one timeout, and the lost node no wait at all."""
    assert hang_and_leave["seconds"] < 60


def _is_probe_child(pid: int) -> bool:
    try:
        return b"recommender/probe/children" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


STOPPED_DRIVER = """\
import sys
from recommender.cli import raised_on_signals
from recommender.errors import Terminated
from recommender.probe import ProbeTarget
from recommender.probe.cluster import probe_cluster
from recommender.probe.targets import CHILDREN

fake = ProbeTarget("fakefw", "fakefw", ("fakefw",), CHILDREN / "import_probe.py", ("import",))
try:
    with raised_on_signals():
        probe_cluster(sys.argv[1], targets={"fakefw": fake}, timeout=120, grace=30, refresh=True)
except Terminated as stop:
    sys.exit(stop.exit_code)
sys.exit("the probe finished: it should have been stopped")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_mid_probe_ends_the_children_on_every_node(
    ray_cluster: LocalCluster, hang_and_leave: dict[str, Any], signum: int
) -> None:
    """A stop signal to the driver while the ``hang`` node's probe child runs (its import never
    ends): the driver asks every node to end its children before it leaves, so none is left
    running on the cluster, and no node keeps a temp dir. (After ``hang_and_leave``: ``leave`` is
    gone.) Ray took SIGTERM over in ``ray.init`` (a stack dump, exit 1), and its waits turned the
    handler's exception into ``SystemExit(1)``: the exit code is the signal's, and nothing else is
    printed."""
    hang = str(ray_cluster.tmp / "t-hang")
    proc = subprocess.Popen(
        [sys.executable, "-c", STOPPED_DRIVER, ray_cluster.address],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ray_cluster.driver_env(),
    )
    try:
        children: list[int] = []
        deadline = time.monotonic() + 120
        while not children and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            children = [p for p in processes_with(hang) if _is_probe_child(p)]
        assert children, proc.communicate()
        time.sleep(1.0)  # well inside the probe: the node's harness is waiting on its child
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert (proc.returncode, err) == (128 + signum, "")
    assert still_alive(children, seconds=15) == []
    everywhere = [p for p in processes_with(str(ray_cluster.tmp)) if _is_probe_child(p)]
    assert still_alive(everywhere, seconds=15) == []
    for name in ("head", "hang"):
        assert list((ray_cluster.tmp / f"t-{name}").iterdir()) == []
