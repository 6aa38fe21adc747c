"""The seam between the cluster probe and a cluster: what a backend does, and the values it returns.

``ray_backend.RayBackend`` is the real one; tests pass any object of this shape.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import field
from types import TracebackType
from typing import Any, Protocol

from recommender.probe.cluster.node import NodeRequest
from recommender.values import Value, frozen


@frozen
class NodeInfo(Value):
    """An alive node as the cluster lists it."""

    node: str
    ip: str
    hostname: str = ""
    resources: Mapping[str, float] = field(default_factory=dict)


@frozen
class Outcome(Value):
    """How one node's task ended: a ``NODE_STATUSES`` status, a one-line detail, the answer."""

    status: str
    detail: str = ""
    payload: Mapping[str, Any] | None = None


class Backend(Protocol):
    """Connects on enter, disconnects on exit; a handle is whatever ``start`` returns."""

    def __enter__(self) -> Backend: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def nodes(self) -> list[NodeInfo]:
        """The nodes alive now."""
        ...

    def start(self, node: NodeInfo, request: NodeRequest) -> Any:
        """Start the probe pinned to ``node``; a handle for the other methods."""
        ...

    def wait(self, handles: Collection[Any], timeout: float) -> list[Any]:
        """Those of ``handles`` that have finished, waiting up to ``timeout`` for the first."""
        ...

    def outcome(self, handle: Any, node: NodeInfo) -> Outcome:
        """How ``node``'s finished task ended; never raises."""
        ...

    def alive(self) -> set[str]:
        """Ids of the nodes alive now."""
        ...

    def cancel(self, handle: Any, force: bool) -> None:
        """Stop a task: politely (the node's probe ends its children) or by killing its worker."""
        ...
