"""Error lines that name the fault and keep the fix. A message that quotes a huge value stays
one readable line (``errors.shorten``): the quoted value is cut, saying how long it was, not the
end of the line, which names the question and the valid values. A YAML fault is said as the user
wrote it, by every command that reads the file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, ROOT, cli, run_cli
from hypothesis import given
from hypothesis import strategies as st

from recommender.cli import main
from recommender.errors import MAX_MESSAGE, MEANT, QUOTED, did_you_mean, shorten
from recommender.rulebase.load import rule_dirs

HUGE = "x" * 60_000
FIX = 'for question "os"; valid values: linux, macos, windows, wsl2'
CUT = f'unknown option "{"x" * (QUOTED - 1)}…" (60,000 characters) {FIX}'


def test_an_unknown_option_of_60000_characters_keeps_the_fix(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(f"answers:\n  os: {HUGE}\n")
    (tmp_path / "in.jsonl").write_text(json.dumps({"os": HUGE}) + "\n")
    (tmp_path / "in.csv").write_text(f"os\n{HUGE}\n")
    runs = [
        run_cli("recommend", "--profile", "p.yaml", cwd=tmp_path),
        run_cli("recommend", "--answer", f"os={HUGE}", cwd=tmp_path),
        run_cli("batch", "in.jsonl", cwd=tmp_path),
        run_cli("batch", "in.csv", cwd=tmp_path),
    ]
    firsts = [(done.returncode, done.stderr.splitlines(keepends=True)[0]) for done in runs]
    assert firsts == [
        (2, f"p.yaml:2:7: {CUT}\n"),
        (2, f"--answer: {CUT}\n"),
        (1, f"in.jsonl:1: row 1: {CUT}\n"),  # a line past 16 KiB: no column (readers.JsonSpot)
        (1, f"in.csv:2: row 1: column 1: {CUT}\n"),  # past 16 KiB too: the cell, no column
    ]
    records = [json.loads(done.stdout)["error"] for done in runs[2:]]
    assert records == [f"in.jsonl:1: row 1: {CUT}", f"in.csv:2: row 1: column 1: {CUT}"]


text = st.text(st.sampled_from('ab "…'), max_size=3 * MAX_MESSAGE)


@given(st.lists(st.one_of(text, st.integers(0, 5 * QUOTED).map(lambda n: '"' + "v" * n + '"'))))
def test_shorten_is_bounded_and_cut_once(pieces: list[str]) -> None:
    message = " ".join(pieces)
    once = shorten(message)
    assert shorten(once) == once  # the batch's row line shortens a message shortened already
    assert len(once) <= MAX_MESSAGE + 40
    if len(message) <= QUOTED:
        assert once == message


@given(st.text(st.characters(exclude_characters='"'), max_size=300), st.integers(0, 3 * QUOTED))
def test_only_the_quoted_value_is_cut(rest: str, size: int) -> None:
    value = "v" * size
    kept = shorten(f'bad "{value}" {rest}')
    if size <= QUOTED:
        assert kept == f'bad "{value}" {rest}'
    else:
        assert kept == f'bad "{value[: QUOTED - 1]}…" ({size:,} characters) {rest}'


def test_a_key_over_yamls_bound_says_so(tmp_path: Path) -> None:
    """PyYAML reads no plain key over 1,024 characters as a key: it said "mapping values are not
    allowed" and sent the user to quote a value that holds ": ", which was not the fault."""
    (tmp_path / "p.yaml").write_text("answers:\n  " + "q" * 3000 + ": linux\n")
    (tmp_path / "colon.yaml").write_text("answers:\n  os: a: b\n")
    runs = [
        run_cli("recommend", "--profile", name, cwd=tmp_path) for name in ("p.yaml", "colon.yaml")
    ]
    assert [(done.returncode, done.stderr) for done in runs] == [
        (2, "p.yaml:2:3003: invalid YAML: a key over 1,024 characters, which YAML does not allow; "
            "shorten it\n"),
        (2, "colon.yaml:2:8: invalid YAML: mapping values are not allowed in this context; "
            'quote a value that holds ": "\n'),
    ]  # fmt: skip


