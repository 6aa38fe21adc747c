"""Issue 10's hostile inputs, one named regression test each: every one ends in exit 0, 1 or 2
with one clear line, never a signal, a traceback or exit 3.

Most run ``cli.main`` in process on the mini rule base; the crashes that killed the process
(the segfault) and the console encoding run the real command in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import MINI, ROOT, run_cli

from recommender.cli import main

DEEP_BRACKETS = "[" * 30_000 + "]" * 30_000 + "\n"  # 60 KB: libyaml's composer overflowed the stack


# messages name files as given: run from a scratch directory, relative names keep them exact
pytestmark = pytest.mark.usefixtures("mini_scratch")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def overlay(tmp_path: Path, text: str, name: str = "x.yaml") -> str:
    directory = tmp_path / "overlay"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text)
    return "overlay"


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob(".*.tmp"))


# -- 1. the segfault: deep nesting through every entry ---------------------------------------------


def test_deep_brackets_in_a_profile_exit_2_in_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "n.yaml").write_text(DEEP_BRACKETS)
    done = run_cli("recommend", "--profile", "n.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "n.yaml:1:65: nested deeper than 64 levels; a profile or rule is never so deep\n"
    )


DEEP_OVERLAY = (
    "overlay/x.yaml:1:65: nested deeper than 64 levels; a profile or rule is never so deep"
)


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "--rules", "overlay", "-a", "audience=beginner"),
        ("rules", "list", "--rules", "overlay"),
        ("explain", "--rules", "overlay", "-a", "audience=beginner"),
    ],
)
def test_deep_brackets_in_an_overlay_exit_2(capsys, tmp_path: Path, args: tuple[str, ...]) -> None:
    overlay(tmp_path, DEEP_BRACKETS)
    assert cli(capsys, *args) == (2, "", DEEP_OVERLAY + "\n")


def test_a_broken_recommender_rules_overlay_is_one_line_for_every_command(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overlay(tmp_path, DEEP_BRACKETS)
    monkeypatch.setenv("RECOMMENDER_RULES", "overlay")
    for args in (["recommend"], ["rules", "list"], ["rules", "test"], ["compare"]):
        assert cli(capsys, *args) == (2, "", DEEP_OVERLAY + "\n"), args


def test_deep_brackets_in_rules_validate(capsys, tmp_path: Path) -> None:
    (tmp_path / "n.yaml").write_text(DEEP_BRACKETS)
    code, out, err = cli(capsys, "rules", "validate", "n.yaml")
    assert (code, err) == (2, "1 error in 1 of 5 files\n")
    assert out == (
        "n.yaml:1:65: [error] nested deeper than 64 levels; a profile or rule is never so deep\n"
    )


def test_a_batch_item_nested_too_deep_is_an_error_row_and_the_rest_are_scored(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "n.yaml").write_text("- " + "[" * 100 + "]" * 100 + "\n- {audience: beginner}\n")
    code, out, err = cli(capsys, "batch", "n.yaml", "-o", "o.jsonl")
    assert (code, out) == (1, "")
    first, second = map(json.loads, (tmp_path / "o.jsonl").read_text().splitlines())
    assert first["error"] == "n.yaml:1:67: row 1: nested deeper than 64 levels; " + (
        "a profile or rule is never so deep"
    )
    assert (second["error"], second["winner"]) == (None, "pytorch")
    assert temp_files(tmp_path) == []


def test_deep_brackets_in_a_batch_end_it_at_once_and_leave_no_temp_file(
    capsys, tmp_path: Path
) -> None:
    """Found by benchmarks/fuzz.py: skipping 30,000 levels to reach the next item took libyaml's
    scanner 10 s of CPU for 60 KB (it grows with the square of the depth), so past 256 levels
    the file is refused instead."""
    (tmp_path / "n.yaml").write_text(DEEP_BRACKETS)
    code, out, err = cli(capsys, "batch", "n.yaml", "-o", "o.jsonl")
    assert (code, out) == (2, "")
    assert err == (
        "n.yaml:1:258: nested deeper than 256 levels; the rest of the file is not read "
        "(a profile is never so deep)\n"
    )
    assert not (tmp_path / "o.jsonl").exists()
    assert temp_files(tmp_path) == []


def test_deep_brackets_in_the_ask_resume_file(tmp_path: Path) -> None:
    from recommender import load_rules
    from recommender.ask import resume
    from recommender.errors import UserError

    (tmp_path / "ask-resume.yaml").write_text(DEEP_BRACKETS)
    with pytest.raises(UserError) as raised:
        resume.load(load_rules(base=MINI), tmp_path / "ask-resume.yaml")
    assert str(raised.value) == (
        f"{tmp_path / 'ask-resume.yaml'}:1:65: nested deeper than 64 levels; "
        "a profile or rule is never so deep"
    )


# -- 3. other exit-3 crashes -----------------------------------------------------------------------

BAD_PROFILES = [
    ("yaml-250-deep", "a:\n" + "".join("  " * i + f"b{i}:\n" for i in range(1, 251)),
     "p.yaml:65:129: nested deeper than 64 levels; a profile or rule is never so deep"),
    ("tag-int", "name: !!int x\n", 'p.yaml:1:7: "x" is not a valid !!int; write a plain value'),
    ("tag-int-empty", "name: !!int\n", 'p.yaml:1:7: "" is not a valid !!int; write a plain value'),
    ("tag-float", "name: !!float x\n",
     'p.yaml:1:7: "x" is not a valid !!float; write a plain value'),
    ("tag-bool", "name: !!bool x\n", 'p.yaml:1:7: "x" is not a valid !!bool; write a plain value'),
    ("tag-timestamp", "name: !!timestamp x\n",
     'p.yaml:1:7: "x" is not a valid !!timestamp; write a plain value'),
    ("bad-date", "description: 2024-13-45\n",  # a name keeps its text: name: 2024-13-45 is fine
     'p.yaml:1:14: "2024-13-45" is not a valid !!timestamp; write a plain value'),
    ("tag-map", "name: !!map x\n",
     'p.yaml:1:7: the tag "!!map" is not allowed; rule files and profiles hold plain data only'),
    ("tag-seq", "name: !!seq x\n",
     'p.yaml:1:7: the tag "!!seq" is not allowed; rule files and profiles hold plain data only'),
    ("tag-binary", "name: !!binary x\n",
     'p.yaml:1:7: the tag "!!binary" is not allowed; rule files and profiles hold plain data '
     "only"),
    ("number-5000-digits", "name: " + "9" * 5000 + "\n",
     "p.yaml:1:7: a number of 5,000 characters, over the 100 limit (quote it if it is text)"),
    ("nan-name", "name: !!float .nan\n",
     "p.yaml:1:7: profile name: expected non-empty text or a number, got float nan"),
    ("bool-name", "name: true\n",
     "p.yaml:1:7: profile name: expected non-empty text or a number, got bool True (quote it to "
     "make it text)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "text", "message"), BAD_PROFILES, ids=[c[0] for c in BAD_PROFILES]
)
def test_a_hostile_profile_is_one_located_line(
    capsys, tmp_path: Path, case: str, text: str, message: str
) -> None:
    (tmp_path / "p.yaml").write_text(text)
    assert cli(capsys, "recommend", "--profile", "p.yaml") == (2, "", message + "\n")


def test_a_plain_tag_on_a_fitting_value_is_fine(capsys, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("name: !!str 12\nanswers: {custom_gradients: !!bool yes}\n")
    code, out, _ = cli(capsys, "recommend", "--profile", "p.yaml", "-f", "json")
    assert code == 0 and json.loads(out)["name"] == "12"


def test_a_json_profile_with_a_5000_digit_number(capsys, tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{"name": ' + "9" * 5000 + "}")
    assert cli(capsys, "recommend", "--profile", "p.json") == (
        2,
        "",
        "p.json:1:10: a number of 5,000 characters, over the 100 limit (quote it if it is text)\n",
    )


BAD_OVERLAYS = [
    ("unanswered-mapping", "rules:\n  - {id: x, when: {unanswered: [{a: 1}]}, score: {jax: 1}, "
     "because: b, source: s}\n",
     ["overlay/x.yaml:2:33: [error] unanswered: expected a question id, got a mapping"]),
    ("score-10-400", "rules:\n  - {id: x, when: {os: linux}, score: {jax: 1" + "0" * 400 + "}, "
     "because: b, source: s}\n",
     ["overlay/x.yaml:2:45: [error] a number of 401 characters, over the 100 limit "
      "(quote it if it is text)"]),
    ("score-1e400", "rules:\n  - {id: x, when: {os: linux}, score: {jax: 1.0e+400}, "
     "because: b, source: s}\n",
     ["overlay/x.yaml:2:45: [error] rule \"x\" score: jax: expected a finite number, got inf"]),
    ("score-nan", "rules:\n  - {id: x, when: {os: linux}, score: {jax: .nan}, because: b, "
     "source: s}\n",
     ["overlay/x.yaml:2:45: [error] rule \"x\" score: jax: expected a finite number, got nan"]),
    ("score-inf", "rules:\n  - {id: x, when: {os: linux}, score: {jax: -.inf}, because: b, "
     "source: s}\n",
     ["overlay/x.yaml:2:45: [error] rule \"x\" score: jax: expected a finite number, got -inf"]),
    ("case-answers-list", "cases:\n  - {name: c, answers: [os, linux], expect_winner: jax}\n",
     ["overlay/x.yaml:2:24: [error] rule file cases[1] answers: expected a mapping of question: "
      "answer, got a list"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "lines"), BAD_OVERLAYS, ids=[c[0] for c in BAD_OVERLAYS])
def test_a_hostile_overlay_is_reported_by_rules_validate(
    capsys, tmp_path: Path, case: str, text: str, lines: list[str]
) -> None:
    overlay(tmp_path, text)
    code, out, _ = cli(capsys, "rules", "validate", "overlay")
    assert (code, out.splitlines()) == (2, lines)
    code, out, err = cli(capsys, "recommend", "--rules", "overlay", "-a", "os=linux")
    assert (code, out) == (2, "")
    assert err.splitlines() == [line.replace(" [error]", "") for line in lines]


def test_a_resume_file_whose_answers_are_a_list(tmp_path: Path) -> None:
    from recommender import load_rules
    from recommender.ask import resume
    from recommender.errors import UserError

    (tmp_path / "r.yaml").write_text("answers: [1, 2]\n")
    with pytest.raises(UserError) as raised:
        resume.load(load_rules(base=MINI), tmp_path / "r.yaml")
    assert str(raised.value) == (
        f"{tmp_path / 'r.yaml'}:1:10: resume file answers: expected a mapping of question: "
        "answer, got a list"
    )


# -- 4. unbounded reads ----------------------------------------------------------------------------


def test_dev_zero_as_a_profile_is_refused_at_once(capsys) -> None:
    assert cli(capsys, "recommend", "--profile", "/dev/zero") == (
        2,
        "",
        "/dev/zero: is a character device, not a regular file; give a file, or - to read stdin\n",
    )


def test_a_fifo_with_no_writer_as_a_profile_does_not_hang(capsys, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.yaml")
    assert cli(capsys, "recommend", "--profile", "f.yaml") == (
        2,
        "",
        "f.yaml: is a FIFO (named pipe) with nothing in it and no process writing into it; "
        "start the writer first, or give a file, or - to read stdin\n",
    )


def test_an_overlay_file_that_links_to_dev_zero(capsys, tmp_path: Path) -> None:
    overlay(tmp_path, "{}\n")
    (tmp_path / "overlay" / "z.yaml").symlink_to("/dev/zero")
    code, _, err = cli(capsys, "recommend", "--rules", "overlay", "-a", "os=linux")
    assert (code, err) == (
        2,
        "overlay/z.yaml: is a character device, not a regular file; give a file, or - to read "
        "stdin\n",
    )


def test_a_fifo_with_no_writer_as_batch_input_is_refused(capsys, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.jsonl")
    assert cli(capsys, "batch", "f.jsonl") == (
        2,
        "",
        "f.jsonl: is a FIFO (named pipe) with nothing in it and no process writing into it; "
        "start the writer first, or give a file, or - to read stdin\n",
    )


ROW = '{"os": "linux"}\n'  # the mini rules' jax profile


@pytest.fixture()
def pipe_of() -> Iterator[Callable[..., str]]:
    """``pipe_of(data, delay=None)``: a pipe's read end as a path, as ``<(cmd)`` gives one; the
    read ends are closed after the test. Without ``delay`` the data waits in the pipe and its
    writer is gone (a command that already ended); with it, the writer is there and writes only
    after ``delay`` seconds, then ends."""
    ends: list[int] = []

    def make(data: bytes, *, delay: float | None = None) -> str:
        r, w = os.pipe()
        ends.append(r)
        if delay is None:
            assert len(data) <= 65536  # what a pipe holds without a reader
            os.write(w, data)
            os.close(w)
        else:

            def write_later() -> None:
                time.sleep(delay)
                with os.fdopen(w, "wb") as out:
                    out.write(data)

            threading.Thread(target=write_later, daemon=True).start()
        return f"/dev/fd/{r}"

    yield make
    for r in ends:
        os.close(r)


@pytest.mark.parametrize("delay", [None, 0.3])
def test_a_pipe_with_a_writer_is_read_as_batch_input(
    capsys, pipe_of: Callable[..., str], delay: float | None
) -> None:
    """``recommender batch <(cmd)``: a pipe whose writer has written (and may have ended), or
    has not written yet, is read to its end, every row (over 64 KiB: past the bytes read ahead
    to learn that a writer is there)."""
    rows = 5000 if delay else 3000  # 75 KB and 45 KB
    path = pipe_of(ROW.encode() * rows, delay=delay)
    code, out, err = cli(capsys, "batch", path, "--input-format", "jsonl", "-q")
    records = [json.loads(line) for line in out.splitlines()]
    assert (code, err, len(records)) == (0, "", rows)
    assert {r["winner"] for r in records} == {"jax"} and records[-1]["row"] == rows


def test_a_pipe_with_a_writer_is_read_as_a_profile(capsys, pipe_of: Callable[..., str]) -> None:
    path = pipe_of(b"name: piped\nanswers: {os: linux}\n", delay=0.2)
    code, out, err = cli(capsys, "recommend", "--profile", path, "--format", "json")
    assert (code, err) == (0, "")
    assert (json.loads(out)["name"], json.loads(out)["winner"]) == ("piped", "jax")


def test_a_piped_profile_is_bounded_as_a_file_is(capsys, pipe_of: Callable[..., str]) -> None:
    path = pipe_of(b"#" * ((1 << 20) + 10), delay=0.1)
    code, out, err = cli(capsys, "recommend", "--profile", path)
    assert (code, out) == (2, "")
    assert err == f"{path}: over the 1,048,576-byte limit\n"


def test_process_substitution_in_a_real_shell(tmp_path: Path) -> None:
    """As a user types it: bash hands each command a ``/dev/fd/N`` pipe."""
    (tmp_path / "in.jsonl").write_text(ROW * 3)
    (tmp_path / "p.yaml").write_text("answers: {os: linux}\n")
    python = f"{sys.executable} -m recommender"
    command = (
        f"{python} batch <(cat in.jsonl) --input-format jsonl -q"
        f" && {python} recommend --profile <(cat p.yaml) --format json"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert [json.loads(line)["winner"] for line in lines[:3]] == ["jax"] * 3
    profile = json.loads("\n".join(lines[3:]))
    assert (profile["winner"], profile["name"]) == ("jax", None)  # not "63", from /dev/fd/63


def test_a_yaml_batch_over_the_document_limit_is_refused_before_reading(
    capsys, tmp_path: Path
) -> None:
    with open(tmp_path / "big.yaml", "wb") as sparse:  # 65 MiB that takes no disk
        sparse.truncate(65 << 20)
    assert cli(capsys, "batch", "big.yaml") == (
        2,
        "",
        "big.yaml: is 68,157,440 bytes, over the 64 MiB limit for a YAML or JSON document; "
        "use JSONL or CSV, which have no size limit\n",
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_overlong_line_is_an_error_row_read_in_bounded_pieces(
    capsys, tmp_path: Path, fmt: str
) -> None:
    head = "name,os\n" if fmt == "csv" else ""
    long_line = "x" * (3 << 20)
    good = "ok,linux\n" if fmt == "csv" else '{"name": "ok", "os": "linux"}\n'
    (tmp_path / f"in.{fmt}").write_text(head + long_line + "\n" + good)
    code, out, _ = cli(capsys, "batch", f"in.{fmt}")
    got = [json.loads(line) for line in out.splitlines()]
    line = 2 if fmt == "csv" else 1
    assert code == 1 and [r["error"] for r in got] == [
        f"in.{fmt}:{line}: row 1: the line is 3,145,729 bytes, over the 1 MiB limit for one "
        "profile; split it",
        None,
    ]


# -- 2. batch contains bad rows: rows in = records out ---------------------------------------------

BAD_ROWS = [
    ("team-knows-mapping", "in.jsonl", '{"team_knows": [{}]}\n',
     'in.jsonl:1:16: row 1: unknown question "team_knows"; valid values: audience, '
     "custom_gradients, deployment, edge_target, os"),
    ("bare-cr", "in.csv", "name,os\na\rb,linux\n",
     "in.csv:2: row 1: a carriage return (CR) inside an unquoted field; quote the field or "
     "remove the CR"),
    ("json-1000-deep", "in.jsonl", "[" * 1000 + "]" * 1000 + "\n",
     "in.jsonl:1:65: row 1: nested deeper than 64 levels; a profile or rule is never so deep"),
    ("json-5000-digits", "in.jsonl", '{"os": ' + "1" * 5000 + "}\n",
     "in.jsonl:1:8: row 1: a number of 5,000 characters, over the 100 limit "
     "(quote it if it is text)"),
    ("json-nan", "in.jsonl", '{"name": NaN}\n',
     "in.jsonl:1:10: row 1: NaN is not a JSON number; write a number, or quote it if it is text"),
    ("json-1e400", "in.jsonl", '{"name": 1e400}\n',
     "in.jsonl:1:10: row 1: the number 1e400 is out of range; write a smaller one, or quote it"),
    ("yaml-item-tag", "in.yaml", "- {name: !!int x}\n",
     'in.yaml:1:10: row 1: "x" is not a valid !!int; write a plain value'),
    ("yaml-item-deep", "in.yaml", "- " + "[" * 100 + "]" * 100 + "\n",
     "in.yaml:1:67: row 1: nested deeper than 64 levels; a profile or rule is never so deep"),
    ("json-item-deep", "in.json", "[" + "[" * 100 + "]" * 100 + "]",
     "in.json:1:66: row 1: nested deeper than 64 levels; a profile or rule is never so deep"),
    ("json-duplicate-name", "in.json", '{"a": {"os": "linux"}, "a": {"os": "windows"}}',
     'in.json:1:24: row 2: duplicate name "a" (first given at line 1:2)'),
    ("yaml-duplicate-name", "in.yaml", "a: {os: linux}\na: {os: windows}\n",
     'in.yaml:2:1: row 2: duplicate name "a" (first given at line 1:1)'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "name", "text", "message"), BAD_ROWS, ids=[r[0] for r in BAD_ROWS]
)
def test_a_hostile_row_is_an_error_record_and_the_rest_are_scored(
    capsys, tmp_path: Path, case: str, name: str, text: str, message: str
) -> None:
    good = {
        "in.jsonl": '{"name": "ok", "os": "linux"}\n',
        "in.csv": "ok,linux\n",
        "in.yaml": "- {name: ok, os: linux}\n" if text.startswith("-") else "ok: {os: linux}\n",
        "in.json": None,
    }[name]
    (tmp_path / name).write_bytes((text + (good or "")).encode("utf-8", "surrogatepass"))
    code, out, err = cli(capsys, "batch", name)
    got = [json.loads(line) for line in out.splitlines()]
    errors = [r["error"] for r in got if r["error"]]
    assert code == 1 and message in errors, errors
    assert err.splitlines()[0] == message
    if good is not None:
        assert got[-1]["name"] == "ok" and got[-1]["winner"] is not None


def test_a_csv_field_over_128_kib_is_read(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("name,os\n" + "n" * (200 << 10) + ",linux\nok,linux\n")
    code, out, _ = cli(capsys, "batch", "in.csv", "-f", "csv")
    rows = out.splitlines()[1:]
    assert code == 0 and len(rows) == 2 and rows[0].startswith("1," + "n" * 100)


def test_a_lone_surrogate_in_a_name_is_replaced_in_the_output(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"name": "a\\ud800b", "os": "linux"}\n')
    code, _, _ = cli(capsys, "batch", "in.jsonl", "-o", "out.jsonl")
    assert code == 0
    assert json.loads((tmp_path / "out.jsonl").read_text())["name"] == "a?b"
    done = run_cli("batch", "in.jsonl", cwd=tmp_path, env={"RECOMMENDER_BASE_RULES": str(MINI)})
    assert (done.returncode, json.loads(done.stdout)["name"]) == (0, "a?b")


def test_a_batch_mapping_with_a_repeated_name_keeps_both_rows(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text('{"a": {"os": "linux"}, "a": {"os": "windows"}}')
    code, out, _ = cli(capsys, "batch", "in.json")
    got = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [(r["row"], r["name"], bool(r["error"])) for r in got] == [
        (1, "a", False),
        (2, "a", True),
    ]


# -- 11. duplicate keys ----------------------------------------------------------------------------


def test_a_json_profile_with_a_repeated_answer_is_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(
        '{"answers": {"audience": "beginner", "audience": "researcher"}}'
    )
    assert cli(capsys, "recommend", "--profile", "d.json") == (
        2,
        "",
        'd.json:1:38: duplicate key "audience" (first given at line 1:14)\n',
    )


def test_a_json_profile_that_yaml_reads_differently_still_refuses_duplicates(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "d.json").write_text(
        '{"answers": {"os": "linux", "os": "windows"}, "name": "x\\ud800"}'
    )
    assert cli(capsys, "recommend", "--profile", "d.json") == (
        2,
        "",
        'd.json: duplicate key "os"\n',
    )


# -- 10. injection: CSV formulas -------------------------------------------------------------------


def test_formula_names_are_neutralised_in_csv_and_numbers_stay_numbers(
    capsys, tmp_path: Path
) -> None:
    names = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2", "\tx", "\rx"]
    rows = [{"name": n, "os": "linux"} for n in names] + [{"name": "=bad", "os": "mac"}]
    (tmp_path / "in.json").write_text(json.dumps(rows))
    code, out, _ = cli(capsys, "batch", "in.json", "-f", "csv")
    import csv
    import io

    got = list(csv.DictReader(io.StringIO(out, newline="")))
    assert code == 1
    assert [r["name"] for r in got] == ["'" + n for n in names[:-1]] + ["'\nx", "'=bad"]
    assert (got[0]["score_pytorch"], got[0]["score_jax"]) == ("0", "0.5")  # numbers as numbers
    assert got[-1]["error"].startswith("in.json:1:")


def test_a_formula_in_the_error_cell_is_neutralised(capsys, tmp_path: Path) -> None:
    (tmp_path / "=x.jsonl").write_text('{"os": "mac"}\n')
    code, out, _ = cli(capsys, "batch", "=x.jsonl", "-f", "csv")
    assert code == 1 and out.splitlines()[1].endswith(
        ',"\'=x.jsonl:1:8: row 1: unknown option ""mac"" '
        'for question ""os""; valid values: linux, '
        'windows"'
    )


# -- 10. injection: a newline in user data stays on its line ---------------------------------------


def test_a_newline_in_a_name_does_not_split_a_batch_table_row_or_an_error_line(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text(
        '{"name": "a\\nb\\tc", "os": "linux"}\n{"name": "x", "os": "li\\nnux"}\n'
    )
    code, out, err = cli(capsys, "batch", "in.jsonl", "-f", "table")
    rows = out.splitlines()[1:3]
    assert code == 1
    assert rows[0].startswith("     1  a\\nb\\tc      ")
    assert rows[1].startswith(
        '     2  x                     error: in.jsonl:2:21: row 2: unknown option "li\\nnux"'
    )
    assert err.splitlines()[0].startswith(
        'in.jsonl:2:21: row 2: unknown option "li\\nnux" for question'
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("recommend",), "Recommended: JAX, a close call (a\\nb)"),
        (("recommend", "--full"), "Profile: a\\nb"),
        (("explain",), "Profile: a\\nb"),
    ],
)
def test_a_newline_in_a_profile_name_stays_on_its_line(
    capsys, tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    (tmp_path / "p.yaml").write_text('name: "a\\nb"\nanswers: {os: linux}\n')
    code, out, _ = cli(capsys, *args, "--profile", "p.yaml")
    assert code == 0 and line in out.splitlines()


def test_a_newline_in_a_rule_file_value_stays_on_its_error_line(capsys, tmp_path: Path) -> None:
    overlay(tmp_path, 'rules:\n  - {id: "x\\ny", when: {os: linux}, because: b, source: s}\n')
    code, out, _ = cli(capsys, "rules", "validate", "overlay")
    assert code == 2
    assert out.splitlines()[0] == (
        'overlay/x.yaml:2:10: [error] rule "x\\ny" id: expected an id of lower-case letters, '
        "digits, '_', '-' or '.', got 'x\\ny'"
    )


# -- 12. any console encoding ----------------------------------------------------------------------


def test_a_cp1252_console_gets_replacements_not_a_crash(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "-a", "audience=beginner", "--full"],
        capture_output=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, b"")
    out = done.stdout.decode("cp1252")  # every byte is cp1252: what it lacks became "?"
    assert "winner" in out and "?" in out  # "→" is not in cp1252


# -- 5. -o never destroys --------------------------------------------------------------------------


def test_o_follows_a_symlink_and_replaces_its_target(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    (tmp_path / "target.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("target.csv")
    assert cli(capsys, "batch", "in.jsonl", "-o", "link.csv")[0] == 0
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "target.csv").read_text().startswith("row,name,winner")


def test_o_into_a_fifo_writes_into_it(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    os.mkfifo(tmp_path / "out.fifo")
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append((tmp_path / "out.fifo").read_text()))
    reader.start()
    try:
        code = main(["batch", "in.jsonl", "-o", "out.fifo", "-f", "jsonl"])
    finally:
        reader.join(timeout=30)
    assert code == 0 and json.loads(got[0])["winner"] == "jax"
    assert (tmp_path / "out.fifo").is_fifo()


def test_o_into_a_fifo_nobody_reads_is_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    os.mkfifo(tmp_path / "out.fifo")
    code, _, err = cli(capsys, "batch", "in.jsonl", "-o", "out.fifo", "-f", "jsonl")
    assert (code, err) == (2, "out.fifo: cannot write here: no process is reading the FIFO\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_o_into_a_character_device_writes_into_it(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    os.mknod(tmp_path / "null", 0o666 | 0o020000, os.makedev(1, 3))  # a /dev/null of our own
    for args in (["batch", "in.jsonl", "-f", "csv"], ["recommend", "-a", "os=linux"]):
        assert cli(capsys, *args, "-o", "null")[0] == 0
        assert (tmp_path / "null").is_char_device()


def test_o_dev_stdout_writes_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    env = {"RECOMMENDER_BASE_RULES": str(MINI)}
    done = run_cli(
        "batch", "in.jsonl", "-o", "/dev/stdout", "-f", "csv", "-q", cwd=tmp_path, env=env
    )
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert (done.returncode, [r["winner"] for r in rows]) == (0, ["jax"])
    assert os.path.islink("/dev/stdout")


def test_o_a_directory_is_refused_before_any_work(capsys, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "in.jsonl").write_text("not json\n" * 10)
    assert cli(capsys, "batch", "in.jsonl", "-o", "out", "-f", "csv") == (
        2,
        "",
        "out: is a directory; -o needs a file name such as results.jsonl\n",
    )
    assert cli(capsys, "recommend", "-a", "os=linux", "-o", "out")[0] == 2


def test_a_new_output_gets_a_new_files_mode_and_an_old_one_loses_setuid(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    old = tmp_path / "old.csv"
    old.write_text("x\n")
    old.chmod(0o6754)
    assert cli(capsys, "batch", "in.jsonl", "-o", "old.csv")[0] == 0
    assert cli(capsys, "batch", "in.jsonl", "-o", "new.csv")[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (old.stat().st_mode & 0o7777, (tmp_path / "new.csv").stat().st_mode & 0o7777) == (
        0o754,
        0o666 & ~umask,
    )


def test_recommend_o_its_own_profile_is_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("answers: {os: linux}\n")
    assert cli(capsys, "recommend", "--profile", "p.yaml", "-o", "p.yaml") == (
        2,
        "",
        "p.yaml: the output would replace the input; choose another -o file\n",
    )
    assert (tmp_path / "p.yaml").read_text() == "answers: {os: linux}\n"


def test_batch_input_as_output_through_a_symlink_is_refused(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    (tmp_path / "same.jsonl").symlink_to("in.jsonl")
    code, _, err = cli(capsys, "batch", "in.jsonl", "-o", "same.jsonl")
    assert (code, err) == (
        2,
        "same.jsonl: the output would replace the input; choose another -o file\n",
    )


def test_a_missing_output_directory_is_refused_before_any_work(capsys, tmp_path: Path) -> None:
    code, _, err = cli(capsys, "recommend", "-a", "os=linux", "-o", "nope/r.json")
    assert (code, err) == (2, "nope/r.json: cannot write here: the directory nope does not exist\n")


PROFILE = "answers: {os: linux}\n"


@pytest.mark.parametrize(
    "output",
    [
        "/proc/self/cwd/p.yaml",  # a path through /proc is a path, not a stream
        "nope/../p.yaml",  # the kernel refuses nope/.., though the text collapses to p.yaml
        "link-through-nope",  # a dangling link to nope/../p.yaml
        "p.yaml/",
    ],
)
def test_an_output_path_that_resolves_onto_the_input_or_nowhere_is_refused(
    capsys, tmp_path: Path, output: str
) -> None:
    (tmp_path / "p.yaml").write_text(PROFILE)
    (tmp_path / "link-through-nope").symlink_to("nope/../p.yaml")
    code, out, err = cli(capsys, "recommend", "--profile", "p.yaml", "-f", "json", "-o", output)
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert err.startswith(f"{output}: ")
    assert (tmp_path / "p.yaml").read_text() == PROFILE


def test_every_command_refuses_an_output_that_is_a_file_it_read(capsys, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PROFILE)
    cases = "cases:\n  - name: c1\n    answers: {os: linux}\n    expect_winner: jax\n"
    (tmp_path / "cases.yaml").write_text(cases)
    rule = (
        "rules:\n  - id: my-rule\n    when: {os: linux}\n    score: {jax: 1}\n"
        "    because: t\n    source: t\n"
    )
    overlay(tmp_path, rule, "team.yaml")
    runs = [
        (["explain", "--profile", "p.yaml", "-f", "json", "-o", "p.yaml"], "p.yaml"),
        (["rules", "test", "cases.yaml", "-f", "json", "-o", "cases.yaml"], "cases.yaml"),
        (["--rules", "overlay", "rules", "show", "my-rule", "-f", "json", "-o",
          "overlay/team.yaml"], "overlay/team.yaml"),
    ]  # fmt: skip
    for args, output in runs:
        before = (tmp_path / output).read_text()
        assert cli(capsys, *args) == (
            2,
            "",
            f"{output}: the output would replace the input; choose another -o file\n",
        )
        assert (tmp_path / output).read_text() == before


def test_batch_of_stdin_refuses_to_write_the_file_stdin_reads(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    env = {"RECOMMENDER_BASE_RULES": str(MINI)}
    with open(tmp_path / "in.jsonl") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "recommender", "batch", "-", "--input-format", "jsonl", "-o",
             "in.jsonl"],
            stdin=stdin, capture_output=True, text=True, cwd=tmp_path, timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        "in.jsonl: the output would replace the input; choose another -o file\n",
    )
    assert (tmp_path / "in.jsonl").read_text() == '{"os": "linux"}\n'


def test_batch_appending_stdout_to_its_own_input_is_refused_not_looped(tmp_path: Path) -> None:
    """``batch in.jsonl >> in.jsonl`` read its own records back until the disk was full."""
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n' * 3000)
    with open(tmp_path / "in.jsonl", "a") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "recommender", "batch", "in.jsonl", "-q"],
            stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)},
        )  # fmt: skip
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert "<stdout> is a file this command reads" in done.stderr
    assert (tmp_path / "in.jsonl").read_text() == '{"os": "linux"}\n' * 3000


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table", "jsonl"])
def test_an_input_refused_as_a_whole_writes_nothing_to_stdout(
    capsys, tmp_path: Path, fmt: str
) -> None:
    (tmp_path / "dup.csv").write_text("name,os,os\na,linux,linux\n")
    (tmp_path / "empty.json").write_text("")
    for name in ("dup.csv", "empty.json"):
        code, out, err = cli(capsys, "batch", name, "-f", fmt)
        assert (code, out, err.count("\n")) == (2, "", 1)


def test_update_lets_a_command_write_a_new_version_of_a_file_it_read(tmp_path: Path) -> None:
    """``ask --from p.yaml --save p.yaml`` edits the profile in place: the one write that may
    replace a file the command read."""
    from recommender.errors import UserError
    from recommender.fileio import forget_reads, output_target, read_text

    (tmp_path / "p.yaml").write_text(PROFILE)
    (tmp_path / "rules.yaml").write_text("rules: []\n")
    forget_reads()
    output_target("p.yaml")
    read_text("p.yaml")
    read_text("rules.yaml")
    with pytest.raises(UserError, match="would replace the input"):
        output_target("p.yaml")
    assert output_target("p.yaml", update="p.yaml").path == str(tmp_path / "p.yaml")
    with pytest.raises(UserError, match="choose another --save file"):
        output_target("rules.yaml", update="p.yaml", flag="--save")  # only that one file


def test_no_rule_cache_or_output_write_ever_replaces_a_device(tmp_path: Path) -> None:
    from recommender.errors import UserError
    from recommender.fileio import write_text_atomic

    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UserError, match="only a regular file is ever replaced"):
        write_text_atomic(tmp_path / "fifo", "x")
    assert (tmp_path / "fifo").is_fifo() and temp_files(tmp_path) == []


# -- found by benchmarks/fuzz.py -------------------------------------------------------------------


def test_a_quoted_csv_field_over_two_undecodable_lines_is_one_error_row(
    capsys, tmp_path: Path
) -> None:
    """Two bad lines in one record: the second note was never taken off the queue, so the reader
    looped forever (readers._passed)."""
    (tmp_path / "in.csv").write_bytes(b'name,os\n"a\xff\n\xfe",linux\nb,linux\n')
    code, out, err = cli(capsys, "batch", "in.csv", "-o", "o.jsonl", "-q")
    records = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert (code, out, err) == (1, "", "")
    assert [(r["error"], r["winner"]) for r in records] == [
        ("in.csv:2: row 1: not UTF-8 text (byte 2); save the file as UTF-8", None),
        (None, "jax"),
    ]


# -- 8. ask --from invents nothing -------------------------------------------------------------


def test_ask_from_a_profile_starts_an_unanswered_question_on_skip(tmp_path: Path) -> None:
    """Enter on a question the profile leaves out keeps it unanswered, in a real terminal."""
    import pexpect
    from askkit import spawn_ask

    start = tmp_path / "start.yaml"
    start.write_text("name: start\nanswers: {audience: beginner}\n")
    saved = tmp_path / "out.yaml"
    child = spawn_ask(["--from", str(start), "--save", str(saved)], tmp_path, cwd=tmp_path)
    for prompt in ("Who is it for?", "Where will it run?", "Which OS?", "Custom gradients?"):
        child.expect_exact(prompt)
        child.send("\r")
    child.expect_exact("Your answers")
    child.send("\r")
    child.expect_exact("Show the full report?")
    child.send("\r")
    child.expect_exact("as a web page")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert saved.read_text().endswith("answers:\n  audience: beginner\n")


# -- 9. caches are derived data: a FIFO in a cache file's place ---------------------------------


def test_a_fifo_in_the_rules_cache_slot_is_replaced_by_a_rebuilt_cache(
    capsys, tmp_path: Path
) -> None:
    """Found while checking the probe cache: the atomic writer rightly refuses to replace what
    is not a regular file, so a FIFO in a cache's place was refused on every run, never rebuilt.
    A cache file is ours to remove; a user's -o target never is."""
    from recommender.rulebase import cache as rulecache

    slot = rulecache._slot([str(MINI)])
    os.makedirs(os.path.dirname(slot), exist_ok=True)
    os.mkfifo(slot)
    assert cli(capsys, "recommend", "-a", "os=linux", "-f", "json")[0] == 0
    assert Path(slot).is_file()
    assert rulecache._read(slot, rulecache._key(_mini_files())) is not None


