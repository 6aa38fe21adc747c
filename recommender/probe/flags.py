"""Problems in an installation worth a line in a bug report, from probe results and metadata.

Pure: it reads framework results, the installed copies of each framework and the NVIDIA driver.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from recommender.probe.driver import Driver
from recommender.probe.model import FrameworkResult
from recommender.values import Value, frozen
from recommender.versions import Installed, normalized

FLAG_KINDS = ("several-distributions", "version-mismatch", "cuda-driver", "shadowed")


@frozen
class Flag(Value):
    """One finding: which framework, which kind (``FLAG_KINDS``) and what to tell the user."""

    framework: str
    kind: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the report."""
        return asdict(self)


def flags(
    frameworks: Sequence[FrameworkResult],
    copies: Mapping[str, Sequence[Installed]],
    driver: Driver,
) -> tuple[Flag, ...]:
    """Every flag for every framework, in the frameworks' order."""
    found: list[Flag] = []
    for fw in frameworks:
        mine = copies.get(fw.name, ())
        found += [f for f in (_several(fw, mine), _mismatch(fw), _shadowed(fw, mine)) if f]
        found += [f for f in [_cuda(fw, driver)] if f]
    return tuple(found)


def _several(fw: FrameworkResult, copies: Sequence[Installed]) -> Flag | None:
    # a wrapper that depends on another (Windows' tensorflow on tensorflow-intel) is one install
    required = {name for c in copies for name in c.requires}
    if len([c for c in copies if normalized(c.name) not in required]) < 2:
        return None
    listed = ", ".join(f"{c.name} {c.version} ({c.location})" for c in copies)
    return Flag(fw.name, "several-distributions", f"several installed distributions: {listed}")


def _mismatch(fw: FrameworkResult) -> Flag | None:
    runtime = str(fw.runtime.get("version") or "")
    if not fw.version or not runtime or runtime == fw.version:
        return None
    message = f"package metadata says {fw.version}, but the imported module says {runtime}"
    return Flag(fw.name, "version-mismatch", message)


def _shadowed(fw: FrameworkResult, copies: Sequence[Installed]) -> Flag | None:
    file = str(fw.runtime.get("file") or "")
    if not file or not copies:
        return None
    real = os.path.realpath(file)
    if any(real.startswith(os.path.join(c.location, "")) for c in copies):
        return None
    where = ", ".join(dict.fromkeys(c.location for c in copies))
    message = (
        f"imported from {file}, not from where its metadata is installed ({where}): "
        "an editable install, or a path that shadows the installed package"
    )
    return Flag(fw.name, "shadowed", message)


def _cuda(fw: FrameworkResult, driver: Driver) -> Flag | None:
    build = fw.runtime.get("build")
    cuda = str(build.get("cuda") or "") if isinstance(build, Mapping) else ""
    if not cuda:
        return None
    built = f"built with CUDA {cuda}"
    if driver.version is None:
        message = f"{built}, but {driver.detail}: it can only use the CPU"
        return Flag(fw.name, "cuda-driver", message)
    if not driver.cuda or _numbers(cuda) <= _numbers(driver.cuda):
        return None
    supports = f"driver {driver.version} supports CUDA up to {driver.cuda}"
    if _numbers(cuda)[0] > _numbers(driver.cuda)[0]:  # a new major needs a new driver
        message = (
            f"{built}, but {supports}: it cannot use the GPU; update the driver, or install "
            f"a {fw.name} build for CUDA {_numbers(driver.cuda)[0]}"
        )
    else:  # CUDA's minor-version compatibility runs it, except code compiled from PTX
        message = (
            f"{built}, but {supports}: it runs through CUDA minor-version "
            "compatibility, but kernels compiled from PTX at run time may fail; update the driver"
        )
    return Flag(fw.name, "cuda-driver", message)


def _numbers(version: str) -> tuple[int, ...]:
    """``"12.4.1"`` -> (12, 4); a bare major (JAX's ``"12"``) compares on the major alone."""
    return tuple(int(x) for x in re.findall(r"\d+", version)[:2])
