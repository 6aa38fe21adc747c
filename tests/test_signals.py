"""Signals to real commands: one line, exit 128 + signum, no temporary file, nothing lost.

``batch -o`` is stopped while it waits on its input (stdin is a pipe we hold open), so the signal
lands mid-run every time. ``ask`` runs in a pseudo-terminal (pexpect) and keeps its answers on
SIGTERM and SIGHUP as it does on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from askkit import DOWN, ENTER, SPACE, spawn_ask
from conftest import MINI, ROOT

SIGNALS = {
    signal.SIGINT: "interrupted",
    signal.SIGTERM: "stopped by SIGTERM",
    signal.SIGHUP: "stopped by SIGHUP",
    signal.SIGQUIT: "stopped by SIGQUIT",
}

# Signals whose default action also ends a process: left to it, `kill -USR1` mid-batch left the
# temporary file behind (a real-time signal too)
OTHERS = {
    signal.SIGUSR1: "stopped by SIGUSR1",
    signal.SIGUSR2: "stopped by SIGUSR2",
    signal.SIGALRM: "stopped by SIGALRM",
    signal.SIGRTMIN + 3: "stopped by SIGRTMIN+3",
}


def wait_for(predicate: Callable[[], object], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def unnamed_files(pid: int, where: Path) -> list[str]:
    """The files without a name in ``where`` that process ``pid`` holds open: the temporary file
    ``-o`` writes on Linux (``O_TMPFILE``) shows in /proc as ``WHERE/#INODE (deleted)``."""
    found = []
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith(f"{where}/#") and link.endswith(" (deleted)"):
                    found.append(link)
    return found


def writing(pid: int, where: Path, temp: str) -> bool:
    """Whether process ``pid`` is writing a temporary file in ``where``: one named as ``temp``
    matches, or one with no name yet."""
    return any(where.glob(temp)) or bool(unnamed_files(pid, where))


def stop_mid_write(
    proc: subprocess.Popen[str], where: Path, temp: str, signum: int, feed: str | None = None
) -> str:
    """Feed the child ``feed``, send it ``signum`` once it writes a temporary file in ``where``
    (:func:`writing`: its output), and return its stderr; the child never outlives this."""
    try:
        if feed is not None:
            assert proc.stdin is not None
            proc.stdin.write(feed)
            proc.stdin.flush()
        wait_for(lambda: writing(proc.pid, where, temp))
        proc.send_signal(signum)
        return proc.communicate(timeout=30)[1]
    finally:
        proc.kill()