def test_a_batch_file_tagged_or_anchored_at_the_top_says_what_recommend_says(
    tmp_path: Path,
) -> None:
    """batch said "the top level must be a plain list or mapping" where a profile file names the
    tag or the anchor that is refused, and the fix."""
    files = {
        "tag.yaml": "!!python/object/apply:os.system ['echo hacked']\n",
        "set.yaml": "!!set\n? a\n",
        "anchor.yaml": "&top\n- {os: linux}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    said = {
        name: [
            (done.returncode, done.stderr)
            for done in (
                run_cli("batch", name, cwd=tmp_path),
                run_cli("recommend", "--profile", name, cwd=tmp_path),
            )
        ]
        for name in files
    }
    refused = "is not allowed; rule files and profiles hold plain data only"
    aliases = "YAML anchors and aliases (&name / *name) are not allowed; write the value out"
    assert said == {
        "tag.yaml": [(2, f'tag.yaml:1:1: the tag "!!python/object/apply:os.system" {refused}\n')]
        * 2,
        "set.yaml": [(2, f'set.yaml:1:1: the tag "!!set" {refused}\n')] * 2,
        "anchor.yaml": [(2, f"anchor.yaml:1:1: {aliases}\n")] * 2,
    }


def test_an_argument_no_command_takes_points_at_the_help_of_the_command_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """argparse reports leftover arguments from the top parser, which pointed at the top help
    (`recommender --help`) for a flag mistyped under `rules test`."""
    said = {}
    for argv in (["rules", "test", "--case", "x"], ["batch", "a", "b"], ["--bogus"]):
        code = main(argv)
        said[" ".join(argv)] = (code, capsys.readouterr().err)
    assert said == {
        "rules test --case x": (
            2,
            "recommender: rules test: unrecognized arguments: --case "
            "(see 'recommender rules test --help')\n",
        ),
        "batch a b": (
            2,
            "recommender: batch: unrecognized arguments: b (see 'recommender batch --help')\n",
        ),
        "--bogus": (2, "recommender: unrecognized arguments: --bogus (see 'recommender --help')\n"),
    }


def test_a_word_of_an_option_offers_the_options_it_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'gpu' was taken for a misspelt 'tpu', the closest spelling; it is a word of three ids."""
    said = [
        (main(["recommend", "-a", a]), capsys.readouterr().err)
        for a in ("hardware=gpu", "hardware=nvidia")
    ]
    valid = "valid values: amd_gpu, apple_silicon, aws_trainium, cpu, intel_gpu, nvidia_gpu, tpu"
    assert said == [
        (2, '--answer: unknown option "gpu" for question "hardware" '
            f'(did you mean "amd_gpu", "intel_gpu" or "nvidia_gpu"?); {valid}\n'),
        (2, '--answer: unknown option "nvidia" for question "hardware" '
            f'(did you mean "nvidia_gpu"?); {valid}\n'),
    ]  # fmt: skip


ids = st.lists(
    st.from_regex(r"[a-z][a-z0-9]{0,5}([_-][a-z0-9]{1,5}){0,2}", fullmatch=True), max_size=30
)


@given(st.text(max_size=20), ids)
def test_did_you_mean_offers_only_valid_ids(value: str, valid: list[str]) -> None:
    hint = did_you_mean(value, valid)
    offered = hint.split("?)")[0] if hint.startswith(" (did you mean ") else ""
    named = offered.removeprefix(" (did you mean ").replace(" or ", ", ").split(", ")
    assert all(n.strip('"') in valid for n in named if offered)
    assert len(named) <= MEANT
    if value in valid:
        assert offered == f' (did you mean "{value}"'


def test_overlays_are_told_apart_in_one_look_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each overlay was compared with every one before it (two stats a pair): 2,000 entries in
    RECOMMENDER_RULES took 20 s before the first missing one was reported. One stat each now."""
    calls = []
    real_stat = os.stat

    def counted(*args: Any, **kwargs: Any) -> os.stat_result:
        calls.append(args[0])
        return real_stat(*args, **kwargs)

    missing = [f"/nonexistent/overlay{i}" for i in range(1000)]
    monkeypatch.setattr(os, "stat", counted)
    dirs = rule_dirs([*missing, *missing, str(MINI)], base=ROOT / "rules")
    assert len(calls) <= 2 * len(missing) + 2
    assert dirs == [ROOT / "rules", *map(Path, missing), MINI]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("typed", ["1e400", "inf", "-1", "0", "3601", "nan", "soon"])
