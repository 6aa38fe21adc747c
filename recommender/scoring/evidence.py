"""Evidence from this machine: which stated needs the probe verified, and whether the knowledge is
older than what is installed. Pure: it reads a RuleBase, answers, a Recommendation and probe facts;
it runs nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.result import Recommendation
from recommender.scoring.table import table_for
from recommender.values import Value, frozen

if TYPE_CHECKING:
    from recommender.probe.progress import Progress

FAILED = (
    "failed",
    "unavailable",
    "absent",
    "crashed",
    "timeout",
)  # probe statuses that mean "not here"


@frozen
class NeedCheck(Value):
    need: str  # a Need id
    text: str
    framework: str
    fact: str  # "pytorch.gpu"
    status: str  # the probe's status, or "not probed"

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@frozen
class VersionCheck(Value):
    framework: str
    installed: str | None
    checked_against: str | None  # the newest version the rule base's facts were checked against
    stale: bool  # the installed version is newer than what the knowledge was checked against


@frozen
class Evidence(Value):
    needs: tuple[NeedCheck, ...]
    versions: tuple[VersionCheck, ...]
    probe_status: dict[str, str]  # framework -> installed/probe status summary
    # --ray: each stated need per framework across the cluster (probe.cluster.coverage)
    cluster: tuple[Any, ...] = ()
    nodes: int = 0  # the cluster's nodes, when probed with --ray

    def problems(self, framework: str) -> tuple[NeedCheck, ...]:
        return tuple(c for c in self.needs if c.framework == framework and c.failed)

    def usable(self, framework: str | None) -> bool:
        """Installed, probed fine, and no stated need failed for it here."""
        if framework is None:
            return False
        return self.probe_status.get(framework) == "ok" and not self.problems(framework)

    def to_dict(self) -> dict:
        return {
            "needs": [
                {
                    "need": c.need,
                    "text": c.text,
                    "framework": c.framework,
                    "fact": c.fact,
                    "status": c.status,
                }
                for c in self.needs
            ],
            "versions": [
                {
                    "framework": v.framework,
                    "installed": v.installed,
                    "checked_against": v.checked_against,
                    "stale": v.stale,
                }
                for v in self.versions
            ],
            "probe": self.probe_status,
            "cluster": (
                {"nodes": self.nodes, "needs": [c.to_dict() for c in self.cluster]}
                if self.nodes
                else None
            ),
        }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version.split("+")[0])[:2])


def _checked_against(rules: RuleBase, framework: str) -> str | None:
    versions = [r.versions[framework] for r in rules.rules if framework in r.versions]
    versions += [
        f.versions[framework]
        for fw in rules.frameworks
        for f in fw.facts
        if framework in f.versions
    ]
    return max(versions, key=_version_key, default=None)


def gather(
    rules: RuleBase,
    answers: Normal,
    result: Recommendation,
    facts: Mapping[str, str],
    installed: Mapping[str, str | None],
) -> Evidence:
    """Check the needs the answers state against the probe facts, per framework not excluded."""
    needs = need_checks(
        rules, answers, facts, [s.framework for s in result.ranking if not s.excluded]
    )
    versions = []
    for fw in rules.frameworks:
        checked = _checked_against(rules, fw.id)
        have = installed.get(fw.id)
        stale = bool(have and checked and _version_key(have) > _version_key(checked))
        versions.append(VersionCheck(fw.id, have, checked, stale))
    status = {fw.id: probe_status(facts, fw.id) for fw in rules.frameworks}
    return Evidence(needs, tuple(versions), status)


def need_checks(
    rules: RuleBase, answers: Normal, facts: Mapping[str, str], frameworks: list[str]
) -> tuple[NeedCheck, ...]:
    """Each need the answers state, checked against the probe facts for each of ``frameworks``."""
    return tuple(
        NeedCheck(
            n.id,
            n.need,
            fid,
            f"{fid}.{n.checks[fid]}",
            facts.get(f"{fid}.{n.checks[fid]}", "not probed"),
        )
        for n in table_for(rules).needs(table_for(rules).signature(answers, facts))
        for fid in frameworks
        if fid in n.checks
    )


def probe_status(facts: Mapping[str, str], framework: str) -> str:
    """How the framework's probe ended (``ok``, ``crashed``...), ``absent`` if not installed, or
    "not probed"."""
    return facts.get(f"{framework}.probe", facts.get(f"{framework}.installed", "not probed"))


def cluster_facts(
    rules: RuleBase, address: str, refresh: bool = False
) -> tuple[dict[str, str], dict[str, str | None], Any]:
    """``recommender probe --ray`` for the rule base's frameworks: (the facts every node that
    reported agrees on, the versions most nodes have, the cluster report)."""
    from recommender.probe import TARGETS
    from recommender.probe.cluster import probe_cluster

    names = [fw.id for fw in rules.frameworks if fw.id in TARGETS]
    cluster = probe_cluster(address, names, refresh=refresh)
    reports = [n.report for n in cluster.nodes if n.report is not None]
    every = [r.facts() for r in reports]
    facts = (
        {k: v for k, v in every[0].items() if all(f.get(k) == v for f in every)} if every else {}
    )
    installed: dict[str, str | None] = {}
    for name in names:
        found = [r.get(name) for r in reports]
        versions = [f.version for f in found if f is not None]
        installed[name] = max(set(versions), key=versions.count) if versions else None
    return facts, installed, cluster


def with_cluster(
    evidence: Evidence, rules: RuleBase, answers: Normal, frameworks: list[str], cluster: Any
) -> Evidence:
    """``evidence`` with each stated need checked on every node of the cluster."""
    from recommender.probe.cluster.coverage import need_coverage

    coverage = need_coverage(cluster, lambda f: need_checks(rules, answers, f, frameworks))
    return replace(evidence, cluster=coverage, nodes=len(cluster.nodes))


def probe_facts(
    rules: RuleBase, refresh: bool = False, progress: Progress | None = None
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Run (or reuse the cache of) ``recommender probe`` for the rule base's frameworks;
    ``progress`` hears of each framework (``recommender.probe.progress.for_stream``)."""
    from recommender.probe import TARGETS, run_probe
    from recommender.probe.progress import silent

    names = [fw.id for fw in rules.frameworks if fw.id in TARGETS]
    report = run_probe(names, refresh=refresh, progress=progress or silent)
    return report.facts(), {r.name: r.version for r in report.frameworks}
