"""QA round 27, input handling and "no byte lost or destroyed": the real command line run as a
careless or hostile user would run it (the shipped base given again as an overlay, a copy of it,
binary input to ``batch``, Ctrl-C during start-up). Each test failed on the code before its fix."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SHIPPED, cli, run_cli
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recommender.batch.readers import READERS, Source
from recommender.rulebase.load import load_rules

HOLDS = (
    "an overlay holds only new questions, frameworks, rules and cases, or replacements marked "
    "`override: true`"
)
BASE_AGAIN = (
    "is the shipped rule base, which is always read; drop it from --rules and RECOMMENDER_RULES "
    f"({HOLDS})"
)
PROFILE = str(ROOT / "examples" / "research-lab.yaml")


@pytest.fixture()
def in_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the checkout's root, where ``rules/`` is the shipped base, with no overlay set."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("RECOMMENDER_BASE_RULES", raising=False)
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


# -- the shipped base given again as an overlay: one line, not a hundred ------------------------

COMMANDS = [
    ["recommend", "--profile", PROFILE, "-f", "json"],
    ["explain", "--profile", PROFILE],
    ["rules", "validate"],
    ["rules", "lint"],
    ["rules", "test"],
    ["rules", "list"],
]


@pytest.mark.usefixtures("in_checkout")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("given", ["rules", str(SHIPPED), "./rules/"])
def test_the_shipped_base_as_an_overlay_is_one_line(command: list[str], given: str) -> None:
    """``--rules rules`` in the checkout read the base twice: 20 lines of ``duplicate question
    id "audience" (first defined at rules/questions.yaml:9:5)``, the same file and line named
    twice, then "... and 100 more errors" (``rules validate`` and ``rules test`` said nothing
    at all). Now every command says once that the base is always read."""
    code, out, err = cli(*command, "--rules", given)
    assert (code, out, err) == (2, "", f"{Path(given)}: {BASE_AGAIN}\n")


@pytest.mark.usefixtures("in_checkout")
def test_the_shipped_base_in_recommender_rules_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_RULES", str(SHIPPED))
    assert cli("recommend", "-a", "audience=researcher") == (2, "", f"{SHIPPED}: {BASE_AGAIN}\n")


@pytest.mark.usefixtures("in_checkout")
def test_an_overlay_given_twice_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--rules D`` with ``RECOMMENDER_RULES=D`` (or ``--rules D`` twice) read D twice, and
    every id in it was a duplicate of itself."""
    (tmp_path / "mine.yaml").write_text(
        "rules:\n- {id: my-rule, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"
    )
    monkeypatch.setenv("RECOMMENDER_RULES", str(tmp_path))
    code, out, err = cli("rules", "show", "my-rule", "--rules", str(tmp_path), "-f", "json")
    assert (code, err) == (0, "")
    assert '"my-rule"' in out


@pytest.mark.usefixtures("in_checkout")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_copy_of_the_shipped_base_is_one_line(tmp_path: Path, command: list[str]) -> None:
    """A copy of the base given as an overlay (the checkout's ``rules/`` when the installed base
    lives in site-packages) was a hundred duplicate-id lines; it is now one, naming the copy,
    what it copies and the fix. ``rules validate`` keeps its own ``[error]`` format on stdout."""
    copy = tmp_path / "copy"
    shutil.copytree(SHIPPED, copy)
    code, out, err = cli(*command, "--rules", str(copy))
    base = load_rules(base=SHIPPED)
    count = sum(map(len, (base.questions, base.frameworks, base.rules, base.needs, base.packages)))
    if command[:2] in (["rules", "validate"], ["rules", "test"]):  # these read the cases too
        count += len(base.cases)
    message = (
        f"looks like a copy of rules/: all {count} of its ids and case names are defined there "
        f'already (the first: question id "audience"); {HOLDS}'
    )
    if command[:2] == ["rules", "validate"]:
        assert (code, out, err) == (2, f"{copy}: [error] {message}\n", "1 error in 1 of 24 files\n")
    else:
        assert (code, out, err) == (2, "", f"{copy}: {message}\n")


