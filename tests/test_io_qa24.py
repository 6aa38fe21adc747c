"""QA pass 24 on files in and out, each fault re-checked with a real process where it was one:
forged rule caches, deep cache directories, unwritable standard streams, devices and sockets as
inputs and outputs, ``-`` for the rules commands, and a clean interpreter exit."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shlex
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.fileio import make_dirs

RECOMMEND = ("recommend", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")
EXPLAIN = ("explain", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")


def remove_tree(root: Path) -> None:
    """``rm -rf``, which walks a tree thousands of levels deep without recursion (pytest's own
    clean-up, shutil.rmtree, recurses, and would fail a later session)."""
    subprocess.run(["rm", "-rf", str(root)], check=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], str]:
    """What each command prints with no cache to read: a forged cache must change nothing."""
    out: dict[tuple[str, ...], str] = {}
    for args in (RECOMMEND, EXPLAIN):
        cache = tmp_path_factory.mktemp("fresh-cache")
        done = run_cli(*args, env={"RECOMMENDER_CACHE_DIR": str(cache)})
        assert (done.returncode, done.stderr) == (0, "")
        out[args] = done.stdout
    return out


# -- 1 and 2. a forged rule cache is rebuilt, never trusted, never a crash ------------------------


def cached_rules(tmp_path: Path) -> tuple[Path, str, str]:
    """The shipped rules' cache file, written by a real run: (file, key, payload)."""
    cache = tmp_path / "cache"
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(cache)})
    assert done.returncode == 0
    [slot] = cache.glob("rules-*.json")
    head, payload = slot.read_text().split("\n", 1)
    return slot, json.loads(head)["key"], payload


def forge(slot: Path, key: str, payload: str) -> str:
    """``payload`` written with a valid key and checksum: only its content can give it away."""
    meta = {"key": key, "sha256": hashlib.sha256(payload.encode()).hexdigest()}
    text = json.dumps(meta) + "\n" + payload
    slot.write_text(text)
    return text


def with_points(payload: str, points: str) -> str:
    """Every rule's first points replaced by the JSON text ``points`` (1e308, NaN, ...)."""
    tree = json.loads(payload)
    for rule in tree["rules"]["$t"]:
        if rule["score"]["$d"]:
            rule["score"]["$d"][0][1] = "@points@"
    return json.dumps(tree).replace('"@points@"', points)


def with_framework(payload: str, where: str) -> str:
    """Every rule's points (``score``) or deal-breakers naming a framework that is not there."""
    tree = json.loads(payload)
    for rule in tree["rules"]["$t"]:
        if where == "score" and rule["score"]["$d"]:
            rule["score"]["$d"][0][0] = "theano"
        if where == "dealbreaker" and rule["dealbreaker"]["$t"]:
            rule["dealbreaker"]["$t"][0] = "theano"
    return json.dumps(tree)


FORGED_POINTS = {
    "1e308": "1e308",  # finite, so it passed, and overflowed the millionths: exit 3
    "10**400": "1" + "0" * 400,  # an int: math.isfinite raised OverflowError: exit 3
    "NaN": "NaN",
    "Infinity": "Infinity",
    "1e999": "1e999",
    "5000": "5000",  # beyond the +-1000 a rule file allows: trusted, it changed the winner
    "-1000.5": "-1000.5",
    "seven decimals": "0.1234567",  # finer than the tie tolerance's six decimals
}


@pytest.mark.parametrize("points", list(FORGED_POINTS))
def test_a_cache_with_forged_points_is_rebuilt_and_answers_as_no_cache(
    tmp_path: Path, reference: dict[tuple[str, ...], str], points: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_points(payload, FORGED_POINTS[points]))
    env = {"RECOMMENDER_CACHE_DIR": str(slot.parent)}
    done = run_cli(*RECOMMEND, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == reference[RECOMMEND]
    assert slot.read_text() != forged  # rebuilt from the YAML, with the same key
    assert json.loads(slot.read_text().split("\n", 1)[0])["key"] == key


@pytest.mark.parametrize("where", ["score", "dealbreaker"])
def test_a_cache_naming_an_unknown_framework_is_rebuilt(
    tmp_path: Path, reference: dict[tuple[str, ...], str], where: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_framework(payload, where))
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr, done.stdout) == (0, "", reference[RECOMMEND])
    assert slot.read_text() != forged


def nested(payload: str, kind: str, levels: int) -> str:
    """Every rule's condition wrapped ``levels`` deep in ``not`` (an even number: it still means
    the same) or in a one-part ``any``, written as text: json.dumps itself would recurse."""
    tree = json.loads(payload)
    whens = []
    for i, rule in enumerate(tree["rules"]["$t"]):
        whens.append(json.dumps(rule["when"]))
        rule["when"] = f"@when{i}@"
    text = json.dumps(tree)
    start, end = {
        "not": ('{"$":"Not","part":', "}"),
        "any": ('{"$":"AnyOf","parts":{"$t":[', "]}}"),
    }[kind]
    for i, when in enumerate(whens):
        text = text.replace(f'"@when{i}@"', start * levels + when + end * levels, 1)
    return text


