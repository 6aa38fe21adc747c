"""The evidence section of a report: stated needs verified, failed or not checked on this
machine, versions beside the knowledge's; and the sentences that say why a need was not checked,
which the brief screen shares. Long lines wrap at ``columns`` (None: not wrapped)."""

from __future__ import annotations

from collections.abc import Iterable

from recommender.render.terminal import one_line, wrap
from recommender.rulebase.model import RuleBase
from recommender.scoring.evidence import BROKEN, DEEP, NOT_PROBED, Evidence, NeedCheck

MARK = {"ok": "✓", "skipped": "–", "not probed": "?"}
# a framework's state here (scoring.evidence.framework_state): what happened, and what to do
STATES = {
    "absent": ("is not installed here", "install it to check your needs"),
    BROKEN: ("is installed but did not import here", "fix the install, then probe again"),
    "failed": ("is installed but its probe failed here", "fix the install, then probe again"),
    "crashed": ("crashed here", "fix the install, then probe again"),
    "timeout": ("did not finish its probe in time", "probe again with a longer --timeout"),
    NOT_PROBED: ("was not probed", "run `recommender probe`"),
}
SHORT = {  # the same, in a clause: why its needs were not checked
    "absent": "{} is not installed here",
    BROKEN: "{} did not import",
    "failed": "{}'s probe failed",
    "crashed": "{}'s probe crashed",
    "timeout": "{}'s probe timed out",
    NOT_PROBED: "{} was not probed",
}


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
    for fw in dict.fromkeys([winner, *frameworks] if winner else frameworks):
        note = state_note(evidence, rules, fw)
        if note and (fw == winner or evidence.unverified(fw)):
            out += wrap(f"{'!' if fw == winner else '–'} {note}", columns, "  ", "    ")
    unchecked = [c for c in evidence.needs if c.verdict == "unverified"]
    for text in not_checked(evidence, rules, unchecked):
        out += wrap(f"– {text}", columns, "  ", "    ")
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


def state_note(evidence: Evidence, rules: RuleBase, framework: str) -> str | None:
    """Why ``framework``'s checks did not run here and what to do, in a sentence; None when its
    probe ran."""
    state = evidence.state(framework)
    if state == "ok":
        return None
    what, todo = STATES.get(state, (f"is {state} here", "fix it, then probe again"))
    detail = evidence.details.get(framework, "").removeprefix("import failed: ")
    why = f": {one_line(detail)}" if detail else ""
    return f"{rules.framework(framework).name} {what}{why}. {todo[0].upper()}{todo[1:]}."


def not_checked(evidence: Evidence, rules: RuleBase, checks: Iterable[NeedCheck]) -> list[str]:
    """A sentence per cause for ``checks``, stated needs nothing checked here: "Not checked:
    mobile or edge export (pytorch.export): a slow check; run `recommender probe --deep`."."""
    causes: dict[tuple[str, str], list[NeedCheck]] = {}
    for c in checks:
        blocker = evidence.blocker(c)
        # a framework's state blocks its own needs; a slow or missing check, anyone's
        whose = "" if blocker in (DEEP, NOT_PROBED) else c.framework
        causes.setdefault((blocker, whose), []).append(c)
    return [_not_checked(rules, *cause, found) for cause, found in causes.items()]


def _not_checked(rules: RuleBase, blocker: str, framework: str, checks: list[NeedCheck]) -> str:
    facts: dict[str, list[str]] = {}
    for c in checks:
        facts.setdefault(c.text, []).append(c.fact)
    needs = "; ".join(f"{text} ({', '.join(sorted(f))})" for text, f in facts.items())
    if blocker == DEEP:
        many = len(checks) > 1
        why = f"{'slow checks' if many else 'a slow check'}; run `recommender probe --deep`"
    elif blocker == NOT_PROBED:
        why = "the probe reported no such fact"
    else:
        why = SHORT.get(blocker, f"{{}} is {blocker} here").format(rules.framework(framework).name)
    return f"Not checked: {needs}: {why}."


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
