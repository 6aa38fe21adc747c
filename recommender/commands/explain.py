"""``recommender explain``: every rule considered for one profile, whether it matched and why, and the scores."""

from __future__ import annotations

import argparse

from recommender.commands._common import emit, read_answers, rulebase
from recommender.render.text import headline
from recommender.rulebase.model import RuleBase
from recommender.rulebase.text import points_text
from recommender.scoring.trace import Trace, trace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="FILE", help="a YAML or JSON profile: {name: ..., answers: {...}}"
    )
    parser.add_argument(
        "--answer",
        "-a",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="an answer (repeatable; overrides the profile; multi answers as a,b)",
    )


def render(t: Trace, rules: RuleBase) -> str:
    rec = t.result
    given = ", ".join(
        f"{q}={'+'.join(v) if isinstance(v, list) else v}" for q, v in rec.answers.items()
    )
    lines = [f"Profile: {rec.profile or '(from --answer)'}", f"Answers: {given or '(none)'}"]
    lines += [f"Not asked, answer ignored: {q} (ask_when: {why})" for q, why in t.dropped]
    lines += ["", f"Rules ({sum(s.matched for s in t.steps)} of {len(t.steps)} matched)"]
    for s in t.steps:
        mark = "[x]" if s.matched else "[ ]"
        effect = points_text(s.rule) if s.matched else "no effect"
        lines.append(f"  {mark} {s.rule.id}: {effect}")
        lines.append(f"        when {s.why}  ({s.rule.origin})")
    if rules.disabled:
        lines.append(f"  disabled by an overlay: {', '.join(rules.disabled)}")
    lines += ["", "Scores"]
    for st in rec.ranking:
        note = "  excluded by " + ", ".join(b.rule for b in st.dealbreakers) if st.excluded else ""
        lines.append(f"  {st.name:<12} {st.score:+g}{note}")
    lines += ["", headline(rec, rules)]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    rules = rulebase(args)
    name, answers = read_answers(args, rules)
    emit(render(trace(answers, rules, profile=name), rules), None)
    return 0
