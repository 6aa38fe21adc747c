"""The evidence section of a report: stated needs verified or failed on this machine, versions
beside the knowledge's. Long lines wrap at ``width`` (None: not wrapped)."""

from __future__ import annotations

from recommender.render.terminal import wrap
from recommender.rulebase.model import RuleBase
from recommender.scoring.evidence import Evidence

MARK = {"ok": "✓", "skipped": "–", "not probed": "?"}


def _cell(status: str) -> str:
    return f"{MARK.get(status, '✗')} {status}"


def render_evidence(
    evidence: Evidence, rules: RuleBase, winner: str | None, width: int | None = None
) -> str:
    out = ["", "Evidence from this machine (recommender probe):"]
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
            out += wrap(text, width, "  ", "    ")
        status = evidence.probe_status.get(winner)
        if status != "ok":
            out += wrap(f"! {name} is {status} here: install it to verify the rest.", width, "  ")
    skipped = sorted({c.fact for c in evidence.needs if c.status == "skipped"})
    if skipped:
        text = f"– skipped: {', '.join(skipped)} (run `recommender probe --deep` to check them)"
        out += wrap(text, width, "  ", "    ")
    out.append("  Installed here, beside the versions the rule base was checked against:")
    for v in evidence.versions:
        name = rules.framework(v.framework).name
        have = v.installed or "not installed"
        note = " — newer than the knowledge: some facts may be stale" if v.stale else ""
        against = v.checked_against or "no version recorded"
        text = f"{name}: {have} (knowledge checked against {against}){note}"
        out += wrap(text, width, "    ", "      ")
    return "\n".join(out) + "\n"
