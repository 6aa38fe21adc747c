"""Wording shared by the brief screen, the full report and Markdown, so all say the same thing.

Everything here reads a :class:`~recommender.scoring.result.Recommendation`; nothing is computed
that the scoring core does not already hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recommender.rulebase.model import Companion, Question, RuleBase
from recommender.scoring.decide import text_of
from recommender.scoring.result import (
    Change,
    Dropped,
    Net,
    Reason,
    Recommendation,
    Standing,
    WhyNot,
)
from recommender.scoring.stack import Stack
from recommender.scoring.stack import stack_line as stack_text

CALLS = {
    "clear": "a clear call",
    "close": "a close call",
}


def name_of(framework: str | None, rules: RuleBase) -> str:
    return "no framework" if framework is None else rules.framework(framework).name


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


UNDECIDED = "no recommendation (nothing you answered separates them)"


def reasons_title(s: Standing, rec: Recommendation) -> str | None:
    """The heading over a framework's reasons in the full report: ``Why X`` for the winner or a
    framework tied for first; ``X's reasons`` when nothing but the lean separates them (no
    recommendation: a "why" would say it is recommended); None for the others and for a
    framework no rule gave points."""
    if not s.reasons:
        return None
    if s.framework == rec.winner or tied(s.framework, rec.tie, rec.confidence):
        return f"Why {s.name}"
    return f"{s.name}'s reasons" if rec.confidence == "none" else None


def as_far(names: Sequence[str]) -> str:
    """The frameworks level with the runner-up, after its gap (``11.5 behind, as is JAX``): the
    why-not is against the runner-up only, so the others as far behind are named."""
    if not names:
        return ""
    return f", as {'is' if len(names) == 1 else 'are'} {and_list(list(names))}"


def behind(w: WhyNot, rules: RuleBase, rec: Recommendation) -> str:
    """``11.5 behind``, with those as far behind (:func:`as_far`); ``only by the default lean``
    when the runner-up scores as much as the winner without the lean: its question may net to
    zero against a real rule, and the nets then read as if a real reason made the gap. After
    that, "as is X" names only those behind as the runner-up is, lean and all; one as far behind
    on points but not by the lean alone (lean rules for two frameworks) is "X is as far behind":
    "only by the default lean, as is JAX" said so of a JAX behind on the real reasons too."""
    ahead = dict(rec.ahead_without_lean)
    how = {f: (f in rec.level_with, f in ahead) for f in (w.framework, *w.level)}
    by_lean, past = how[w.framework]
    lean = " only by the default lean" + (", ahead without it" if past else "") if by_lean else ""
    alike = [name_of(f, rules) for f in w.level if not by_lean or how[f] == how[w.framework]]
    unlike = [name_of(f, rules) for f in w.level if by_lean and how[f] != how[w.framework]]
    rest = (
        f"; {and_list(unlike)} {'is' if len(unlike) == 1 else 'are'} as far behind"
        if unlike
        else ""
    )
    return f"{text_of(w.gap, sign=False)} behind{lean}{as_far(alike)}{rest}"


def tied(framework: str | None, tie: Sequence[str], confidence: str | None) -> bool:
    """Whether a report marks ``framework`` tied for first. With no recommendation (confidence
    ``none``) every framework is in ``tie`` though the lean's points differ, and none is tied."""
    return framework in tie and confidence != "none"


def outcome(
    winner: str | None, tie: tuple[str, ...], rules: RuleBase, undecided: bool = False
) -> str:
    """A what-if's outcome: a framework, a tie, no recommendation, or every one excluded."""
    if winner:
        return name_of(winner, rules)
    if undecided:
        return UNDECIDED
    if tie:
        return "a tie between " + and_list([name_of(f, rules) for f in tie])
    return "nothing (every framework is excluded)"


def headline(rec: Recommendation, rules: RuleBase) -> str:
    """The verdict and how sure it is."""
    if rec.confidence == "none":
        return "No recommendation yet: nothing you answered separates the frameworks"
    if rec.winner:
        return f"Recommended: {name_of(rec.winner, rules)}, {CALLS[rec.confidence]}"
    if rec.tie:
        names = and_list([name_of(f, rules) for f in rec.tie])
        return f"Tie between {names}{tie_tail(rec)}"
    return "No framework fits: every candidate hits a deal-breaker"


