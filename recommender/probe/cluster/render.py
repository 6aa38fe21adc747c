"""Output formats of ``recommender probe --ray``: the node × framework × check matrix as a table,
JSON or markdown, then the nodes that failed, the consistency section and each node's flags."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping

from recommender.probe.cluster.model import ClusterReport, NodeResult
from recommender.probe.render import aligned, cell, markdown_table, md_cell, safe
from recommender.render.markdown_text import fence

UNKNOWN = "?"  # a node that sent no report: its status row says why


def render_json(report: ClusterReport) -> str:
    """The whole cluster report as JSON."""
    return json.dumps(report.to_dict(), indent=2) + "\n"


def render_table(report: ClusterReport) -> str:
    """The matrix, then a line per problem."""
    return "\n".join([*aligned(matrix(report)), "", *notes(report)]) + "\n"


def render_markdown(report: ClusterReport) -> str:
    """The matrix and the notes for a bug report, and each node's environment in a details block."""
    out = ["### recommender probe --ray", "", *markdown_table(matrix(report)), ""]
    out += [f"- {md_cell(n)}" for n in notes(report)]
    for node in report.nodes:
        out += ["", *_environment_block(node)]
    return "\n".join(out) + "\n"


def matrix(report: ClusterReport) -> list[list[str]]:
    """Header (one column per node), the node status row, then ``framework.check`` rows."""
    nodes = report.nodes
    rows = [["node", *(n.label for n in nodes)], ["status", *(_status(n) for n in nodes)]]
    for framework, names in _rows(nodes).items():
        rows.append([f"{framework}.version", *(_version(n, framework) for n in nodes)])
        rows.append([f"{framework}.probe", *(_probe(n, framework) for n in nodes)])
        rows += [[f"{framework}.{x}", *(_cell(n, framework, x) for n in nodes)] for x in names]
    return rows


def notes(report: ClusterReport) -> list[str]:
    """The summary line, nodes and frameworks that did not end ok, differences, and flags."""
    counts: dict[str, int] = {}
    for node in report.nodes:
        counts[node.status] = counts.get(node.status, 0) + 1
    tally = ", ".join(f"{v} {k}" for k, v in counts.items())
    lines = [f"{len(report.nodes)} nodes ({tally}) in {report.seconds:.1f} s"]
    for node in report.nodes:
        lines += _node_notes(node)
    lines += [_difference(d.framework, d.field, d.majority, d.differs) for d in report.consistency]
    return [safe(line) for line in lines]


def _node_notes(node: NodeResult) -> list[str]:
    if node.report is None:
        return [f"{node.label}: {node.status}: {node.detail}"]
    lines = [
        f"{node.label}: {fw.name}: {fw.status}: {fw.detail}"
        for fw in node.report.frameworks
        if fw.status not in ("ok", "absent")
    ]
    flags = node.report.environment.get("flags", [])
    return lines + [f"{node.label}: ! {f['framework']}: {f['message']}" for f in flags]


def _difference(
    framework: str, field: str, majority: str | None, differs: Mapping[str, str]
) -> str:
    where = ", ".join(f"{node[:8]} {value}" for node, value in differs.items())
    if majority is None:
        return f"differs: {framework}.{field}: no majority ({where})"
    return f"differs: {framework}.{field}: most nodes {majority}; {where}"


def _rows(nodes: tuple[NodeResult, ...]) -> dict[str, list[str]]:
    rows: dict[str, dict[str, None]] = {}
    for node in nodes:
        for fw in node.report.frameworks if node.report else ():
            names = rows.setdefault(fw.name, {})
            names.update(dict.fromkeys(c.name for c in (*fw.checks, *fw.companions)))
    return {fw: list(names) for fw, names in rows.items()}


def _status(node: NodeResult) -> str:
    return f"{node.status} {node.seconds:.1f} s"


def _version(node: NodeResult, framework: str) -> str:
    fw = node.report.get(framework) if node.report else None
    if fw is None:
        return UNKNOWN
    return safe(fw.version or ("absent" if not fw.installed else "unknown"))


def _probe(node: NodeResult, framework: str) -> str:
    fw = node.report.get(framework) if node.report else None
    return fw.status if fw is not None else UNKNOWN


def _cell(node: NodeResult, framework: str, name: str) -> str:
    fw = node.report.get(framework) if node.report else None
    return cell(fw, name) if fw is not None else UNKNOWN


def _environment_block(node: NodeResult) -> list[str]:
    env = node.report.environment if node.report else {}
    driver = (env.get("driver") or {}).get("detail", "unknown")
    lines = [
        f"python {env.get('python', '?')} ({env.get('executable', '?')})",
        f"{env.get('system', '?')} {env.get('release', '')} {env.get('machine', '')}",
        f"NVIDIA: {driver}",
        *(f"{k}={v}" for k, v in (env.get("variables") or {}).items()),
    ]
    label = html.escape(f"{safe(node.label)}: {safe(node.hostname)}")  # raw HTML in Markdown
    body = [safe(x) for x in lines]
    return ["<details>", f"<summary>{label}</summary>", "", *fence(body, "text"), "</details>"]


FORMATS: dict[str, Callable[[ClusterReport], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
}
