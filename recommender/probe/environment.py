"""The environment report of one machine: interpreter, platform, NVIDIA driver, installed copies of
each framework, the variables that matter (secrets redacted), and the flags raised on all of it."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from recommender.probe.driver import Driver
from recommender.probe.envvars import reported
from recommender.probe.flags import flags
from recommender.probe.model import FrameworkResult
from recommender.probe.targets import ProbeTarget
from recommender.versions import Installed, installed_copies


def copies_of(
    targets: Mapping[str, ProbeTarget], names: Sequence[str]
) -> dict[str, list[Installed]]:
    """Every installed copy of each named framework's distributions."""
    return {n: installed_copies(targets[n].distributions, targets[n].search_path) for n in names}


def report(
    frameworks: Sequence[FrameworkResult],
    copies: Mapping[str, Sequence[Installed]],
    driver: Driver,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The environment section of a probe report, as plain data."""
    return {
        **machine(),
        "driver": driver.to_dict(),
        "distributions": {name: [_copy(c) for c in found] for name, found in copies.items()},
        "variables": reported(os.environ if env is None else env),
        "flags": [f.to_dict() for f in flags(frameworks, copies, driver)],
    }


def _copy(installed: Installed) -> dict[str, str]:
    return {"name": installed.name, "version": installed.version, "location": installed.location}


def machine() -> dict[str, str]:
    """The interpreter and the platform."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "node": platform.node(),
        "machine": platform.machine(),
        "system": platform.system(),
        "release": platform.release(),
    }
