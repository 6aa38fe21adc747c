"""One freshness run: the claims, the index's answers, the findings, and the exit code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from recommender.errors import UserError
from recommender.freshness.checks import find
from recommender.freshness.claims import claims_from
from recommender.freshness.fetch import Fetch
from recommender.freshness.index import Entry, look_up_all
from recommender.freshness.pipconf import PYPI, IndexChoice
from recommender.freshness.report import Report, undated
from recommender.rulebase.model import RuleBase


def freshness(
    rules: RuleBase, index: IndexChoice, today: date, fetch: Fetch, deadline: float
) -> Report:
    """Ask ``index`` (through ``fetch``, until ``deadline``) about every package the rules name."""
    claims = claims_from(rules)
    entries = look_up_all(fetch, index.url, (c.package for c in claims), deadline)
    return Report(index, today, claims, tuple(entries.values()), find(claims, entries, today))


def conclude(report: Report, text: str, emit: Callable[[str], None]) -> int:
    """Emit ``text`` (the rendered report); the exit code is 0 when all is clear, 1 if flagged.

    UserError (exit 2, one line) when the index could not be asked: instead of the report when it
    dated no package at all, after the report when it failed for some.
    """
    unchecked, entries = report.unchecked, report.entries
    if entries and not any(e.state == "found" and not undated(e) for e in entries):
        if unchecked:
            raise UserError(_nothing_checked(report))
        raise UserError(
            f"{_where(report)} has none of the {len(entries)} packages: "
            "is it a simple index (a URL ending in /simple/)?"
        )
    emit(text)
    if unchecked:
        more = f" (and {len(unchecked) - 1} more)" if len(unchecked) > 1 else ""
        raise UserError(
            f"{len(unchecked)} of {len(entries)} packages could not be checked at "
            f"{report.index.shown}: {_problem(unchecked[0])}{more}"
        )
    return 1 if report.findings else 0


def _where(report: Report) -> str:
    return f"the package index {report.index.shown} ({report.index.origin})"


def _problem(entry: Entry) -> str:
    return f"{entry.package}: {entry.problem or 'no upload-time (PEP 700)'}"


def _nothing_checked(report: Report) -> str:
    """One line for a run that learnt nothing: no answer, no dates, or only bad answers."""
    unreachable = [e for e in report.unchecked if e.state == "unreachable"]
    if unreachable:
        return f"cannot reach {_where(report)}: {unreachable[0].problem}"
    if all(undated(e) for e in report.unchecked):
        return (
            f"{_where(report)} gives no upload-time (PEP 700), so no release can be dated; "
            f"try --index-url {PYPI}"
        )
    bad = next(e for e in report.unchecked if e.state == "error")
    return f"cannot use {_where(report)}: {_problem(bad)}"