def batch_stdin_to(out: Path, fake: Path | None = None, **popen: Any) -> subprocess.Popen[str]:
    """``recommender batch - -o OUT`` on the mini rules, reading JSONL from a pipe we hold, so a
    signal can land while it runs; ``fake``: a directory whose sitecustomize the process loads."""
    path = str(ROOT) if fake is None else f"{fake}{os.pathsep}{ROOT}"
    env = {**os.environ, "PYTHONPATH": path, "RECOMMENDER_BASE_RULES": str(MINI)}
    return subprocess.Popen(
        [sys.executable, "-m", "recommender", "batch", "-", "--input-format", "jsonl"]
        + ["-o", str(out), "-q"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=out.parent,
        env=env,
        text=True,
        **popen,
    )


@pytest.mark.parametrize("signum", [*SIGNALS, *OTHERS], ids=str)
def test_a_signal_during_batch_o_leaves_no_temp_file_and_the_old_output(
    tmp_path: Path, signum: int
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    proc = batch_stdin_to(out, stdout=subprocess.PIPE)
    feed = '{"os": "linux"}\n' * 5000  # a chunk is scored and written
    err = stop_mid_write(proc, tmp_path, ".out.jsonl.*.tmp", signum, feed)
    said = (SIGNALS | OTHERS)[signum]
    assert (proc.returncode, err) == (128 + signum, f"recommender: batch {said}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    assert out.read_text() == "previous results\n"


def unnamed_temporary_files(where: Path) -> bool:
    """Whether the file system of ``where`` makes files without a name (``O_TMPFILE``)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        os.close(os.open(where, flag | os.O_WRONLY, 0o600))
    except OSError:
        return False
    return True


def test_sigkill_during_batch_o_leaves_no_temp_file_and_the_old_output(tmp_path: Path) -> None:
    """No handler sees SIGKILL: the named temporary file of a killed ``batch -o`` stayed in the
    user's directory, up to the whole output. On Linux it has no name until it replaces the
    output, so nothing is left."""
    if not unnamed_temporary_files(tmp_path):
        pytest.skip("this file system has no O_TMPFILE: a SIGKILL leaves the temporary file")
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    proc = batch_stdin_to(out, stdout=subprocess.PIPE)
    try:
        assert proc.stdin is not None
        proc.stdin.write('{"os": "linux"}\n' * 5000)  # a chunk is scored and written
        proc.stdin.flush()
        wait_for(lambda: unnamed_files(proc.pid, tmp_path))
        proc.kill()
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    assert out.read_text() == "previous results\n"


def test_without_unnamed_files_a_signal_removes_the_named_temporary_file(tmp_path: Path) -> None:
    """Where the file system (NFS, an old overlayfs) or the platform has no ``O_TMPFILE``, ``-o``
    writes a named temporary file (mkstemp); a signal still removes it. The fake, loaded as
    sitecustomize in the real process, takes ``os.O_TMPFILE`` away."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text("import os\ndel os.O_TMPFILE\n")
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out.jsonl"
    out.write_text("previous results\n")
    proc = batch_stdin_to(out, fake, stdout=subprocess.PIPE)
    try:
        assert proc.stdin is not None
        proc.stdin.write('{"os": "linux"}\n' * 5000)  # a chunk is scored and written
        proc.stdin.flush()
        wait_for(lambda: any(work.glob(".out.jsonl.*.tmp")))  # the named one: the fallback
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
    assert (proc.returncode, err) == (143, "recommender: batch stopped by SIGTERM\n")
    assert sorted(p.name for p in work.iterdir()) == ["out.jsonl"]
    assert out.read_text() == "previous results\n"


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT], ids=["nohup", "background"])
def test_a_signal_ignored_at_start_stays_ignored(tmp_path: Path, signum: signal.Signals) -> None:
    """``nohup recommender batch ... &`` must outlive the terminal (SIGHUP), and a shell's
    background job its Ctrl-C (SIGINT): a signal ignored when the command starts stays ignored."""
    out = tmp_path / "out.jsonl"
    ignore = lambda: signal.signal(signum, signal.SIG_IGN)  # noqa: E731 (as nohup and the shell do)
    proc = batch_stdin_to(out, preexec_fn=ignore)
    try:
        assert proc.stdin is not None
        proc.stdin.write('{"os": "linux"}\n' * 5000)  # a chunk is scored and written
        proc.stdin.flush()
        wait_for(lambda: writing(proc.pid, tmp_path, ".out.jsonl.*.tmp"))
        proc.send_signal(signum)
        time.sleep(0.5)
        assert proc.poll() is None  # still running
        err = proc.communicate('{"os": "windows"}\n', timeout=60)[1]
    finally:
        proc.kill()
    assert (proc.returncode, err) == (0, "")
    assert len(out.read_text().splitlines()) == 5001


# -- ask ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_ask_keeps_the_answers_on_sigterm_and_sighup(tmp_path: Path, signum: int) -> None:
    child = spawn_ask([], tmp_path)
    child.expect_exact("Who is it for?")
    child.send(DOWN + ENTER)  # Researchers
    child.expect_exact("Where will it run?")
    child.kill(signum)
    child.expect_exact("carry on with: recommender ask --resume")
    child.expect(pexpect_eof())
    child.close()
    assert child.signalstatus is None and child.exitstatus == 128 + signum
    kept = (tmp_path / "ask-resume.yaml").read_text()
    assert "audience: researcher" in kept and "- audience" in kept
    name = signal.Signals(signum).name
    screen = child.logfile_read.getvalue()
    assert f"recommender: ask stopped by {name}; 1 answer(s) kept in" in screen


# A callback in the prompt's event loop that catches BaseException, as prompt_toolkit's history
# loader's done-callback does; the signal arrives while it runs. Enter is typed a second later, so
# a prompt that swallowed the stop answers instead of hanging.
SWALLOWED = """
import asyncio, os, signal, sys
import questionary
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from recommender.ask.prompts import run_prompt
from recommender.cli import raised_on_signals
from recommender.errors import Terminated

def swallowing():
    try:
        os.kill(os.getpid(), int(sys.argv[1]))
        for _ in range(100_000):  # the handler runs in here
            pass
    except BaseException:
        pass

with raised_on_signals(), create_pipe_input() as keys:
    prompt = questionary.select("Pick", ["a", "b"], input=keys, output=DummyOutput())
    def pre_run():
        loop = asyncio.get_running_loop()
        loop.call_soon(swallowing)
        loop.call_later(1.0, keys.send_text, "\\r")
    prompt.application.pre_run_callables.append(pre_run)
    try:
        print("answered", run_prompt(prompt))
    except Terminated as stop:
        print("stopped by", signal.Signals(stop.signum).name)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_ends_a_prompt_even_inside_a_callback_that_swallows_it(signum: int) -> None:
    """The signal used to raise Terminated wherever the prompt's loop was; inside a callback of
    prompt_toolkit's that catches BaseException it was dropped, and ``ask`` went on with every
    stop signal ignored (about once in 100 runs of the test above)."""
    proc = subprocess.run(
        [sys.executable, "-c", SWALLOWED, str(int(signum))],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["stopped", "by", signal.Signals(signum).name]


def pexpect_eof() -> type:
    import pexpect

    return pexpect.EOF


def test_a_kept_questionnaire_is_mentioned_and_never_replaced(tmp_path: Path) -> None:
    first = tmp_path / "ask-resume.yaml"
    first.write_text(
        "name: resumed\nanswers: {audience: production, os: windows}\nasked: [audience, os]\n"
    )
    child = spawn_ask([], tmp_path)
    child.expect_exact("An interrupted questionnaire from")
    child.expect_exact(f"is kept in {first}; `recommender ask --resume` carries on with it")
    child.expect_exact("Who is it for?")
    child.send(ENTER)  # Beginners
    child.expect_exact("Where will it run?")
    child.sendcontrol("c")
    second = tmp_path / "ask-resume-2.yaml"
    child.expect_exact(f"carry on with: recommender ask --resume {second}")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 130
    assert "audience: production" in first.read_text()  # the first is as it was
    assert "audience: beginner" in second.read_text()

    child = spawn_ask(["--resume", str(second)], tmp_path)  # the second carries on by name
    child.expect_exact("Carrying on: 1 question(s)")
    child.expect_exact("Where will it run?")
    child.sendcontrol("c")
    child.expect_exact(f"1 answer(s) kept in {second}")
    child.expect(pexpect_eof())
    child.close()
    assert {p.name for p in tmp_path.glob("ask-resume*")} == {first.name, second.name}


# -- a signal while a regular file is being replaced -------------------------------------------

# A fault fake in the real process (loaded as sitecustomize): fsync of the temporary file that
# will replace $SLOW_WRITE waits, so the signal lands while that file is written and still open.
# That file has no name on Linux (O_TMPFILE): the first one in $SLOW_WRITE's directory is it
# (what the command writes after the signal, the resume file of ask, is not held up).
SLOW_FSYNC = """
import os, time
_fsync = os.fsync
held = []
def fsync(fd):
    where, name = os.path.split(os.readlink(f"/proc/self/fd/{fd}"))
    named = name.startswith("." + os.environ["SLOW_WRITE"] + ".") and name.endswith(".tmp")
    unnamed = name.startswith("#") and name.endswith(" (deleted)")
    if (named or unnamed) and where == os.environ["SLOW_DIR"] and not held:
        held.append(fd)
        time.sleep(120)
    _fsync(fd)
os.fsync = fsync
"""
needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="the fake needs /proc")


def slow_env(tmp_path: Path, name: str) -> dict[str, str]:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(SLOW_FSYNC)
    return {
        **os.environ,
        "PYTHONPATH": f"{fake}{os.pathsep}{ROOT}",
        "RECOMMENDER_BASE_RULES": str(MINI),
        "RECOMMENDER_STATE_DIR": str(tmp_path),
        "SLOW_WRITE": name,
        "SLOW_DIR": str(tmp_path),
    }


@needs_proc
@pytest.mark.parametrize("signum", list(SIGNALS), ids=[s.name for s in SIGNALS])
def test_a_signal_while_recommend_o_writes_leaves_no_temp_file_and_the_old_output(
    tmp_path: Path, signum: signal.Signals
) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "recommender", "recommend", "-a", "os=linux", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=slow_env(tmp_path, "out.json"),
        text=True,
    )
    err = stop_mid_write(proc, tmp_path, ".out.json.*.tmp", signum)
    assert (proc.returncode, err) == (128 + signum, f"recommender: recommend {SIGNALS[signum]}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake", "out.json"]
    assert out.read_text() == "previous\n"


@needs_proc
def test_sigterm_while_ask_save_writes_keeps_the_answers_and_no_temp_file(tmp_path: Path) -> None:
    import pexpect
    from askkit import env

    saved = tmp_path / "mine.yaml"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "ask", "--save", str(saved)],
        env={**env(tmp_path), **slow_env(tmp_path, "mine.yaml")},
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
    )
    child.logfile_read = io.StringIO()
    for prompt, keys in [
        ("Who is it for?", DOWN + ENTER),
        ("Where will it run?", SPACE + ENTER),
        ("Which OS?", ENTER),
        ("Custom gradients?", ENTER),
        ("Your answers", ENTER),
        ("Show the full report?", ENTER),
    ]:
        child.expect_exact(prompt)
        child.send(keys)
    wait_for(lambda: writing(child.pid, tmp_path, ".mine.yaml.*.tmp"))
    child.kill(signal.SIGTERM)
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ask-resume.yaml", "fake"]
    assert "audience: researcher" in (tmp_path / "ask-resume.yaml").read_text()


# -- a signal that lands where Python or asyncio would drop the exception ----------------------


def test_a_signal_inside_an_asyncio_callback_still_stops_the_command() -> None:
    """``ask``'s prompts run in asyncio, which logged and dropped a Terminated raised inside a
    callback: the process went on, every stop signal ignored (1 run in 3, a stress run found)."""
    import asyncio

    from recommender.cli import raised_on_signals
    from recommender.errors import Terminated

    async def prompt() -> None:
        asyncio.get_running_loop().call_soon(os.kill, os.getpid(), signal.SIGTERM)
        await asyncio.sleep(30)

    with pytest.raises(Terminated) as stop, raised_on_signals():
        asyncio.run(prompt())
    assert stop.value.exit_code == 143


def test_a_signal_inside_a_finalizer_is_delivered_again() -> None:
    """Python cannot raise out of ``__del__`` or a weakref callback (the garbage collector runs
    them between two prompts): the stop is "ignored" there, so it is sent again."""
    import time

    from recommender.cli import raised_on_signals
    from recommender.errors import Terminated

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGHUP)

    with pytest.raises(Terminated) as stop, raised_on_signals():
        Finalized()
        time.sleep(30)  # the signal, sent again, ends this
    assert stop.value.exit_code == 129


def test_sigterm_at_any_moment_of_an_ask_keeps_the_answers(tmp_path: Path) -> None:
    """The real ``ask``, stopped at several moments while a prompt draws."""
    import pexpect

    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.08):
        child = spawn_ask([], tmp_path / str(delay))
        child.expect_exact("Who is it for?")
        child.send(DOWN + ENTER)
        child.expect_exact("Where will it run?")
        time.sleep(delay)
        child.kill(signal.SIGTERM)
        child.expect(pexpect.EOF)
        child.close()
        screen = child.logfile_read.getvalue()
        assert (child.exitstatus, "Traceback" in screen) == (143, False), screen[-800:]
        assert "1 answer(s) kept in" in screen


# A signal that lands while the executable imports its command line, before the CLI's handlers:
# the child sends it to itself from an import hook, so the moment is exact, not a timed guess.
EARLY = """
import os, signal, sys
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "recommender.cli":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{name})
        return None