@pytest.mark.parametrize("command", [["probe"], ["rules", "freshness"]])
def test_a_timeout_out_of_range_names_the_text_typed_and_the_range(command, typed):
    """``probe --timeout 1e400`` said "not inf", and ``1e9`` "not 1e+09": values the user never
    wrote; ``rules freshness`` said it another way."""
    code, out, err = cli(*command, "--timeout", typed)
    name = " ".join(command)
    assert (code, out, err) == (
        2,
        "",
        f"recommender: {name}: argument --timeout: expected a number of seconds over 0 and up to "
        f"3600, got '{typed}' (see 'recommender {name} --help')\n",
    )


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("name", "text", "where", "written"),
    [
        ("p.json", '{"answers": {"audience": true}}', "p.json:1:26", "true"),
        ("p.yaml", "answers:\n  audience: on\n", "p.yaml:2:13", "on"),
    ],
)
def test_an_option_given_as_a_boolean_is_named_as_the_boolean(
    name: str, text: str, where: str, written: str
):
    """A JSON ``true`` was 'unknown option "yes"', a value nobody wrote; YAML's ``on`` is named
    as written, not as the "true" it reads as."""
    Path(name).write_text(text)
    code, _, err = cli("recommend", "--profile", name)
    assert (code, err) == (
        2,
        f'{where}: unknown option {written} (a boolean) for question "audience" (YAML reads an '
        "unquoted yes, no, on, off, true or false as a boolean; quote it if it is an option id); "
        "valid values: beginner, production, researcher\n",
    )


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ("score: [1]", 'rule "r" score: expected a mapping, got a list'),  # it said "got Seq"
        ("packages: 7", 'rule "r" packages: expected a list, got a number'),  # it said nothing
    ],
)
def test_a_rule_field_of_the_wrong_shape_says_what_it_got(field: str, problem: str):
    Path("mine").mkdir()
    score = "" if field.startswith("score") else "    score: {pytorch: 1}\n"
    Path("mine/r.yaml").write_text(
        "rules:\n  - id: r\n    when: {audience: beginner}\n"
        f"{score}    {field}\n    because: x\n    source: y\n"
    )
    code, _, err = cli("--rules", "mine", "recommend", "-a", "audience=beginner")
    assert code == 2 and f": {problem}\n" in err, err


def test_a_control_character_in_yaml_is_named_by_line_and_column(tmp_path: Path) -> None:
    """libyaml locates it by a byte offset, and "(byte 31)" named no line; the column counts
    characters, as every other message's does (a two- and a three-byte one come before it)."""
    (tmp_path / "p.yaml").write_bytes("name: é€\nanswers:\n  os: li\x02nux\n".encode())
    done = run_cli("recommend", "--profile", "p.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "p.yaml:3:9: control characters are not allowed in YAML; remove the character U+0002\n"
    )
    # a batch's YAML is read as a stream, whose text is not held: located all the same
    (tmp_path / "b.yaml").write_bytes(b"- name: a\n  answers: {os: li\x02nux}\n")
    done = run_cli("batch", "b.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "b.yaml:2:19: control characters are not allowed in YAML; remove the character U+0002\n"
    )
