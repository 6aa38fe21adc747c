"""QA round 26, "no byte lost or destroyed": the real command line run as a hostile environment
would run it (an endless line, a shared cache folder, a non-blocking or full stdout, an empty
file name, a full TMPDIR, questionnaires stopped at once, a relative XDG directory). Each test
failed on the code before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

ENDLESS = (
    "<stdin>:1: the line goes on past 1 GiB with no newline, so this is not JSONL or CSV text; "
    "the rest of it is not read\n"
)


# -- an endless line (/dev/zero) is refused, not drained for ever --------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_endless_line_on_stdin_is_refused_and_the_old_output_kept(
    tmp_path: Path, fmt: str
) -> None:
    """``batch - < /dev/zero`` drained its one line for ever: over 1 MiB a line is read and
    dropped in pieces until its newline, which never came. Past 1 GiB it is now exit 2 with one
    line, and ``-o``'s old file is kept, with no temporary file left beside it."""
    out = tmp_path / f"out.{fmt}"
    out.write_text("OLD")
    with open("/dev/zero", "rb") as zero:
        done = run_cli(
            "batch", "-", "--input-format", fmt, "-o", str(out), cwd=tmp_path, stdin=zero.fileno()
        )
    assert (done.returncode, done.stderr, done.stdout) == (2, ENDLESS, "")
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


# -- the rules cache removes only its own files, in a cache directory the user may share ---------


def _user_files(folder: Path) -> list[str]:
    """20 files of the user's whose names begin as the cache's do, older than any cache file."""
    names = [f"rules-notes-{n}.md" for n in range(20)]
    for name in names:
        (folder / name).write_text("mine\n")
        os.utime(folder / name, (1_600_000_000, 1_600_000_000))
    return sorted(names)


def _cached(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".json")]


