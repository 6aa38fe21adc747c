"""Run the probe on every alive node at once and keep whatever comes back: a node that fails, times
out or leaves mid-run becomes a row with that status, never an abort."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from recommender.errors import UserError, install_hint
from recommender.probe import default_timeout
from recommender.probe.cluster.backend import Backend, NodeInfo, Outcome
from recommender.probe.cluster.consistency import differences
from recommender.probe.cluster.model import ClusterReport, NodeResult
from recommender.probe.cluster.node import NodeRequest
from recommender.probe.model import ProbeReport
from recommender.probe.progress import Progress, ProgressEvent, silent
from recommender.probe.targets import TARGETS, ProbeTarget, resolve
from recommender.values import Value, frozen

# the ray extra, installed from the checkout as scripts/test does: recommender is not on PyPI
RAY_HINT = f"--ray needs the ray package: {install_hint('ray')}"
GRACE = 60.0  # seconds a node may take beyond --timeout: starting a worker, reading metadata
CANCEL_WAIT = 5.0  # seconds a polite cancel gets before the worker is killed
POLL = 1.0  # seconds between checks that the nodes still probing are alive


def probe_cluster(
    address: str,
    frameworks: Iterable[str] | None = None,
    *,
    deep: bool = False,
    refresh: bool = False,
    timeout: float | None = None,
    targets: Mapping[str, ProbeTarget] | None = None,
    cache_dir: str | None = None,
    progress: Progress = silent,
    grace: float = GRACE,
    cancel_wait: float = CANCEL_WAIT,
    backend: Backend | None = None,
) -> ClusterReport:
    """Probe every node alive at ``address`` in parallel, each as ``run_probe`` would there.

    ``backend`` is the seam to the cluster (default: Ray, imported only here). Each node has
    ``timeout`` plus ``grace`` seconds to answer; a node cancelled then has ``cancel_wait`` seconds
    to end its children before its worker is killed.
    """
    known = TARGETS if targets is None else targets
    names = None
    if frameworks is not None:  # checked here, before any connection
        names = tuple(dict.fromkeys(resolve(n, known) for n in frameworks))
    timeout = default_timeout(deep) if timeout is None else timeout
    request = NodeRequest(names, deep, refresh, timeout, targets, cache_dir)
    start = time.perf_counter()
    with backend or ray_backend(address) as connected:
        limits = Limits(timeout + grace, cancel_wait)
        nodes = _run(connected, connected.nodes(), request, limits, progress)
    return ClusterReport(address, nodes, time.perf_counter() - start, deep, differences(nodes))


def ray_backend(address: str) -> Backend:
    """The Ray backend; without ray, or with a ray that does not import, a one-line ``UserError``
    that says which."""
    try:
        from recommender.probe.cluster.ray_backend import RayBackend
    except ModuleNotFoundError as exc:
        if exc.name != "ray":  # one of ray's own modules or dependencies is missing
            raise UserError(f"ray is installed but does not import: {_first(exc)}") from None
        raise UserError(RAY_HINT) from None
    except Exception as exc:  # a broken install: a missing library, a protobuf that does not fit
        raise UserError(f"ray is installed but does not import: {_first(exc)}") from None
    return RayBackend(address)


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:300]


@frozen
class Limits(Value):
    """Seconds a node has to answer, and then to end its children once cancelled."""

    answer: float
    cancel: float


def _run(
    backend: Backend,
    nodes: list[NodeInfo],
    request: NodeRequest,
    limits: Limits,
    progress: Progress,
) -> tuple[NodeResult, ...]:
    started = time.perf_counter()
    pending: dict[Any, NodeInfo] = {}
    try:
        for node in nodes:
            progress(ProgressEvent(_label(node), "start"))
            pending[backend.start(node, request)] = node
        results = _gather(backend, pending, started, limits, progress)
    except BaseException:  # Ctrl-C or SIGTERM: ask every node to end its children before leaving
        _cancel(backend, pending, limits.cancel)
        raise
    return tuple(results[n.node] for n in nodes)


def _gather(
    backend: Backend,
    pending: dict[Any, NodeInfo],
    started: float,
    limits: Limits,
    progress: Progress,
) -> dict[str, NodeResult]:
    results: dict[str, NodeResult] = {}

    def finish(handle: Any, outcome: Outcome) -> None:
        node = pending.pop(handle)
        result = results[node.node] = _result(node, outcome, time.perf_counter() - started)
        progress(ProgressEvent(_label(node), "done", result.status, result.seconds))

    while pending and (left := limits.answer - (time.perf_counter() - started)) > 0:
        for handle in backend.wait(pending, min(POLL, left)):
            finish(handle, backend.outcome(handle, pending[handle]))
        alive = backend.alive() if pending else set()
        for handle in [h for h, n in pending.items() if n.node not in alive]:
            finish(handle, Outcome("lost", "the node left the cluster while probing"))
    _cancel(backend, pending, limits.cancel)
    for handle in list(pending):
        finish(handle, Outcome("timeout", f"no answer within {limits.answer:g} s"))
    return results


def _cancel(backend: Backend, pending: Mapping[Any, NodeInfo], wait: float) -> None:
    """Politely first (the node's probe kills its children's trees), then by killing the worker."""
    if not pending:
        return
    for handle in pending:
        backend.cancel(handle, force=False)
    left = list(pending)
    deadline = time.perf_counter() + wait
    while left and time.perf_counter() < deadline:
        done = backend.wait(left, deadline - time.perf_counter())
        left = [h for h in left if h not in done]
    for handle in left:
        backend.cancel(handle, force=True)


def _result(node: NodeInfo, outcome: Outcome, elapsed: float) -> NodeResult:
    base = (node.node, node.ip, node.hostname, dict(node.resources))
    if outcome.status != "ok" or outcome.payload is None:
        return NodeResult(*base, outcome.status, outcome.detail, elapsed)
    try:
        report = ProbeReport.from_dict(outcome.payload.get("report"))
        seconds = float(outcome.payload.get("seconds", elapsed))
    except (ValueError, TypeError) as exc:
        return NodeResult(*base, "failed", f"the node's report is unreadable: {exc}", elapsed)
    hostname = str(outcome.payload.get("hostname") or node.hostname)
    return NodeResult(node.node, node.ip, hostname, dict(node.resources), "ok", "", seconds, report)


def _label(node: NodeInfo) -> str:
    return f"node {node.node[:8]} ({node.ip})"
