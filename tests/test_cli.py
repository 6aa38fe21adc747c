"""The CLI boundary: exit codes, the JSON contract, --debug, what `recommend` must not import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import MINI, ROOT, run_cli

import recommender
from recommender.cli import main

MINI_ENV = {"RECOMMENDER_BASE_RULES": str(MINI)}


def test_recommend_json_matches_the_python_api(tmp_path, mini):
    (tmp_path / "p.yaml").write_text(
        "name: team-a\nanswers:\n  deployment: [mobile]\n  os: linux\n"
    )
    proc = run_cli(
        "recommend",
        "--profile",
        "p.yaml",
        "--answer",
        "audience=researcher",
        "--format",
        "json",
        cwd=tmp_path,
        env=MINI_ENV,
    )
    assert proc.returncode == 0, proc.stderr
    expected = recommender.recommend(
        {"deployment": ["mobile"], "os": "linux", "audience": "researcher"},
        rules=mini,
        profile="team-a",
    ).to_dict()
    assert json.loads(proc.stdout) == expected


def test_answer_flag_overrides_and_clears_profile(tmp_path):
    (tmp_path / "p.yaml").write_text("answers: {os: windows, audience: beginner}\n")
    proc = run_cli(
        "recommend", "--profile", "p.yaml", "-a", "os=", "-f", "json", cwd=tmp_path, env=MINI_ENV
    )
    assert json.loads(proc.stdout)["answers"] == {"audience": "beginner"}


def test_answer_flag_given_twice(monkeypatch, capsys):
    """A multi answer adds up; a single answer given twice the same (in any spelling: ``Yes``
    and ``true``) is that answer; two different values for a single answer are refused, whichever
    flag comes last."""
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    flags = ["deployment=mobile", "deployment=server", "os=linux", "os=linux",
             "custom_gradients=Yes", "custom_gradients=true"]  # fmt: skip
    assert main(["recommend", *(f"--answer={flag}" for flag in flags), "-f", "json"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert answers == {"deployment": ["server", "mobile"], "os": "linux", "custom_gradients": "yes"}
    for later in ("os=windows", "os="):
        assert main(["recommend", "-a", "os=linux", "-a", later]) == 2
        assert capsys.readouterr() == (
            "",
            f'recommender: --answer "{later}": os is already answered "linux" by an earlier '
            "--answer, and takes one answer; give it once\n",
        )


def test_table_output_names_winner_reasons_and_changes():
    proc = run_cli("recommend", "-a", "deployment=mobile", env=MINI_ENV)
    assert proc.returncode == 0
    assert "Recommended: TensorFlow" in proc.stdout
    assert "Stack: TensorFlow + Keras 3" in proc.stdout
    assert "+4  LiteRT." in proc.stdout
    assert "More: --full shows" in proc.stdout
    full = run_cli("recommend", "-a", "deployment=mobile", "--full", env=MINI_ENV).stdout
    assert "with Keras 3" in full and "source: test" in full
    assert "deployment: dropping Mobile → a tie between PyTorch and JAX" in full


def test_markdown_output(tmp_path):
    proc = run_cli(
        "recommend", "-a", "audience=beginner", "-a", "os=windows", "-f", "markdown", env=MINI_ENV
    )
    assert proc.stdout.startswith(
        "## Tie between TensorFlow and PyTorch: the rules cannot separate them\n"
    )
    assert "| 1 | TensorFlow | +2 | tied |" in proc.stdout


def test_output_file_is_written_whole(tmp_path):
    out = tmp_path / "result.json"
    proc = run_cli(
        "recommend", "-a", "deployment=mobile", "-f", "json", "-o", str(out), env=MINI_ENV
    )
    assert proc.returncode == 0 and proc.stdout == ""
    assert json.loads(out.read_text())["winner"] == "tensorflow"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_usage_error_is_one_line_exit_2():
    proc = run_cli("recommend", "--format", "xml", env=MINI_ENV)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "invalid choice: 'xml'" in proc.stderr


@pytest.fixture()
def boom(tmp_path, monkeypatch):
    (tmp_path / "boom_command.py").write_text(
        textwrap.dedent("""
        def add_arguments(parser):
            pass
        def run(args):
            raise RuntimeError("kaboom")
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return {"boom": ("boom_command", "raises")}


def test_unexpected_error_exits_3_without_traceback(boom, capsys):
    assert main(["boom"], commands=boom) == 3
    err = capsys.readouterr().err
    assert err == (
        "recommender: internal error: RuntimeError: kaboom (run with --debug for the traceback)\n"
    )


def test_debug_shows_the_traceback(boom):
    with pytest.raises(RuntimeError, match="kaboom"):
        main(["boom", "--debug"], commands=boom)


HEAVY = ("torch", "tensorflow", "jax", "questionary", "prompt_toolkit")


