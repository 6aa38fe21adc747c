"""``ask`` offers the report as a web page at the end, and ``--html FILE`` writes it unasked."""

from __future__ import annotations

from pathlib import Path

import pexpect
from askkit import DOWN, ENTER, spawn_ask
from html_support import block


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def interview(child: pexpect.spawn) -> None:
    answer(child, "Who is it for?", DOWN + ENTER)  # Researchers
    for prompt in ("Where will it run?", "Which OS?", "Custom gradients?", "Your answers"):
        answer(child, prompt, ENTER)
    answer(child, "Show the full report?", ENTER)


def test_ask_offers_the_web_page_and_writes_it(tmp_path: Path):
    child = spawn_ask([], tmp_path, cwd=tmp_path)
    interview(child)
    answer(child, "Save these answers as a profile?", ENTER)
    answer(child, "Write the report as a web page too?", "nowhere/x.html" + ENTER)
    child.expect_exact("nowhere does not exist")  # said, then asked again
    answer(child, "Write the report as a web page too?", "mine.html" + ENTER)
    child.expect_exact("Wrote the report to mine.html")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = block((tmp_path / "mine.html").read_text(encoding="utf-8"), "report-data")
    assert data["answers"] == {"audience": "researcher", "os": "linux", "custom_gradients": "yes"}
    assert data["winner"] == "pytorch" and data["name"] == "your answers"


def test_html_flag_writes_without_asking(tmp_path: Path):
    out = tmp_path / "r.html"
    child = spawn_ask(["--html", str(out), "--save", str(tmp_path / "p.yaml")], tmp_path)
    interview(child)
    child.expect_exact(f"Wrote the report to {out}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert block(out.read_text(encoding="utf-8"), "report-data")["name"] == "p"


def test_html_into_a_missing_directory_fails_before_any_question(tmp_path: Path):
    child = spawn_ask(["--html", str(tmp_path / "nope" / "r.html")], tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    missing = f"cannot write here: the directory {tmp_path / 'nope'} does not exist"
    assert missing in child.logfile_read.getvalue()
