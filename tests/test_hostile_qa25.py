"""QA round 25, "nothing lost, nothing destroyed": hostile inputs through the real command line.
Each test failed on the code before its fix: a read error that named no file, a batch JSON list
with a trailing comma, a CSV cut short inside a quote, a UTF-16 batch YAML, and ``rules validate``
quadratic in the files of an overlay."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, cli, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.rulebase.validate import plan

PROFILE = '{"name": "lab", "audience": "researcher"}'


# -- a file that fails as it is read (EIO) is named in the one line ------------------------------


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


# -- batch JSON is JSON: a trailing comma is refused, as recommend refuses it ---------------------


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (f"[{PROFILE},]", "t.json:1:44: invalid JSON: a comma before the closing ']'"),
        ('{"a": {},\n }', "t.json:2:2: invalid JSON: a comma before the closing '}'"),
    ],
)
def test_a_trailing_comma_in_a_batch_json_document_is_refused(doc: str, message: str) -> None:
    Path("t.json").write_text(doc)
    code, out, err = cli("batch", "t.json", "-q")
    assert (code, err) == (2, f"{message}; remove the comma\n")
    assert len(out.splitlines()) == 1  # the one profile before it is written


SEPARATORS = st.sampled_from([",", ", ", ",\n", ",,", "", " , ,"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(st.sampled_from([PROFILE, '{"audience": "beginner"}', "{}"]), max_size=4),
    separators=st.lists(SEPARATORS, min_size=5, max_size=5),
    trailing=st.sampled_from(["", ",", " ,\n"]),
    mapping=st.booleans(),
)
def test_batch_reads_a_json_document_exactly_when_json_does(
    shipped_only: None, items: list[str], separators: list[str], trailing: str, mapping: bool
) -> None:
    body = [f'"n{i}": {item}' if mapping else item for i, item in enumerate(items)]
    text = "".join(sep + item for sep, item in zip(["", *separators], body, strict=False))
    text += trailing
    doc = "{" + text + "}" if mapping else "[" + text + "]"
    try:
        json.loads(doc)
        valid = True
    except ValueError:
        valid = False
    Path("t.json").write_text(doc)
    code, out, _ = cli("batch", "t.json", "-q", "-f", "jsonl")
    assert (code != 2) is (valid and bool(items)), doc  # [] and {} hold no profile: exit 2
    if valid:
        assert len(out.splitlines()) == len(items)


# -- a CSV quote that never closes, or text glued after one, is that row's error -----------------


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("last", "problem"),
    [
        ('b,"beginner\n', 'the file ends inside a quoted field; close its " (a file cut short?)'),
        ('b,"beginner', 'the file ends inside a quoted field; close its " (a file cut short?)'),
        (
            '"b"c,beginner\nd,beginner\n',
            'text after the closing " of a field; quote the whole field, a " in it as ""',
        ),
    ],
    ids=["cut-in-quote", "cut-in-quote-no-newline", "text-after-quote"],
)
def test_a_broken_csv_quote_is_an_error_record_and_the_rest_is_scored(
    last: str, problem: str
) -> None:
    # The csv module took a quote cut short at the end of the file as the whole field
    # ("beginner\n", scored as beginner), and glued "b"c into "bc": no error at all
    Path("t.csv").write_text("name,audience\na,researcher\n" + last)
    code, out, _ = cli("batch", "t.csv", "-q", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["error"] for r in records[:2]] == [None, f"t.csv:3: row 2: {problem}"]
    assert [r["winner"] for r in records[2:]] == ["pytorch"] * (len(records) - 2)
    assert len(records) == 2 + last.count("d,")


# -- a UTF-16 batch YAML is refused as every other input refuses it --------------------------------


def test_a_utf16_batch_yaml_is_not_utf8_even_when_its_mark_comes_a_byte_at_a_time(
    tmp_path: Path,
) -> None:
    # YAML's parser read UTF-16 by its byte-order mark, so batch scored what recommend refused
    data = "- {name: lab, audience: researcher}\n".encode("utf-16")
    (tmp_path / "u.yaml").write_bytes(data)
    done = run_cli("batch", "u.yaml", "-q", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "u.yaml: not UTF-8 text (byte 0); save the file as UTF-8\n"
    writer = [
        sys.executable,
        "-c",
        "import sys, time; d = sys.stdin.buffer.read(); o = "
        "sys.stdout.buffer; o.write(d[:1]); o.flush(); time.sleep(0.3); o.write(d[1:])",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(writer, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as feed:
        assert feed.stdin is not None
        feed.stdin.write(data)
        feed.stdin.close()
        batch = [sys.executable, "-m", "recommender", "batch", "-", "--input-format", "yaml"]
        done2 = subprocess.run(batch, stdin=feed.stdout, capture_output=True, text=True, env=env)
    assert (done2.returncode, done2.stdout) == (2, "")
    assert done2.stderr == "<stdin>: not UTF-8 text (byte 0); save the file as UTF-8\n"


# -- rules validate: an overlay of many files is read in linear time -------------------------------


def test_rules_validate_plans_an_overlay_of_1500_files_in_linear_time(tmp_path: Path) -> None:
    # Each file was resolved against every file taken before it: 1,500 files took minutes
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    for i in range(1500):
        (overlay / f"r{i:04}.yaml").write_text("rules: []\n")
    start = time.perf_counter()
    files, errors = plan([overlay / "r0001.yaml", overlay], [overlay])
    assert time.perf_counter() - start < 15
    assert errors == []
    shipped = [f for f in files if f.parent != overlay]
    assert files[len(shipped) :] == sorted(overlay.iterdir())


# -- -o never replaces a file its owner made read-only -------------------------------------------

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
