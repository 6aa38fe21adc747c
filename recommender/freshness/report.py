"""The outcome of one freshness run as a value, and its JSON contract (``schema_version`` 1)."""

from __future__ import annotations

from datetime import date, datetime

from recommender.freshness.checks import (
    ACTIVE_STALE_MONTHS,
    CHECKS,
    QUIET_RELEASED_MONTHS,
    Finding,
)
from recommender.freshness.claims import Claim
from recommender.freshness.index import Entry, normalize
from recommender.freshness.pipconf import IndexChoice
from recommender.freshness.releases import Upload
from recommender.values import Value, frozen

SCHEMA_VERSION = 1


@frozen
class Report(Value):
    """The index asked, the day, every claim, the entry for each package, and the findings."""

    index: IndexChoice
    today: date
    claims: tuple[Claim, ...]
    entries: tuple[Entry, ...]  # one per package, in the order the claims first name them
    findings: tuple[Finding, ...]

    @property
    def unchecked(self) -> tuple[Entry, ...]:
        """Entries the index could not answer for, or answered without dating the latest release."""
        return tuple(e for e in self.entries if e.state in ("error", "unreachable") or undated(e))

    def claims_on(self, entry: Entry) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if normalize(c.package) == entry.package)

    def findings_on(self, entry: Entry) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if normalize(f.claim.package) == entry.package)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "today": self.today.isoformat(),
            "index": {"url": self.index.shown, "from": self.index.origin, "note": self.index.note},
            "thresholds": {
                "active_stale_months": ACTIVE_STALE_MONTHS,
                "quiet_released_months": QUIET_RELEASED_MONTHS,
            },
            "checks": list(CHECKS),
            "packages": [self._package(e) for e in self.entries],
            "findings": [_finding(f) for f in self.findings],
            "summary": {
                "packages": len(self.entries),
                "claims": len(self.claims),
                "findings": len(self.findings),
                "unchecked": len(self.unchecked),
            },
        }

    def _package(self, entry: Entry) -> dict:
        releases = entry.releases
        return {
            "package": entry.package,
            "state": entry.state,
            "problem": entry.problem or None,
            "latest": _upload(releases.latest if releases else None),
            "newest_upload": _upload(releases.newest if releases else None),
            "files": releases.files if releases else 0,
            "undated_files": releases.undated if releases else 0,
            "claims": [_claim(c) for c in self.claims_on(entry)],
        }


def undated(entry: Entry) -> bool:
    """Found, but the index gives no upload-time for its latest release (no PEP 700)."""
    latest = entry.releases.latest if entry.releases else None
    return entry.state == "found" and latest is not None and latest.at is None


def _upload(upload: Upload | None) -> dict | None:
    if upload is None:
        return None
    return {"version": upload.version, "uploaded": _time(upload.at)}


def _time(at: datetime | None) -> str | None:
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _claim(claim: Claim) -> dict:
    return {
        "package": claim.package,
        "subject": claim.subject,
        "origin": claim.origin or None,
        "status": claim.status or None,
        "as_of": claim.as_of or None,
        "version": claim.version or None,
    }


def _finding(finding: Finding) -> dict:
    return {"check": finding.check, **_claim(finding.claim), "message": finding.message}
