"""Shared fixtures: the hand-checked mini rule base, and a way to run the real CLI as a subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import recommender

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
SHIPPED = ROOT / "rules"


@pytest.fixture(scope="session")
def mini() -> recommender.RuleBase:
    return recommender.load_rules(base=MINI)


@pytest.fixture(scope="session")
def shipped() -> recommender.RuleBase:
    return recommender.load_rules(base=SHIPPED)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m recommender ARGS`` for real, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "recommender", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or ROOT, input=input, timeout=120)
