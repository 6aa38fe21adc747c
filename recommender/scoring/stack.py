"""The recommendation as a stack: the winner, its companion library, the runtime and export path
for every deployment target answered, and the training route on the hardware answered.

Read from the rule base's ``deploy:`` and ``hardware:`` entries (``rules/stack.yaml``): for each
(framework, target) the first entry whose ``when`` holds, overlays first. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from recommender.rulebase.model import Companion, HardwareRoute, Route
from recommender.scoring.table import Table
from recommender.values import Value, frozen

DEPLOYMENT, HARDWARE = "deployment", "hardware"  # the questions the stack reads (core ids)
NO_TARGET = "none"  # "Nowhere: research only": no runtime to name


@frozen
class Deploy(Value):
    """One deployment target answered: the route recommended, and the alternatives."""

    target: str
    route: Route | None  # None: the rule base names no route for this framework and target
    alternatives: tuple[Route, ...] = ()


@frozen
class Stack(Value):
    framework: str
    companion: Companion | None
    deploy: tuple[Deploy, ...]
    hardware: tuple[str, HardwareRoute | None] | None  # (the answer, its route); None: unanswered


def stack_of(table: Table, framework: str, sig: int, companion: Companion | None) -> Stack:
    """The stack of ``framework`` for the answers in ``sig``."""
    deploy = []
    for target in _answers(table, DEPLOYMENT, sig):
        if target == NO_TARGET:
            continue
        entry = table.deploy_route(framework, target, sig)
        routes = entry.routes if entry is not None else ()
        deploy.append(Deploy(target, routes[0] if routes else None, routes[1:]))
    hardware = None
    for answer in _answers(table, HARDWARE, sig):
        hardware = (answer, table.hardware_route(framework, answer, sig))
    return Stack(framework, companion, tuple(deploy), hardware)


def _answers(table: Table, question: str, sig: int) -> list[str]:
    dim = table.dim.get(question)
    return [] if dim is None else [o for b, o in dim.options if b & sig]


def stack_dict(stack: Stack | None) -> dict[str, Any] | None:
    """The ``stack`` of the JSON record."""
    if stack is None:
        return None
    c = stack.companion
    hardware = None
    if stack.hardware is not None:
        answer, route = stack.hardware
        hardware = {
            "answer": answer,
            "route": None,
            "support": "unknown",
            "source": None,
            "as_of": None,
            "note": "",
        }
        if route is not None:
            hardware.update(
                route=route.route,
                support=route.support,
                source=route.source,
                as_of=route.as_of,
                note=route.note,
            )
    return {
        "framework": stack.framework,
        "companion": None if c is None else {"id": c.id, "name": c.name, "package": c.package},
        "deploy": [_deploy_dict(d) for d in stack.deploy],
        "hardware": hardware,
    }


def _deploy_dict(d: Deploy) -> dict[str, Any]:
    if d.route is None:
        return {
            "target": d.target,
            "runtime": None,
            "path": None,
            "support": "unknown",
            "source": None,
            "as_of": None,
            "note": "",
            "alternatives": [],
        }
    r = d.route
    return {
        "target": d.target, "runtime": r.runtime, "path": r.path, "support": r.support,
        "source": r.source, "as_of": r.as_of, "note": r.note,
        "alternatives": [{"runtime": a.runtime, "path": a.path, "support": a.support}
                         for a in d.alternatives],
    }  # fmt: skip


def stack_line(stack: Stack | None, names: dict[str, str]) -> str:
    """One line for people: ``PyTorch + Lightning; mobile: ExecuTorch; nvidia_gpu: CUDA wheels``."""
    if stack is None:
        return ""
    head = names.get(stack.framework, stack.framework)
    if stack.companion is not None:
        head += f" + {stack.companion.name}"
    parts = [head]
    parts += [
        f"{d.target}: {d.route.runtime if d.route else 'no route known'}"
        + (f" ({d.route.support})" if d.route and d.route.support != "supported" else "")
        for d in stack.deploy
    ]
    if stack.hardware is not None:
        answer, route = stack.hardware
        parts.append(f"{answer}: {route.support if route else 'unknown'}")
    return "; ".join(parts)
