"""A bad answer names its line and the column where the value starts, as a JSON syntax error and
an answer in a YAML list already did: ``in.jsonl:1:14: row 1: unknown option ...``. A JSONL row,
a profile in a JSON document and a one-profile YAML or JSON file in the flat shape named the line
alone. json gives no positions for a decoded value, so the profile's text is read again for it,
only when there is a message to locate (:class:`recommender.batch.readers.JsonSpot`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.cli import main

pytestmark = pytest.mark.usefixtures("mini_scratch")


def errors(capsys: pytest.CaptureFixture[str], path: Path, text: str) -> list[str | None]:
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["batch", path.name, "-f", "jsonl", "-q"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return [json.loads(line)["error"] for line in out.splitlines()]


LOCATED = [
    (
        '{"audience": "beginer"}',
        'in.jsonl:1:14: row 1: unknown option "beginer" for question "audience" (did you mean '
        '"beginner"?); valid values: beginner, production, researcher',
    ),
    (  # a bad type, in the answers shape
        '{"name": "b", "answers": {"os": "linux", "audience": 3}}',
        'in.jsonl:1:54: row 1: question "audience": expected one of beginner, researcher, '
        "production, got int 3",
    ),
    (  # the question's name is also the profile's name: the value of the key is found
        '{"name": "audience", "audience": "x"}',
        'in.jsonl:1:34: row 1: unknown option "x" for question "audience"; valid values: '
        "beginner, production, researcher",
    ),
    (  # columns count characters, as json's do: a wide name before the value
        '{"name": "数据科学", "os": "mac"}',
        'in.jsonl:1:24: row 1: unknown option "mac" for question "os"; valid values: linux, '
        "windows",
    ),
    (
        '{"audiense": "beginner"}',
        'in.jsonl:1:14: row 1: unknown question "audiense" (did you mean "audience"?); '
        "valid values: audience, custom_gradients, deployment, edge_target, os",
    ),
    (  # a key written with an escape is the key it decodes to
        '{"\\u0061udience" :\t"nope"}',
        'in.jsonl:1:20: row 1: unknown option "nope" for question "audience"; valid values: '
        "beginner, production, researcher",
    ),
]


@pytest.mark.parametrize(("line", "message"), LOCATED)
def test_a_bad_answer_names_its_column(capsys, tmp_path: Path, line: str, message: str) -> None:
    assert errors(capsys, tmp_path / "in.jsonl", line + "\n") == [message]
    col = int(message.split(":")[2])
    assert line[col - 1] in '"3'  # where the value starts


def test_the_column_counts_from_after_a_byte_order_mark(capsys, tmp_path: Path) -> None:
    got = errors(capsys, tmp_path / "in.jsonl", '\ufeff{"os": "mac"}\n{"os": "bsd"}\n')
    assert [e.split(": row")[0] for e in got if e] == ["in.jsonl:1:8", "in.jsonl:2:8"]


def test_a_row_past_the_located_length_names_its_line(capsys, tmp_path: Path) -> None:
    """A row keeps its line for the column until it is scored, so only up to LOCATED_LINE bytes:
    a block of rows a MiB each would otherwise be held twice."""
    from recommender.batch.readers import LOCATED_LINE

    padded = '{"os":' + " " * LOCATED_LINE + '"mac"}'
    got = errors(capsys, tmp_path / "in.jsonl", padded + '\n{"os": "mac"}\n')
    assert [e.split(": row")[0] for e in got if e] == ["in.jsonl:1", "in.jsonl:2:8"]


DOCUMENTS = [
    (  # a list of profiles, over several lines
        "in.json",
        '[{"name": "a", "os": "linux"},\n {"name": "b",\n  "answers": {"os": "linux",\n'
        '     "audience": 3}}, {"os":"mac"}]\n',
        [
            None,
            'in.json:4:18: row 2: question "audience": expected one of beginner, researcher, '
            "production, got int 3",
            'in.json:4:29: row 3: unknown option "mac" for question "os"; valid values: linux, '
            "windows",
        ],
    ),
    (  # a mapping of names
        "in.json",
        '{"a": {"os": "linux"},\n "b": {"audience": "x"}}',
        [
            None,
            'in.json:2:20: row 2: unknown option "x" for question "audience"; valid values: '
            "beginner, production, researcher",
        ],
    ),
    (  # one profile, in the answers shape
        "in.json",
        '{"name": "x", "answers": {"os": "mac"}}',
        [
            'in.json:1:33: row 1: unknown option "mac" for question "os"; valid values: linux, '
            "windows"
        ],
    ),
    (  # one profile, flat: the items' positions
        "in.json",
        '{"os": "linux", "audience": "x"}',
        [
            'in.json:1:29: row 1: unknown option "x" for question "audience"; valid values: '
            "beginner, production, researcher"
        ],
    ),
    (
        "in.yaml",
        "os: linux\naudience: x\n",
        [
            'in.yaml:2:11: row 1: unknown option "x" for question "audience"; valid values: '
            "beginner, production, researcher"
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), DOCUMENTS)
def test_a_documents_bad_answer_names_its_column(
    capsys, tmp_path: Path, name: str, text: str, expected: list[str | None]
) -> None:
    assert errors(capsys, tmp_path / name, text) == expected


def test_strict_names_the_column_too(capsys, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"os": "linux"}\n\n{"name": "b", "os": "mac"}\n')
    code = main(["batch", "in.jsonl", "--strict", "-q"])
    assert code == 1 and capsys.readouterr().err == (
        'recommender: in.jsonl:3:21: row 2: unknown option "mac" for question "os"; valid '
        "values: linux, windows (stopped by --strict)\n"
    )


GOOD = {"os": "linux", "custom_gradients": "yes", "deployment": ["server", "mobile"]}
BAD = {"audience": "novice", "os": 7, "deployment": ["mobile", 1], "custom_gradients": "maybe"}
SPACE = st.sampled_from(["", " ", "  ", "\t", " \t "])


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, str, str]:
    """A JSONL line of good answers in any order and spacing, with one bad answer among them,
    in either shape; and the bad value as written."""
    question = draw(st.sampled_from(sorted(BAD)))
    keys = draw(st.permutations([q for q in GOOD if q != question] + [question]))
    name = draw(st.text(st.characters(categories=["L", "N", "So"]), min_size=1, max_size=8))
    bad = json.dumps(BAD[question], ensure_ascii=draw(st.booleans()))
    pairs = [
        f"{draw(SPACE)}{json.dumps(k)}{draw(SPACE)}:{draw(SPACE)}"
        + (bad if k == question else json.dumps(GOOD[k]))
        for k in keys
    ]
    answers = "{" + ",".join(pairs) + draw(SPACE) + "}"
    named = f'"name":{draw(SPACE)}{json.dumps(name, ensure_ascii=draw(st.booleans()))}'
    nested = draw(st.booleans())
    body = f'{{{named}, "answers": {answers}}}' if nested else f"{{{named},{answers[1:]}"
    return body, bad, question


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(row=rows())
def test_the_column_is_where_the_bad_value_is_written(tmp_path: Path, row) -> None:
    """For any order, spacing, escaping and shape, the column points at the bad value's text."""
    import io
    from contextlib import redirect_stdout

    line, bad, question = row
    path = tmp_path / "in.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        main(["batch", str(path), "-f", "jsonl", "-q"])
    error = json.loads(out.getvalue())["error"]
    found = re.match(rf"{re.escape(str(path))}:1:(\d+): row 1: ", error)
    assert found, error
    assert line[int(found[1]) - 1 :].startswith(bad), (line, error)
    assert f'"{question}"' in error
