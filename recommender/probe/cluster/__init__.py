"""Probe every node of a Ray cluster (``recommender probe --ray``): one pinned task per node runs
the one-machine probe there, with the same per-framework subprocesses and timeouts.

Nothing in this package imports ray except ``ray_backend``, which only ``probe_cluster`` loads.
"""

from __future__ import annotations

from recommender.probe.cluster.model import ClusterReport, Difference, NodeResult
from recommender.probe.cluster.run import probe_cluster

__all__ = ["ClusterReport", "Difference", "NodeResult", "probe_cluster"]
