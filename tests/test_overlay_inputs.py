"""An overlay's case files (``tests/*.yaml``) are inputs of every command that loads the overlay,
though only ``rules test`` reads them: no ``-o`` may replace one."""

from __future__ import annotations

from pathlib import Path

import pytest
import tooling_support
from tooling_support import cli, write

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

CASES = "cases:\n  - {name: c1, answers: {os: linux}, expect_winner: jax}\n"
RULE = "rules:\n  - {id: my-rule, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"


@pytest.mark.parametrize(
    "command",
    [
        ("rules", "lint", "--rules", "overlay", "-f", "json"),
        ("recommend", "--rules", "overlay", "-a", "os=linux", "-f", "json"),
        ("batch", "--rules", "overlay", "profiles.csv", "-f", "json"),
        ("explain", "--rules", "overlay", "-f", "json"),
        ("rules", "list", "--rules", "overlay", "-f", "json"),
        ("questions", "--rules", "overlay", "-f", "json"),
    ],
)
@pytest.mark.parametrize("cached", [False, True], ids=["first-run", "from-the-cache"])
def test_no_output_replaces_an_overlays_case_file(
    mini: Path, tmp_path: Path, capsys, command: tuple[str, ...], cached: bool
) -> None:
    write(tmp_path / "overlay", "team.yaml", RULE)
    case_file = write(tmp_path / "overlay", "tests/c.yaml", CASES)
    write(tmp_path, "profiles.csv", "name,os\np,linux\n")
    if cached:  # the rule base comes from the rules cache, and no rule file is parsed
        assert cli(capsys, "recommend", "--rules", "overlay")[0] == 0
    assert cli(capsys, *command, "-o", "overlay/tests/c.yaml") == (
        2,
        "",
        "overlay/tests/c.yaml: the output would replace the input; choose another -o file\n",
    )
    assert case_file.read_text() == CASES
    assert cli(capsys, *command, "-o", "out.json")[0] in (0, 1)  # any other file is written
