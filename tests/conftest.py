"""Shared fixtures: the hand-checked mini rule base, and running the real CLI, as a subprocess or
in-process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import recommender
from recommender.cli import main
from recommender.scoring.result import Scorer

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
SHIPPED = ROOT / "rules"
# The rule base every command reads by default, loaded once for the modules that score on it
SHIPPED_RULES = recommender.load_rules()


@pytest.fixture(scope="session", autouse=True)
def stop_signals_not_ignored():
    """The tests send SIGINT, SIGQUIT and SIGHUP to children, which inherit an ignored signal:
    a suite started under nohup, or as a shell's background job, would have them ignored, and
    the commands rightly leave an ignored signal ignored (``cli.live_stop_signals``)."""
    import signal

    for s, action in (
        (signal.SIGINT, signal.default_int_handler),
        (signal.SIGQUIT, signal.SIG_DFL),
        (signal.SIGHUP, signal.SIG_DFL),
    ):
        if signal.getsignal(s) is signal.SIG_IGN:
            signal.signal(s, action)
    yield


@pytest.fixture(scope="session", autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory):
    """No test reads or writes the real user's cache or state (subprocesses inherit these too)."""
    saved = {k: os.environ.get(k) for k in ("RECOMMENDER_CACHE_DIR", "RECOMMENDER_STATE_DIR")}
    os.environ["RECOMMENDER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["RECOMMENDER_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def mini() -> recommender.RuleBase:
    return recommender.load_rules(base=MINI)


@pytest.fixture()
def on_mini(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real CLI reads the mini base alone: no shipped rules, no user overlay."""
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.setenv("RECOMMENDER_RULES", "")


@pytest.fixture()
def mini_scratch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The mini base alone, run from a scratch working directory with its own rules cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


@pytest.fixture(scope="session")
def shipped() -> recommender.RuleBase:
    return recommender.load_rules(base=SHIPPED)


def shipped_with(folder: Path, name: str, text: str) -> recommender.RuleBase:
    """The shipped rules with one overlay file, ``name`` holding ``text``, written in ``folder``."""
    (folder / name).write_text(text)
    return recommender.load_rules(folder, base=SHIPPED)


def batch_confidence(answers: dict, rules: recommender.RuleBase) -> str | None:
    """The confidence batch's vectorised path gives one profile (to compare with recommend's)."""
    scorer = Scorer(rules)
    many = scorer.recommend_many(
        [(None, recommender.normalize_answers(answers, rules))], vector=scorer.table.vector()
    )
    return many[0].confidence


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: str | None = None,
    stdin: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m recommender ARGS`` for real, as a user would; ``input`` is the text of its
    standard input, or ``stdin`` a descriptor to give it."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        input=input,
        stdin=stdin,
        timeout=120,
    )


def cli(*argv: str) -> tuple[int, str, str]:
    """The real CLI, in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def shipped_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The shipped rules and no overlay, run from a scratch working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(SHIPPED))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


# The profile the cache and stream tests run: a small answer set, the same output every time
RECOMMEND = ("recommend", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")
EXPLAIN = ("explain", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")


@pytest.fixture(scope="module")
def uncached(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], str]:
    """What RECOMMEND and EXPLAIN print with no cache to read: a forged, deep or shared cache
    must change nothing."""
    out: dict[tuple[str, ...], str] = {}
    for args in (RECOMMEND, EXPLAIN):
        cache = tmp_path_factory.mktemp("fresh-cache")
        done = run_cli(*args, env={"RECOMMENDER_CACHE_DIR": str(cache)})
        assert (done.returncode, done.stderr) == (0, "")
        out[args] = done.stdout
    return out
