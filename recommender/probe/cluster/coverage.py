"""On which nodes of a cluster each stated need was verified: all, some or none. Pure.

Which needs the answers state, and which probe fact checks each, is the rule engine's business
(``recommender.scoring.evidence.need_checks``). It comes in as ``checks_for``, a function of one
node's facts, so this module depends on nothing but the cluster report::

    coverage = need_coverage(cluster, lambda facts: need_checks(rules, answers, facts, frameworks))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from recommender.probe.cluster.model import ClusterReport
from recommender.values import Value, frozen


class NeedLike(Protocol):
    """What ``need_checks`` yields per need and framework (``scoring.evidence.NeedCheck``)."""

    @property
    def need(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def framework(self) -> str: ...
    @property
    def fact(self) -> str: ...
    @property
    def status(self) -> str: ...


@frozen
class NeedCoverage(Value):
    """One need for one framework across the cluster: where its fact was ok, and what elsewhere."""

    need: str
    text: str
    framework: str
    fact: str
    verified: tuple[str, ...]  # node ids where the fact is ok
    elsewhere: Mapping[str, str]  # node id -> the fact's status, or "node lost" and the like

    @property
    def coverage(self) -> str:
        """``all``, ``some`` or ``none`` of the cluster's nodes."""
        if not self.verified:
            return "none"
        return "some" if self.elsewhere else "all"

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for the JSON of ``recommend --probe --ray``."""
        return {
            "need": self.need,
            "text": self.text,
            "framework": self.framework,
            "fact": self.fact,
            "coverage": self.coverage,
            "verified": list(self.verified),
            "elsewhere": dict(self.elsewhere),
        }


def need_coverage(
    cluster: ClusterReport, checks_for: Callable[[Mapping[str, str]], Iterable[NeedLike]]
) -> tuple[NeedCoverage, ...]:
    """Each (need, framework) that ``checks_for`` finds on any node, and where it was verified.

    A node that sent no report (lost, timed out, failed) verifies nothing; its status stands in.
    """
    per_node = {n.node: _by_need(checks_for(n.facts())) for n in cluster.nodes}
    order: dict[tuple[str, str], NeedLike] = {}
    for checks in per_node.values():
        for key, check in checks.items():
            order.setdefault(key, check)
    return tuple(_cover(key, first, cluster, per_node) for key, first in order.items())


def _by_need(checks: Iterable[NeedLike]) -> dict[tuple[str, str], NeedLike]:
    return {(c.need, c.framework): c for c in checks}


def _cover(
    key: tuple[str, str],
    first: NeedLike,
    cluster: ClusterReport,
    per_node: Mapping[str, Mapping[tuple[str, str], NeedLike]],
) -> NeedCoverage:
    verified, elsewhere = [], {}
    for node in cluster.nodes:
        check = per_node[node.node].get(key)
        status = check.status if check is not None else "not stated"
        if node.report is None:
            status = f"node {node.status}"
        if status == "ok":
            verified.append(node.node)
        else:
            elsewhere[node.node] = status
    where = (tuple(verified), elsewhere)
    return NeedCoverage(first.need, first.text, first.framework, first.fact, *where)
