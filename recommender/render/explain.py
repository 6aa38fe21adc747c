"""``recommender explain`` as a table, JSON or Markdown: every rule considered for one profile,
matched or not and why, the ignored answers and the scores (``recommender schema explain``)."""

from __future__ import annotations

from typing import Any

from recommender.render.markdown_text import code, text
from recommender.render.terminal import cells, printable, user_text, wrap
from recommender.render.text import headline
from recommender.rulebase.model import Rule, RuleBase
from recommender.rulebase.text import points_text
from recommender.scoring.decide import text_of
from recommender.scoring.result import number
from recommender.scoring.trace import Trace

SCHEMA_VERSION = 1


def explain_dict(t: Trace, rules: RuleBase) -> dict[str, Any]:
    rec = t.result
    return {
        "schema_version": SCHEMA_VERSION,
        "name": rec.profile,
        "answers": rec.answers,
        "ignored": [
            {"question": d.question, "answer": d.answer, "why": d.why} for d in rec.ignored
        ],
        "rules": [
            {
                "rule": s.rule.id,
                "matched": s.matched,
                "why": s.why,
                "points": {f: number(p) for f, p in s.rule.score.items()},
                "dealbreaker": list(s.rule.dealbreaker),
                "lean": s.rule.lean,
                "origin": str(s.rule.origin) if s.rule.origin else None,
            }
            for s in t.steps
        ],
        "disabled": list(rules.disabled),
        "ranking": [
            {
                "framework": s.framework,
                "name": s.name,
                "score": number(s.score),
                "excluded_by": [b.rule for b in s.dealbreakers],
            }
            for s in rec.ranking
        ],
        "winner": rec.winner,
        "tie": list(rec.tie),
        "confidence": rec.confidence,
    }


LEAN = " (the default lean: it breaks ties, it is not a reason)"


def _effect(rule: Rule, matched: bool) -> str:
    """What a rule did; a lean rule says so, as the headline and the confidence count it apart
    (a tie only the lean makes, a lead by the lean alone)."""
    if not matched:
        return "no effect"
    return points_text(rule) + (LEAN if rule.lean else "")


def _answers(t: Trace) -> str:
    given = ", ".join(
        f"{q}={'+'.join(v) if isinstance(v, list) else v}" for q, v in t.result.answers.items()
    )
    return given or "(none)"


def explain_table(t: Trace, rules: RuleBase, width: int | None = None) -> str:
    """The trace for a terminal, wrapped at ``width`` (None: not wrapped). Unwrapped, its answers
    took 195 columns and most rules' conditions 80 to 115."""
    rec = t.result
    lines = wrap(f"Profile: {user_text(rec.profile or '(from --answer)')}", width, "", "  ")
    lines += wrap(f"Answers: {_answers(t)}", width, "", "  ")
    for d in rec.ignored:
        lines += wrap(f"Not asked, answer ignored: {d.question} ({d.why})", width, "", "  ")
    matched = f"Rules ({sum(s.matched for s in t.steps)} of {len(t.steps)} matched)"
    lines += ["", *wrap(matched, width, "", "  ")]
    for s in t.steps:
        mark = "[x]" if s.matched else "[ ]"
        lines += wrap(f"{mark} {s.rule.id}: {_effect(s.rule, s.matched)}", width, "  ", " " * 6)
        lines += wrap(f"when {s.why}  ({s.rule.origin})", width, " " * 8, " " * 10)
    if rules.disabled:
        text = f"disabled by an overlay: {', '.join(rules.disabled)}"
        lines += wrap(text, width, "  ", "    ")
    lines += ["", "Scores"]
    for st in rec.ranking:
        note = "  excluded by " + ", ".join(b.rule for b in st.dealbreakers) if st.excluded else ""
        pad = " " * max(12 - cells(st.name), 0)  # a CJK name, by the cells it takes
        lines += wrap(f"{st.name}{pad} {text_of(st.score)}{note}", width, "  ", "    ")
    lines += ["", *wrap(headline(rec, rules), width, "", "  ")]
    return printable("\n".join(lines) + "\n")


def explain_markdown(t: Trace, rules: RuleBase) -> str:
    rec = t.result
    out = [f"## {text(headline(rec, rules))}", ""]
    out += [f"Profile: {code(rec.profile or '(from --answer)')}; answers: {code(_answers(t))}"]
    if rec.ignored:
        out += ["", "Not asked, so ignored:", ""]
        out += [f"- {code(d.question)}: {text(d.why)}" for d in rec.ignored]
    matched = sum(s.matched for s in t.steps)
    out += ["", f"### Rules ({matched} of {len(t.steps)} matched)", ""]
    out += ["| | rule | effect | when | where |", "| --- | --- | --- | --- | --- |"]
    out += [
        f"| {'x' if s.matched else ' '} | {code(s.rule.id, cell=True)} "
        f"| {text(_effect(s.rule, s.matched))} | {text(s.why)} | {text(s.rule.origin or '')} |"
        for s in t.steps
    ]
    out += ["", "### Scores", "", "| framework | score | excluded by |", "| --- | ---: | --- |"]
    out += [
        f"| {text(st.name)} | {text_of(st.score)} "
        f"| {text(', '.join(b.rule for b in st.dealbreakers))} |"
        for st in rec.ranking
    ]
    return printable("\n".join(out) + "\n")
