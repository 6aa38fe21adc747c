"""``ask`` where it used to lose or destroy something: a closed terminal, ``--resume`` given a
user's profile, ``--save`` and ``--html`` naming one file, an unusable state directory. Each is
the real command in a pseudo-terminal, typed at."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest
from askkit import (
    CTRL_C,
    DOWN,
    ENTER,
    ROOT,
    SPACE,
    answer,
    defaults_to_the_save_offer,
    env,
    finish,
    spawn_ask,
)

from recommender.ask import resume
from recommender.ask.flow import Progress
from recommender.errors import UserError
from recommender.rulebase.profiles import load_profile, normalize_answers

# -- a closed terminal -------------------------------------------------------------------------


@pytest.mark.parametrize("hup", ["delivered", "ignored"])
def test_closing_the_terminal_keeps_the_answers(tmp_path: Path, mini, hup: str):
    """Closing the terminal window closes the pseudo-terminal's master: the kernel hangs the
    terminal up (SIGHUP to ``ask``, unless it is ignored, as under ``nohup``) and reads fail with
    EIO or end. That used to end ``ask`` with "Input/output error" and nothing kept."""
    err = tmp_path / "stderr.txt"
    trap = "trap '' HUP; " if hup == "ignored" else ""
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f'{trap}exec "$0" -m recommender ask 2>"$1"', sys.executable, str(err)],
        env=env(tmp_path),
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
    )
    answer(child, "Who is it for?", DOWN + ENTER)  # Researchers
    answer(child, "Where will it run?", SPACE + ENTER)  # Server
    child.expect_exact("Which OS?")
    child.ptyproc.fileobj.close()  # the window is closed: the master side goes away
    child.wait()
    assert child.exitstatus == 128 + signal.SIGHUP, err.read_text()
    kept = tmp_path / "ask-resume.yaml"
    assert f"2 answer(s) kept in {kept}" in err.read_text()
    progress = resume.load(mini, kept)
    assert progress.answers == normalize_answers(
        {"audience": "researcher", "deployment": ["server"]}, mini
    )
    assert progress.visited == ["audience", "deployment"]


# -- --resume is for resume files only ---------------------------------------------------------


PROFILE = "# My lab's answers; keep this comment.\nname: my lab\nanswers: {audience: researcher}\n"


LATER = ("Which OS?", "Custom gradients?", "Your answers", "Show the full report?", "Save these")


@pytest.mark.parametrize("end", ["finished", "ctrl-c"])
def test_resume_refuses_a_profile_and_leaves_it_as_it_was(tmp_path: Path, end: str):
    """``--resume mine.yaml`` on a user's profile used to carry on from it, then delete it at the
    end, or rewrite it as ``name: resumed`` on Ctrl-C."""
    mine = tmp_path / "mine.yaml"
    mine.write_text(PROFILE)
    child = spawn_ask(["--resume", str(mine)], tmp_path)
    if child.expect_exact([pexpect.EOF, "Where will it run?"]) == 1:  # it carried on
        child.send(CTRL_C if end == "ctrl-c" else ENTER)
        for prompt in LATER + ("as a web page",) if end == "finished" else ():
            answer(child, prompt, ENTER)
    finish(child)
    out = child.logfile_read.getvalue()
    assert child.exitstatus == 2
    assert "Carrying on" not in out
    line = (
        f"{mine}: is not a questionnaire kept by `recommender ask` (it has no `asked:` list); "
        f"to start from a profile, use: recommender ask --from {mine}"
    )
    assert [row for row in out.splitlines() if row.strip()] == [line]
    assert mine.read_text() == PROFILE


def test_a_file_ask_kept_is_still_resumed(tmp_path: Path, mini):
    path = resume.save(Progress({}, ["audience"]), mini, tmp_path / "kept.yaml")
    assert resume.load(mini, path).visited == ["audience"]  # all skipped: still a resume file
    (tmp_path / "mine.yaml").write_text(PROFILE)
    with pytest.raises(UserError, match="ask --from"):
        resume.load(mini, tmp_path / "mine.yaml")


# -- --save and --html into one file -----------------------------------------------------------


def _spellings(tmp_path: Path) -> dict[str, tuple[str, str]]:
    real = tmp_path / "mine.yaml"
    (tmp_path / "link.yaml").symlink_to("mine.yaml")
    os.link(real, tmp_path / "hard.yaml")
    (tmp_path / "new-link.yaml").symlink_to("new.yaml")  # dangling: both would make new.yaml
    return {
        "same": ("mine.yaml", "mine.yaml"),
        "dot": ("./mine.yaml", "mine.yaml"),
        "absolute": (str(real), "mine.yaml"),
        "symlink": ("link.yaml", "mine.yaml"),
        "hard-link": ("mine.yaml", "hard.yaml"),
        "new-file": ("sub/../new.yaml", "new.yaml"),
        "new-through-link": ("new-link.yaml", "./new.yaml"),
    }


SPELLINGS = ["same", "dot", "absolute", "symlink", "hard-link", "new-file", "new-through-link"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_save_and_html_into_one_file_are_refused_before_any_question(tmp_path: Path, spelling: str):
    """``--save X --html X`` said "Saved to X", then wrote the report over the profile."""
    (tmp_path / "mine.yaml").write_text(PROFILE)
    (tmp_path / "sub").mkdir()
    save, html = _spellings(tmp_path)[spelling]
    child = spawn_ask(["--save", save, "--html", html], tmp_path, cwd=tmp_path)
    asked = child.expect_exact([pexpect.EOF, "Who is it for?"]) == 1
    out = child.before
    child.close(force=True)
    assert not asked
    assert child.exitstatus == 2
    expected = (
        f"{html}: --save and --html name the same file, so the report would replace the "
        "profile; give each its own file"
    )
    assert [row for row in out.splitlines() if row.strip()] == [expected]
    assert (tmp_path / "mine.yaml").read_text() == PROFILE
    assert not (tmp_path / "new.yaml").exists()


def test_the_save_offer_refuses_the_html_file(tmp_path: Path, mini):
    """Without --save, naming the --html file at the offer would have had the report replace the
    profile just saved."""
    child = spawn_ask(["--html", "report.html"], tmp_path, cwd=tmp_path)
    defaults_to_the_save_offer(child)
    answer(child, "Save these answers as a profile?", "./report.html" + ENTER)
    child.expect_exact("is where --html writes the report next; choose another name")
    answer(child, "Save these answers as a profile?", "mine.yaml" + ENTER)
    child.expect_exact("Saved to mine.yaml")
    child.expect_exact("Wrote the report to report.html")
    finish(child)
    assert child.exitstatus == 0
    assert load_profile(str(tmp_path / "mine.yaml"), mini).answers["os"] == frozenset({"linux"})
    assert (tmp_path / "report.html").read_text().lstrip().lower().startswith("<!doctype html")


# -- an unusable state directory ---------------------------------------------------------------


def test_ctrl_c_with_an_unusable_state_directory_prints_the_answers(tmp_path: Path, mini):
    """RECOMMENDER_STATE_DIR naming a regular file: Ctrl-C used to say only "File exists", exit 2
    and lose the answers."""
    state = tmp_path / "statefile"
    state.write_text("mine\n")
    child = spawn_ask([], state)
    answer(child, "Who is it for?", DOWN + ENTER)  # Researchers
    answer(child, "Where will it run?", CTRL_C)
    out = finish(child).replace("\r\n", "\n")
    assert child.exitstatus == 130
    said = (
        f"recommender: ask interrupted; could not keep 1 answer(s) in {state / 'ask-resume.yaml'}"
        f" ({state}: not a directory); save the profile below to a file and go on with: "
        "recommender ask --from FILE\n"
    )
    assert said in out
    printed = tmp_path / "printed.yaml"
    printed.write_text(out.split(said, 1)[1])
    assert load_profile(str(printed), mini).answers == normalize_answers(
        {"audience": "researcher"}, mini
    )
    assert state.read_text() == "mine\n"
