"""The brief screen, ``recommend``'s default: the verdict and how sure it is, the scores, the
stack, the top reasons one line each, why not the runner-up in one line, the close-call note or
what would decide, and any answer that was ignored. ``--full`` gives the whole report
(:mod:`recommender.render.table`). At 80 columns it fits in 25 lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from recommender.render.terminal import cut, printable, user_text, wrap
from recommender.render.text import (
    behind,
    confidence_note,
    headline,
    ignored_line,
    name_of,
    net_mark,
    reason_text,
    stack_line,
    tied,
)
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import points, text_of, units
from recommender.scoring.result import Net, Recommendation, Standing
from recommender.values import Value, frozen

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence

NETS = 4  # why-not questions shown
INDENT = "  "
LINES = 25  # the most the screen takes, wrapped at 80 columns (the README promises it)


@frozen
class Fit(Value):
    """How much the screen shows: the winner's reasons, the answers named in a close call, the
    deal-breakers of each excluded framework (None: all; the rest are counted), whether each
    ignored answer has its own line (else one line counts them), whether the last line lists
    what ``--full`` adds (else it points to it in a line), and whether a blank line parts the
    blocks."""

    reasons: int
    swings: int
    breakers: int | None = None
    each_ignored: bool = True
    more: bool = True
    gaps: bool = True


# Tried in turn until the wrapped screen fits in LINES: the fullest first. What says no fact goes
# first: the list of what --full adds (three lines at 40 columns), before any reason; the blank
# lines last, when nothing else is left to take out (a stack of several targets at 40 columns
# took 30 lines).
FITS = (
    Fit(5, 2),
    Fit(5, 2, more=False),
    Fit(3, 2, more=False),
    Fit(3, 2, 1, more=False),
    Fit(3, 1, 1, more=False),
    Fit(2, 1, 1, more=False),
    Fit(1, 1, 1, more=False),
    Fit(1, 1, 1, each_ignored=False, more=False),
    Fit(1, 1, 1, each_ignored=False, more=False, gaps=False),
)


def render_brief(
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    width: int | None = None,
) -> str:
    """The brief screen, wrapped at ``width`` (None: not wrapped, a reason per line, all of
    :data:`FITS`'s fullest). Wrapped, it shows less, a step at a time (:data:`FITS`), until it
    fits in :data:`LINES`; ``--full`` has the rest."""
    for fit in FITS if width is not None else FITS[:1]:
        blocks = [
            _head(rec, rules, width),
            _reasons(rec, rules, width, fit.reasons, fit.breakers),
            _why_not(rec, rules, width),
            _notes(rec, rules, evidence, width, fit),
            wrap(_more(rec, rules) if fit.more else MORE, width, "", INDENT),
        ]
        gap = [""] if fit.gaps else []
        lines = [line for block in blocks if block for line in [*gap, *block]][len(gap) :]
        if len(lines) <= LINES:
            break
    return printable("\n".join(lines) + "\n")


def _head(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    title = headline(rec, rules) + (f" ({user_text(rec.profile)})" if rec.profile else "")
    out = wrap(title, width)
    out += wrap("Scores: " + " · ".join(_score(s, rec) for s in rec.ranking), width, INDENT, INDENT)
    stack = stack_line(rec)
    return out + (wrap(stack, width, INDENT, INDENT * 2) if stack else [])


def _score(s: Standing, rec: Recommendation) -> str:
    mark = " ✗" if s.excluded else ""
    return f"{s.name} {text_of(s.score)}{mark}"


def _reasons(
    rec: Recommendation, rules: RuleBase, width: int | None, top: int, breakers: int | None
) -> list[str]:
    """The ``top`` reasons of the winner (at most two of each tied framework), one line each;
    then each excluded framework's deal-breakers (``breakers`` of them, the rest counted: a
    framework excluded by several is excluded by each, and showing only the first hid that)."""
    tie = [f for f in rec.tie if tied(f, rec.tie, rec.confidence)]
    leaders = [rec.winner] if rec.winner else tie
    out = []
    top = top if len(leaders) < 2 else min(top, 2)
    for s in rec.ranking:
        if s.framework in leaders and s.reasons:
            out += wrap(f"Why {s.name}:", width, "", INDENT)  # an overlay's name is free text
            out += [
                cut(f"{INDENT}{text_of(r.points):>4}  {reason_text(r)}", width)
                for r in s.reasons[:top]
            ]
            if len(s.reasons) > top:
                hang = INDENT + " " * 6  # under the reasons' text
                out += wrap(f"… {len(s.reasons) - top} more (--full)", width, hang, hang)
    for s in rec.ranking:
        shown = s.dealbreakers[:breakers]
        out += [cut(f"Excluded: {s.name}: {b.because}", width) for b in shown]
        if len(s.dealbreakers) > len(shown):
            more = len(s.dealbreakers) - len(shown)
            text = f"… {more} more deal-breaker{'s' if more > 1 else ''} (--full)"
            out += wrap(text, width, INDENT, INDENT * 2)
    return out


def _why_not(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    """Why not the runner-up in a line: the questions that moved the gap most, signed, and the
    rest with their sum, so the line adds up to the gap ("4 more" left 3.5 of 11.5 points unsaid),
    saying how much of it is the default lean's (not a reason: the confidence counts it apart)."""
    w = rec.why_not
    if w is None:
        return []
    # a question whose net is zero is left out, but not when the lean's points are in it: its
    # nets cancel a real rule, and the line read as if real reasons made the gap
    moved = sorted((n for n in w.by_question if n.net or _lean(n)), key=lambda n: -abs(n.net))
    parts = [_part(n) for n in moved[:NETS]]
    rest = moved[NETS:]
    if rest:
        total = points(sum(units(n.net) for n in rest))
        parts.append(f"{len(rest)} more {text_of(total)}{_of_it(rest)}")
    text = f"Why not {name_of(w.framework, rules)} ({behind(w, rules, rec)}): " + " · ".join(parts)
    return wrap(text, width, "", INDENT)