@pytest.mark.usefixtures("in_checkout")
def test_a_copied_file_beside_new_rules_is_one_line(tmp_path: Path) -> None:
    """One base file copied into an overlay that also holds rules of its own: that file is one
    line at its first duplicate; the overlay's own rules are not blamed."""
    shutil.copy(SHIPPED / "questions.yaml", tmp_path / "questions.yaml")
    (tmp_path / "mine.yaml").write_text(
        "rules:\n- {id: my-rule, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"
    )
    code, out, err = cli("recommend", "-a", "os=linux", "--rules", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        f"{tmp_path}/questions.yaml:9:5: looks like a copy of rules/: all 18 of its ids and case "
        f'names are defined there already (the first: question id "audience"); {HOLDS}\n'
    )


@pytest.mark.usefixtures("in_checkout")
def test_a_few_duplicates_are_still_named_one_by_one(tmp_path: Path) -> None:
    """Fewer than five duplicates are each the clearest line, as before."""
    (tmp_path / "mine.yaml").write_text(
        "rules:\n- {id: api-high, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"
    )
    code, _, err = cli("recommend", "--rules", str(tmp_path))
    assert code == 2
    assert err.startswith(f'{tmp_path}/mine.yaml:2:3: duplicate rule id "api-high" (first defined')


@pytest.mark.usefixtures("in_checkout")
def test_a_link_to_a_base_file_in_an_overlay_is_read_once(tmp_path: Path) -> None:
    """An overlay holding a symlink to a base file names the same file twice: it is read once."""
    os.symlink(SHIPPED / "questions.yaml", tmp_path / "questions.yaml")
    code, out, err = cli("recommend", "--profile", PROFILE, "-f", "json", "--rules", str(tmp_path))
    assert (code, err) == (0, "")
    assert '"winner": "pytorch"' in out


def test_the_base_as_an_overlay_in_a_real_process() -> None:
    """The same, through the executable a user runs."""
    done = run_cli("recommend", "--rules", "rules", "--profile", PROFILE, "-f", "json")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"rules: {BASE_AGAIN}\n")


# -- binary input to batch: refused at once, not read as rows -----------------------------------

TEXT_ROW = b'{"name": "p", "answers": {"os": "linux"}}\n'
SAVE = "give the profiles as text saved as UTF-8"


def _random_bytes(size: int, seed: int = 27) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_random_bytes_on_stdin_are_refused_before_any_row(tmp_path: Path, fmt: str) -> None:
    """``batch - < /dev/urandom`` gave an error record a line, for ever; random bytes now are
    one line and exit 2, with nothing on stdout."""
    data = tmp_path / "random.bin"
    data.write_bytes(_random_bytes(200_000))
    with data.open("rb") as stdin:
        done = run_cli("batch", "-", "--input-format", fmt, stdin=stdin.fileno())
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("<stdin>: is not UTF-8 text (line ")
    assert done.stderr.endswith(f"): it holds a NUL byte, as binary files do; {SAVE}\n")
    assert done.stderr.count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="needs /dev/urandom")
def test_dev_urandom_itself_ends_at_once() -> None:
    with open("/dev/urandom", "rb") as stdin:
        done = run_cli("batch", "-", "--input-format", "jsonl", stdin=stdin.fileno())
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert "is not UTF-8 text (line " in done.stderr


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


BINARY_FILES = [
    (
        "rows.jsonl",
        lambda: _gzip(TEXT_ROW * 3),
        "gzip-compressed data; decompress it first "
        "(gzip -dc FILE | recommender batch - --input-format FORMAT)",
        1,
    ),
    (
        "rows.csv",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        f"a PNG image; {SAVE}",
        1,
    ),
    (
        "rows.jsonl",
        lambda: "\ufeff".encode("utf-16-le") + TEXT_ROW.decode().encode("utf-16-le") * 2,
        "UTF-16 text; save it as UTF-8",
        1,
    ),
    (
        "rows.csv",
        lambda: b"PK\x03\x04\x14\x00\x06\x00" + bytes(100),
        "a zip archive (an .xlsx workbook is one); save the sheet as CSV UTF-8",
        1,
    ),
    (
        "rows.jsonl",
        lambda: TEXT_ROW + b"\xff\xfe\xfd\n" * 3,
        f"most of its first lines do not decode; {SAVE}",
        2,
    ),
]