@pytest.mark.parametrize(
    ("kind", "levels"),
    [("not", 66), ("not", 600), ("not", 3000), ("any", 66), ("any", 300)],
)
@pytest.mark.parametrize("args", [RECOMMEND, EXPLAIN], ids=["recommend", "explain"])
def test_a_cache_with_conditions_nested_past_the_rule_format_is_rebuilt(
    tmp_path: Path,
    reference: dict[tuple[str, ...], str],
    kind: str,
    levels: int,
    args: tuple[str, ...],
) -> None:
    """A rule file's YAML nests at most 64 levels (fileio.MAX_DEPTH), so no condition it gives is
    deeper; 600 levels of ``not`` in a forged cache made ``explain`` exit 3 (RecursionError)."""
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, nested(payload, kind, levels))
    done = run_cli(*args, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == reference[args]
    assert slot.read_text() != forged


def test_a_cached_raw_condition_nested_past_the_rule_format_is_rebuilt(tmp_path: Path) -> None:
    """``raw_when`` (the condition as written, for ``rules show``) is plain data: bounded too."""
    slot, key, payload = cached_rules(tmp_path)
    tree = json.loads(payload)
    tree["rules"]["$t"][0]["raw_when"] = "@raw@"
    deep = "[" * 100 + "]" * 100
    forged = forge(slot, key, json.dumps(tree).replace('"@raw@"', deep, 1))
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr) == (0, "")
    assert slot.read_text() != forged


@pytest.fixture()
def mini_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """The mini rule base's cache, written in process: (file, key, payload)."""
    import shutil

    from conftest import MINI

    from recommender.rulebase.cache import load_rules_cached

    shutil.copytree(MINI, tmp_path / "rules")
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(tmp_path / "rules"))
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    load_rules_cached()
    [slot] = (tmp_path / "cache").glob("rules-*.json")
    head, payload = slot.read_text().split("\n", 1)
    return slot, json.loads(head)["key"], payload


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.one_of(
        st.floats(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.integers(min_value=-1001, max_value=1001),
        st.decimals(min_value=-1001, max_value=1001, places=7).map(float),
    )
)
def test_forged_points_are_trusted_only_where_a_rule_file_could_hold_them(
    mini_cache: tuple[Path, str, str], points: float
) -> None:
    import recommender
    from recommender.rulebase import schema
    from recommender.rulebase.cache import load_rules_cached

    slot, key, payload = mini_cache
    forge(slot, key, with_points(payload, json.dumps(points)))
    rules = load_rules_cached()
    fresh = recommender.load_rules(base=os.environ["RECOMMENDER_BASE_RULES"], cases=False)
    if schema.points(points) is None:  # a value a rule file may hold: the cache is believed
        assert rules.rule("mobile-tf").score["tensorflow"] == points
    else:
        assert rules == fresh
    answers = {"deployment": ["mobile"], "os": "linux"}
    recommender.recommend(answers, rules=rules).to_dict()  # and it scores


# -- 3. a cache or state directory thousands of levels deep ----------------------------------------


def test_make_dirs_makes_every_missing_level_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path / ("b/" * 1500)  # ~3,000 characters: within PATH_MAX, past the recursion limit
    try:
        make_dirs(deep)
        make_dirs(deep)  # already there: nothing to do
        assert deep.is_dir()
    finally:
        remove_tree(tmp_path / "b")


def test_make_dirs_names_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    for target in (tmp_path / "f", tmp_path / "f" / "g"):
        with pytest.raises(NotADirectoryError) as caught:
            make_dirs(target)
        assert caught.value.filename == str(tmp_path / "f")


def test_a_cache_directory_3000_levels_deep_still_answers(
    tmp_path: Path, reference: dict[tuple[str, ...], str]
) -> None:
    """Past PATH_MAX: the cache cannot be written, which costs speed only."""
    deep = tmp_path / ("a/" * 3000)
    try:
        done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(deep)})
        assert (done.returncode, done.stderr, done.stdout) == (0, "", reference[RECOMMEND])
    finally:
        remove_tree(tmp_path / "a")


def test_a_cache_directory_1500_levels_deep_is_made_and_used(tmp_path: Path) -> None:
    deep = tmp_path / ("a/" * 1500)
    try:
        for _ in range(2):  # written, then read back
            done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(deep)})
            assert (done.returncode, done.stderr) == (0, "")
        assert len(list(deep.glob("rules-*.json"))) == 1
    finally:
        remove_tree(tmp_path / "a")


