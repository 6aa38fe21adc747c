"""The probe's results as plain dataclasses, their JSON form, and the flat facts rules match against."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

CHECK_STATUSES = ("ok", "failed", "unavailable", "skipped")
# ok: probed and working; absent: not installed; failed: import raised or the child exited with an error;
# crashed: killed by a signal (a segfault); timeout: killed after --timeout seconds.
FRAMEWORK_STATUSES = ("ok", "absent", "failed", "crashed", "timeout")


@dataclass
class CheckResult:
    """One named capability: its status, a one-line detail, how long it took, and any structured data."""

    name: str
    status: str
    detail: str = ""
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrameworkResult:
    """Everything learned about one framework; ``checks`` is in the registry's order."""

    name: str
    installed: bool
    version: str | None
    status: str
    detail: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    companions: list[CheckResult] = field(default_factory=list)
    cached: bool = False
    seconds: float = 0.0

    def check(self, name: str) -> CheckResult | None:
        """The check called ``name``, or None."""
        return next((c for c in [*self.checks, *self.companions] if c.name == name), None)

    @property
    def benchmark(self) -> dict[str, Any]:
        """The micro-benchmark figures (median step time and friends), empty when it did not run."""
        found = self.check("benchmark")
        return found.data if found is not None and found.status == "ok" else {}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FrameworkResult:
        """Rebuild from ``asdict`` output (the cache file)."""
        raw = dict(raw)
        raw["checks"] = [CheckResult(**c) for c in raw.get("checks", [])]
        raw["companions"] = [CheckResult(**c) for c in raw.get("companions", [])]
        return cls(**raw)


@dataclass
class ProbeReport:
    """The probe of several frameworks, with the environment it ran in."""

    frameworks: list[FrameworkResult]
    deep: bool = False
    environment: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> FrameworkResult | None:
        """The result for framework ``name``, or None when it was not probed."""
        return next((f for f in self.frameworks if f.name == name), None)

    def facts(self) -> dict[str, str]:
        """``"framework.check" -> status``, e.g. ``{"pytorch.gpu": "unavailable", "jax.installed": "ok"}``."""
        facts: dict[str, str] = {}
        for fw in self.frameworks:
            facts[f"{fw.name}.installed"] = "ok" if fw.installed else "absent"
            facts[f"{fw.name}.probe"] = fw.status
            for check in [*fw.checks, *fw.companions]:
                facts[f"{fw.name}.{check.name}"] = check.status
        return facts

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the report plus its facts."""
        return {
            "deep": self.deep,
            "environment": self.environment,
            "frameworks": [asdict(f) for f in self.frameworks],
            "facts": self.facts(),
        }

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)
