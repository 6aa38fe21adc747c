"""The Ray backend of the cluster probe: the only module that imports ray, under ``probe --ray``.

Each node gets one task, pinned with ``NodeAffinitySchedulingStrategy(node_id, soft=False)``. It
needs no CPU (so it runs beside a busy training job instead of queueing behind it) and is never
retried elsewhere.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Collection, Iterator
from types import TracebackType
from typing import Any

import ray
import ray.exceptions as rex
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from recommender.errors import (
    SIGNAL_POLL,
    STOP_SIGNALS,
    USER_STOPS,
    Terminated,
    UserError,
    stop_taken,
)
from recommender.probe.cluster.backend import NodeInfo, Outcome
from recommender.probe.cluster.gcs import not_gcs
from recommender.probe.cluster.node import NodeRequest, probe_node

CONNECT_TIMEOUT = 5.0  # seconds for the TCP check of the head's GCS port
# seconds ray.init may take (about 2 s here): it waits for ever on a GCS that stops answering
CONNECT_DEADLINE = 20.0
QUIET = {"RAY_BACKEND_LOG_LEVEL": "error"}  # Ray's C++ log, for the connection only
LOOPBACK_HINT = (
    " (Ray dials this machine's address for 127.0.0.1; for a cluster bound to loopback only,"
    " set RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0)"
)
_LOST = (rex.NodeDiedError, rex.LocalRayletDiedError, rex.TaskUnschedulableError)
_probe_node = ray.remote(probe_node)


class RayBackend:
    """Connects to an existing cluster at ``address``; starts nothing on it but the probe tasks."""

    def __init__(self, address: str, deadline: float = CONNECT_DEADLINE) -> None:
        self.address = address
        self.deadline = deadline

    def __enter__(self) -> RayBackend:
        why = unreachable(self.address)
        if why:
            raise UserError(f"cannot reach the Ray cluster at {self.address}: {why}")
        with _quiet():
            failure = connect(self.address, self.deadline)
        if isinstance(failure, (ConnectionError, ValueError, RuntimeError)):
            raise UserError(f"cannot connect to the Ray cluster at {self.address}: {failure}")
        if failure is not None:
            raise failure
        _take_back_stop_signals()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        ray.shutdown()

    def nodes(self) -> list[NodeInfo]:
        """The alive nodes, in the order Ray lists them."""
        return [
            NodeInfo(
                n["NodeID"],
                n.get("NodeManagerAddress", ""),
                n.get("NodeManagerHostname", ""),
                {k: float(v) for k, v in (n.get("Resources") or {}).items()},
            )
            for n in ray.nodes()
            if n.get("Alive")
        ]

    def start(self, node: NodeInfo, request: NodeRequest) -> Any:
        """One task pinned to ``node``."""
        strategy = NodeAffinitySchedulingStrategy(node.node, soft=False)
        options = {"scheduling_strategy": strategy, "num_cpus": 0, "max_retries": 0}
        return _probe_node.options(**options).remote(request)

    def wait(self, handles: Collection[Any], timeout: float) -> list[Any]:
        """The finished handles, waiting up to ``timeout`` for the first."""
        with _signals_kept():
            ready, _ = ray.wait(list(handles), num_returns=1, timeout=max(0.0, timeout))
            if ready:  # collect everything else that is done too, without waiting
                more, _ = ray.wait(list(handles), num_returns=len(handles), timeout=0)
                ready = list(dict.fromkeys([*ready, *more]))
        return ready

    def outcome(self, handle: Any, node: NodeInfo) -> Outcome:
        """The node's answer, or why there is none."""
        try:
            with _signals_kept():
                return Outcome("ok", payload=ray.get(handle, timeout=30))
        except rex.TaskCancelledError:
            return Outcome("timeout", "cancelled after the node deadline")
        except _LOST as exc:
            return Outcome("lost", _line(exc))
        except rex.WorkerCrashedError as exc:  # the node left, or its worker was killed (OOM)
            status = "failed" if node.node in self.alive() else "lost"
            return Outcome(status, f"its worker died: {_line(exc)}")
        except rex.RayTaskError as exc:
            return Outcome("failed", _line(exc.cause) if exc.cause else _line(exc))
        except (rex.RayError, TimeoutError) as exc:
            return Outcome("failed", _line(exc))

    def alive(self) -> set[str]:
        """Ids of the nodes alive now."""
        return {n["NodeID"] for n in ray.nodes() if n.get("Alive")}

    def cancel(self, handle: Any, force: bool) -> None:
        """Stop a task; already finished or gone is fine."""
        with contextlib.suppress(rex.RayError, ValueError, TypeError):
            ray.cancel(handle, force=force)


