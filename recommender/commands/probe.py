"""``recommender probe``: check what each installed framework really does on this machine."""

from __future__ import annotations

import argparse
import sys

from recommender.errors import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The probe's options; the heavy probe package is imported only by ``run``."""
    parser.add_argument(
        "--framework",
        action="append",
        metavar="NAME",
        help="probe only this framework (repeatable): pytorch, tensorflow, jax",
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--deep",
        action="store_true",
        help="also run the slow checks: torch.compile (about 16 s on CPU), jax2tf, ONNX export",
    )
    parser.add_argument("--refresh", action="store_true", help="ignore the cache and probe again")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="hard limit in seconds for each framework's probe (default 60, or 300 with --deep)",
    )


def run(args: argparse.Namespace) -> int:
    """Probe, print, exit 0: a crashed or missing framework is a finding, not an error of the command."""
    from recommender.probe import run_probe
    from recommender.probe.render import FORMATS

    if args.timeout is not None and not args.timeout > 0:
        raise UserError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    report = run_probe(args.framework, deep=args.deep, refresh=args.refresh, timeout=args.timeout)
    sys.stdout.write(FORMATS[args.format](report))
    return 0