def test_the_probe_cache_in_a_deep_directory(tmp_path: Path) -> None:
    from recommender.probe import FrameworkResult, cache

    key = {"framework": "fakefw"}
    result = FrameworkResult("fakefw", True, "1.0", "ok")
    deep = tmp_path / ("p/" * 1500)
    try:
        cache.store(deep, key, result)
        assert cache.load(deep, key) == result.but(cached=True)
        cache.store(tmp_path / ("q/" * 3000), key, result)  # too long a name: not stored, no error
    finally:
        remove_tree(tmp_path / "p")
        remove_tree(tmp_path / "q")


def test_ask_keeps_answers_in_a_deep_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender import load_rules
    from recommender.ask import resume
    from recommender.ask.flow import Progress

    rules = load_rules(cases=False)
    progress = Progress({"os": frozenset({"linux"})}, ["os"])
    monkeypatch.setenv("RECOMMENDER_STATE_DIR", str(tmp_path / ("s/" * 1500)))
    try:
        assert resume.pending() == []
        kept = resume.save(progress, rules)
        assert resume.pending() == [kept]
        assert resume.load(rules, kept).answers == progress.answers
        monkeypatch.setenv("RECOMMENDER_STATE_DIR", str(tmp_path / ("t/" * 3000)))
        assert resume.pending() == []  # its name is too long to list: nothing kept there
        with pytest.raises(OSError) as caught:  # ask prints the answers as a profile instead
            resume.save(progress, rules)
        assert caught.value.errno == errno.ENAMETOOLONG  # not RecursionError
    finally:
        remove_tree(tmp_path / "s")
        remove_tree(tmp_path / "t")


# -- 4. standard error that cannot be written --------------------------------------------------

BAD_PROFILE = "name: x\nanswers: {audience: novice}\n"
BAD_BATCH = "name,audience\nok,beginner\nbad,novice\n"


