"""The evidence section of a report: stated needs verified or failed on this machine, versions
beside the knowledge's. Long lines wrap at ``columns`` (None: not wrapped)."""

from __future__ import annotations

from recommender.render.terminal import wrap
from recommender.rulebase.model import RuleBase
from recommender.scoring.evidence import Evidence

MARK = {"ok": "✓", "skipped": "–", "not probed": "?"}


def _cell(status: str) -> str:
    return f"{MARK.get(status, '✗')} {status}"


def render_evidence(
    evidence: Evidence, rules: RuleBase, winner: str | None, columns: int | None = None
) -> str:
    """The section; long lines wrap at ``columns`` (None: not wrapped)."""
    where = (
        "the Ray cluster (the facts all its nodes agree on)" if evidence.nodes else "this machine"
    )
    out = ["", f"Evidence from {where} (recommender probe):"]
    frameworks = list(dict.fromkeys(c.framework for c in evidence.needs))
    if evidence.needs:
        width = max(len(c.text) for c in evidence.needs)
        names = [rules.framework(f).name for f in frameworks]
        out.append(f"  {'you need':<{width}}  " + "".join(f"{n:<16}" for n in names).rstrip())
        by_need: dict[str, dict[str, str]] = {}
        texts = {}
        for c in evidence.needs:
            by_need.setdefault(c.need, {})[c.framework] = c.status
            texts[c.need] = c.text
        for need, cells in by_need.items():
            row = "".join(f"{_cell(cells[f]) if f in cells else '':<16}" for f in frameworks)
            out.append(f"  {texts[need]:<{width}}  {row}".rstrip())
    else:
        out.append("  None of your answers states a need the probe can check.")
    if winner:
        name = rules.framework(winner).name
        for c in evidence.problems(winner):
            check = c.fact.split(".", 1)[1]
            text = f"! You need {c.text}; on this machine {name}'s {check} check says {c.status}."
            out += wrap(text, columns, "  ", "    ")
        status = evidence.probe_status.get(winner)
        if status != "ok":
            text = f"! {name} is {status} here: install it to verify the rest."
            out += wrap(text, columns, "  ")
    skipped = sorted({c.fact for c in evidence.needs if c.status == "skipped"})
    if skipped:
        text = f"– skipped: {', '.join(skipped)} (run `recommender probe --deep` to check them)"
        out += wrap(text, columns, "  ", "    ")
    out += _cluster_lines(evidence, rules)
    out.append("  Installed here, beside the versions the rule base was checked against:")
    for v in evidence.versions:
        name = rules.framework(v.framework).name
        have = v.installed or "not installed"
        note = " — newer than the knowledge: some facts may be stale" if v.stale else ""
        against = v.checked_against or "no version recorded"
        text = f"{name}: {have} (knowledge checked against {against}){note}"
        out += wrap(text, columns, "    ", "      ")
    return "\n".join(out) + "\n"


def _cluster_lines(evidence: Evidence, rules: RuleBase) -> list[str]:
    """--ray: each stated need per framework, verified on all, some or none of the nodes."""
    if not evidence.nodes:
        return []
    out = [f"  On the Ray cluster ({evidence.nodes} nodes), each need checked node by node:"]
    if not evidence.cluster:
        out.append("    None of your answers states a need the probe can check.")
    for c in evidence.cluster:
        name = rules.framework(c.framework).name
        where = {"all": "on every node", "none": "on no node"}.get(
            c.coverage, f"on {len(c.verified)} of {evidence.nodes} nodes"
        )
        others = "; ".join(f"{node[:8]}: {status}" for node, status in c.elsewhere.items())
        out.append(f"    {c.text}, {name}: {where}" + (f" ({others})" if others else ""))
    return out