def _mini_files() -> list[str]:
    from recommender.rulebase.load import rule_files

    return [str(p) for p in rule_files(MINI, cases=False)]


def test_o_into_a_fifo_is_still_never_removed(capsys, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "out.json")
    code, _, err = cli(capsys, "recommend", "-a", "os=linux", "-o", "out.json")
    assert (code, err) == (2, "out.json: cannot write here: no process is reading the FIFO\n")
    assert (tmp_path / "out.json").is_fifo()


def test_an_overlay_of_yml_files_is_read_and_a_file_for_a_directory_is_named(
    capsys, tmp_path: Path
) -> None:
    rule = (
        "rules:\n  - id: my-rule\n    when: {os: linux}\n    score: {pytorch: 9}\n"
        "    because: t\n    source: t\n"
    )
    overlay(tmp_path, rule, "team.yml")  # was ignored without a word: the rule never applied
    code, out, _ = cli(capsys, "--rules", "overlay", "recommend", "-a", "os=linux", "-f", "json")
    assert (code, json.loads(out)["winner"]) == (0, "pytorch")
    assert cli(capsys, "--rules", "overlay/team.yml", "recommend", "-a", "os=linux") == (
        2,
        "",
        "overlay/team.yml: is a file; give the directory that holds it (or `rules validate "
        "FILE`)\n",
    )