@pytest.mark.parametrize(("name", "make", "what", "line"), BINARY_FILES)
def test_a_binary_file_is_named_for_what_it_is(
    tmp_path: Path, name: str, make, what: str, line: int
) -> None:
    """A gzip of a JSONL (named ``.jsonl``), a PNG or a workbook named ``.csv``, a UTF-16 file:
    each gave a screen of error records ("row 1: not UTF-8 text (byte 1)", "invalid JSON")."""
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = cli("batch", str(path))
    assert (code, out, err) == (2, "", f"{path}: is not UTF-8 text (line {line}): {what}\n")


def test_one_bad_row_in_text_is_still_one_error_record(tmp_path: Path) -> None:
    """Text with a Latin-1 byte in one row is text: that row is an error record, the rest scored."""
    path = tmp_path / "rows.jsonl"
    path.write_bytes(TEXT_ROW + b'{"name": "caf\xe9"}\n' + TEXT_ROW)
    code, out, err = cli("batch", str(path), "-f", "jsonl")
    assert code == 1
    assert [r.count('"error": null') for r in out.splitlines()] == [1, 0, 1]
    assert err.startswith(f"{path}:2: row 2: not UTF-8 text (byte 13); save the file as UTF-8\n")


@pytest.mark.parametrize("rows", [2000, 1000])
def test_binary_after_text_stops_the_run_and_keeps_the_old_output(
    tmp_path: Path, rows: int
) -> None:
    """Text past the first 64 KiB, then binary data (a text head on /dev/urandom): an error
    record per binary line, without end. Now about 100 such lines stop the run, exit 2, and
    ``-o``'s old file is kept, with no temporary file left. The lines in the first 64 KiB count
    too (1,000 rows of text end inside it)."""
    head = TEXT_ROW * rows
    path = tmp_path / "rows.jsonl"
    binary = _random_bytes(400_000).replace(b"\0", b"\1").replace(b"\n", b"\n\xff")
    path.write_bytes(head + binary)  # no NUL: one would refuse it in the first 64 KiB
    out = tmp_path / "out.jsonl"
    out.write_text("OLD")
    code, stdout, err = cli("batch", str(path), "-o", str(out), "-q")
    assert (code, stdout) == (2, "")
    assert err.startswith(f"{path}:")
    assert err.endswith(
        ": is not UTF-8 text from about here on (NUL bytes, bytes that do not decode: binary "
        f"data), so the rest is not read; {SAVE}\n"
    )
    line = int(err.split(":")[1])
    assert rows + 90 <= line <= rows + 110
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "rows.jsonl"]


def test_scattered_bad_rows_in_a_long_text_never_stop_it(tmp_path: Path) -> None:
    """One bad row in every three, over 300 KiB: still text, every row read."""
    bad = b'{"name": "caf\xe9"}\n'
    path = tmp_path / "rows.jsonl"
    path.write_bytes((TEXT_ROW * 2 + bad) * 2500)
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert code == 1
    assert len(out.splitlines()) == 1 + 7500


# -- a stop signal while the executable starts: one line and 128 + its number -------------------

# The hook sends the signal as the named module is first looked for: the moment is exact, where a
# timed guess lands anywhere on a loaded machine. It lives in a sitecustomize, which runs before
# ``python -m`` imports the package.
AT_IMPORT = """
import os, sys  # not signal: it imports enum, one of the moments
if {target!r} in sys.modules:  # imported at the interpreter's start here: no such moment
    os._exit(99)
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == {target!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), {number})
        return None
sys.meta_path.insert(0, Hook())
"""