def _part(n: Net) -> str:
    """One question's net in the why-not line, with the lean's share of it: ``os +1``,
    ``team_knows (lean) +0.5``, ``q1 +6 (+3 of it the lean)``, or for a net of zero that the
    lean's points are in, ``team_knows +0 (the lean +0.5, the rest -0.5)``."""
    head = f"{_reads(n.reads)}{net_mark(n)} {text_of(n.net)}"
    if net_mark(n):
        return head
    if n.net:
        return head + _of_it([n])
    lean = _lean(n)
    return f"{head} (the lean {text_of(points(lean))}, the rest {text_of(points(-lean))})"


def _lean(n: Net) -> int:
    """The default lean's share of a net, in whole millionths."""
    return sum(units(r.net) for r in n.rules if r.lean)


def _of_it(nets: Sequence[Net]) -> str:
    """The default lean's share of these nets, when it has one: a question whose rules are the
    lean's and real ones ("q1 +6" was 3 of the lean's and 3 of a reason's) says how much."""
    lean = sum(map(_lean, nets))
    return f" ({text_of(points(lean))} of it the lean)" if lean else ""


def _reads(reads: tuple[str, ...]) -> str:
    return "+".join(r.removeprefix("probe:") for r in reads) or "always"


def _notes(
    rec: Recommendation, rules: RuleBase, evidence: Evidence | None, width: int | None, fit: Fit
) -> list[str]:
    out = []
    note = confidence_note(rec, rules, fit.swings)
    if note:
        out += wrap(note, width, "", INDENT)
    ignored = rec.ignored
    if fit.each_ignored or len(ignored) < 2:
        for d in ignored:
            out += wrap("Ignored: " + ignored_line(d, rules), width, "", INDENT)
    else:
        text = f"Ignored: {len(ignored)} answers to questions that do not apply (--full says why)."
        out += wrap(text, width, "", INDENT)
    if evidence is not None:
        out += _evidence(rec, rules, evidence, width)
    return out


def _evidence(
    rec: Recommendation, rules: RuleBase, evidence: Evidence, width: int | None
) -> list[str]:
    """On this machine, in a line: how many of the winner's stated needs were verified; then what
    failed, and why the rest were not checked."""
    from recommender.render.evidence import not_checked, state_note

    checked, failed = evidence.checked(rec.winner), evidence.problems(rec.winner)
    text = f"This machine: {len(evidence.verified(rec.winner))} of {len(checked)} stated needs "
    text += "verified" + (f", {len(failed)} failed" if failed else "")
    out = wrap(text + ".", width, "", INDENT)
    for c in failed:
        out += wrap(f"! You need {c.text}: {c.fact} is {c.status}.", width, INDENT, INDENT * 2)
    note = state_note(evidence, rules, rec.winner) if rec.winner else None
    out += wrap(f"! {note}", width, INDENT, INDENT * 2) if note else []
    for line in not_checked(evidence, rules, evidence.unverified(rec.winner)):
        out += wrap(f"– {line}", width, INDENT, INDENT * 2)
    return out + _cluster(rec, evidence, width)


def _cluster(rec: Recommendation, evidence: Evidence, width: int | None) -> list[str]:
    """With ``--ray``, in a line: on how many of the nodes the winner's stated needs hold."""
    if not evidence.nodes:
        return []
    mine = [c for c in evidence.cluster if c.framework == rec.winner]
    every = sum(c.coverage == "all" for c in mine)
    text = (
        f"The Ray cluster ({evidence.nodes} nodes): {every} of {len(mine)} stated needs verified "
        "on every node."
    )
    out = wrap(text, width, "", INDENT)
    for c in mine:
        if c.coverage != "all":
            where = "on no node" if c.coverage == "none" else f"on {len(c.verified)} node(s) only"
            out += wrap(f"! You need {c.text}: {where}.", width, INDENT, INDENT * 2)
    return out


MORE = "More: --full shows the rest."  # where the screen is short of room


def _more(rec: Recommendation, rules: RuleBase) -> str:
    parts = ["every reason with its source"]
    if rec.why_not:
        parts.append(f"why not {name_of(rec.why_not.framework, rules)} question by question")
    parts.append("what would change this")
    return "More: --full shows " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."