def connect(address: str, deadline: float) -> BaseException | None:
    """``ray.init``, or why it failed; a UserError once ``deadline`` seconds have passed.

    It runs in a thread: the main thread waits in slices, so that a signal is handled at once (and
    ray.init does not take SIGTERM over), and can give up on a connection that never comes.
    """
    failure: list[BaseException | None] = []

    def init() -> None:
        try:
            ray.init(
                address=address,
                logging_level=logging.ERROR,
                log_to_driver=False,
                namespace="recommender-probe",
            )
            failure.append(None)
        except Exception as exc:  # handed to the main thread
            failure.append(exc)

    thread = threading.Thread(target=init, name="ray.init", daemon=True)
    thread.start()
    end = time.monotonic() + deadline
    try:
        while thread.is_alive() and (left := end - time.monotonic()) > 0:
            thread.join(min(SIGNAL_POLL, left))
    finally:
        if thread.is_alive():  # it holds the lock Ray's exit hook takes: the exit would wait on it
            atexit.unregister(ray.shutdown)
    if thread.is_alive():
        why = f"no connection within {deadline:g} s (ray.init did not return)"
        raise UserError(f"cannot connect to the Ray cluster at {address}: {why}")
    return failure[0] if failure else None


def _take_back_stop_signals() -> None:
    """Hand the stop signals back to Python's handlers, which ``ray.init`` took over.

    Ray's core worker installs its own C++ handler for SIGTERM (a crash report: "*** SIGTERM
    received ***", a stack dump, exit 1), below Python, which still believes its handler is in
    place. SIGTERM mid-probe then skipped the cancel that ends every node's children, and the
    user got a stack dump instead of one line and 143. Setting each handler again re-installs
    Python's own (main thread only, as here)."""
    for signum in STOP_SIGNALS:
        handler = signal.getsignal(signum)
        # the four a user stops with, as Python holds them (an ignored SIGHUP stays ignored); of
        # the others, only those the CLI took: re-setting a default Python merely remembers would
        # undo whatever Ray set below it for a signal the CLI leaves alone
        if signum in USER_STOPS and handler is not None or callable(handler):
            signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_kept() -> Iterator[None]:
    """A stop signal taken inside a Ray wait stays that signal.

    ``ray.wait`` and ``ray.get`` run Python's signal handlers from C++ while they wait; when the
    handler raises :class:`Terminated`, Ray drops it and raises ``SystemExit(1)`` instead. The
    probe then ended with exit 1 and no line, instead of 143 and "its children were ended"."""
    try:
        yield
    except SystemExit as exc:
        stop = stop_taken()
        if isinstance(exc, Terminated) or stop is None:
            raise
        raise stop from None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Ray's C++ log off stderr while connecting: it logs there before it reads ``QUIET``."""
    ours = [name for name in QUIET if name not in os.environ]  # the user's own setting wins
    os.environ.update({name: QUIET[name] for name in ours})
    sys.stderr.flush()  # what was written before goes where it was meant to
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        for name in ours:
            os.environ.pop(name, None)


def unreachable(address: str) -> str:
    """Why no GCS answers at ``address`` ("" if one does): ``ray.init`` would retry for minutes.

    The address is first turned into what ``ray.init`` dials (``auto`` looked up, 127.0.0.1
    replaced by this machine's address), through a private Ray function the tests pin. The port
    must accept a connection, and answer HTTP/2's preface as the GCS's gRPC server does.
    """
    try:
        target = _dialled(address)
    except (ValueError, ConnectionError, RuntimeError) as exc:  # "auto" with no cluster here
        return _line(exc)
    host, _, port = target.rpartition(":")
    try:
        conn = socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError) as exc:
        hint = LOOPBACK_HINT if target != address and address.startswith("127.") else ""
        return f"{target}: {getattr(exc, 'strerror', None) or exc}{hint}"
    with conn:
        return not_gcs(conn, target)


def _dialled(address: str) -> str:
    try:
        from ray._private.services import canonicalize_bootstrap_address
    except ImportError:  # moved in a newer Ray: check the address as given
        return address
    return canonicalize_bootstrap_address(address) or address


def _line(exc: BaseException) -> str:
    """The first sentence of an exception: Ray's errors go on for a paragraph."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0].split(". ")[0] if lines else ""
    return f"{type(exc).__name__}: {first}"[:300]
