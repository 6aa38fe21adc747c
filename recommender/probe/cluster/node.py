"""What runs on each node, inside a Ray worker: the one-machine probe, sent back as plain data.

Nothing here imports ray. The node imports this module by name: recommender must be installed there.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Mapping
from typing import Any

from recommender.probe import run_probe
from recommender.probe.targets import ProbeTarget
from recommender.values import Value, frozen


@frozen
class NodeRequest(Value):
    """What every node probes: the same frameworks, options and timeout as a one-machine probe.

    ``targets`` None means each node's own registry (its own paths); tests send fakes.
    """

    frameworks: tuple[str, ...] | None
    deep: bool
    refresh: bool
    timeout: float
    targets: Mapping[str, ProbeTarget] | None = None
    cache_dir: str | None = None


def probe_node(request: NodeRequest) -> dict[str, Any]:
    """Probe this node: its report as ``ProbeReport.to_dict()`` data, and its own wall time."""
    start = time.perf_counter()
    report = run_probe(
        request.frameworks,
        deep=request.deep,
        refresh=request.refresh,
        timeout=request.timeout,
        targets=request.targets,
        cache_dir=request.cache_dir,
    )
    return {
        "report": report.to_dict(),
        "seconds": time.perf_counter() - start,
        "hostname": platform.node(),
        "pid": os.getpid(),
    }
