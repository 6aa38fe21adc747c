"""For the rule-tooling tests: the real CLI in-process, on the mini base and tmp_path overlays."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from recommender.cli import main

MINI = Path(__file__).parent / "data" / "mini"
SHIPPED = Path(__file__).parent.parent / "rules"

RULE = """\
rules:
  - id: {id}
    when: {when}
    score: {score}
    because: test
    source: test
"""


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The mini rule set as the shipped base; cwd is tmp_path, so overlay paths print short."""
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    monkeypatch.chdir(tmp_path)
    return MINI


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err
