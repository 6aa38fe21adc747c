"""Rules for ``rules list`` and ``rules show`` as data, a table and Markdown
(``recommender schema rules``)."""

from __future__ import annotations

from typing import Any

from recommender.render.markdown_text import code, fence, text
from recommender.render.terminal import printable, wrap, wrap_lines
from recommender.rulebase.model import Rule, RuleBase
from recommender.rulebase.text import condition_text, plain, points_text, source_lines
from recommender.scoring.result import number

SCHEMA_VERSION = 1
HANG = " " * 4  # under a wrapped line, as in the reports


def rule_dict(rule: Rule, lines: bool = False) -> dict[str, Any]:
    out = {
        "id": rule.id,
        "when": plain(rule.raw_when) if rule.raw_when is not None else {},
        "points": {f: number(p) for f, p in rule.score.items()},
        "dealbreaker": list(rule.dealbreaker),
        "lean": rule.lean,
        "because": rule.because,
        "source": rule.source,
        "as_of": rule.as_of or None,
        "origin": str(rule.origin) if rule.origin else None,
    }
    if lines:
        out["lines"] = source_lines(rule.origin) if rule.origin else []
    return out


def rules_dict(chosen: list[Rule], rules: RuleBase) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "rules": [rule_dict(r) for r in chosen],
        "total": len(rules.rules),
        "disabled": list(rules.disabled),
    }


def rules_table(chosen: list[Rule], rules: RuleBase, width: int | None = None) -> str:
    """A line per rule, wrapped at ``width`` as the other reports are (None: not wrapped); a
    rule's condition holds an overlay's text, and at 80 columns a line took up to 180."""
    ids = max((len(r.id) for r in chosen), default=0)  # ids are [a-z0-9_.-]: a cell each
    lines = [
        f"{r.id:<{ids}}  {points_text(r)}  when {condition_text(r.raw_when)}  ({r.origin})"
        for r in chosen
    ]
    disabled = f"; disabled: {', '.join(rules.disabled)}" if rules.disabled else ""
    lines.append(f"{len(chosen)} of {len(rules.rules)} rules{disabled}")
    return printable("\n".join(wrap_lines(lines, width, HANG)) + "\n")


def rules_markdown(chosen: list[Rule], rules: RuleBase) -> str:
    out = ["| rule | points | when | because | where |", "| --- | --- | --- | --- | --- |"]
    out += [
        f"| {code(r.id, cell=True)} | {text(points_text(r))} "
        f"| {code(condition_text(r.raw_when), cell=True)} | {text(r.because)} "
        f"| {text(r.origin or '')} |"
        for r in chosen
    ]
    out += ["", f"{len(chosen)} of {len(rules.rules)} rules"]
    return printable("\n".join(out) + "\n")


def describe(rule: Rule, width: int | None = None) -> list[str]:
    """``rules show`` for people: where, condition, points, text, source, and the YAML lines;
    wrapped at ``width`` (the text took 284 columns), but the YAML, which is quoted as it is."""
    fields = [
        f"when:    {condition_text(rule.raw_when)}",
        f"points:  {points_text(rule)}" + ("  (the default lean)" if rule.lean else ""),
        f"because: {rule.because}",
        f"source:  {rule.source}",
    ]
    if rule.as_of:
        fields.append(f"as of:   {rule.as_of}")
    if rule.lint_allow:
        fields.append(f"lint allows {', '.join(rule.lint_allow)}: {rule.lint_reason}")
    lines = wrap(f"rule {rule.id}  ({rule.origin})", width, "", "  ")
    for field in fields:
        lines += wrap(field, width, "  ", " " * 11)
    if rule.origin is not None:
        lines += ["", f"{rule.origin.file}:"]
        lines += [
            f"  {rule.origin.line + i:4}  {text}"
            for i, text in enumerate(source_lines(rule.origin))
        ]
    return lines


def show_markdown(rule: Rule) -> str:
    out = [f"### Rule {code(rule.id)}", "", f"- where: {code(rule.origin)}"]
    out += [f"- when: {code(condition_text(rule.raw_when))}"]
    out += [f"- points: {text(points_text(rule))}"]
    out += [f"- because: {text(rule.because)}", f"- source: {text(rule.source)}"]
    if rule.as_of:
        out.append(f"- as of: {text(rule.as_of)}")
    if rule.origin is not None:
        out += ["", *fence(source_lines(rule.origin), "yaml")]
    return printable("\n".join(out) + "\n")
