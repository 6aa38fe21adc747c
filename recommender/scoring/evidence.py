"""Evidence from this machine: which stated needs the probe verified, which failed and which
nothing checked (and why), and whether the knowledge is older than what is installed. The one
place that classifies a probe status for a need (:func:`verdict`); every renderer reads it.
Pure: it reads a RuleBase, answers, a Recommendation and probe facts; it runs nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any

from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.result import Recommendation
from recommender.scoring.table import table_for
from recommender.values import Value, frozen

if TYPE_CHECKING:
    from recommender.probe.progress import Progress

VERIFIED = "ok"  # the one probe status that verifies a need
FAILED = (
    "failed",
    "unavailable",
    "absent",
    "crashed",
    "timeout",
)  # probe statuses that mean "not here"
# Anything else ("skipped", "not probed") leaves a need unverified: nothing checked it here.
# Why, when it is not the framework's state (``Evidence.blocker``):
DEEP = "deep"  # a slow check that only ``recommender probe --deep`` runs
NOT_PROBED = "not probed"  # the probe has no such fact
BROKEN = "broken"  # a framework state: installed, but its import failed


def verdict(status: str) -> str:
    """What a check's ``status`` makes of a stated need: verified, failed or unverified."""
    if status == VERIFIED:
        return "verified"
    return "failed" if status in FAILED else "unverified"


@frozen
class NeedCheck(Value):
    need: str  # a Need id
    text: str
    framework: str
    fact: str  # "pytorch.gpu"
    status: str  # the probe's status, or "not probed"

    @property
    def verdict(self) -> str:
        return verdict(self.status)

    @property
    def verified(self) -> bool:
        return self.verdict == "verified"

    @property
    def failed(self) -> bool:
        return self.verdict == "failed"


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
    # framework -> framework_state(); not in the record: its "probe" holds the raw status
    states: dict[str, str] = field(default_factory=dict)
    # framework -> the probe's own words on why it did not end ok ("import failed: ImportError: x")
    details: dict[str, str] = field(default_factory=dict)

    def checked(self, framework: str | None) -> tuple[NeedCheck, ...]:
        return tuple(c for c in self.needs if c.framework == framework)

    def verified(self, framework: str | None) -> tuple[NeedCheck, ...]:
        return tuple(c for c in self.checked(framework) if c.verified)

    def problems(self, framework: str | None) -> tuple[NeedCheck, ...]:
        return tuple(c for c in self.checked(framework) if c.failed)

    def unverified(self, framework: str | None) -> tuple[NeedCheck, ...]:
        """The stated needs nothing checked here: neither verified nor failed."""
        return tuple(c for c in self.checked(framework) if c.verdict == "unverified")

    def state(self, framework: str) -> str:
        """The framework here: ``framework_state``'s answer (from the probe status if not given)."""
        return self.states.get(framework) or self.probe_status.get(framework, NOT_PROBED)

    def blocker(self, check: NeedCheck) -> str:
        """Why ``check`` was not verified: its framework's state when not ``ok`` (``absent``,
        ``broken``...), else DEEP for a skipped check, else NOT_PROBED."""
        state = self.state(check.framework)
        if state != "ok":
            return state
        return DEEP if check.status == "skipped" else NOT_PROBED

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
    details: Mapping[str, str] | None = None,
) -> Evidence:
    """Check the needs the answers state against the probe facts, per framework not excluded;
    ``details`` (framework -> ``FrameworkResult.detail``) says why a probe did not end ok."""
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
    states = {fw.id: framework_state(facts, fw.id) for fw in rules.frameworks}
    why = {k: v for k, v in (details or {}).items() if v and status.get(k) != "ok"}
    return Evidence(needs, tuple(versions), status, states=states, details=why)


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


def framework_state(facts: Mapping[str, str], framework: str) -> str:
    """``probe_status``, with a failed probe whose import did not succeed told apart as BROKEN:
    installed, but it does not import, so none of its checks ran."""
    status = probe_status(facts, framework)
    if status == "failed" and facts.get(f"{framework}.import") != "ok":
        return BROKEN
    return status


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


def probe_machine(
    rules: RuleBase, refresh: bool = False, progress: Progress | None = None
) -> tuple[dict[str, str], dict[str, str | None], dict[str, str]]:
    """Run (or reuse the cache of) ``recommender probe`` for the rule base's frameworks: (the
    facts, each framework's version or None, each one's probe detail, which ``gather`` takes to
    say why its checks did not run: "import failed: ImportError: ..."). ``progress`` hears of
    each framework (``recommender.probe.progress.for_stream``)."""
    from recommender.probe import TARGETS, run_probe
    from recommender.probe.progress import silent

    names = [fw.id for fw in rules.frameworks if fw.id in TARGETS]
    report = run_probe(names, refresh=refresh, progress=progress or silent)
    found = report.frameworks
    return report.facts(), {r.name: r.version for r in found}, {r.name: r.detail for r in found}
