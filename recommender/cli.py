"""Command line: parse arguments, dispatch to one module under ``commands/``, and own the exception boundary."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from recommender.errors import UserError

# One line per subcommand: name -> (module, one-line help). Modules are imported only when chosen, so the
# startup cost of `recommender recommend` never includes questionary (ask) or the probe machinery.
COMMANDS: dict[str, tuple[str, str]] = {
    "recommend": ("recommender.commands.recommend", "score one project profile"),
    "compare": ("recommender.commands.compare", "print the comparison table, 2021 versus installed"),
    "rules": ("recommender.commands.rules", "list, show, validate, lint and test the rule files"),
    "batch": ("recommender.commands.batch", "score a file of profiles (YAML, JSON, JSONL, CSV) in one run"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 2 with one line and no usage dump."""

    def error(self, message: str):  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rules", action="append", default=[], metavar="DIR",
                        help="overlay a rules directory on the shipped base (repeatable; also RECOMMENDER_RULES)")
    common.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    return common


def build_parser(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, object | None]:
    """The parser; only the chosen subcommand's module is imported to add its arguments."""
    common = _common()
    parser = _Parser(prog="recommender", parents=[common],
                     description="Which deep-learning framework fits your project: TensorFlow, PyTorch or JAX.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(cmd)
    return parser, module


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("recommender")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser, module = build_parser(argv)
        args = parser.parse_args(argv)
        if module is None:
            parser.print_help()
            return 0
        args.rules = [*args.rules, *_env_rules()]
        return int(module.run(args) or 0)
    except UserError as exc:
        print(f"recommender: {exc}" if exc.file is None else str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nrecommender: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `recommender ... | head` closed the pipe; that is the reader's choice, not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the one place unexpected errors are caught
        if debug:
            raise
        print(f"recommender: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
              file=sys.stderr)
        return 3


def _env_rules() -> list[str]:
    return [p for p in os.environ.get("RECOMMENDER_RULES", "").split(os.pathsep) if p]
