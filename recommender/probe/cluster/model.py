"""A cluster probe as frozen values: one ``NodeResult`` per node, each with that node's report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from recommender.probe.model import SCHEMA_VERSION, ProbeReport, plain
from recommender.values import Value, frozen

# ok: the node sent back its report; failed: its task raised or sent something unreadable;
# timeout: no answer before the node deadline; lost: the node died or left while probing.
NODE_STATUSES = ("ok", "failed", "timeout", "lost")


@frozen
class NodeResult(Value):
    """One node: who it is, how its task ended, how long it took, and its report if it sent one."""

    node: str  # Ray's node id (hex)
    ip: str
    hostname: str
    resources: Mapping[str, float]
    status: str
    detail: str = ""
    seconds: float = 0.0
    report: ProbeReport | None = None

    @property
    def label(self) -> str:
        """``3f2a91c4 (10.0.0.7)``: short enough for a column header."""
        return f"{self.node[:8]} ({self.ip})"

    def facts(self) -> dict[str, str]:
        """The node's probe facts; empty when it sent no report."""
        return self.report.facts() if self.report is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """The node's entry in the JSON output: the one-machine report's parts, plus who and how."""
        report = self.report.to_dict() if self.report is not None else {}
        return {
            "node": self.node,
            "ip": self.ip,
            "hostname": self.hostname,
            "resources": plain(self.resources),
            "status": self.status,
            "detail": self.detail,
            "seconds": round(self.seconds, 3),
            "frameworks": report.get("frameworks", []),
            "environment": report.get("environment", {}),
            "facts": report.get("facts", {}),
        }


@frozen
class Difference(Value):
    """Nodes that differ from the majority on one framework's version or one fact."""

    framework: str
    field: str  # "version", "probe", or a check name
    majority: str | None  # None: no value is held by more than half of the nodes that reported
    differs: Mapping[str, str]  # node id -> its value

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the JSON output."""
        return {
            "framework": self.framework,
            "field": self.field,
            "majority": self.majority,
            "differs": dict(self.differs),
        }


@frozen
class ClusterReport(Value):
    """Every node alive when the probe started, in Ray's order, and where they differ."""

    address: str
    nodes: tuple[NodeResult, ...]
    seconds: float
    deep: bool = False
    consistency: tuple[Difference, ...] = field(default=())

    def get(self, node: str) -> NodeResult | None:
        """The node whose id starts with ``node``."""
        return next((n for n in self.nodes if n.node.startswith(node)), None)

    def node_facts(self) -> dict[str, dict[str, str]]:
        """node id -> that node's facts (empty for a node that sent no report)."""
        return {n.node: n.facts() for n in self.nodes}

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``probe --ray --format json``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "cluster",
            "address": self.address,
            "deep": self.deep,
            "seconds": round(self.seconds, 3),
            "nodes": [n.to_dict() for n in self.nodes],
            "consistency": [d.to_dict() for d in self.consistency],
        }