sys.meta_path.insert(0, Hook())
sys.argv = ["recommender", "recommend", "-a", "audience=beginner"]
from recommender.__main__ import main
raise SystemExit(main())
"""


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("SIGINT", 130, "recommender: interrupted"),
        ("SIGTERM", 143, "recommender: stopped by SIGTERM"),
    ],
)
def test_a_signal_while_the_cli_is_imported_is_one_line_and_its_exit_code(
    name: str, code: int, line: str
) -> None:
    # before, SIGINT there was a KeyboardInterrupt traceback and SIGTERM killed by the signal
    proc = subprocess.run(
        [sys.executable, "-c", EARLY.replace("{name}", name)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (proc.returncode, proc.stderr.strip(), proc.stdout) == (code, line, "")


def test_a_rules_subcommand_is_named_in_the_signal_line(tmp_path: Path):
    """``rules freshness`` stopped while it waits on an index that never answers: the line named
    only ``rules``, as if the rules command group itself had been stopped."""
    index = socket.socket()
    index.bind(("127.0.0.1", 0))
    index.listen(4)
    index.settimeout(60)
    url = f"http://127.0.0.1:{index.getsockname()[1]}/simple/"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "recommender", "rules", "freshness", "--index-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        asked, _ = index.accept()  # the lookup is under way: the CLI's handlers are in place
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=30)[1]
        asked.close()
    finally:
        proc.kill()
        index.close()
    assert (proc.returncode, err) == (143, "recommender: rules freshness stopped by SIGTERM\n")


def _rows(path: Path, count: int) -> Path:
    path.write_text(
        "".join(
            f'{{"name": "p{n}", "answers": {{"audience": "beginner"}}}}\n' for n in range(count)
        )
    )
    return path


SAVER = """
import os, sys, time
import recommender
from recommender.ask import resume
from recommender.ask.flow import Progress
rules = recommender.load_rules(base=sys.argv[2])
while not os.path.exists(sys.argv[1]):  # all start saving at one moment
    time.sleep(0.001)