# The modules the executable imports, in order, before the CLI installs its handlers; the old
# code took the signals only after ``recommender.errors``, and ``python -m`` had imported the
# package (``typing``) and ``__main__`` (``signal``, ``enum``) first.
# (``enum`` too in an installed layout; here the editable install's finder imports it at start.)
EARLY_IMPORTS = ["typing", "recommender.__main__", "recommender.errors", "argparse"]


def _started(tmp_path: Path, target: str, name: str, *argv: str) -> subprocess.CompletedProcess:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        AT_IMPORT.format(target=target, number=int(getattr(signal, name)))
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    if done.returncode == 99:
        pytest.skip(f"{target} is imported as this interpreter starts")
    return done


@pytest.mark.parametrize("target", EARLY_IMPORTS)
@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("SIGINT", 130, "recommender: interrupted"),
        ("SIGTERM", 143, "recommender: stopped by SIGTERM"),
    ],
)
def test_python_m_stopped_while_it_imports_is_one_line(
    tmp_path: Path, target: str, name: str, code: int, line: str
) -> None:
    """``python -m recommender`` stopped while it imports, before the CLI's handlers: SIGINT
    was a KeyboardInterrupt traceback, exit 1 (or death by the signal), SIGTERM a death by
    SIGTERM. The package takes them now as soon as ``python -m`` runs its first line."""
    out = tmp_path / "out.json"
    done = _started(tmp_path, target, name, "-m", "recommender", "recommend", "-o", str(out))
    assert (done.returncode, done.stderr, done.stdout) == (code, f"{line}\n", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


CONSOLE_SCRIPT = "import sys; from recommender.__main__ import main; sys.exit(main())"


@pytest.mark.parametrize("target", ["recommender.errors", "recommender.cli"])
def test_the_console_script_stopped_while_it_imports_is_one_line(
    tmp_path: Path, target: str
) -> None:
    """The ``recommender`` script pip writes imports ``recommender.__main__`` and calls main:
    its first line takes the signals (the package, imported first, imports nothing now)."""
    done = _started(tmp_path, target, "SIGINT", "-c", CONSOLE_SCRIPT, "recommend")
    assert (done.returncode, done.stderr, done.stdout) == (130, "recommender: interrupted\n", "")


def test_importing_the_package_leaves_the_signals_alone(tmp_path: Path) -> None:
    """Only the executable takes them: a program that imports the package keeps its Ctrl-C."""
    probe = (
        "import signal, recommender, recommender.errors; "
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
        "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)"
    )
    done = _started(tmp_path, "nothing", "SIGINT", "-c", probe)
    assert (done.returncode, done.stdout) == (0, "True True\n")


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.3])
def test_sigint_at_any_moment_of_a_real_run_leaves_no_trace(tmp_path: Path, delay: float) -> None:
    """Ctrl-C at several moments of a real ``recommend -o``: never a traceback from the package,
    never a temporary file. Exit 130 with one line once the package's first line has run; before
    it (the interpreter's own start, which no code of the package can reach) the interpreter
    dies by the signal, or says KeyboardInterrupt from its own frames."""
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "recommender", "recommend", "--profile", PROFILE, "-o", str(out)]
    for _ in range(3):
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert str(ROOT / "recommender") not in err, err
        if proc.returncode not in (-signal.SIGINT, 1, 0):  # the CLI's line, or the early one
            assert proc.returncode == 130
            assert err in ("recommender: interrupted\n", "recommender: recommend interrupted\n")
        if proc.returncode == 1:  # the interpreter's own start, before any code of the package
            assert err.endswith("KeyboardInterrupt\n") and "Traceback" in err, err
        assert [p.name for p in tmp_path.iterdir()] in ([], ["out.json"])
        out.unlink(missing_ok=True)


# -- ask --resume with a hand-edited resume file ------------------------------------------------


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


# -- a rule file that is a symlink is named as the overlay names it ------------------------------


