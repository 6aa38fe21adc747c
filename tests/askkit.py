"""For the ``ask`` tests: key codes, the mini rule base, and a real ``recommender ask`` run."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pexpect

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"

ENTER, DOWN, UP, SPACE, CTRL_C = "\r", "\x1b[B", "\x1b[A", " ", "\x03"


def env(state_dir: Path, **extra: str) -> dict[str, str]:
    """A real run's environment: this checkout, the mini rules, a private state dir, no CPR wait."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RECOMMENDER_BASE_RULES": str(MINI),
        "RECOMMENDER_STATE_DIR": str(state_dir),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "RECOMMENDER_RULES": "",
        "TERM": "xterm-256color",
        **extra,
    }


def spawn_ask(args: Sequence[str], state_dir: Path, cwd: Path | None = None):
    """``python -m recommender ask ARGS`` in a pseudo-terminal, as a person would run it."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "ask", *args],
        env=env(state_dir),
        cwd=str(cwd or ROOT),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
    )
    child.logfile_read = io.StringIO()  # the whole screen transcript, for checks after the run
    return child


# Records every top-level module a program tries to import (even one not installed), then runs it.
IMPORT_RECORDER = r"""
import atexit, runpy, sys
seen = set()
class Recorder:
    def find_spec(self, name, path=None, target=None):
        seen.add(name.partition(".")[0])
        return None
sys.meta_path.insert(0, Recorder())
record, sys.argv = sys.argv[1], ["recommender", *sys.argv[2:]]
atexit.register(lambda: open(record, "w").write("\n".join(sorted(seen))))
runpy.run_module("recommender", run_name="__main__")
"""


def answer(child, prompt: str, keys: str) -> None:
    """Wait for ``prompt`` on the screen, then type ``keys``."""
    child.expect_exact(prompt)
    child.send(keys)


def finish(child) -> str:
    """Wait for the run to end; what it printed since the last prompt."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def defaults_to_the_save_offer(child) -> None:
    """Take every default of the mini questionnaire, up to the offer to save the answers."""
    for prompt in (
        "Who is it for?",
        "Where will it run?",
        "Which OS?",
        "Custom gradients?",
        "Your answers",
        "Show the full report?",
    ):
        answer(child, prompt, ENTER)


ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(tmp: Path, columns: int, *args: str, **extra: str) -> Any:
    """``recommender ask ARGS`` in a pseudo-terminal ``columns`` wide (24 rows)."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "ask", *args],
        env=env(tmp / "state", **extra),
        cwd=str(tmp),
        encoding="utf-8",
        timeout=20,
        dimensions=(24, columns),
    )
    child.logfile_read = io.StringIO()
    return child


def screen_text(child: Any) -> str:
    """What was drawn so far, without the escape sequences."""
    return ESCAPES.sub("", child.logfile_read.getvalue()).replace("\r", "")


def ask_without_a_terminal(
    args: Sequence[str], state_dir: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """``recommender ask ARGS`` with stdin at /dev/null and no terminal: what it says, and its
    exit code."""
    return subprocess.run(
        [sys.executable, "-m", "recommender", "ask", *args],
        env=env(state_dir),
        cwd=str(cwd),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
