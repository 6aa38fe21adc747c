"""A local Ray cluster on loopback, for the cluster test and its benchmark.

Every node binds to 127.0.0.1 only, the dashboard and usage stats are off, and Ray's files live in a
private temp dir: nothing is sent to any other address, and nothing is left behind. Each node may
get its own ``PYTHONPATH`` entry (a fake framework) and its own ``TMPDIR``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from probe_fakes import processes_with, still_alive

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_NODE_IP_ADDRESS": "127.0.0.1",
    # Ray turns a 127.0.0.1 bootstrap address into the machine's own address, where a loopback-only
    # cluster does not listen; switched off, it keeps to loopback (drivers need it too)
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
}
NODE: dict[str, Any] = {
    "num_cpus": 1,
    "node_ip_address": "127.0.0.1",
    "include_dashboard": False,
    "object_store_memory": 80 << 20,
}
# a removed node is declared dead within seconds, not the default half minute
HEALTH = {"health_check_period_ms": 1000, "health_check_failure_threshold": 3}


class LocalCluster(NamedTuple):
    cluster: Any  # ray.cluster_utils.Cluster
    address: str
    node_ids: dict[str, str]  # node name -> Ray node id
    nodes: dict[str, Any]  # node name -> ray._private.node.Node
    tmp: Path
    env: dict[str, str]  # what a driver needs in its environment

    def driver_env(self) -> dict[str, str]:
        """The environment for a driver process (``recommender probe --ray``)."""
        return {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}


@contextlib.contextmanager
def local_cluster(
    names: tuple[str, ...], paths: dict[str, Path] | None = None, **env: str
) -> Iterator[LocalCluster]:
    """Nodes ``names`` (the first is the head), each with ``paths[name]`` on its ``PYTHONPATH``.

    ``env`` is set for every node and driver. On the way out the cluster is shut down, and it is an
    error if any of its processes is still running.
    """
    from ray.cluster_utils import Cluster

    tmp = Path(tempfile.mkdtemp(prefix="rp-", dir="/tmp"))  # short: socket paths fit 107 bytes
    (tmp / "ray").mkdir()
    shared = {**LOOPBACK, "RAY_TMPDIR": str(tmp / "ray"), **env}
    saved = dict(os.environ)
    os.environ.update(shared)  # the nodes inherit this process's environment

    def node_env(name: str) -> dict[str, str]:
        (tmp / f"t-{name}").mkdir()
        extra = [str(paths[name])] if paths and name in paths else []
        path = os.pathsep.join([str(ROOT), *extra])
        return {**shared, "PYTHONPATH": path, "TMPDIR": str(tmp / f"t-{name}")}

    head = {**NODE, "env_vars": node_env(names[0]), "_system_config": HEALTH}
    cluster = Cluster(initialize_head=True, head_node_args=head)
    try:
        nodes: dict[str, Any] = {names[0]: cluster.head_node}
        for name in names[1:]:
            nodes[name] = cluster.add_node(**NODE, env_vars=node_env(name))
        cluster.wait_for_nodes()
        ids = {name: node.node_id for name, node in nodes.items()}
        yield LocalCluster(cluster, cluster.address, ids, nodes, tmp, shared)
    finally:
        cluster.shutdown()
        os.environ.clear()
        os.environ.update(saved)
        left = still_alive(processes_with(str(tmp)), seconds=20)
        shutil.rmtree(tmp, ignore_errors=True)
        assert left == [], f"left running after the cluster's shutdown: {left}"
