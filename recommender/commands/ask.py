"""``recommender ask``: the interactive questionnaire, then the same brief screen as
``recommend``, with the full report on offer.

This module stays thin: the terminal check, where the answers start from (``--from``,
``--resume``), the one place an interruption is handled (Ctrl-C, SIGTERM, SIGHUP, a closed terminal:
the answers are kept), the result screen and saving. The flow itself is ``recommender.ask.flow``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from recommender.ask import resume
from recommender.ask.flow import Progress, in_force, run_interview
from recommender.commands._common import add_probe_argument, rulebase, score_with_facts
from recommender.commands.recommend import add_full_argument
from recommender.errors import ExitCode, Terminated, UserError, ignore_stop_signals
from recommender.fileio import Target, given, output_target, point_at_null, write_output
from recommender.render import render
from recommender.render.terminal import width_of
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal, load_profile, profile_yaml
from recommender.scoring.table import table_for
from recommender.values import Value, frozen

if TYPE_CHECKING:  # questionary is imported only once a terminal is known to be there
    from recommender.ask.prompts import QuestionaryPrompter


SAVE = "Save these answers as a profile? File name (empty: don't save):"
SAVE_AGAIN = "Save them to another file? File name (empty: keep them for `ask --resume`):"
HTML = "Write the report as a web page too? File name, e.g. report.html (empty: no):"
HTML_AGAIN = "Write the report to another file? File name (empty: no):"


@frozen
class Start(Value):
    """Where the answers start: progress to carry on from (and the file it came from), default
    answers from ``--from`` (None without it), and the profile name for the report."""

    progress: Progress
    kept: Path | None
    defaults: Normal | None
    name: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--short",
        action="store_true",
        help="skip questions whose answer can no longer change the recommendation",
    )
    parser.add_argument(
        "--save",
        type=given,
        metavar="FILE",
        help="write the answers as a profile for `recommend --profile`",
    )
    parser.add_argument(
        "--html",
        type=given,
        metavar="FILE",
        help="write the report as a web page (otherwise offered at the end)",
    )
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        "--from",
        dest="from_file",
        type=given,
        metavar="FILE",
        help="pre-fill the answers from a profile",
    )
    start.add_argument(
        "--resume",
        nargs="?",
        const="",
        metavar="FILE",
        help="carry on from an interrupted questionnaire (the file it was kept in, if not the "
        "usual one)",
    )
    add_full_argument(parser)
    add_probe_argument(parser)


def require_terminal(profile: str | None = None) -> None:
    """One clear line instead of a prompt_toolkit traceback when there is no one to ask; with
    ``--from``, the command that scores that profile as it stands."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        instead = f"--profile {shlex.quote(profile)}" if profile else "--answer QUESTION=VALUE ..."
        raise UserError(
            "ask needs an interactive terminal (stdin and stdout must be a terminal); "
            f"without one, use: recommender recommend {instead}"
        )


def run(args: argparse.Namespace) -> int:
    for flag, value in (("--from", args.from_file), ("--resume", args.resume)):
        if value == "-":
            raise UserError(
                f"ask reads its answers from the terminal, so {flag} needs a file, not -"
            )
    require_terminal(args.from_file)
    rules = rulebase(args)
    start = _start(args, rules)
    # Before the questions, once the rules and --from are read: not over them, nor over each other.
    save = output_target(args.save, flag="--save", update=args.from_file) if args.save else None
    html = output_target(args.html, flag="--html") if args.html else None
    if save is not None and html is not None and _same_file(save, html, args.save, args.html):
        raise UserError(
            "--save and --html name the same file, so the report would replace the profile; "
            "give each its own file",
            args.html,
        )
    from recommender.ask.prompts import QuestionaryPrompter

    prompter = QuestionaryPrompter()
    progress = start.progress
    try:
        try:
            _intro(rules, args, start)
            answers = run_interview(
                rules, prompter, progress, defaults=start.defaults, short=args.short
            )
            name = Path(args.save).stem if args.save else start.name
            screen, page = _report(args, answers, rules, name)
            sys.stdout.write("\n" + screen(args.full) + "\n")
            if not args.full and prompter.confirm("Show the full report?"):
                sys.stdout.write("\n" + screen(True) + "\n")
            saved = _save(args.save, name, answers, rules, prompter, args.from_file, args.html)
            written = _html(args.html, page, prompter)
        except (OSError, EOFError):
            # A closed terminal (its window shut, the line dropped): reads then fail with EIO or
            # return end-of-file, whether or not SIGHUP arrives first. Kept as a hang-up.
            if not _terminal_lost():
                raise
            ignore_stop_signals()  # a SIGHUP still on its way must not cut the keeping short
            what, code = "stopped (its terminal was closed)", 128 + signal.SIGHUP
            return _interrupted(progress, rules, args, start.kept, what, code)
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
        return _interrupted(progress, rules, args, start.kept, "interrupted", ExitCode.INTERRUPTED)
    except Terminated as stop:  # SIGTERM or SIGHUP: the answers are kept all the same
        return _interrupted(progress, rules, args, start.kept, stop.what(), stop.exit_code)
    # What was asked for and not written (another file declined): exit 2, and the answers are
    # kept all the same, unless they are in a profile already.
    failed = not written or (args.save is not None and not saved)
    if failed and not saved:
        _keep(progress, rules, args, start.kept, "ask could not write where asked")
    elif start.kept is not None:  # finished: the kept answers have served their purpose
        resume.clear(start.kept)
    return ExitCode.USAGE if failed else ExitCode.OK


