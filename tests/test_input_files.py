"""What an input path is, named as such in one line: a file that cannot be read, a FIFO, a
directory, a device, a socket, a link to nothing, an empty name, and stdin where a command cannot
take it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from askkit import finish, spawn_ask
from conftest import cli, run_cli


def _read_fails(path: str) -> bool:
    try:
        with open(path, "rb") as stream:
            stream.read(1)
    except OSError:
        return True
    return False


@pytest.mark.skipif(not _read_fails("/proc/self/mem"), reason="needs Linux's /proc/self/mem")
@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "--profile", "/proc/self/mem"),
        ("explain", "--profile", "/proc/self/mem"),
        ("batch", "/proc/self/mem", "--input-format", "jsonl"),
        ("batch", "/proc/self/mem", "--input-format", "yaml"),
        ("rules", "validate", "/proc/self/mem"),
    ],
    ids=["recommend", "explain", "batch-jsonl", "batch-yaml", "validate"],
)
def test_a_read_error_names_the_file(args: tuple[str, ...]) -> None:
    # /proc/self/mem is a regular file that fails at the first read, as a failing disk does; the
    # line said only "recommender: Input/output error"
    done = run_cli(*args)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("recommender: /proc/self/mem: "), line


def recommend(text: str, name: str = "p.yaml") -> tuple[int, str, str]:
    Path(name).write_text(text)
    return cli("recommend", "--profile", name, "-f", "json")


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_resume_names_a_fifo_a_directory_or_a_device_as_what_it_is(tmp_path: Path, kind: str):
    """A FIFO, a directory or /dev/null said "nothing to resume: no interrupted questionnaire",
    as if nothing were there."""
    path = {"fifo": tmp_path / "kept.yaml", "directory": tmp_path, "device": Path(os.devnull)}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    what = {
        "fifo": "a FIFO (named pipe)",
        "directory": "a directory",
        "device": "a character device",
    }[kind]
    child = spawn_ask(["--resume", str(path)], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    line = (
        f"{path}: is {what}, not a file kept by `recommender ask`; give the file named when ask "
        "was interrupted"
    )
    assert [row.strip() for row in out.splitlines() if row.strip()] == [line]


@pytest.mark.usefixtures("shipped_only")
def test_resume_from_stdin_is_refused_as_from_is(tmp_path: Path):
    child = spawn_ask(["--resume", "-"], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    assert out.strip() == (
        "recommender: ask reads its answers from the terminal, so --resume needs a file, not -"
    )


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("recommend", "--profile", "link"), "link: {}"),
        (("batch", "link"), "link: {}"),
        (("recommend", "--rules", "link", "-a", "audience=beginner"), "link: {} (give a "
         "directory holding *.yaml rule files)"),
        (("rules", "validate", "link"), "link: [error] {}"),
    ],
)  # fmt: skip
def test_a_link_to_nothing_is_named_as_such(tmp_path: Path, args: tuple[str, ...], said: str):
    # "no such file" was said of a name that ls lists
    (tmp_path / "link").symlink_to(tmp_path / "gone.yaml")
    code, out, err = cli(*args)
    line = said.format(f"is a symbolic link to {tmp_path / 'gone.yaml'}, which does not exist")
    assert code == 2 and line in (out + err).splitlines()
    assert "no such file" not in out + err


@pytest.fixture()
def unix_socket(tmp_path: Path):
    import socket

    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "in.sock"))
    yield "in.sock"
    server.close()


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "--profile", "in.sock"),
        ("explain", "--profile", "in.sock"),
        ("batch", "in.sock"),  # its format was asked for first: "cannot tell ... from .sock"
        ("batch", "in.sock", "--input-format", "jsonl"),
        ("rules", "test", "in.sock"),
    ],
)
def test_a_socket_as_input_is_named_as_one(
    tmp_path: Path, unix_socket: str, args: tuple[str, ...]
) -> None:
    """Opening a socket fails with ENXIO, which was shown as "No such device or address"."""
    done = run_cli(*args, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert (
        done.stderr == "in.sock: is a socket, not a regular file; give a file, or - to read stdin\n"
    )


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
