"""``recommender ask``: the interactive questionnaire, then the same brief screen as
``recommend``, with the full report on offer.

This module stays thin: the terminal check, where the answers start from (``--from``,
``--resume``), the one place Ctrl-C is handled, the result screen and saving. The flow itself is
``recommender.ask.flow``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from recommender.ask import resume
from recommender.ask.flow import Progress, run_interview
from recommender.commands._common import add_probe_argument, rulebase, score_with_facts
from recommender.commands.recommend import add_full_argument
from recommender.errors import UserError
from recommender.fileio import write_text_atomic
from recommender.render import render
from recommender.render.terminal import width_of
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal, load_profile, profile_yaml

if TYPE_CHECKING:  # questionary is imported only once a terminal is known to be there
    from recommender.ask.prompts import QuestionaryPrompter


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--short",
        action="store_true",
        help="skip questions whose answer can no longer change the recommendation",
    )
    parser.add_argument(
        "--save", metavar="FILE", help="write the answers as a profile for `recommend --profile`"
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write the report as a web page (otherwise offered at the end)",
    )
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        "--from", dest="from_file", metavar="FILE", help="pre-fill the answers from a profile"
    )
    start.add_argument(
        "--resume", action="store_true", help="carry on from an interrupted questionnaire"
    )
    add_full_argument(parser)
    add_probe_argument(parser)


def require_terminal() -> None:
    """One clear line instead of a prompt_toolkit traceback when there is no one to ask."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "ask needs an interactive terminal (stdin and stdout must be a terminal); "
            "without one, use: recommender recommend --answer QUESTION=VALUE ..."
        )


def run(args: argparse.Namespace) -> int:
    if args.from_file == "-":
        raise UserError("ask reads its answers from the terminal, so --from needs a file, not -")
    require_terminal()
    for path in (args.save, args.html):
        if path:
            _check_writable(path)  # before the questions, not after them
    rules = rulebase(args)
    progress, defaults, name = _start(args, rules)
    from recommender.ask.prompts import QuestionaryPrompter

    prompter = QuestionaryPrompter()
    _intro(rules, args, progress)
    try:
        answers = run_interview(rules, prompter, progress, defaults=defaults, short=args.short)
        name = Path(args.save).stem if args.save else name
        screen, page = _report(args, answers, rules, name)
        sys.stdout.write("\n" + screen(args.full) + "\n")
        if not args.full and prompter.confirm("Show the full report?"):
            sys.stdout.write("\n" + screen(True) + "\n")
        _save(args.save, name, answers, rules, prompter)
        _html(args.html, page, prompter)
    except (
        KeyboardInterrupt,
        EOFError,
    ):  # Ctrl-C, or Ctrl-D at the save prompt: keep what was answered
        return _interrupted(progress, rules, args)
    if args.resume:  # finished: the kept answers have served their purpose
        resume.clear()
    return 0


def _start(args: argparse.Namespace, rules: RuleBase) -> tuple[Progress, Normal, str]:
    """Progress to carry on from, default answers, and the profile name for the report."""
    if args.resume:
        return resume.load(rules), {}, "your answers"
    if args.from_file:
        profile = load_profile(args.from_file, rules)
        return Progress(), profile.answers, profile.name or "your answers"
    return Progress(), {}, "your answers"


def _intro(rules: RuleBase, args: argparse.Namespace, progress: Progress) -> None:
    if progress.visited:
        print(
            f"Carrying on: {len(progress.visited)} question(s) already put to you; "
            "the review at the end shows every answer.\n"
        )
        return
    more = "; --short leaves out those that cannot change the result" if args.short else ""
    print(
        f"Which framework fits your project? Up to {len(rules.questions)} questions{more}.\n"
        "Answer what you know, skip the rest; Ctrl-C keeps your answers for `ask --resume`.\n"
    )


def _report(
    args: argparse.Namespace, answers: Normal, rules: RuleBase, name: str
) -> tuple[Callable[[bool], str], Callable[[], str]]:
    """The report on the terminal, brief or full (with the evidence under ``--probe``), and the
    page."""
    if args.probe:
        print("Probing the installed frameworks (cached after the first run)...", flush=True)
    result, evidence, facts = score_with_facts(args, rules, answers, name)

    def screen(full: bool) -> str:
        return render("table", result, rules, evidence, full=full, width=width_of(sys.stdout))

    def page() -> str:
        from recommender.render.html.report import render_html

        return render_html(result, rules, evidence, facts)

    return screen, page


def _check_writable(path: str) -> None:
    target = Path(path)
    if target.is_dir():
        raise UserError("is a directory; give a file name such as my-project.yaml", path)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise UserError("cannot save here: the directory does not exist", path)


def _save(
    path: str | None, name: str, answers: Normal, rules: RuleBase, prompter: QuestionaryPrompter
) -> None:
    """Write to ``--save``, or offer to save (again, until it works or is declined)."""
    if path is not None:
        _write(path, name, answers, rules)
        return
    _offer(
        prompter,
        "Save these answers as a profile? File name (empty: don't save):",
        lambda path: _write(path, Path(path).stem, answers, rules),
    )


def _html(path: str | None, page: Callable[[], str], prompter: QuestionaryPrompter) -> None:
    """Write the report's web page to ``--html``, or offer to."""

    def write(path: str) -> None:
        write_text_atomic(path, page())
        print(f"Wrote the report to {path}; open it in a browser to try other answers.")

    if path is not None:
        write(path)
        return
    _offer(
        prompter,
        "Write the report as a web page too? File name, e.g. report.html (empty: no):",
        write,
    )


def _offer(prompter: QuestionaryPrompter, message: str, write: Callable[[str], None]) -> None:
    """Ask for a file name until writing to it works or the answer is empty."""
    while path := prompter.text(message).strip():
        if (
            os.path.exists(path)
            and not os.path.isdir(path)
            and not prompter.confirm(f"{path} exists. Replace it?")
        ):
            continue
        try:
            _check_writable(path)
            write(path)
            return
        except UserError as exc:
            print(f"recommender: {exc}", file=sys.stderr)


def _write(path: str, name: str, answers: Normal, rules: RuleBase) -> None:
    write_text_atomic(path, profile_yaml(name, answers, rules, "# Written by `recommender ask`.\n"))
    print(f"Saved to {path}; use it with: recommender recommend --profile {path}")


def _interrupted(progress: Progress, rules: RuleBase, args: argparse.Namespace) -> int:
    """Ctrl-C, handled here only: keep what was answered, say where, exit 130."""
    if not progress.visited:
        print("\nrecommender: interrupted (nothing answered, nothing kept)", file=sys.stderr)
        return 130
    path = resume.save(progress, rules)
    again = "".join(f" --rules {d}" for d in args.rules if d not in _env_rules())
    print(
        f"\nrecommender: interrupted; {len(progress.answers)} answer(s) kept in {path}\n"
        f"  carry on with: recommender ask --resume{again}",
        file=sys.stderr,
    )
    return 130


def _env_rules() -> list[str]:
    return [p for p in os.environ.get("RECOMMENDER_RULES", "").split(os.pathsep) if p]
