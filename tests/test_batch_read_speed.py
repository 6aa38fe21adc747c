"""The JSONL read path's shortcuts agree with the checking paths they stand in for.

``fileio._plain_first`` reads a row with json's C scanner and no pairs hook, and stands only
when it proves no key repeats; ``readers._read_row`` sets a Row's slots without its generated
``__init__``. Each must give exactly what the slow path gives, on random and hostile input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.batch.readers import _JSONL, JsonSpot, Row, _read_row
from recommender.cli import main
from recommender.fileio import _UNSURE, JsonProblem, _plain_first, loads_json

KEYS = st.sampled_from(["name", "answers", "description", "a", "b", "a:b", "{", "[", ""])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**120), 10**120),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.sampled_from('ab:{}[],"\\ \n\u00e9'), max_size=6),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(KEYS, inner), max_size=4).map(lambda pairs: ("obj", pairs))
    ),
    max_leaves=12,
)


def _dump(value: Any) -> str:
    """JSON text of ``value``, where ("obj", pairs) is an object that may repeat a key."""
    if isinstance(value, tuple):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}" for k, v in value[1]) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value)


def _checked(text: str) -> tuple[str, Any]:
    """What the checking decoder alone gives: the value with its class, or the problem."""
    try:
        value = _JSONL.decode(text)
    except (JsonProblem, json.JSONDecodeError, RecursionError) as exc:
        return "error", type(exc).__name__
    return type(value).__name__, value


TEXTS = st.one_of(
    st.lists(st.tuples(KEYS, VALUES), max_size=5).map(lambda pairs: _dump(("obj", pairs))),
    st.text(alphabet=st.sampled_from('{}[]:,"ab 1e9\n\\NaInfty-'), max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from(["", "\n", "\r\n", " \n", "x"]))
def test_the_plain_reading_stands_only_where_the_checking_decoder_agrees(
    text: str, end: str
) -> None:
    """Where the shortcut gives a value, the checking decoder gives the same value of the
    same class (a repeated key would give a JsonObject there, and the shortcut must refuse)."""
    text += end
    plain = _plain_first(text) if text.startswith("{") else _UNSURE
    if plain is not _UNSURE:
        assert _checked(text) == (type(plain).__name__, plain)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_loads_json_reads_a_row_as_the_checking_decoder_does(text: str) -> None:
    """Through ``loads_json``, value or problem: the same as the checking decoder's."""
    try:
        value: Any = loads_json(text.encode("utf-8", "surrogatepass"), _JSONL)
        got: tuple[str, Any] = (type(value).__name__, value)
    except JsonProblem as exc:
        got = ("problem", exc.message)
    kind, want = _checked(text)
    if kind == "error":
        assert got[0] == "problem"
    else:
        assert got == (kind, want)


@pytest.mark.parametrize(
    "line",
    [
        '{"name": "p", "audience": "beginner", "audience": "researcher"}',
        '{"name": "p", "answers": {"audience": "beginner", "audience": "researcher"}}',
        '{"name": "p", "name": "q", "answers": {"audience": "beginner"}}',
    ],
)
def test_a_repeated_key_is_still_the_rows_error(
    line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"name": "ok", "audience": "beginner"}\n' + line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = 0
    try:
        main(["batch", str(src), "-o", str(out), "--quiet"])
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code in (0, 1)
    records = [json.loads(r) for r in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and records[0].get("error") is None
    key = "name" if '"q"' in line else "audience"
    assert records[1]["error"] == f'{src}:2: row 2: duplicate key "{key}"'


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10**6),
    st.one_of(st.none(), st.text(max_size=5)),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3),
    st.binary(max_size=40) | st.binary(min_size=(16 << 10) + 1, max_size=(16 << 10) + 2),
    st.booleans(),
    st.integers(1, 10**6),
)
def test_read_row_is_the_rows_constructor(
    n: int, name: str | None, answers: dict[str, str], line: bytes, nested: bool, line_no: int
) -> None:
    row = _read_row(n, name, answers, line, nested, line_no)
    spot = JsonSpot(line, nested, line=line_no) if len(line) <= 16 << 10 else None
    want = Row(n, name, answers, where=spot, line=line_no)
    assert row == want and repr(row) == repr(want)
    assert row.where is None or (row.where == spot and hash(row.where) == hash(spot))