def run_with_streams(
    tmp_path: Path, args: tuple[str, ...], stdout: str = "file", stderr: str = "full"
) -> tuple[int, bytes, bytes]:
    """Run the real command with stdout and stderr each a ``file``, ``full`` (/dev/full),
    ``closed`` (``>&-``) or ``pipe``, one whose reader is gone: (exit code, what went to each
    that is a file)."""
    import sys

    from conftest import ROOT

    files = {1: tmp_path / "stdout", 2: tmp_path / "stderr"}
    redirects, kept = [], []
    for fd, kind in ((1, stdout), (2, stderr)):
        if kind == "pipe":
            read, write = os.pipe()
            os.close(read)
            kept.append(write)
            redirects.append(f"{fd}>&{write}")
        else:
            where = {"file": shlex.quote(str(files[fd])), "full": "/dev/full", "closed": "&-"}
            redirects.append(f"{fd}>{where[kind]}")
    command = shlex.join([sys.executable, "-m", "recommender", *args])
    try:
        done = subprocess.run(
            ["bash", "-c", f"exec {command} {' '.join(redirects)}"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            pass_fds=kept,
            timeout=120,
        )
    finally:
        for fd in kept:
            os.close(fd)
    said = [p.read_bytes() if p.exists() else b"" for p in files.values()]
    return done.returncode, said[0], said[1]


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_a_user_error_keeps_exit_2_when_stderr_cannot_be_written(
    tmp_path: Path, stderr: str
) -> None:
    """The boundary's one line failed to print and the command died with a traceback: exit 1."""
    (tmp_path / "p.yaml").write_text(BAD_PROFILE)
    done = run_with_streams(tmp_path, ("recommend", "--profile", "p.yaml"), stderr=stderr)
    assert done[:2] == (2, b"")


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_batch_writes_every_record_and_keeps_exit_1_when_stderr_cannot_be_written(
    tmp_path: Path, stderr: str
) -> None:
    """A bad row's line on stderr failed, and the run ended there, its output lost."""
    (tmp_path / "team.csv").write_text(BAD_BATCH)
    code, out, _ = run_with_streams(tmp_path, ("batch", "team.csv"), stderr=stderr)
    assert code == 1
    assert [json.loads(line)["row"] for line in out.splitlines()] == [1, 2]


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_a_full_stdout_is_exit_2_even_when_stderr_cannot_say_so(
    tmp_path: Path, stderr: str
) -> None:
    assert run_with_streams(tmp_path, RECOMMEND, stdout="full", stderr=stderr)[0] == 2


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


# -- 5. -o onto a device -----------------------------------------------------------------------


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


# -- 6. a socket, a FIFO, a directory or nothing as the input ----------------------------------


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


@pytest.mark.parametrize(
    ("name", "kind"), [("d", "a directory"), ("d.csv", "a directory"), ("f", "a FIFO")]
)
def test_batch_names_what_its_input_is_before_asking_for_its_format(
    tmp_path: Path, name: str, kind: str
) -> None:
    path = tmp_path / name
    os.mkfifo(path) if kind == "a FIFO" else path.mkdir()
    done = run_cli("batch", name, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"{name}: is {kind}")


# -- 7. `-` for the rules commands ------------------------------------------------------------

OVERLAY = """\
rules:
  - id: extra-linux
    when: {os: linux}
    score: {jax: 1}
    because: b
    source: s
cases:
  - name: linux-lab
    answers: {os: linux, audience: researcher}
    expect_winner: pytorch
    source: s
"""


def test_rules_validate_dash_checks_the_rule_file_on_stdin() -> None:
    """``-`` means standard input wherever a file is read (README); it was "no such file"."""
    done = run_cli("rules", "validate", "-", input=OVERLAY)
    assert (done.returncode, done.stdout) == (0, "")
    assert re.fullmatch(r"ok: \d+ files, .* cases\n", done.stderr)
    bad = OVERLAY.replace("{os: linux}", "{os: linx}")
    done = run_cli("rules", "validate", "-", input=bad)
    assert done.returncode == 2
    assert re.fullmatch(r"1 error in 1 of \d+ files\n", done.stderr)
    assert done.stdout.startswith('<stdin>:3:16: [error] unknown option "linx" for question "os"')


def test_rules_validate_dash_is_bounded_as_a_rule_file_is() -> None:
    done = run_cli("rules", "validate", "-", input="#" * (1 << 20) + "\n")
    assert (done.returncode, done.stdout) == (2, "<stdin>: [error] over the 1,048,576-byte limit\n")


def test_rules_test_dash_runs_the_cases_on_stdin() -> None:
    done = run_cli("rules", "test", "-", "-v", input=OVERLAY)
    assert done.returncode == 0
    assert done.stdout == "ok   <stdin>:8:5: linux-lab: pytorch\n1 passed, 0 failed\n"
    assert done.stderr == "coverage: 1/1 rules fire in at least one case\n"
    failing = OVERLAY.replace("expect_winner: pytorch", "expect_winner: jax")
    assert run_cli("rules", "test", "-", input=failing).returncode == 1


def test_rules_test_of_an_empty_directory_runs_nothing(tmp_path: Path) -> None:
    """It ran every shipped case and passed: a PATH with no cases must say so."""
    (tmp_path / "empty").mkdir()
    done = run_cli("rules", "test", "empty", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (  # no rule file at all, said as for --rules (test_reliability_qa28)
        "empty: holds no rule file (*.yaml or *.yml, here or in tests/); give the directory that "
        "holds them\n"
    )


# -- 8. rules freshness leaves no lookup running at exit ---------------------------------------


def slow_headers(handler: BaseHTTPRequestHandler) -> None:
    """An answer whose header never ends, a byte at a time: no socket timeout ever fires."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    try:
        for _ in range(2000):
            handler.wfile.write(b"a")
            handler.wfile.flush()
            time.sleep(0.01)
    except OSError:  # the client cut the connection, as it should
        pass


def lookups_running() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name.endswith("(work)")]


def test_no_lookup_is_left_running_when_the_deadline_passes() -> None:
    """A lookup thread still reading (in OpenSSL, at PyPI) when the interpreter exited crashed
    the process at exit: SIGSEGV, exit 139, after the report had been printed. The deadline now
    cuts every connection, and the threads are waited for."""
    from indexkit import Index

    from recommender.freshness.fetch import http_fetch
    from recommender.freshness.index import ENDING, look_up_all

    with Index({f"/simple/p{i}/": slow_headers for i in range(3)}) as index:
        start = time.monotonic()
        deadline = start + 0.5
        entries = look_up_all(http_fetch(deadline), index.url, ["p0", "p1", "p2"], deadline)
        assert time.monotonic() - start < 0.5 + ENDING
        assert lookups_running() == []
    assert {e.state for e in entries.values()} == {"unreachable"}
    assert {e.problem for e in entries.values()} == {"timed out"}


def test_ending_the_transport_ends_a_fetch_in_progress_as_timed_out() -> None:
    import threading

    from indexkit import Index

    from recommender.freshness.fetch import Unreachable, http_fetch

    with Index({"/simple/p/": slow_headers}) as index:
        fetch = http_fetch(time.monotonic() + 60)
        threading.Timer(0.3, fetch.end).start()
        start = time.monotonic()
        with pytest.raises(Unreachable, match="^timed out$"):
            fetch(index.url + "p/")
        assert time.monotonic() - start < 5
        with pytest.raises(Unreachable, match="^timed out$"):  # and no new connection is made
            fetch(index.url + "p/")
