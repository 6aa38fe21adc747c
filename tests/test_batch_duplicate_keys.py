"""A JSONL row's repeated key is that row's error, in either shape, the other rows scored: the
behaviour any faster reading of the rows must keep (the shortcuts tried were measured and
dropped; see the commit log).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.cli import main


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
