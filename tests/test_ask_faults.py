"""``ask`` where it used to lose or destroy something: a closed terminal, ``--resume`` given a
user's profile, ``--save`` and ``--html`` naming one file, an unusable state directory. Each is
the real command in a pseudo-terminal, typed at."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from askkit import (
    CTRL_C,
    DOWN,
    ENTER,
    SPACE,
    answer,
    defaults_to_the_save_offer,
    env,
    finish,
    screen_text,
    spawn,
    spawn_ask,
)
from conftest import ROOT
from html_support import block
from prompt_toolkit.input import create_pipe_input

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


@pytest.fixture
def keys() -> Iterator:
    with create_pipe_input() as pipe:
        yield pipe


INTERVIEW = (  # the mini questionnaire: Researchers, then every default
    ("Who is it for?", DOWN + ENTER),
    ("Where will it run?", ENTER),
    ("Which OS?", ENTER),
    ("Custom gradients?", ENTER),
    ("Your answers", ENTER),
    ("Show the full report?", ENTER),
)


ANSWERS = {"audience": "researcher", "os": "linux", "custom_gradients": "yes"}


def _gone(tmp: Path) -> str:
    (tmp / "out").mkdir()
    return "out/p.yaml"


def _gone_after(tmp: Path) -> None:
    shutil.rmtree(tmp / "out")


def _dir_after(tmp: Path) -> None:
    (tmp / "p.yaml").mkdir()


def _link(tmp: Path) -> str:
    (tmp / "link.yaml").symlink_to("real.yaml")
    return "link.yaml"


def _link_after(tmp: Path) -> None:
    (tmp / "link.yaml").unlink()
    (tmp / "link.yaml").symlink_to("gone/p.yaml")


# What goes wrong between the first question and the save: (set-up giving --save's path, the
# change made while the questions are answered, what the one line says).
FAULTS = {
    "missing-directory": (_gone, _gone_after, "the directory out does not exist"),
    "now-a-directory": (lambda tmp: "p.yaml", _dir_after, "is a directory"),
    "symlink-elsewhere": (_link, _link_after, "the directory gone does not exist"),
    "full-device": (lambda tmp: "/dev/full", None, "No space left on device"),
    "read-only": (lambda tmp: "/sys/recommender-qa24.yaml", None, "Permission denied"),
}


def run_to_the_save(tmp: Path, fault: str, extra: tuple[str, ...] = ()):
    """``ask --save PATH`` with ``fault`` happening while the questions are answered."""
    if fault == "read-only" and os.geteuid() != 0:
        pytest.skip("only root gets past the permission check into read-only /sys")
    setup, during, said = FAULTS[fault]
    path = setup(tmp)
    child = spawn_ask(["--save", path, *extra], tmp / "state", cwd=tmp)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
        if prompt == "Who is it for?" and during is not None:
            during(tmp)
    child.expect_exact(f"recommender: --save {path}: ")
    child.expect_exact("; your answers are not lost")
    line = child.before
    assert said in line and "\n" not in line.strip()
    return child, path


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_save_that_fails_offers_another_file(tmp_path: Path, mini, fault: str):
    child, path = run_to_the_save(tmp_path, fault)
    answer(child, "Save them to another file?", "elsewhere.yaml" + ENTER)
    child.expect_exact("Saved to elsewhere.yaml")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0
    saved = load_profile(str(tmp_path / "elsewhere.yaml"), mini)
    assert saved.answers == normalize_answers(ANSWERS, mini)
    if fault == "symlink-elsewhere":  # never replaced by a file
        assert os.readlink(tmp_path / "link.yaml") == "gone/p.yaml"
    if fault == "full-device":
        assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_save_that_fails_then_declined_keeps_the_answers_for_resume(tmp_path: Path, mini):
    child, _ = run_to_the_save(tmp_path, "missing-directory")
    answer(child, "Save them to another file?", "/dev/full" + ENTER)
    child.expect_exact("recommender: /dev/full: No space left on device")  # and asked again
    answer(child, "Save them to another file?", ENTER)  # declined
    answer(child, "as a web page", ENTER)  # declined too
    out = finish(child)
    assert child.exitstatus == 2
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert f"3 answer(s) kept in {kept}" in out and "recommender ask --resume" in out
    assert resume.load(mini, kept).answers == normalize_answers(ANSWERS, mini)


def report_dir_gone(tmp_path: Path) -> pexpect.spawn:
    """``ask --html out/r.html`` whose directory is removed during the interview, up to the
    report; the answers not saved as a profile."""
    (tmp_path / "out").mkdir()
    child = spawn_ask(["--html", "out/r.html"], tmp_path / "state", cwd=tmp_path)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
        if prompt == "Who is it for?":
            shutil.rmtree(tmp_path / "out")
    answer(child, "Save these answers as a profile?", ENTER)  # declined
    return child


def test_a_report_that_cannot_be_written_offers_another_file(tmp_path: Path, mini):
    child = report_dir_gone(tmp_path)
    child.expect_exact(
        "recommender: --html out/r.html: cannot write here: the directory out does not exist"
    )
    answer(child, "Write the report to another file?", "r.html" + ENTER)
    child.expect_exact("Wrote the report to r.html")
    finish(child)
    assert child.exitstatus == 0
    assert block((tmp_path / "r.html").read_text(encoding="utf-8"), "report-data")["winner"]


def test_a_report_that_cannot_be_written_keeps_unsaved_answers(tmp_path: Path, mini):
    child = report_dir_gone(tmp_path)
    answer(child, "Write the report to another file?", ENTER)  # declined too
    out = finish(child)
    assert child.exitstatus == 2
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert f"3 answer(s) kept in {kept}" in out
    assert resume.load(mini, kept).answers == normalize_answers(ANSWERS, mini)


def test_save_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path, mini):
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    child = spawn_ask(["--save", "link.yaml"], tmp_path / "state", cwd=tmp_path)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
    child.expect_exact("Saved to link.yaml")
    answer(child, "as a web page", ENTER)
    finish(child)
    assert child.exitstatus == 0
    assert os.readlink(tmp_path / "link.yaml") == "real.yaml"
    assert load_profile(str(tmp_path / "real.yaml"), mini).answers == normalize_answers(
        ANSWERS, mini
    )


def test_resumed_answers_saved_before_the_report_failed_are_not_kept_twice(tmp_path: Path, mini):
    """Resumed, saved to a profile, then --html failed (/dev/full): the profile holds the
    answers, so the resume file is done with, as after a run that wrote everything."""
    given = normalize_answers(ANSWERS, mini)
    every = [q.id for q in mini.questions]
    kept = resume.save(Progress(dict(given), every), mini, tmp_path / "state" / "kept.yaml")
    args = ["--resume", str(kept), "--save", "p.yaml", "--html", "/dev/full"]
    child = spawn_ask(args, tmp_path / "state", cwd=tmp_path)
    answer(child, "Your answers", ENTER)
    answer(child, "Show the full report?", ENTER)
    child.expect_exact("Saved to p.yaml")
    child.expect_exact("recommender: --html /dev/full: No space left on device")
    answer(child, "Write the report to another file?", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 2
    assert load_profile(str(tmp_path / "p.yaml"), mini).answers == given
    assert not kept.exists()


CTRL_D = "\x04"


def test_ctrl_d_at_a_check_box_ends_the_questionnaire_and_keeps_the_answers(tmp_path):
    # Ctrl-D ends a text prompt (EOF, handled as Ctrl-C), but a list or check box ignored it:
    # the user was stuck at the question.
    child = spawn(tmp_path, 120)
    answer(child, "Who is it for?", ENTER)
    answer(child, "Where will it run?", CTRL_D)
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert child.exitstatus == 130
    assert f"recommender: ask interrupted; 1 answer(s) kept in {kept}" in screen_text(child)
    assert "audience: beginner" in kept.read_text()


def test_a_question_listed_twice_in_a_resume_file_counts_once(tmp_path: Path) -> None:
    """``asked: [audience, audience]`` said "Carrying on: 2 question(s)" for one question, and
    the progress count was one ahead for the rest of the questionnaire."""
    from askkit import finish, spawn_ask

    (tmp_path / "ask-resume.yaml").write_text(
        "answers: {audience: production}\nasked: [audience, audience]\n"
    )
    child = spawn_ask(["--resume"], tmp_path)
    child.expect_exact("Carrying on: 1 question(s) already put to you")
    child.expect_exact("Where will it run?")
    child.sendcontrol("c")
    finish(child)
    assert child.exitstatus == 130
