"""The NVIDIA driver on this machine, read without importing a framework.

``/proc/driver/nvidia/version`` says whether a driver is loaded, and which. ``nvidia-smi``, when
present, is run (with a timeout, through the one subprocess helper) for the newest CUDA version the
driver supports.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from recommender.fileio import read_bounded
from recommender.probe.runner import RunResult, run_command
from recommender.values import Value, frozen

PROC_VERSION = Path("/proc/driver/nvidia/version")
SMI_TIMEOUT = 15.0
SMI_TAIL = 16000  # the header holds the versions; the tail keeps the end, so keep it all
_KERNEL_MODULE = re.compile(rb"Kernel Module\s+(?:for\s+\S+\s+)?([0-9][0-9.]+)")
_SMI_DRIVER = re.compile(r"Driver Version:\s*([0-9][0-9.]+)")
_SMI_CUDA = re.compile(r"CUDA Version:\s*([0-9][0-9.]+)")


@frozen
class Driver(Value):
    """The driver's version, the newest CUDA it supports, and where that was read."""

    version: str | None = None
    cuda: str | None = None
    source: str = ""
    detail: str = "no NVIDIA driver"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the report."""
        return {
            "version": self.version,
            "cuda": self.cuda,
            "source": self.source,
            "detail": self.detail,
        }


def detect(proc_version: Path = PROC_VERSION, smi: Sequence[str] | None = None) -> Driver:
    """The NVIDIA driver, or ``Driver()`` ("no NVIDIA driver"); ``smi``: the nvidia-smi command."""
    found = read_bounded(proc_version, 4096)
    module = _KERNEL_MODULE.search(found[0]) if found else None
    if smi is None:
        path = shutil.which("nvidia-smi")
        smi = [path] if path else []
    if found is None and not smi:
        return Driver()
    version = module.group(1).decode() if module else None
    return _from_smi(smi, version) if smi else _proc_only(version)


def _proc_only(version: str | None) -> Driver:
    detail = f"NVIDIA driver {version}; nvidia-smi not found, so its CUDA version is unknown"
    return Driver(version, None, str(PROC_VERSION), detail)


def _from_smi(smi: Sequence[str], version: str | None) -> Driver:
    run = run_command(list(smi), timeout=SMI_TIMEOUT, tail=SMI_TAIL)
    driver, cuda = _SMI_DRIVER.search(run.stdout), _SMI_CUDA.search(run.stdout)
    if driver is None:
        return _proc_only(version) if version else Driver(detail=f"no NVIDIA driver ({_why(run)})")
    found, supports = driver.group(1), cuda.group(1) if cuda else None
    upto = f", supports CUDA up to {supports}" if supports else ""
    return Driver(found, supports, "nvidia-smi", f"NVIDIA driver {found}{upto}")


def _why(run: RunResult) -> str:
    lines = [line.strip() for line in run.stdout.splitlines() if line.strip()]
    return f"nvidia-smi: {run.error or (lines[-1][:200] if lines else f'exit {run.returncode}')}"