@pytest.mark.usefixtures("in_checkout")
def test_a_dangling_link_in_an_overlay_is_named_by_its_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ov/a.yaml -> missing.yaml`` said "ov/missing.yaml: no such file", a name that ``ls ov``
    does not list: the loader showed every rule file below the working directory by its
    resolved path."""
    monkeypatch.chdir(tmp_path)
    Path("ov").mkdir()
    os.symlink("missing.yaml", "ov/a.yaml")
    message = "ov/a.yaml: is a symbolic link to missing.yaml, which does not exist\n"
    assert cli("recommend", "--rules", "ov") == (2, "", message)


@pytest.mark.usefixtures("in_checkout")
def test_an_error_in_a_linked_rule_file_names_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overlay's ``mine.yaml`` links to a file kept elsewhere: its error named the target."""
    monkeypatch.chdir(tmp_path)
    Path("elsewhere").mkdir()
    Path("elsewhere/kept.yaml").write_text("rules:\n- just text\n")
    Path("ov").mkdir()
    os.symlink("../elsewhere/kept.yaml", "ov/mine.yaml")
    code, out, err = cli("recommend", "--rules", "ov")
    assert (code, out) == (2, "")
    assert err.startswith("ov/mine.yaml:2:3: rule file rules[1]: expected a mapping")


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="needs /dev/urandom")
def test_random_bytes_as_a_json_document_are_refused_in_the_first_block() -> None:
    """``batch - --input-format json < /dev/urandom`` read 64 MiB, then said "over the 64 MiB
    limit for a YAML or JSON document; use JSONL or CSV", the wrong fix."""
    with open("/dev/urandom", "rb") as stdin:
        done = run_cli("batch", "-", "--input-format", "json", stdin=stdin.fileno())
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert done.stderr.startswith("<stdin>: is not UTF-8 text (line ")


def test_a_json_document_of_one_long_line_is_still_read(tmp_path: Path) -> None:
    """The first 64 KiB of a one-line document end inside a character: that is not binary."""
    path = tmp_path / "rows.json"
    path.write_text('[{"name": "' + "é" * 40_000 + '", "answers": {"os": "linux"}}]')
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, len(out.splitlines())) == (0, 2)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_a_json_document_of_a_byte_order_mark_alone_is_empty(tmp_path: Path, data: bytes) -> None:
    """It was "invalid JSON: Expecting value", where JSONL, CSV and YAML say the input is empty."""
    path = tmp_path / "rows.json"
    path.write_bytes(data)
    message = (
        f"{path}: the input is empty; expected a list of profiles or a mapping of name: answers\n"
    )
    assert cli("batch", str(path)) == (2, "", message)


# -- -o onto a read-only file system ------------------------------------------------------------


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


# -- lines that end with CR alone -------------------------------------------------------------

LONE_CR = (
    "its lines end with CR alone (classic Mac OS line endings), so it reads as one line; save "
    "it with LF or CRLF line endings"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rows.csv", b"name,os\ra,linux\rb,windows\r"),
        ("rows.jsonl", b'{"name": "a"}\r{"name": "b"}\r'),
    ],
)
def test_a_file_with_lone_cr_line_endings_is_one_line_with_the_fix(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """The CSV said "the header row: a carriage return (CR) inside an unquoted field; quote
    the field or remove the CR" (removing them joins the rows); the JSONL was one error record,
    "invalid JSON: Extra data", every profile lost, exit 1."""
    path = tmp_path / name
    path.write_bytes(data)
    assert cli("batch", str(path)) == (2, "", f"{path}: {LONE_CR}\n")


def test_a_quoted_cr_in_a_csv_field_is_still_a_field(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b'name,os\r\n"a\rb",linux\r\n')
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, out.count("\n1,"), out.count("\n2,")) == (0, 1, 0)


@pytest.mark.usefixtures("in_checkout")
def test_duplicates_beside_a_disable_list_are_named_one_by_one(tmp_path: Path) -> None:
    """A file that switches rules off is the user's own, however many ids it repeats: each
    repeated id keeps its line, with the fix for that id."""
    shutil.copy(SHIPPED / "research.yaml", tmp_path / "research.yaml")
    with (tmp_path / "research.yaml").open("a") as f:
        f.write("disable: [api-high]\n")
    code, _, err = cli("recommend", "--rules", str(tmp_path))
    assert code == 2
    assert err.startswith(f'{tmp_path}/research.yaml:9:5: duplicate rule id "api-high"')
    assert "looks like a copy" not in err


