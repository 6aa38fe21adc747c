"""Probe the installed frameworks, each in its own subprocess, and report what they really do on this machine.

The parent never imports torch, tensorflow or jax: versions come from package metadata, and everything else from
child processes that run in parallel under a hard timeout.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from recommender.probe import cache
from recommender.probe.child import probe_target
from recommender.probe.metadata import companion_check, target_version
from recommender.probe.model import CheckResult, FrameworkResult, ProbeReport
from recommender.probe.runner import kill_running
from recommender.probe.targets import TARGETS, ProbeTarget, resolve

__all__ = [
    "TARGETS",
    "CheckResult",
    "FrameworkResult",
    "ProbeReport",
    "ProbeTarget",
    "default_timeout",
    "run_probe",
]


def default_timeout(deep: bool) -> float:
    """Seconds each child may run: torch.compile alone needs ~16 s per compiled function on CPU."""
    return 300.0 if deep else 60.0


def run_probe(
    frameworks: Iterable[str] | None = None,
    *,
    deep: bool = False,
    refresh: bool = False,
    timeout: float | None = None,
    targets: Mapping[str, ProbeTarget] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> ProbeReport:
    """Probe ``frameworks`` (default: every target), using cached results unless ``refresh``.

    An unknown framework name raises ``UserError``; a framework that is missing, crashes or hangs does not.
    """
    targets = TARGETS if targets is None else targets
    names = (
        list(targets)
        if frameworks is None
        else list(dict.fromkeys(resolve(n, targets) for n in frameworks))
    )
    timeout = default_timeout(deep) if timeout is None else timeout
    directory = cache.cache_dir(cache_dir)
    results: dict[str, FrameworkResult] = {}
    to_probe: list[tuple[str, str | None]] = []
    for name in names:
        installed, version = target_version(targets[name])
        if not installed:
            results[name] = FrameworkResult(name, False, None, "absent", "not installed")
            continue
        hit = None if refresh else cache.load(directory, cache.cache_key(name, version, deep))
        if hit is not None:
            results[name] = hit
        else:
            to_probe.append((name, version))
    results.update(_probe_all(to_probe, targets, deep=deep, timeout=timeout, directory=directory))
    for name in names:
        results[name].companions = [companion_check(c, name) for c in targets[name].companions]
    return ProbeReport([results[n] for n in names], deep=deep, environment=_environment())


def _probe_all(
    todo: list[tuple[str, str | None]],
    targets: Mapping[str, ProbeTarget],
    *,
    deep: bool,
    timeout: float,
    directory: Path,
) -> dict[str, FrameworkResult]:
    if not todo:
        return {}
    with (
        tempfile.TemporaryDirectory(prefix="recommender-probe-", ignore_cleanup_errors=True) as tmp,
        ThreadPoolExecutor(max_workers=len(todo)) as pool,
    ):
        lock = str(Path(tmp) / "benchmark.lock")
        futures = {
            name: pool.submit(
                probe_target, targets[name], version, deep=deep, timeout=timeout, lock=lock
            )
            for name, version in todo
        }
        try:
            results = {name: future.result() for name, future in futures.items()}
        except (
            BaseException
        ):  # Ctrl-C: the children do not get the SIGINT, so stop them before the pool waits
            kill_running()
            raise
    for (name, version), result in zip(todo, results.values()):
        if result.status == "ok":  # a crash or timeout may be transient: probe again next time
            cache.store(directory, cache.cache_key(name, version, deep), result)
    return results


def _environment() -> dict[str, str]:
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "node": platform.node(),
        "machine": platform.machine(),
        "system": platform.system(),
    }
