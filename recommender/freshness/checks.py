"""The flag rules: what the index can contradict, one function each, listed in :data:`CHECKS`.

Each check reads one claim and the index's entry for its package on a given day, and returns the
message of a finding or None. Dates in the knowledge are periods ("2024", "2024-03", "2024-03-05"):
a claim is older than a release only when its whole period ends before the release day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

from recommender.freshness.claims import Claim
from recommender.freshness.index import Entry, normalize
from recommender.freshness.releases import Upload, newer_than
from recommender.values import Value, frozen

ACTIVE_STALE_MONTHS = 18  # "active" with no release for this long is contradicted
QUIET_RELEASED_MONTHS = 3  # "inactive" or "maintenance" with a release this recent is contradicted
_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@frozen
class Finding(Value):
    """A claim the index contradicts: which check, the claim, and what to do about it."""

    check: str
    claim: Claim
    message: str


@frozen
class Context(Value):
    """What a check may know beyond its claim: the day, and the packages some claim marks active."""

    today: date
    active: frozenset[str]  # normalized names


Check = Callable[[Claim, Entry, Context], "str | None"]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the month's end (31 May - 3 months = 28 Feb)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def period_end(as_of: str) -> date | None:
    """The last day of an ``as_of`` period; None if it is no date (undated claims go unchecked)."""
    match = _PERIOD.fullmatch(as_of.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2] or 12)
    try:
        return date(year, month, int(match[3] or calendar.monthrange(year, month)[1]))
    except ValueError:  # month 13, day 32, year 0 (IllegalMonthError is a ValueError)
        return None


def _released(entry: Entry) -> Upload | None:
    """The latest release, if the index dated it."""
    latest = entry.releases.latest if entry.releases else None
    return latest if latest and latest.at else None


def _as_of(claim: Claim) -> str:
    return f" (as of {claim.as_of})" if claim.as_of else ""


def active_but_stale(claim: Claim, entry: Entry, context: Context) -> str | None:
    if claim.status != "active" or entry.state != "found" or not entry.releases:
        return None
    latest = entry.releases.latest
    if latest is None:
        return (
            f"marked active{_as_of(claim)}, but the index has no final release of {claim.package}"
        )
    if latest.at is None or latest.at.date() >= months_before(context.today, ACTIVE_STALE_MONTHS):
        return None
    return (
        f"marked active{_as_of(claim)}, but {claim.package}'s latest release, {latest.version}, "
        f"is from {latest.at:%Y-%m-%d}: none in {ACTIVE_STALE_MONTHS} months"
    )


def quiet_but_released(claim: Claim, entry: Entry, context: Context) -> str | None:
    """Skipped when another claim marks the package active: then the quiet status is about an API
    inside a live package (Flax Linen inside flax), which its releases cannot contradict."""
    latest = _released(entry)
    if claim.status not in ("inactive", "maintenance") or latest is None or latest.at is None:
        return None
    recent = latest.at.date() >= months_before(context.today, QUIET_RELEASED_MONTHS)
    if not recent or entry.package in context.active:
        return None
    return (
        f"marked {claim.status}{_as_of(claim)}, but {claim.package} {latest.version} was released "
        f"on {latest.at:%Y-%m-%d}, within {QUIET_RELEASED_MONTHS} months"
    )


def older_than_release(claim: Claim, entry: Entry, context: Context) -> str | None:
    """The claim was dated, or checked against a version, before the latest release."""
    latest = _released(entry)
    if latest is None or latest.at is None:
        return None
    end = period_end(claim.as_of) if claim.as_of else None
    reasons = [
        *([f"dated {claim.as_of}"] if end and end < latest.at.date() else []),
        *(
            [f"checked against {claim.version}"]
            if newer_than(latest.version, claim.version)
            else []
        ),
    ]
    if not reasons:
        return None
    return (
        f"{' and '.join(reasons)}, before {claim.package} {latest.version} "
        f"({latest.at:%Y-%m-%d}): re-check this claim"
    )


def not_on_index(claim: Claim, entry: Entry, context: Context) -> str | None:
    if entry.state != "missing":
        return None
    return f"{claim.package} is not on the index: check the package name"


CHECKS: dict[str, Check] = {
    "active-stale": active_but_stale,
    "quiet-released": quiet_but_released,
    "older-than-release": older_than_release,
    "not-on-index": not_on_index,
}


def find(claims: tuple[Claim, ...], entries: dict[str, Entry], today: date) -> tuple[Finding, ...]:
    """Every finding, claim by claim, check by check (the order of :data:`CHECKS`)."""
    active = frozenset(normalize(c.package) for c in claims if c.status == "active")
    context = Context(today, active)
    out = []
    for claim in claims:
        entry = entries[normalize(claim.package)]
        for name, check in CHECKS.items():
            message = check(claim, entry, context)
            if message:
                out.append(Finding(name, claim, message))
    return tuple(out)
