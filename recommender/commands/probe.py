"""``recommender probe``: what each installed framework really does on this machine, or on every
node of a Ray cluster (``--ray``)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from recommender.commands._args import seconds
from recommender.commands._output import add_output_arguments, chosen_format, emit
from recommender.errors import ExitCode, Terminated, UserError, install_hint

MAX_TIMEOUT = 3600.0  # a probe is bounded: even --deep needs 300 s at most
FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The probe's options; the heavy probe package is imported only by ``run``."""
    parser.add_argument(
        "--framework",
        action="append",
        metavar="NAME",
        help="probe only this framework (repeatable): pytorch, tensorflow, jax",
    )
    add_output_arguments(parser, FORMATS, "table")
    parser.add_argument(
        "--deep",
        action="store_true",
        help="also run the slow checks: torch.compile (about 16 s on CPU), jax2tf, ONNX export",
    )
    parser.add_argument("--refresh", action="store_true", help="ignore the cache and probe again")
    parser.add_argument(
        "--timeout",
        type=seconds(MAX_TIMEOUT),
        metavar="S",
        help="hard limit in seconds for each framework's probe (default 60, or 300 with --deep)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="probe every node of this Ray cluster (default: $RAY_ADDRESS); "
        f"needs ray: {install_hint('ray')}",
    )


def run(args: argparse.Namespace) -> int:
    """Probe, print, exit 0: a crashed or missing framework is a finding, not a failed command.

    A signal ends every child's process tree and removes the temporary directories, then exits
    128 + signum.
    """
    args.format = chosen_format(args, FORMATS, "table")
    try:
        text = _cluster(args) if args.ray is not None else _machine(args)
    except Terminated as stop:  # the children's trees were ended on the way here
        stop.note = "its children were ended"
        raise
    emit(_safe(text, args.format), args.output)
    return ExitCode.OK


def _safe(text: str, fmt: str) -> str:
    """Notes come from the frameworks' own output: no control character reaches the terminal."""
    from recommender.render.jsonout import safe_json
    from recommender.render.terminal import printable

    return safe_json(text) if fmt == "json" else printable(text)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """What a probe of this machine and of a cluster's nodes take alike."""
    from recommender.probe.progress import for_stream

    return {
        "deep": args.deep,
        "refresh": args.refresh,
        "timeout": args.timeout,
        "progress": for_stream(sys.stderr, args.quiet),
    }


def _machine(args: argparse.Namespace) -> str:
    from recommender.probe import run_probe
    from recommender.probe.render import FORMATS as RENDER

    return RENDER[args.format](run_probe(args.framework, **_options(args)))


def _cluster(args: argparse.Namespace) -> str:
    from recommender.probe.cluster import probe_cluster
    from recommender.probe.cluster.render import FORMATS as RENDER

    address = args.ray or os.environ.get("RAY_ADDRESS", "")
    if not address:
        raise UserError(
            "--ray needs an ADDRESS (host:port of the cluster's head), or set RAY_ADDRESS"
        )
    return RENDER[args.format](probe_cluster(address, args.framework, **_options(args)))
