"""User text in Markdown output shows as written and never runs as markup: a profile name that
tries to close its code span, batch names carrying HTML, overlay rule text with links, emphasis,
pipes and fences. No Markdown parser is installed, so :func:`parts` reads a line the way
CommonMark reads code spans, backslash escapes and entities, and reports anything left active."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tooling_support import cli, write

from recommender.render.markdown_text import code, fence, text
from recommender.render.terminal import FSI, isolated

IMG = "a` <img src=x onerror=alert(1)> `b"
SCRIPT = "ok</script><script>alert(2)</script>"
NASTY = "x | *y* _z_ [l](javascript:alert(3)) &amp; ``` \\` ~~s~~ #h"
PUNCT = set(string.punctuation)
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
ACTIVE = set("`*[]|~$<>&\\")


def parts(line: str) -> list[tuple[str, str]]:
    """The inline parts of a line: ("code", what the span shows), ("text", a shown character),
    or ("active", a character a renderer would read as markup)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\" and line[i + 1 : i + 2] in PUNCT and i + 1 < len(line):
            out.append(("text", line[i + 1]))
            i += 2
        elif char == "`":
            run = len(re.match("`+", line[i:]).group())  # type: ignore[union-attr]
            close = re.compile(f"(?<!`)`{{{run}}}(?!`)").search(line, i + run)
            if close is None:
                out.append(("active", "`" * run))
                i += run
                continue
            body = line[i + run : close.start()]
            if body.startswith(" ") and body.endswith(" ") and body.strip(" "):
                body = body[1:-1]
            out.append(("code", body))
            i = close.end()
        elif char == "&":
            entity = next((e for e in ENTITIES if line.startswith(e, i)), None)
            out.append(("text", ENTITIES[entity]) if entity else ("active", "&"))
            i += len(entity) if entity else 1
        elif char == "_" and not (line[i - 1 : i].isalnum() and line[i + 1 : i + 2].isalnum()):
            out.append(("active", char))
            i += 1
        else:
            out.append(("active" if char in ACTIVE else "text", char))
            i += 1
    return out


def shown(line: str) -> str:
    """What a renderer shows of a line (code spans included), when nothing in it is active."""
    found = parts(line)
    active = [c for kind, c in found if kind == "active"]
    assert not active, (active, line)
    return "".join(c for _, c in found)


def cells(row: str) -> list[str]:
    """A table row's cells, split at the pipes that are not escaped (GFM)."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[2:-2])]


def no_html(out: str) -> None:
    """No raw HTML anywhere: every ``<`` is in a code span or a fenced block, or an entity."""
    fenced = 0  # the backticks of the open fence
    for line in out.splitlines():
        ticks = re.fullmatch(r"(`{3,})[^`]*", line)
        if fenced and re.fullmatch(f"`{{{fenced},}} *", line):
            fenced = 0
        elif not fenced and ticks:
            fenced = len(ticks.group(1))
        elif not fenced:
            assert ("active", "<") not in parts(line), line
    assert not fenced, "a fence left open"


pytestmark = pytest.mark.usefixtures("mini_scratch")


# -- the bug: a profile name that breaks out of its code span --------------------------------


@pytest.mark.parametrize("command", ["recommend", "explain"])
def test_a_profile_name_stays_in_its_code_span(capsys, tmp_path: Path, command: str) -> None:
    profile = {"name": IMG, "answers": {"audience": "beginner"}}
    (tmp_path / "p.json").write_text(json.dumps(profile))
    code_, out, _ = cli(capsys, command, "--profile", "p.json", "-f", "markdown")
    line = next(line for line in out.splitlines() if line.startswith("Profile: "))
    assert code_ == 0 and line.startswith("Profile: ``a` <img src=x onerror=alert(1)> `b``")
    assert ("code", IMG) in parts(line)
    no_html(out)


def test_batch_names_are_text_not_html(capsys, tmp_path: Path) -> None:
    write(tmp_path / "overlay", "evil.yaml", OVERLAY)
    rows = [{"name": n, "audience": "beginner"} for n in (SCRIPT, IMG, NASTY)]
    rows.append({"name": "bad\nrow", "audience": "<b>nope</b>"})
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    code_, out, _ = cli(capsys, "--rules", "overlay", "batch", "in.jsonl", "-f", "markdown", "-q")
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert code_ == 1 and "<script" not in out and "<img" not in out
    assert [shown(cells(row)[1]) for row in table[2:]] == [SCRIPT, IMG, NASTY, "bad row"]
    assert shown(cells(table[-1])[-1]).endswith(
        'unknown option "<b>nope</b>" for question '
        + ('"audience"; valid values: beginner, production, researcher')
    )
    assert all(len(cells(row)) == len(cells(table[0])) for row in table)
    assert shown(cells(table[0])[5]) == JAX
    no_html(out)


# -- rule-base text an overlay controls -------------------------------------------------------

JAX = "<b>J|A*X</b>"
OVERLAY = f"""\
frameworks:
  - {{id: jax, override: true, name: '{JAX}', developed_by: G}}
questions:
  - id: evil
    text: '{NASTY} <img src=x>'
    help: h
    kind: single
    options:
      - {{id: one, label: '<script>x</script> | one'}}
