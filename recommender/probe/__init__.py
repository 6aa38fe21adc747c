"""Probe the installed frameworks, each in its own subprocess: what they really do on this machine.

The parent never imports torch, tensorflow or jax: versions come from package metadata, everything
else from child processes that run in parallel under a hard timeout.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from recommender.errors import SIGNAL_POLL
from recommender.probe import cache, environment
from recommender.probe.child import probe_target
from recommender.probe.driver import Driver, detect
from recommender.probe.metadata import companion_check, target_version
from recommender.probe.model import CheckResult, FrameworkResult, ProbeReport
from recommender.probe.progress import Progress, ProgressEvent, silent
from recommender.probe.runner import Supervisor
from recommender.probe.targets import TARGETS, ProbeTarget, resolve

__all__ = [
    "TARGETS",
    "CheckResult",
    "FrameworkResult",
    "ProbeReport",
    "ProbeTarget",
    "ProgressEvent",
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
    progress: Progress = silent,
    driver: Callable[[], Driver] = detect,
) -> ProbeReport:
    """Probe ``frameworks`` (default: every target), using cached results unless ``refresh``.

    An unknown framework name raises ``UserError``; a missing, crashing or hanging one does not.
    ``progress`` hears about each framework as it starts and ends; ``driver`` finds the NVIDIA
    driver.
    """
    targets = TARGETS if targets is None else targets
    names = _names(frameworks, targets)
    timeout = default_timeout(deep) if timeout is None else timeout
    directory = cache.cache_dir(cache_dir)
    known, todo = _known(names, targets, deep, refresh, directory, progress)
    probed = _probe_all(todo, targets, deep=deep, timeout=timeout, progress=progress)
    for name, version in todo:
        # a crash or timeout may be transient: only a clean probe is kept
        if probed[name].status == "ok":
            key = cache.cache_key(name, version, deep, targets[name])
            cache.store(directory, key, probed[name])
    results = [_with_companions({**known, **probed}[n], targets[n]) for n in names]
    copies = environment.copies_of(targets, names)
    env = environment.report(results, copies, driver())
    return ProbeReport(tuple(results), deep=deep, environment=env)


def _names(frameworks: Iterable[str] | None, targets: Mapping[str, ProbeTarget]) -> list[str]:
    if frameworks is None:
        return list(targets)
    return list(dict.fromkeys(resolve(n, targets) for n in frameworks))


def _known(
    names: list[str],
    targets: Mapping[str, ProbeTarget],
    deep: bool,
    refresh: bool,
    directory: Path,
    progress: Progress,
) -> tuple[dict[str, FrameworkResult], list[tuple[str, str | None]]]:
    """Results that need no child (absent or cached), and the (name, version) pairs to probe."""
    known: dict[str, FrameworkResult] = {}
    todo: list[tuple[str, str | None]] = []
    for name in names:
        installed, version = target_version(targets[name])
        key = cache.cache_key(name, version, deep, targets[name])
        fresh = refresh or not installed
        hit = None if fresh else cache.load(directory, key, targets[name].checks)
        if not installed:
            known[name] = FrameworkResult(name, False, None, "absent", "not installed")
        elif hit is not None:
            known[name] = hit
        else:
            todo.append((name, version))
            continue
        progress(ProgressEvent(name, "done", "cached" if hit else "absent"))
    return known, todo


def _with_companions(result: FrameworkResult, target: ProbeTarget) -> FrameworkResult:
    return result.but(companions=tuple(companion_check(c, result.name) for c in target.companions))


def _probe_all(
    todo: list[tuple[str, str | None]],
    targets: Mapping[str, ProbeTarget],
    *,
    deep: bool,
    timeout: float,
    progress: Progress,
) -> dict[str, FrameworkResult]:
    """Probe in parallel; on any exception (Ctrl-C, SIGTERM) every child's tree is killed first."""
    if not todo:
        return {}
    supervisor = Supervisor()
    with (
        tempfile.TemporaryDirectory(prefix="recommender-probe-", ignore_cleanup_errors=True) as tmp,
        ThreadPoolExecutor(max_workers=len(todo)) as pool,
    ):
        lock = str(Path(tmp) / "benchmark.lock")
        futures: dict[Future[FrameworkResult], str] = {}
        try:
            for name, version in todo:
                progress(ProgressEvent(name, "start"))
                future = pool.submit(
                    probe_target,
                    targets[name],
                    version,
                    deep=deep,
                    timeout=timeout,
                    lock=lock,
                    supervisor=supervisor,
                )
                futures[future] = name
            return _collect(futures, progress)
        except BaseException:  # the children run in their own sessions: nothing else will stop them
            supervisor.stop()
            raise


def _collect(
    futures: dict[Future[FrameworkResult], str], progress: Progress
) -> dict[str, FrameworkResult]:
    """Each result as it comes, waiting in slices so that a signal is seen (``SIGNAL_POLL``)."""
    results = {}
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=SIGNAL_POLL, return_when=FIRST_COMPLETED)
        for future in (f for f in futures if f in done):  # those of one slice in probe order
            result = results[futures[future]] = future.result()
            progress(ProgressEvent(result.name, "done", result.status, result.seconds))
    return results
