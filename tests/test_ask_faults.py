"""``ask`` where it used to lose or destroy something: a closed terminal, ``--resume`` given a
user's profile, ``--save`` and ``--html`` naming one file, an unusable state directory. Each is
the real command in a pseudo-terminal, typed at."""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest
from askkit import CTRL_C, ENTER, MINI, spawn_ask

from recommender import load_rules
from recommender.ask import resume
from recommender.ask.flow import Progress
from recommender.errors import UserError


@pytest.fixture(scope="module")
def mini():
    return load_rules(base=MINI)


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


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