def _start(args: argparse.Namespace, rules: RuleBase) -> Start:
    if args.resume is not None:
        kept = Path(args.resume) if args.resume else resume.resume_path()
        progress = resume.load(rules, kept)
        return Start(progress, kept, progress.prefill or None, "your answers")
    if args.from_file:
        profile = load_profile(args.from_file, rules)
        start = Progress(prefill=dict(profile.answers))
        return Start(start, None, profile.answers, profile.name or "your answers")
    return Start(Progress(), None, None, "your answers")


def _intro(rules: RuleBase, args: argparse.Namespace, start: Start) -> None:
    if start.progress.visited:
        print(
            f"Carrying on: {len(start.progress.visited)} question(s) already put to you; "
            "the review at the end shows every answer.\n"
        )
        return
    more = "; --short leaves out those that cannot change the result" if args.short else ""
    print(
        f"Which framework fits your project? Up to {len(rules.questions)} questions{more}.\n"
        "Answer what you know, skip the rest; Ctrl-C keeps your answers for `ask --resume`.\n"
    )
    for kept in resume.pending():
        try:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(kept.stat().st_mtime))
        except OSError:  # gone since it was listed (another ask finished it)
            continue
        again = "" if kept == resume.resume_path() else f" {kept}"
        print(
            f"An interrupted questionnaire from {when} is kept in {kept}; "
            f"`recommender ask --resume{again}` carries on with it (this one leaves it as it is).\n"
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


def _same_file(one: Target, other: Target, one_path: str, other_path: str) -> bool:
    """Whether two outputs would replace one file: the same path once links are resolved (a new
    file too), or one existing file under two names (a hard link). A device or FIFO is written
    straight into, never replaced, so two outputs into it destroy nothing."""
    if one.direct or other.direct:
        return False
    if one.path == other.path:
        return True
    try:
        return os.path.samefile(one_path, other_path)
    except OSError:  # one of them does not exist yet, and their places differ
        return False


def _terminal_lost() -> bool:
    """Whether the terminal ``ask`` runs in has gone: a hung-up terminal is no longer a terminal
    to ``isatty``, and writing to it fails."""
    try:
        if not (os.isatty(sys.stdin.fileno()) and os.isatty(sys.stdout.fileno())):
            return True
        os.write(sys.stdout.fileno(), b"")
    except (OSError, ValueError):
        return True
    return False


def _save(
    path: str | None,
    name: str,
    answers: Normal,
    rules: RuleBase,
    prompter: QuestionaryPrompter,
    start: str | None,
    html: str | None = None,
) -> bool:
    """Write to ``--save``, or offer to save (again, until it works or is declined); whether the
    answers are now in a profile. ``start`` (``--from``) is the one file read that may be
    written over, ``html`` (``--html``) the file the report goes to next, which the profile must
    not be. A ``--save`` that fails (its place gone or changed since it was checked, a read-only
    or full file system) says why in one line and offers another file."""

    def offered(path: str) -> None:
        if html is not None and _same_file(
            output_target(path, flag="--save", update=start),
            output_target(html, flag="--html"),
            path,
            html,
        ):
            raise UserError("is where --html writes the report next; choose another name", path)
        _write(path, Path(path).stem, answers, rules, start)

    if path is None:
        return _offer(prompter, SAVE, offered)
    try:
        _write(path, name, answers, rules, start)
        return True
    except (OSError, UserError) as exc:
        _failed("--save", path, exc, "; your answers are not lost")
    return _offer(prompter, SAVE_AGAIN, offered)


def _html(path: str | None, page: Callable[[], str], prompter: QuestionaryPrompter) -> bool:
    """Write the report's web page to ``--html``, or offer to; False when ``--html`` failed and
    no other file was given."""

    def write(path: str) -> None:
        write_output(path, page(), flag="--html")
        print(f"Wrote the report to {path}; open it in a browser to try other answers.")

    if path is None:
        _offer(prompter, HTML, write)
        return True
    try:
        write(path)
        return True
    except (OSError, UserError) as exc:
        _failed("--html", path, exc)
    return _offer(prompter, HTML_AGAIN, write)


def _failed(flag: str, path: str, exc: OSError | UserError, note: str = "") -> None:
    """``recommender: --save out/p.yaml: cannot write here: ...``: one line on stderr."""
    why = exc.message if isinstance(exc, UserError) else exc.strerror or str(exc)
    print(f"recommender: {flag} {path}: {why}{note}", file=sys.stderr, flush=True)


def _offer(prompter: QuestionaryPrompter, message: str, write: Callable[[str], None]) -> bool:
    """Ask for a file name until writing to it works (``write`` checks it first) or the answer
    is empty; whether something was written."""
    while path := prompter.text(message).strip():
        # Only a regular file is replaced: a device or FIFO is written into (fileio's -o rules).
        if os.path.isfile(path) and not prompter.confirm(f"{path} exists. Replace it?"):
            continue
        try:
            write(path)
            return True
        except UserError as exc:
            print(f"recommender: {exc}", file=sys.stderr)
        except OSError as exc:  # a full disk, a file system gone read-only
            print(f"recommender: {path}: {exc.strerror or exc}", file=sys.stderr)
    return False


def _write(path: str, name: str, answers: Normal, rules: RuleBase, start: str | None) -> None:
    text = profile_yaml(name, answers, rules, "# Written by `recommender ask`.\n")
    write_output(path, text, update=start, flag="--save")  # `--from p.yaml --save p.yaml`
    print(f"Saved to {path}; use it with: recommender recommend --profile {path}")


def _interrupted(
    progress: Progress,
    rules: RuleBase,
    args: argparse.Namespace,
    kept: Path | None,
    what: str,
    code: int,
) -> int:
    """Keep what was answered, say where, and exit ``code``: 130 for Ctrl-C, 128 + signum for a
    signal. Answers resumed from a file go back to it; new ones never replace a kept file. When
    the resume file cannot be written (the state directory is unusable), the answers are printed
    as a profile instead, so they are not lost. The terminal may be gone (closed): what cannot be
    shown is dropped, and the answers are kept all the same."""
    ignore_stop_signals()  # the keeping is not cut short by a second signal
    _mute_lost_streams()
    if not progress.visited:
        _say(f"\nrecommender: ask {what} (nothing answered, nothing kept)")
        return code
    _keep(progress, rules, args, kept, f"ask {what}")
    return code


def _keep(
    progress: Progress, rules: RuleBase, args: argparse.Namespace, kept: Path | None, what: str
) -> None:
    """Keep the answers for ``ask --resume`` (in ``kept`` when they came from it) and say where;
    printed as a profile when the resume file cannot be written. ``what``: ``ask interrupted``."""
    again = "".join(f" --rules {d}" for d in args.rules if d not in _env_rules())
    # counted as a recommendation uses them: a stale follow-up's answer was counted as kept
    kept_now = in_force(table_for(rules), resume.kept_answers(progress))
    try:
        path = resume.save(progress, rules, kept)
    except (OSError, UserError) as exc:
        where = kept or resume.resume_path()
        why = str(exc) if isinstance(exc, UserError) else _reason(exc)
        text = profile_yaml(None, kept_now, rules).rstrip("\n")
        _say(
            f"\nrecommender: {what}; could not keep {len(kept_now)} answer(s) in "
            f"{where} ({why}); save the profile below to a file and go on with: "
            f"recommender ask --from FILE{again}\n{text}"
        )
        return
    which = "" if path == resume.resume_path() else f" {path}"
    _say(
        f"\nrecommender: {what}; {len(kept_now)} answer(s) kept in {path}\n"
        f"  carry on with: recommender ask --resume{which}{again}"
    )


def _reason(exc: OSError) -> str:
    """``/state: not a directory``: an OSError in words, with the file it is about."""
    why = exc.strerror or str(exc)
    return f"{exc.filename}: {why}" if exc.filename else why


def _say(text: str) -> None:
    """``text`` on stderr, if there is still somewhere to show it."""
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        _mute_lost_streams()


def _mute_lost_streams() -> None:
    """Stdout and stderr that can no longer be written (a closed terminal) are pointed at the
    null device, so what is still buffered for them, and the exit, do not fail on them."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            fd = stream.fileno()
            try:
                os.write(fd, b"")
            except OSError:
                point_at_null(fd)


def _env_rules() -> list[str]:
    return [p for p in os.environ.get("RECOMMENDER_RULES", "").split(os.pathsep) if p]