def test_pruning_the_rules_cache_leaves_the_users_files(tmp_path: Path) -> None:
    """With $RECOMMENDER_CACHE_DIR a folder the user shares, a run that wrote the cache kept
    the newest 16 files whose names began with "rules-", and deleted the rest: the user's."""
    names = _user_files(tmp_path)
    done = run_cli("recommend", "--answer", "audience=beginner", env=_cache_in(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    assert len(_cached(tmp_path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".md") == names


def test_rules_validate_refresh_forgets_only_the_cache(tmp_path: Path) -> None:
    """``rules validate --refresh`` deleted every file in the cache folder whose name began with
    "rules-"; it forgets the cached rule bases, and nothing else."""
    names = _user_files(tmp_path)
    env = _cache_in(tmp_path)
    assert run_cli("recommend", "--answer", "audience=beginner", env=env).returncode == 0
    done = run_cli("rules", "validate", "--refresh", env=env)
    assert done.returncode == 0
    assert done.stderr.splitlines()[0] == "rules cache: 1 cached rule base(s) forgotten"
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def _cache_in(folder: Path) -> dict[str, str]:
    return {"RECOMMENDER_CACHE_DIR": str(folder), "RECOMMENDER_RULES": ""}


# -- a non-blocking stdout (shared with a parent that made it so) gets the whole output ----------


def _rows(path: Path, count: int) -> Path:
    path.write_text(
        "".join(
            f'{{"name": "p{n}", "answers": {{"audience": "beginner"}}}}\n' for n in range(count)
        )
    )
    return path


def _through_a_nonblocking_pipe(args: list[str], cwd: Path, unbuffered: bool) -> tuple[int, bytes]:
    """Run the CLI with stdout a pipe in non-blocking mode (as Node.js or a CI runner leaves the
    pipe it shares), read only once the pipe has long been full; the exit code and every byte."""
    import fcntl

    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    with subprocess.Popen(
        [sys.executable, "-m", "recommender", *args],
        stdout=write_end,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    ) as child:
        os.close(write_end)
        time.sleep(1.5)  # the pipe (64 KiB) fills long before: every later write meets EAGAIN
        with open(read_end, "rb") as reader:
            data = reader.read()
        return child.wait(timeout=60), data


@pytest.mark.skipif(sys.platform == "win32", reason="needs fcntl")
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_nonblocking_stdout_gets_the_whole_output(tmp_path: Path, unbuffered: bool) -> None:
    """Python's stdout lost what a full non-blocking pipe refused: it ended with "write could not
    complete without blocking" (exit 2, or 120 at exit), and under PYTHONUNBUFFERED, as Docker
    images set it, it dropped all past the first 64 KiB, with exit 0."""
    args = ["batch", str(_rows(tmp_path / "in.jsonl", 300)), "-q"]
    expected = run_cli(*args, cwd=tmp_path).stdout.encode()
    assert len(expected) > 4 * 65536
    assert _through_a_nonblocking_pipe(args, tmp_path, unbuffered) == (0, expected)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [("recommend", "--answer", "audience=beginner"), ("rules", "list", "-f", "json")]
)
def test_a_full_stdout_is_named_in_the_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    """``> /dev/full`` (a full disk) said "recommender: No space left on device", naming no file,
    where every other write that fails names the file it was writing."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "recommender", *args],
            stdout=full,
            capture_output=False,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
            timeout=60,
        )
    assert (done.returncode, done.stderr) == (2, "recommender: <stdout>: No space left on device\n")


# -- --rules naming something that is not a directory says what it is --------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_rules_naming_a_device_or_fifo_says_what_it_is(tmp_path: Path) -> None:
    """``--rules /dev/zero`` said "is a file; give the directory that holds it (or `rules
    validate FILE`)": /dev/zero is no file, and ``rules validate`` refuses it in turn."""
    fifo = tmp_path / "overlay"
    os.mkfifo(fifo)
    for path, what in (("/dev/zero", "a character device"), (str(fifo), "a FIFO (named pipe)")):
        done = run_cli("recommend", "--rules", path, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (
            2,
            f"{path}: is {what}; give a directory holding *.yaml rule files\n",
        )


# -- an empty file name (an unset shell variable) is refused, not read as "none" or "here" -------

EMPTY = "it is empty (a shell variable not set?); give a value"


@pytest.mark.parametrize(
    ("args", "argument", "command"),
    [
        (("recommend", "--answer", "audience=beginner", "-o", ""), "--output/-o", "recommend"),
        (("recommend", "--profile", ""), "--profile", "recommend"),
        (("explain", "--profile", ""), "--profile", "explain"),
        (("recommend", "--rules", ""), "--rules", "recommend"),
        (("--rules", "", "questions"), "--rules", ""),
        (("batch", ""), "INPUT", "batch"),
        (("schema", "profile", "-o", ""), "--output/-o", "schema"),
        (("rules", "validate", ""), "PATH", "rules validate"),
        (("rules", "test", ""), "PATH", "rules test"),
        (("ask", "--save", ""), "--save", "ask"),
    ],
)
def test_an_empty_name_is_refused(
    tmp_path: Path, args: tuple[str, ...], argument: str, command: str
) -> None:
    """``-o "$OUT"`` with OUT unset wrote to stdout, ``--profile ""`` scored no profile and
    ``--rules ""`` read the current directory as an overlay, each with exit 0 and no word."""
    (tmp_path / "notes.yaml").write_text("shopping: [milk]\n")  # what `--rules ""` read as rules
    done = run_cli(*args, cwd=tmp_path)
    prog = f"recommender {command}".strip()
    where = f"{command}: " if command else ""
    expected = f"recommender: {where}argument {argument}: {EMPTY} (see '{prog} --help')\n"
    assert (done.returncode, done.stderr, done.stdout) == (2, expected, "")


# -- the team page's temporary file, when its disk is full, is named, not the -o file ------------


def _file_size_limit(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_full_temporary_space_is_named_not_the_output(tmp_path: Path) -> None:
    """``batch -f html -o page.html`` spools its records in TMPDIR; when that filled up, the one
    line blamed page.html ("page.html: No space left on device"), whose disk may have room."""
    spool, out = tmp_path / "spool", tmp_path / "out"
    spool.mkdir()
    out.mkdir()
    page = out / "page.html"
    page.write_text("OLD")
    done = subprocess.run(
        [sys.executable, "-m", "recommender", "batch", str(_rows(tmp_path / "in.jsonl", 300))]
        + ["-q", "-o", str(page)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(spool)},
        cwd=tmp_path,
        timeout=120,
        preexec_fn=lambda: _file_size_limit(256 << 10),  # the records pass it, the page not
    )
    where = f"{spool} (temporary space; set TMPDIR to a folder with room)"
    assert (done.returncode, done.stderr) == (2, f"recommender: {where}: File too large\n")
    assert page.read_text() == "OLD"
    assert sorted(p.name for p in out.iterdir()) == ["page.html"]


# -- questionnaires interrupted at one moment each keep their own file ---------------------------

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


# -- a relative XDG directory is ignored, as the spec says, not made in the working directory ----


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    """``XDG_CACHE_HOME=cache`` put the rules cache in ./cache/recommender/ of whatever directory
    the command ran in; the XDG spec has a relative path ignored, so it goes under $HOME."""
    work, home = tmp_path / "project", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CACHE_HOME": "cache"}
    env.pop("RECOMMENDER_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--answer", "audience=beginner"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert list(work.iterdir()) == []
    assert len(list((home / ".cache" / "recommender").glob("rules-*.json"))) == 1
