"""The lint checks, one function each, listed in :data:`CHECKS`; each reads the totals of a walk.

Shares are of real profiles: every answer (and "unanswered") to every question counts once, so a
merged representative counts as many times as the answers it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations

from recommender.lint.report import Finding, LintReport
from recommender.scoring.decide import text_of
from recommender.scoring.table import table_for
from recommender.values import Value, frozen


@frozen
class Check(Value):
    help: str
    run: Callable[[LintReport], Iterable[Finding]]


def _share(part: float, report: LintReport) -> str:
    share = part / report.totals.weight if report.totals.weight else 0.0
    return f"{share:.1%}" if share == 0 or share >= 0.001 else "<0.1%"


def _in(report: LintReport) -> str:
    return "" if report.exhaustive else f" (in the {report.scored:,} sampled profiles)"


def never_wins(report: LintReport) -> Iterable[Finding]:
    t = report.totals
    for i, f in enumerate(report.rules.frameworks):
        if t.wins[i] == 0:
            tie = (
                f"; it only ties for first, in {_share(t.tied[i], report)} of profiles"
                if t.tied[i]
                else ""
            )
            yield Finding(
                "never-wins",
                "warning",
                f'framework "{f.id}" never wins{_in(report)}{tie}',
                f.origin,
                (f"framework:{f.id}",),
            )


def never_true(report: LintReport) -> Iterable[Finding]:
    for i, r in enumerate(report.rules.rules):
        if report.totals.fired[i] == 0:
            yield Finding(
                "never-true",
                "warning",
                f'rule "{r.id}" never fires: its condition holds in no profile{_in(report)}',
                r.origin,
                (f"rule:{r.id}",),
            )


def dead(report: LintReport) -> Iterable[Finding]:
    t = report.totals
    for i, r in enumerate(report.rules.rules):
        if t.fired[i] and t.decisive[i] == 0:
            yield Finding(
                "dead",
                "warning",
                f'rule "{r.id}" is dead: it fires in {_share(t.fired[i], report)} of '
                f"profiles but removing it changes no winner or tie{_in(report)}",
                r.origin,
                (f"rule:{r.id}",),
            )


def no_effect(report: LintReport) -> Iterable[Finding]:
    table = table_for(report.rules)
    picks = {
        q
        for f in report.rules.frameworks
        for c in f.companions
        if c.pick_when is not None
        for q in table.reads(c.pick_when)
    }
    for q in report.rules.questions:
        if q.id in picks:  # it chooses the companion library, not the framework
            continue
        if q.id in report.space.unread:
            why = "no rule or ask_when reads it"
        elif q.id in report.no_effect:
            why = "no change to it alone changes the outcome of any " + (
                "profile" if report.exhaustive else "sampled profile"
            )
        else:
            continue
        yield Finding(
            "no-effect",
            "warning",
            f'question "{q.id}" never changes the winner: {why}',
            q.origin,
            (f"question:{q.id}",),
        )


def opposing(report: LintReport) -> Iterable[Finding]:
    """Rules that fire in exactly the same profiles yet push a framework in opposite directions."""
    t, rules = report.totals, report.rules.rules
    groups: dict[bytes, list[int]] = {}
    for i, key in enumerate(t.fire_keys):
        if t.fired[i]:
            groups.setdefault(key, []).append(i)
    for members in groups.values():
        for a, b in combinations(members, 2):
            clash = [
                (f, t.points[a, k], t.points[b, k])
                for k, f in enumerate(report.rules.framework_ids)
                if t.points[a, k] * t.points[b, k] < 0
            ]
            if clash:
                f, pa, pb = clash[0]
                yield Finding(
                    "opposing",
                    "warning",
                    f'rules "{rules[a].id}" and "{rules[b].id}" fire in exactly the same '
                    f"profiles{_in(report)} and give {f} opposite points ({text_of(pa)} and "
                    f"{text_of(pb)}): merge them",
                    rules[b].origin,
                    (f"rule:{rules[a].id}", f"rule:{rules[b].id}"),
                )


def ties(report: LintReport) -> Iterable[Finding]:
    t = report.totals
    yield Finding(
        "ties",
        "info",
        f"{_share(t.ties, report)} of profiles end in a tie{_in(report)}"
        + (f"; in {_share(t.nothing, report)} every framework is excluded" if t.nothing else ""),
    )


CHECKS: dict[str, Check] = {
    "never-wins": Check("a framework that is the sole winner of no profile", never_wins),
    "never-true": Check("a rule whose condition holds in no profile", never_true),
    "dead": Check("a rule whose removal changes the winner or tie of no profile", dead),
    "no-effect": Check(
        "a question no single answer change of which changes any winner or tie", no_effect
    ),
    "opposing": Check(
        "two rules that fire in the same profiles and give a framework opposite points", opposing
    ),
    "ties": Check("the share of profiles that end in a tie (information)", ties),
}
