"""``-o FILE``: a read-only file, a read-only file system, a full disk or a full temporary
space is named and keeps the old file; ``/dev/tty`` and ``/dev/stdout`` are written into, never
replaced; ``-o -`` with stdout closed is exit 2; an extension the command does not write is named
as such."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RECOMMEND, ROOT, cli, run_cli
from streamkit import BAD_PROFILE, beginner_rows, run_with_streams

NO_OVERRIDE = ["--bounding-set=-dac_override,-dac_read_search"]
NO_OVERRIDE += ["--inh-caps=-dac_override,-dac_read_search"]


def _as_a_user() -> list[str] | None:
    """A command prefix that runs without root's override of file modes, or None."""
    if os.geteuid() != 0:
        return []
    found = shutil.which("setpriv")
    return None if found is None else [found, *NO_OVERRIDE]


@pytest.mark.skipif(_as_a_user() is None, reason="root without setpriv overrides every mode")
@pytest.mark.parametrize("name", ["ro.json", "link.json"])
def test_o_refuses_a_read_only_file_as_the_shell_would(tmp_path: Path, name: str) -> None:
    # The rename needs only the directory's permission: a 0444 file was silently replaced
    old = tmp_path / "ro.json"
    old.write_text("OLD\n")
    old.chmod(0o444)
    (tmp_path / "link.json").symlink_to("ro.json")
    argv = [sys.executable, "-m", "recommender", "recommend", "-a", "audience=beginner"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prefix = _as_a_user() or []
    done = subprocess.run(
        [*prefix, *argv, "-o", name], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert (done.returncode, old.read_text()) == (2, "OLD\n")
    assert done.stderr == (
        f"{name}: cannot write here: the file is read-only; make it writable, or choose "
        "another -o file\n"
    )


@pytest.mark.parametrize("stderr", ["file", "full", "closed"])
def test_o_dash_with_stdout_closed_is_exit_2(tmp_path: Path, stderr: str) -> None:
    args = (*RECOMMEND, "-o", "-")
    code, _, said = run_with_streams(tmp_path, args, stdout="closed", stderr=stderr)
    assert code == 2
    if stderr == "file":
        assert said == (
            b"recommender: standard output is closed: write to a file with -o FILE, "
            b"or open stdout\n"
        )


def test_o_dev_tty_without_a_terminal_is_refused_before_any_work(tmp_path: Path) -> None:
    """With no controlling terminal (a new session), /dev/tty cannot be opened (ENXIO): that
    was found only after the work, and blamed on "no process is reading the FIFO"."""
    import sys

    from conftest import ROOT

    (tmp_path / "p.yaml").write_text(BAD_PROFILE)  # bad too: -o must be the first thing said
    done = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--profile", "p.yaml", "-o", "/dev/tty"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "/dev/tty: cannot write here: this process has no terminal (it runs from cron, a service "
        "or a detached session); drop -o to write to stdout, or give a file\n"
    )


def test_o_dev_tty_on_a_terminal_writes_to_it() -> None:
    import sys

    import pexpect
    from conftest import ROOT

    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", *RECOMMEND, "-o", "/dev/tty"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert b'"schema_version": 1' in child.before


def test_o_dev_stdout_is_written_into_and_never_replaced() -> None:
    import stat

    before = os.lstat("/dev/stdout")
    done = run_cli(*RECOMMEND, "-o", "/dev/stdout")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["schema_version"] == 1
    after = os.lstat("/dev/stdout")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert not stat.S_ISREG(after.st_mode)


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
        [
            sys.executable,
            "-m",
            "recommender",
            "batch",
            str(beginner_rows(tmp_path / "in.jsonl", 300)),
        ]
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


TEXT_ROW = b'{"name": "p", "answers": {"os": "linux"}}\n'


def _small_tmpfs(folder: Path, options: str):
    """A 16 KiB tmpfs at ``folder``, where this process may mount one (root, with the
    capability); else the test is skipped."""
    folder.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", f"{options},size=16k", "tmpfs", str(folder)]
    try:
        done = subprocess.run(mount, capture_output=True, timeout=30)
    except OSError:
        pytest.skip("no mount command")
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True, timeout=30)


@pytest.fixture()
def read_only_dir(tmp_path: Path):
    yield from _small_tmpfs(tmp_path / "ro", "ro")


@pytest.fixture()
def full_dir(tmp_path: Path):
    yield from _small_tmpfs(tmp_path / "full", "rw")


@pytest.mark.parametrize("command", [["recommend", "-a", "os=linux"], ["questions"]])
def test_o_onto_a_read_only_file_system_says_so(read_only_dir: Path, command: list[str]) -> None:
    """It said "no permission to write in DIR", which sends a user to chmod (and root, who has
    every permission, was told it had none)."""
    out = read_only_dir / "out.json"
    message = (
        f"{out}: cannot write here: {read_only_dir} is on a read-only file system; write the "
        "file somewhere else\n"
    )
    assert cli(*command, "-o", str(out)) == (2, "", message)


def test_o_onto_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(
    full_dir: Path, tmp_path: Path
) -> None:
    """A guard: 500 records do not fit in 16 KiB; the old file stays whole, nothing is left."""
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(TEXT_ROW * 500)
    out = full_dir / "out.jsonl"
    out.write_text("OLD")
    code, stdout, err = cli("batch", str(rows), "-o", str(out), "-q")
    assert (code, stdout, err) == (2, "", f"recommender: {out}: No space left on device\n")
    assert out.read_text() == "OLD"
    assert [p.name for p in full_dir.iterdir()] == ["out.jsonl"]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("command", [["explain", "-a", "audience=beginner"], ["compare"]])
def test_an_extension_another_command_writes_is_named_as_such(tmp_path: Path, command):
    """``explain -o x.html`` said it "cannot tell the output format from .html", which it can:
    explain just does not write HTML. Nothing is written."""
    out = tmp_path / "x.html"
    code, stdout, err = cli(*command, "-o", str(out))
    assert (code, stdout, err) == (
        2,
        "",
        f'{out}: ".html" names the html format, which this command does not write; '
        "use --format (table, json, markdown) or another extension\n",
    )
    assert not out.exists()


def test_an_append_only_directory_is_named_with_the_fix(tmp_path: Path) -> None:
    """A directory marked append-only (``chattr +a``) lets a file be made but not renamed over
    another nor removed: the output could not take the old file's place, and the message named
    the temporary file alone ("/d/.out.json.x.tmp: Operation not permitted"), no fix."""
    chattr = shutil.which("chattr")
    if chattr is None or os.geteuid() != 0:
        pytest.skip("needs chattr and root")
    out = tmp_path / "out.json"
    out.write_text("previous\n")
    if subprocess.run([chattr, "+a", str(tmp_path)], capture_output=True).returncode:
        pytest.skip("this file system has no append-only flag")
    try:
        done = run_cli("recommend", "-a", "hardware=tpu", "-o", str(out), cwd=tmp_path)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name != "out.json")
    finally:
        subprocess.run([chattr, "-a", str(tmp_path)], check=True)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{out}: cannot replace it: Operation not permitted (an append-only or "
        "sticky directory?); write the output elsewhere; the directory would not let its "
        f"temporary file go either: remove {tmp_path / left[0]}\n"
    )
    assert out.read_text() == "previous\n"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("out.json/", "names a directory (it ends with /); -o needs a file name"),
        (
            "out.json/x.json",
            "cannot write here: a part of the path before the file name is a file, not a "
            "directory; choose another -o file",
        ),
    ],
)
def test_a_path_through_an_existing_file_is_named_with_the_fix(
    tmp_path: Path, name: str, said: str
) -> None:
    """``-o out.json/`` where out.json is a file said "cannot write here: Not a directory", where
    a new ``out.json/`` is named as a directory; the same for a path going on past a file."""
    (tmp_path / "out.json").write_text("previous\n")
    done = run_cli("recommend", "-a", "hardware=tpu", "-o", name, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"{name}: {said}\n")
    assert (tmp_path / "out.json").read_text() == "previous\n"