TIE_BY_LEAN = " on points, only through the default lean"


def tie_tail(rec: Recommendation) -> str:
    """What follows the names of a tie: the rules cannot separate them, or, where the lean's
    points make the tie (the tied frameworks differ without them), that it does."""
    return TIE_BY_LEAN if rec.tie_without_lean else ": the rules cannot separate them"


def confidence_note(rec: Recommendation, rules: RuleBase, limit: int | None = None) -> str:
    """Why the call is close (the answers that would change it, ``limit`` of them), or what
    would decide it; empty for a clear call."""
    if rec.confidence == "none":
        return deciding_note(rec)
    if rec.confidence == "clear" and (rec.winner or not rec.tie) and rec.what_would_change:
        return _breaker_note(rec, rules, limit)
    by_lean = rec.tie_without_lean
    if by_lean:
        leaders, gap = by_lean
        others = [name_of(f, rules) for f in rec.tie if f not in leaders]
        verb = "leads" if len(leaders) == 1 else "lead"
        first = and_list([name_of(f, rules) for f in leaders])
        by = f"{and_list(others)} by {text_of(gap, sign=False)}"
        return f"Close call: without the default lean, {first} {verb} {by}."
    if rec.confidence != "close" or not rec.winner or not rec.why_not:
        return ""
    level = rec.level_with
    if level:
        rivals = and_list([name_of(f, rules) for f in level])
        note = f"Close call: {name_of(rec.winner, rules)} leads {rivals} only by the default lean"
        ahead = [
            f"{name_of(f, rules)}{' leads' if not i else ''} by {text_of(gap, sign=False)}"
            for i, (f, gap) in enumerate(rec.ahead_without_lean)
        ]
        if ahead:  # a lean that outweighs a real reason: the rival leads on the real ones
            note += f"; without it, {and_list(ahead)}"
        return note + "."
    return _changes(
        "Close call: one answer would let a rival catch up: ",
        [f"{change_text(c, rules)} → {_swing_outcome(c, rec, rules)}" for c in rec.swing],
        limit,
    )


def _breaker_note(rec: Recommendation, rules: RuleBase, limit: int | None) -> str:
    """A clear call that one answer still changes, or every framework excluded and the answers
    that let one through. On a clear call no single answer lets a rival catch up on the points,
    with the lean or without it, so an answer that changes the winner adds or lifts a
    deal-breaker (a property test holds every such answer to it)."""
    changes = rec.what_would_change
    if rec.winner is None:  # every framework excluded: an answer that changes it lifts one
        lead = "One answer would lift a deal-breaker: "
    else:  # an answer that moves no deal-breaker and changes the winner makes the call close
        lead = "Clear on the points, but a deal-breaker can still change it: "
    return _changes(
        lead,
        [f"{change_text(c, rules)} → {change_outcome(c, rules)}" for c in changes],
        limit,
    )


def _changes(lead: str, parts: list[str], limit: int | None) -> str:
    """``lead`` and the first ``limit`` of ``parts`` (all with None), saying how many more."""
    shown = parts[:limit] if limit is not None else parts
    more = len(parts) - len(shown)
    return lead + "; ".join(shown) + (f" (and {more} more)." if more else ".")


def _swing_outcome(c: Change, rec: Recommendation, rules: RuleBase) -> str:
    if c.winner is not None and c.winner == rec.winner:
        # the rival reaches the winner's points on the real reasons (level, or ahead when a rule
        # base has points finer than its lean), and the lean keeps the winner first
        return f"{name_of(c.winner, rules)} ahead by the lean alone"
    return change_outcome(c, rules)


def change_outcome(c: Change, rules: RuleBase) -> str:
    return outcome(c.winner, c.tie, rules, c.undecided)


def deciding_note(rec: Recommendation) -> str:
    """For ``confidence: none``: the questions that would decide most."""
    if not rec.deciding:
        return "No single answer separates them: the rules cannot decide for this profile."
    # an answered question decides through a different answer, not by being answered
    given = [q for q in rec.deciding if q in rec.answers]
    names = ", ".join(q if q not in given else f"{q} (a different answer)" for q in rec.deciding)
    verb = "Answer or change" if given else "Answer"
    if len(given) == len(rec.deciding):
        verb = "Change"
    return f"{verb} these to get a recommendation; they would decide most: {names}."