@pytest.mark.parametrize(
    "args", [["recommend", "-a", "deployment=mobile", "-f", "json"], ["compare"], ["rules", "test"]]
)
def test_startup_imports_no_framework_and_no_questionary(args):
    code = textwrap.dedent(f"""
        import sys, io, contextlib
        from recommender.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main({args!r})
        print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI), "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_compare_reads_versions_from_metadata_without_importing(mini):
    from importlib.metadata import version

    from recommender.commands.compare import comparison

    data = comparison(mini)
    assert data["pytorch"]["installed"] == {"package": "torch", "version": version("torch")}
    assert data["jax"]["installed"]["version"] == version("jax")
    assert data["tensorflow"]["development_stage"]["seed"] == "Mature (v2.4.1)"


def test_version_flag():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("recommender ")


def test_the_executable_returns_mains_code_with_its_objects_frozen():
    """``recommender`` and ``python -m recommender`` run :func:`cli.run`: main's exit code, and
    every object frozen so the interpreter's last collection has nothing to walk."""
    code = textwrap.dedent("""
        import contextlib, gc, io, sys
        from recommender.cli import run
        sys.argv = ["recommender", "recommend", "--format", "xml"]
        with contextlib.redirect_stderr(io.StringIO()):
            status = run()
        print(status, gc.get_freeze_count() > 1000)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), **MINI_ENV, "PATH": ""},
    )
    assert proc.stdout.split() == ["2", "True"], proc.stderr


@pytest.mark.parametrize("columns", ["60", "133", None])
@pytest.mark.parametrize("command", [[], ["recommend"], ["batch"]])
def test_help_is_laid_out_as_argparse_would(monkeypatch, columns, command):
    """The help formatter finds the width without importing shutil, and wraps where argparse's
    own formatter does."""
    import argparse

    from recommender.cli import build_parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    parser, _ = build_parser(command)
    if command:
        (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[command[0]]
    ours = parser.format_help()
    parser.formatter_class = argparse.HelpFormatter
    assert ours == parser.format_help()


def run_with_closed(fd: int, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m recommender ARGS`` started with descriptor ``fd`` closed (``<&-``, ``>&-``,
    ``2>&-``); the other two standard streams are captured."""
    stdin, stdout, stderr = (
        None if n == fd else (subprocess.PIPE if n else subprocess.DEVNULL) for n in range(3)
    )
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)},
        cwd=cwd,
        timeout=120,
        preexec_fn=lambda: os.close(fd),
    )


CLOSED_STDIN = "recommender: standard input is closed: give a file instead of -, or open stdin\n"
CLOSED_STDOUT = (
    "recommender: standard output is closed: write to a file with -o FILE, or open stdout\n"
)


@pytest.mark.parametrize(
    ("fd", "args", "message"),
    [
        (1, ["recommend", "-a", "os=linux"], CLOSED_STDOUT),
        (1, ["questions"], CLOSED_STDOUT),
        (0, ["batch", "-", "--input-format", "jsonl"], CLOSED_STDIN),
        (0, ["recommend", "--profile", "-"], CLOSED_STDIN),
    ],
    ids=["recommend >&-", "questions >&-", "batch - <&-", "recommend --profile - <&-"],
)
def test_a_standard_stream_closed_at_start_is_one_line_and_exit_2(
    fd: int, args: list[str], message: str
) -> None:
    proc = run_with_closed(fd, *args)
    assert (proc.returncode, proc.stderr) == (2, message)


def test_a_closed_stdout_does_not_stop_a_command_that_writes_a_file(tmp_path: Path) -> None:
    """With stdout closed, /dev/null holds descriptor 1, so the output file does not land there."""
    out = tmp_path / "out.json"
    proc = run_with_closed(1, "recommend", "-a", "os=linux", "-o", str(out), "-f", "json")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(out.read_text())["answers"] == {"os": "linux"}


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
@pytest.mark.parametrize(
    "args", [["recommend", "-a", "os=linux"], ["batch", "in.jsonl"]], ids=["recommend", "batch"]
)
def test_o_naming_a_stdout_closed_at_start_is_refused_as_o_dash_is(
    tmp_path: Path, path: str, args: list[str]
) -> None:
    """``-o /dev/stdout >&-`` wrote into the /dev/null that stands in for stdout and exited 0,
    where ``-o - >&-`` says stdout is closed and exits 2."""
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    dash = run_with_closed(1, *args, "-o", "-", cwd=tmp_path)
    named = run_with_closed(1, *args, "-o", path, cwd=tmp_path)
    assert (dash.returncode, dash.stderr) == (2, CLOSED_STDOUT)
    assert (named.returncode, named.stderr) == (2, CLOSED_STDOUT.replace("recommender", path))
    assert os.listdir(tmp_path) == ["in.jsonl"]


def test_o_dev_stderr_with_stderr_closed_at_start_exits_2() -> None:
    proc = run_with_closed(2, "recommend", "-a", "os=linux", "-o", "/dev/stderr")
    assert (proc.returncode, proc.stdout) == (2, "")


def test_a_closed_stderr_loses_the_message_but_not_the_exit_code() -> None:
    proc = run_with_closed(2, "recommend", "-a", "os=plan9")
    assert (proc.returncode, proc.stdout) == (2, "")


def test_compare_markdown_keeps_every_source_the_table_shows(capsys):
    # the Markdown table dropped the Sources that the terminal table lists (QA, stop 23)
    from recommender.commands.compare import ROWS, comparison
    from recommender.render.markdown_text import text
    from recommender.rulebase.load import load_rules

    data = comparison(load_rules())
    assert main(["compare", "-f", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    sources = lines[lines.index("Sources:") + 2 :]
    expected = [
        f"- {text(d['name'])}, {text(title.lower())}: {text(d[key]['source'])}"
        for d in data.values()
        for key, title in ROWS.items()
        if d[key].get("source")
    ]
    assert expected and sources == expected
