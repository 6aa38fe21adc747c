"""The probe's results as frozen values, their JSON form, and the flat facts rules match against."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, field, replace
from typing import Any

from recommender.values import Value, frozen

SCHEMA_VERSION = 1  # of the JSON output; recommender/schemas/probe.schema.json describes it
CHECK_STATUSES = ("ok", "failed", "unavailable", "skipped")
# ok: probed and working; absent: not installed; failed: the import raised or the child exited with
# an error; crashed: killed by a signal (a segfault); timeout: killed after --timeout seconds.
FRAMEWORK_STATUSES = ("ok", "absent", "failed", "crashed", "timeout")


@frozen
class CheckResult(Value):
    """One named capability: its status, a one-line detail, its time, and any structured data."""

    name: str
    status: str
    detail: str = ""
    seconds: float = 0.0
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: object) -> CheckResult:
        """Rebuild from ``asdict`` output; anything of the wrong shape raises ValueError."""
        raw = _mapping(raw, "check", CHECK_FIELDS)
        return cls(
            _get(raw, "name", str),
            _get(raw, "status", str),
            _get(raw, "detail", str, ""),
            float(_get(raw, "seconds", (int, float), 0.0)),
            _get(raw, "data", dict, {}),
        )


@frozen
class FrameworkResult(Value):
    """Everything learned about one framework; ``checks`` is in the registry's order.

    ``runtime`` is what the child saw after importing: the module's file, the shared libraries it
    loaded and the CUDA/cuDNN versions it was built with.
    """

    name: str
    installed: bool
    version: str | None
    status: str
    detail: str = ""
    checks: tuple[CheckResult, ...] = ()
    companions: tuple[CheckResult, ...] = ()
    cached: bool = False
    seconds: float = 0.0
    runtime: Mapping[str, Any] = field(default_factory=dict)

    def check(self, name: str) -> CheckResult | None:
        """The check called ``name``, or None."""
        return next((c for c in (*self.checks, *self.companions) if c.name == name), None)

    @property
    def benchmark(self) -> Mapping[str, Any]:
        """The micro-benchmark figures (median step time and friends), empty when it did not run."""
        found = self.check("benchmark")
        return found.data if found is not None and found.status == "ok" else {}

    def but(self, **changes: Any) -> FrameworkResult:
        """A copy with ``changes``."""
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, raw: object) -> FrameworkResult:
        """Rebuild from ``to_dict`` output (the cache file); a wrong shape raises ValueError."""
        raw = _mapping(raw, "framework", FRAMEWORK_FIELDS)
        version = raw.get("version")
        if version is not None and not isinstance(version, str):
            raise ValueError("version is not a string")
        return cls(
            _get(raw, "name", str),
            _get(raw, "installed", bool),
            version,
            _get(raw, "status", str),
            _get(raw, "detail", str, ""),
            tuple(CheckResult.from_dict(c) for c in _get(raw, "checks", list, [])),
            tuple(CheckResult.from_dict(c) for c in _get(raw, "companions", list, [])),
            _get(raw, "cached", bool, False),
            float(_get(raw, "seconds", (int, float), 0.0)),
            _get(raw, "runtime", dict, {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, not tuples)."""
        data: dict[str, Any] = plain(asdict(self))
        return data


@frozen
class ProbeReport(Value):
    """The probe of several frameworks, and the environment it ran in (``environment.report``)."""

    frameworks: tuple[FrameworkResult, ...]
    deep: bool = False
    environment: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> FrameworkResult | None:
        """The result for framework ``name``, or None when it was not probed."""
        return next((f for f in self.frameworks if f.name == name), None)

    def facts(self) -> dict[str, str]:
        """``"framework.check" -> status``: ``{"pytorch.gpu": "unavailable", "jax.jit": "ok"}``."""
        return facts_of(self.frameworks)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the report plus its facts; the shape of ``--format json``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "machine",
            "deep": self.deep,
            "environment": plain(self.environment),
            "frameworks": [f.to_dict() for f in self.frameworks],
            "facts": self.facts(),
        }

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, raw: object) -> ProbeReport:
        """Rebuild from ``to_dict`` output (a cluster node's answer); a wrong shape: ValueError."""
        raw = _mapping(raw, "report", REPORT_FIELDS)
        if raw.get("schema_version") != SCHEMA_VERSION or raw.get("kind") != "machine":
            raise ValueError(f"not a version {SCHEMA_VERSION} machine report")
        return cls(
            tuple(FrameworkResult.from_dict(f) for f in _get(raw, "frameworks", list)),
            _get(raw, "deep", bool, False),
            _get(raw, "environment", dict, {}),
        )


CHECK_FIELDS = frozenset(CheckResult.__dataclass_fields__)
FRAMEWORK_FIELDS = frozenset(FrameworkResult.__dataclass_fields__)
REPORT_FIELDS = frozenset(("schema_version", "kind", "deep", "environment", "frameworks", "facts"))


def facts_of(frameworks: tuple[FrameworkResult, ...]) -> dict[str, str]:
    """The flat facts of some framework results (one machine's, or one node's)."""
    facts: dict[str, str] = {}
    for fw in frameworks:
        facts[f"{fw.name}.installed"] = "ok" if fw.installed else "absent"
        facts[f"{fw.name}.probe"] = fw.status
        for check in (*fw.checks, *fw.companions):
            facts[f"{fw.name}.{check.name}"] = check.status
    return facts


def plain(value: Any) -> Any:
    """JSON-ready data: tuples as lists, and NaN or infinity (which JSON cannot hold) as None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mapping(raw: object, what: str, fields: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"{what} is not an object")
    if not raw.keys() <= fields:
        raise ValueError(f"{what} has unknown fields: {sorted(raw.keys() - fields)}")
    return raw


def _get(raw: Mapping[str, Any], key: str, kind: Any, *default: Any) -> Any:
    if key not in raw and default:
        return default[0]
    value = raw.get(key)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{key} has the wrong type")
    return value