def test_an_output_name_of_255_bytes_is_written(capsys, tmp_path: Path) -> None:
    name = "é" * 125 + ".json"  # 255 bytes: the longest name, whose temporary name was longer
    code, out, err = cli(capsys, "recommend", "-a", "os=linux", "-o", name)
    assert (code, err) == (0, "")
    assert json.loads((tmp_path / name).read_text())["winner"] == "jax"
    assert temp_files(tmp_path) == []


def test_a_control_character_in_yaml_is_named_as_one_not_as_bad_utf8(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "nul.yaml").write_bytes(b"name: a\x00b\nanswers: {os: linux}\n")
    (tmp_path / "ff.yaml").write_bytes(b"name: a\xffb\nanswers: {os: linux}\n")
    assert cli(capsys, "recommend", "--profile", "nul.yaml") == (
        2,
        "",
        "nul.yaml:1:8: control characters are not allowed in YAML; remove the character U+0000\n",
    )
    assert cli(capsys, "recommend", "--profile", "ff.yaml") == (
        2,
        "",
        "ff.yaml: not UTF-8 text (byte 7); save the file as UTF-8\n",
    )


def test_a_full_disk_names_the_file_it_was_writing(capsys, tmp_path: Path) -> None:
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n')
    for args in (["recommend", "-a", "os=linux"], ["batch", "in.jsonl", "-q"]):
        assert cli(capsys, *args, "-o", "/dev/full") == (
            2,
            "",
            "recommender: /dev/full: No space left on device\n",
        )