# -- property: text with scattered bad rows is never taken for binary ---------------------------

GOOD = st.sampled_from([TEXT_ROW, b'{"name": "\xc3\xa9t\xc3\xa9"}\n', b"{oops\n", b"[]\n"])
BAD = st.sampled_from([b'{"name": "caf\xe9"}\n', b"\xff\xfe\n", b'{"os": "\xc0\xaf"}\n'])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(GOOD.map(lambda r: (True, r)), BAD.map(lambda r: (False, r))),
        min_size=1,
        max_size=400,
    )
)
def test_text_with_scattered_bad_rows_gives_a_record_per_row(lines: list) -> None:
    """Bad rows no more than half of the lines and never more than nine in a row: every row is
    read (a record each), none refused as binary. The JSONL reader is the one under test."""
    run = longest = 0
    for good, _ in lines:
        run = 0 if good else run + 1
        longest = max(longest, run)
    bad = sum(not good for good, _ in lines)
    assume(longest <= 9 and bad * 2 <= len(lines))
    data = b"".join(row for _, row in lines)
    rows = list(READERS["jsonl"](Source(io.BytesIO(data), "x.jsonl"), {}))
    assert len(rows) == len(lines)
    assert all(
        row.error is not None for (good, _), row in zip(lines, rows, strict=True) if not good
    )


@pytest.mark.parametrize("hint", ["sep=,", "sep=;", "SEP=,"])
def test_excels_separator_hint_line_is_named(tmp_path: Path, hint: str) -> None:
    """Excel writes "sep=," above the header; it was 'unknown question "sep="' and the list of
    every question."""
    path = tmp_path / "rows.csv"
    path.write_text(f"{hint}\nname,os\na,linux\n")
    first = hint.split(",")[0]
    message = (
        f'{path}:1: header column 1: "{first}" is the separator hint Excel writes above the '
        "header, not a column; delete that first line\n"
    )
    assert cli("batch", str(path)) == (2, "", message)


def test_a_csv_saved_with_two_byte_order_marks_is_read(tmp_path: Path) -> None:
    """The second mark stayed in the first column's name: 'unknown question "\\ufeffname" (did
    you mean "name"?)', the mark invisible, so the two names looked the same."""
    path = tmp_path / "rows.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfname,os\na,linux\n")
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, out.splitlines()[1].split(",")[:2]) == (0, ["1", "a"])


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


def test_the_early_lines_are_the_clis() -> None:
    """The early handler cannot import the CLI's wording (``errors`` imports ``enum``): its own
    copy is pinned to :meth:`Terminated.what` here."""
    import recommender
    from recommender.errors import Terminated

    for name, what in recommender._STOPS:
        assert Terminated(int(getattr(signal, name))).what() == what


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("good", [1500, 2100])  # text past the first 64 KiB, looked at whole
def test_rows_read_before_a_refusal_partway_are_all_written(tmp_path: Path, good: int) -> None:
    """Binary data after a text head is refused where it is met; every row before that line is
    on stdout, as the README says. Up to a block (1,024 rows) read before it were lost, since
    the refusal ended the block they were in."""
    src = tmp_path / "mixed.jsonl"
    junk = random.Random(good).randbytes(400_000)
    text = "".join(
        f'{{"name": "p{i}", "answers": {{"audience": "beginner"}}}}\n' for i in range(good)
    )
    src.write_bytes(text.encode() + junk)
    code, out, err = cli("batch", str(src), "-f", "csv", "-q")
    refused = err.splitlines()[-1]
    assert code == 2 and refused.startswith(f"{src}:") and "is not UTF-8 text" in refused
    line = int(refused.split(":")[1])
    rows = out.splitlines()[1:]  # under the header: one row per line before the refused one
    assert [int(r.split(",")[0]) for r in rows] == list(range(1, line))
    assert all(f",p{i},pytorch," in rows[i] for i in range(good))
