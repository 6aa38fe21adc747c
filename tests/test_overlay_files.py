"""Which files an overlay holds: the shipped base given again (as an overlay, a copy or a link)
is read once and named in one line, a few duplicates are named one by one, a dangling link or an
error in a linked file is named by the link, and a folder with no rule file is refused unless it
holds cases."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SHIPPED, cli, run_cli

from recommender import load_rules

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


NO_RULE_FILE = (
    "holds no rule file (*.yaml or *.yml, here or in tests/); give the directory that holds them"
)


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("inside", [[], ["README.md"], ["rules.json"], ["sub/r.yaml"]])
@pytest.mark.parametrize("how", ["--rules", "RECOMMENDER_RULES"])
def test_an_overlay_with_no_rule_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, inside: list[str], how: str
):
    """``--rules DIR`` one folder above the rules, or rules saved as ``.json``, was an empty
    overlay: the shipped recommendation, exit 0, and the user's rules never read."""
    for name in inside:
        Path("mine", name).parent.mkdir(parents=True, exist_ok=True)
        Path("mine", name).write_text("rules: []\n")
    Path("mine").mkdir(exist_ok=True)
    argv = ["recommend", "-a", "audience=beginner"]
    if how == "--rules":
        argv = ["--rules", "mine", *argv]
    else:
        monkeypatch.setenv("RECOMMENDER_RULES", "mine")
    assert cli(*argv) == (2, "", f"mine: {NO_RULE_FILE}\n")


@pytest.mark.usefixtures("shipped_only")
def test_an_overlay_of_cases_alone_is_still_read():
    Path("mine/tests").mkdir(parents=True)
    Path("mine/tests/c.yml").write_text(
        "cases:\n  - name: mine\n    answers: {audience: beginner}\n    expect_winner: pytorch\n"
    )
    code, _, err = cli("--rules", "mine", "rules", "test")
    assert code == 0, err