def test_rules_validate_of_a_device_says_what_it_is(capsys) -> None:
    code, out, err = cli(capsys, "rules", "validate", "/dev/null")  # was "no such file"
    assert (code, out) == (2, "/dev/null: [error] is a character device, not a regular file; "
                              "give a file, or - to read stdin\n")  # fmt: skip
    assert err.startswith("1 error in 1 of ")


def test_o_dev_stdout_onto_a_socket_writes_into_it(tmp_path: Path) -> None:
    """A socket cannot be opened again through /proc (ENXIO); it was refused with the message
    for a FIFO that nobody reads. The descriptor itself is written now."""
    import socket

    ours, theirs = socket.socketpair()
    with ours, theirs:
        child = subprocess.Popen(
            [sys.executable, "-m", "recommender", "recommend", "-a", "os=linux", "-o",
             "/dev/stdout", "-f", "json"],
            stdout=theirs.fileno(), stderr=subprocess.PIPE, text=True, cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)},
        )  # fmt: skip
        theirs.close()
        data = b""
        while chunk := ours.recv(1 << 16):
            data += chunk
        _, err = child.communicate(timeout=120)
    assert (child.returncode, err) == (0, "")
    assert json.loads(data)["winner"] == "jax"


def test_an_overlay_framework_name_is_inert_in_csv_and_on_the_terminal(tmp_path):
    # A framework name is free text an overlay writes: it reached the CSV's stack cell as a live
    # formula and the summary and table header as a raw escape sequence (QA, stop 22)
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "evil.yaml").write_text(
        "frameworks:\n"
        '  - {id: evil, name: "=HYPERLINK(\\"http://x\\")\\u001b[31m", developed_by: d}\n'
        "rules:\n"
        "  - {id: e, when: {audience: beginner}, score: {evil: 1000}, because: b, source: s}\n",
        encoding="utf-8",
    )
    rows = tmp_path / "one.jsonl"
    rows.write_text('{"name": "n", "audience": "beginner"}\n', encoding="utf-8")
    as_csv = run_cli("batch", str(rows), "--rules", str(overlay), "-f", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    (record,) = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert record["winner"] == "evil" and record["stack"].startswith("'=HYPERLINK")
    table = run_cli("batch", str(rows), "--rules", str(overlay), "-f", "table")
    assert table.returncode == 0, table.stderr
    assert "\\x1b[31m" in table.stdout  # the header and the summary, escaped
    for out in (as_csv.stderr, table.stdout, table.stderr):
        assert "\x1b" not in out
