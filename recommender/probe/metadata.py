"""Versions and companion libraries from package metadata: nothing here imports a framework."""

from __future__ import annotations

import importlib.machinery
import sys
from collections.abc import Sequence

from recommender.probe.model import CheckResult
from recommender.probe.targets import TARGETS, Companion, ProbeTarget
from recommender.versions import installed_distribution


def installed_version(distributions: Sequence[str], search_path: Sequence[str] = ()) -> str | None:
    """The version of the first of ``distributions`` that is installed, or None."""
    found = installed_distribution(distributions, search_path)
    return found[1] if found else None


def target_version(target: ProbeTarget) -> tuple[bool, str | None]:
    """(installed, version); a module without metadata (a source checkout) counts, version None."""
    version = installed_version(target.distributions, target.search_path)
    if version is not None:
        return True, version
    spec = importlib.machinery.PathFinder.find_spec(
        target.import_name, [*target.search_path, *sys.path]
    )
    return spec is not None, None


def companion_check(companion: Companion, framework: str) -> CheckResult:
    """ok when the companion is installed (and Keras can run on ``framework``), else unavailable."""
    version = installed_version(companion.distributions)
    if version is None:
        return CheckResult(companion.name, "unavailable", f"{companion.name} is not installed")
    note = f" ({companion.note})" if companion.note else ""
    if companion.min_major and _major(version) < companion.min_major:
        return CheckResult(
            companion.name,
            "unavailable",
            f"{companion.name} {version} is installed but runs on {framework} only from "
            f"{companion.min_major}.0",
            data={"version": version},
        )
    backends = _keras_backends() if companion.name == "keras" else []
    extra = f"; backends installed: {', '.join(backends)}" if backends else ""
    return CheckResult(
        companion.name,
        "ok",
        f"{companion.name} {version}{note}{extra}",
        data={"version": version, **({"backends": backends} if backends else {})},
    )


def _keras_backends() -> list[str]:
    return [name for name, target in TARGETS.items() if installed_version(target.distributions)]


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0
