"""Which nodes differ from the majority in framework versions or probe results. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from recommender.probe.cluster.model import Difference, NodeResult


def differences(nodes: Sequence[NodeResult]) -> tuple[Difference, ...]:
    """One ``Difference`` per (framework, field) on which the nodes that reported do not all agree.

    Fields are each framework's version and every fact (``probe``, each check and companion).
    Nodes that sent no report are left out: their status already says why.
    """
    values: dict[tuple[str, str], dict[str, str]] = {}
    for node in nodes:
        for key, value in _values(node).items():
            values.setdefault(key, {})[node.node] = value
    reporting = [n.node for n in nodes if n.report is not None]
    found = []
    for (framework, name), by_node in values.items():
        full = {n: by_node.get(n, "not probed") for n in reporting}
        difference = _difference(framework, name, full)
        if difference is not None:
            found.append(difference)
    return tuple(found)


def _values(node: NodeResult) -> dict[tuple[str, str], str]:
    if node.report is None:
        return {}
    found = {(fw.name, "version"): fw.version or "absent" for fw in node.report.frameworks}
    for fact, status in node.facts().items():
        framework, _, name = fact.partition(".")
        if name != "installed":  # the version row says it
            found[(framework, name)] = status
    return found


def _difference(framework: str, name: str, by_node: Mapping[str, str]) -> Difference | None:
    counts = Counter(by_node.values())
    if len(counts) < 2:
        return None
    value, count = counts.most_common(1)[0]
    majority = value if count * 2 > len(by_node) else None
    differs = {node: v for node, v in by_node.items() if v != majority}
    return Difference(framework, name, majority, differs)