def stack_lines(stack: Stack | None) -> list[str]:
    """The stack, one line per deployment target and one for the training hardware."""
    if stack is None:
        return []
    out = []
    for d in stack.deploy:
        if d.route is None:
            out.append(f"{d.target}: no route known for this framework")
            continue
        r = d.route
        also = f"; also {', '.join(a.runtime for a in d.alternatives)}" if d.alternatives else ""
        out.append(f"{d.target}: {r.runtime} ({r.support}): {r.path}{also}")
    if stack.hardware is not None:
        answer, route = stack.hardware
        out.append(
            f"on {answer}: "  # training, or serving: the route says which
            + (f"{route.route} ({route.support})" if route else "no route known")
        )
    return out


def companion_line(c: Companion) -> str:
    pkg = f" (pip install {c.package})" if c.package else ""
    note = f". {c.note}" if c.note else ""
    return f"{c.name}{pkg}: {c.status} as of {c.status_as_of}{note}"


def avoid_line(c: Companion) -> str:
    return f"{c.name}: {c.status} as of {c.status_as_of}. {c.note}".rstrip()


def stack_line(rec: Recommendation) -> str:
    """The stack in a line (``Stack: PyTorch + Lightning; mobile: ExecuTorch``); empty without a
    winner."""
    text = stack_text(rec.stack, rec.scorer.table_names)
    return f"Stack: {text}" if text else ""


def answer_text(q: Question, value: Any) -> str:
    """An answer as a profile holds it (an option id or a list), in the question's labels."""
    if value is None:
        return "unanswered"
    ids = value if isinstance(value, list) else [value]
    return ", ".join(q.label(str(o)) for o in ids)


def change_text(c: Change, rules: RuleBase) -> str:
    """``question: what changes`` for a what-if entry."""
    return f"{c.question}: {change_phrase(c, rules.question(c.question))}"


def change_phrase(c: Change, q: Question) -> str:
    if c.change == "clear" or c.answer is None:
        return "leaving it unanswered"
    label = q.label(c.answer)
    return {"add": f"adding {label}", "remove": f"dropping {label}"}.get(c.change, label)


def change_line(question: str, changes: list[Change], rec: Recommendation, rules: RuleBase) -> str:
    q = rules.question(question)
    parts = [f"{change_phrase(c, q)} → {change_outcome(c, rules)}" for c in changes]
    return f"{question}: " + "; ".join(parts)


def grouped_changes(rec: Recommendation) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for c in rec.what_would_change:
        groups.setdefault(c.question, []).append(c)
    return groups


LEAN = "(lean)"  # marks a default lean's points wherever points are explained
LEAN_MARK = f" {LEAN}"  # after a rule, or a why-not net, that is the lean's


def rule_mark(lean: bool) -> str:
    """What follows a rule id in why-not: a default lean's points are not a reason, and the
    confidence counts them apart, so they are marked where the gap is explained."""
    return LEAN_MARK if lean else ""


def reason_text(r: Reason) -> str:
    """A reason's ``because``, after "(lean)" for a default lean's: listed among a framework's
    reasons, it is not one, and the reports that say a lead or a tie rests on it show which."""
    return f"{LEAN} {r.because}" if r.lean else r.because


def net_mark(n: Net) -> str:
    """What follows a why-not net's label: marked when all its rules are the lean's."""
    return rule_mark(bool(n.rules) and all(s.lean for s in n.rules))


def net_label(n: Net, rec: Recommendation, rules: RuleBase) -> str:
    """What a why-not group's rules read, with the answers: ``debugging = Yes``, and the probe
    facts with their status: ``probe:pytorch.gpu = ok``."""
    if not n.reads:
        return "(rules that always fire)"
    answers = rec.answers
    parts = []
    for read in n.reads:
        if read in rules.question_by_id:
            value = answer_text(rules.question(read), answers.get(read))
            parts.append(f"{read} = {value}")
        else:  # a probe fact, with its status on this machine: probe:pytorch.gpu = ok
            status = rec.table.dim[read].chosen(rec.sig)
            parts.append(f"{read} = {status[0] if status else 'not probed'}")
    return " & ".join(parts)


def ignored_line(d: Dropped, rules: RuleBase) -> str:
    value = answer_text(rules.question(d.question), d.answer)
    return f"{d.question} = {value}: {d.why}"
