"""`recommender probe` on the command line: options, one-line errors, and the probe's public API."""

from __future__ import annotations

from pathlib import Path

import pytest

import recommender.probe
from recommender.cli import main
from recommender.probe.targets import TARGETS, resolve


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["probe", "--framework", "pytorc"],
            'recommender: unknown framework "pytorc" (did you mean "pytorch"?); '
            "valid values: jax, pytorch, tensorflow",
        ),
        (
            ["probe", "--framework", "mxnet"],
            'recommender: unknown framework "mxnet"; valid values: jax, pytorch, tensorflow',
        ),
        (
            ["probe", "--timeout", "0"],
            "recommender: probe: argument --timeout: expected a number of seconds over 0 and up "
            "to 3600, got '0' (see 'recommender probe --help')",
        ),
        (
            ["probe", "--timeout", "inf"],  # was taken: no bound on the probe at all
            "recommender: probe: argument --timeout: expected a number of seconds over 0 and up "
            "to 3600, got 'inf' (see 'recommender probe --help')",
        ),
        (
            ["probe", "--timeout", "nan"],
            "recommender: probe: argument --timeout: expected a number of seconds over 0 and up "
            "to 3600, got 'nan' (see 'recommender probe --help')",
        ),
        (
            ["probe", "--format", "xml"],
            "recommender: probe: argument --format/-f: invalid choice: 'xml' "
            "(choose from 'table', 'json', 'markdown') (see 'recommender probe --help')",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == message + "\n"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("torch", "pytorch"), ("TF", "tensorflow"), ("Jax", "jax"), ("pytorch", "pytorch")],
)
def test_framework_names_and_aliases(typed: str, canonical: str) -> None:
    assert resolve(typed, TARGETS) == canonical


def test_table_for_one_real_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path))
    assert main(["probe", "--framework", "jax", "--timeout", "120"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["check", "jax"]
    assert out[2].split() == ["probe", "ok"]
    assert out[5].split()[0] == "gpu" and out[5].split()[1] in ("ok", "unavailable")


def test_public_api_is_pinned() -> None:
    assert sorted(recommender.probe.__all__) == [
        "CheckResult",
        "FrameworkResult",
        "ProbeReport",
        "ProbeTarget",
        "ProgressEvent",
        "TARGETS",
        "default_timeout",
        "run_probe",
    ]