rules:
  - id: evil-rule
    when: {{audience: beginner}}
    score: {{pytorch: 1}}
    because: '<img src=x onerror=alert(3)> {NASTY}'
    source: '- list? 1. no'
    # ```
    # </script><script>alert(4)</script>
"""


@pytest.mark.parametrize(
    "argv",
    [
        ("recommend", "-a", "audience=beginner", "--full", "-f", "markdown"),
        ("explain", "-a", "audience=beginner", "-f", "markdown"),
        ("rules", "list", "-f", "markdown"),
        ("rules", "show", "evil-rule", "-f", "markdown"),
        ("questions", "-f", "markdown"),
    ],
)
def test_overlay_text_is_shown_as_written(capsys, tmp_path: Path, argv: tuple[str, ...]) -> None:
    write(tmp_path / "overlay", "evil.yaml", OVERLAY)
    code_, out, err = cli(capsys, "--rules", "overlay", *argv)
    assert code_ == 0, err
    no_html(out)
    visible = "\n".join(
        "".join(c for kind, c in parts(line) if kind != "active")  # the markup is ours
        for line in out.splitlines()
    )
    if argv[0] == "questions":
        assert f"{NASTY} <img src=x>" in visible and "<script>x</script> | one" in visible
    elif argv[0] == "explain":
        assert JAX in visible and "overlay/evil.yaml" in visible
    else:
        assert f"<img src=x onerror=alert(3)> {NASTY}" in visible, out


def test_rules_show_fences_the_yaml_past_its_backticks(capsys, tmp_path: Path) -> None:
    write(tmp_path / "overlay", "evil.yaml", OVERLAY)
    _, out, _ = cli(capsys, "--rules", "overlay", "rules", "show", "evil-rule", "-f", "markdown")
    lines = out.splitlines()
    start = lines.index("````yaml")
    assert lines[-1] == "````" and "    # ```" in lines[start:-1]


# -- the helpers, on any text ------------------------------------------------------------------

ANY = st.text(st.characters(codec="utf-8"), max_size=40)  # no lone surrogate
MARKUP = st.text(st.sampled_from("`*_[]|~$<>&\\#-+=.) 1a\n\r"), max_size=40)
TEXTS = st.one_of(ANY, MARKUP)


def flat(value: str) -> str:
    return re.sub(r"\r\n|[\r\n]", " ", value)


@given(TEXTS)
@example("\U00010800")  # a right-to-left letter: the span is isolated, FSI `...` PDI
@example("שלום `x`")
def test_a_code_span_holds_any_text(value: str) -> None:
    out = code(value)
    span = out[1:-1] if out.startswith(FSI) else out
    assert out == isolated(span)  # isolated exactly when it holds a right-to-left letter
    inner = max(map(len, re.findall("`+", flat(value))), default=0)
    fence_ = len(re.match("`+", span).group())  # type: ignore[union-attr]
    assert fence_ > inner and "\n" not in out and "\r" not in out
    assert parts(span) == [("code", flat(value) or " ")]


@given(TEXTS)
@example("שלום | x")
def test_a_code_span_in_a_cell_never_ends_the_cell(value: str) -> None:
    out = code(value, cell=True)
    assert len(cells(f"| {out} |")) == 1
    assert shown(out) == isolated(flat(value) or " ")


@given(TEXTS)
@example("שלום - x")
def test_text_is_shown_as_written_with_nothing_active(value: str) -> None:
    out = text(value)
    assert shown(out) == isolated(flat(value))
    assert len(cells(f"| {out} |")) == 1
    # nothing that would start a block when the text starts a line
    assert not re.match(r"\s*([-+*](\s|$)|[-=]+\s*$|\d{1,9}[.)](\s|$)|#|>|<)", out), out


@given(st.lists(MARKUP.map(lambda s: s.replace("\n", "").replace("\r", "")), max_size=6))
def test_a_fence_is_closed_by_nothing_inside(lines: list[str]) -> None:
    out = fence(lines, "text")
    ticks = len(re.match("`+", out[0]).group())  # type: ignore[union-attr]
    assert out[1:-1] == lines and out[-1] == "`" * ticks and out[0] == "`" * ticks + "text"
    assert not any(re.fullmatch(f" {{0,3}}`{{{ticks},}}\\s*", line) for line in lines)


def test_rules_test_compare_and_lint_markdown_escape_rule_text(tmp_path, capsys) -> None:
    """The cases table, the comparison and lint's findings also carry text from rule files."""
    from recommender.cli import main

    (tmp_path / "cases.yaml").write_text(
        "cases:\n  - name: 'x <img src=y onerror=alert(1)> | z'\n"
        "    answers: {audience: beginner}\n    expect_winner: jax\n    source: t\n"
    )
    assert main(["rules", "test", str(tmp_path / "cases.yaml"), "-f", "markdown"]) == 1
    table, _, failures = capsys.readouterr().out.partition("### Failures")
    assert "<img" not in table
    assert "x &lt;img src=y onerror=alert(1)&gt; \\| z" in table
    assert failures.split("\n")[2] == "```text"  # the raw text only inside a fenced block
    assert main(["compare", "-f", "markdown"]) == 0
    table = capsys.readouterr().out.split("\n\nSources:")[0].splitlines()  # the sources follow
    assert len({line.count(" | ") for line in table if not line.startswith("|---")}) == 1