print(resume.save(Progress({}, ["audience"]), rules))
"""


def test_questionnaires_interrupted_at_once_keep_a_file_each(tmp_path: Path) -> None:
    """Eight ``ask`` runs stopped at one moment (a terminal window with eight tabs closed) all
    found ask-resume.yaml free and replaced one another's answers there: one file was left of
    eight (so on every try, here). Each now takes its name before it writes."""
    go, state = tmp_path / "go", tmp_path / "state"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_STATE_DIR": str(state)}
    command = [sys.executable, "-c", SAVER, str(go), str(ROOT / "tests" / "data" / "mini")]
    savers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) for _ in range(8)
    ]
    time.sleep(3)  # every one imported and waiting
    go.touch()
    kept = sorted(saver.communicate(timeout=60)[0].strip() for saver in savers)
    names = ["ask-resume.yaml", *(f"ask-resume-{n}.yaml" for n in range(2, 9))]
    assert kept == sorted(str(state / name) for name in names)
    assert sorted(p.name for p in state.iterdir()) == sorted(names)


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_stop_signal_ends_a_run_whose_stdout_nobody_reads(
    tmp_path: Path, unbuffered: bool
) -> None:
    """SIGTERM while the output waits on a full pipe that nobody reads: the run ends, 143 and
    one line. Before the waiting stdout dropped what it still held on a stop signal, it wrote it
    on the way out into the same full pipe, every stop signal ignored by then, and the run hung
    until killed (found by this audit in its own first version of the waiting stdout)."""
    import signal

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    args = ["batch", str(_rows(tmp_path / "in.jsonl", 3000)), "-q", "-f", "csv"]
    with subprocess.Popen(
        [sys.executable, "-m", "recommender", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    ) as child:
        time.sleep(3)  # the pipe (64 KiB) is full long before: the run waits on it
        child.send_signal(signal.SIGTERM)
        try:
            code = child.wait(timeout=20)
        finally:
            child.kill()
        assert child.stderr is not None
        assert (code, child.stderr.read()) == (143, b"recommender: batch stopped by SIGTERM\n")
