"""``recommender questions`` as data, a table and Markdown: every question, its options with
their ids, which options stand alone, and the follow-ups (``recommender schema questions``)."""

from __future__ import annotations

from typing import Any

from recommender.render.markdown_text import code, text
from recommender.render.terminal import printable, wrap
from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.profiles import YES_NO_TEXT
from recommender.rulebase.text import condition_text, plain
from recommender.scoring.table import table_for

SCHEMA_VERSION = 1
SYNTAX = (
    "Answer with --answer QUESTION=OPTION (or a profile's answers:). A multi answer is a list, "
    f"or a,b (a;b in CSV); a yes/no answer is {YES_NO_TEXT}. An option marked 'alone' cannot be "
    "combined with another."
)


def questions_dict(rules: RuleBase) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "questions": [_question(q, rules) for q in rules.questions],
    }


def _question(q: Question, rules: RuleBase) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text,
        "help": q.help,
        "kind": q.kind,
        "ask_when": plain(q.raw_ask_when) if q.raw_ask_when is not None else None,
        "follow_ups": follow_ups(q, rules),
        "options": [
            {"id": o.id, "label": o.label, "help": o.help, "exclusive": o.exclusive}
            for o in q.options
        ],
    }


def follow_ups(q: Question, rules: RuleBase) -> list[str]:
    """The questions asked only when the answer to ``q`` allows it."""
    table = table_for(rules)
    return [
        f.id for f in rules.questions if f.ask_when is not None and q.id in table.reads(f.ask_when)
    ]


def _kind(q: Question) -> str:
    return {"multi": "multi: a,b", "yes_no": "yes/no"}.get(q.kind, q.kind)


def questions_table(rules: RuleBase, width: int | None = None) -> str:
    out = wrap(SYNTAX, width)
    for q in rules.questions:
        asked = f"; asked when {condition_text(q.raw_ask_when)}" if q.raw_ask_when else ""
        out += ["", *wrap(f"{q.id} ({_kind(q)}{asked}): {q.text}", width, "", "  ")]
        pad = max(len(o.id) for o in q.options)
        for o in q.options:
            alone = "  (alone)" if o.exclusive else ""
            out += wrap(f"{o.id:<{pad}}  {o.label}{alone}", width, "  ", " " * (pad + 4))
        ups = follow_ups(q, rules)
        if ups:
            out += wrap("follow-ups: " + ", ".join(ups), width, "  ", "    ")
    return printable("\n".join(out) + "\n")


def questions_markdown(rules: RuleBase, width: int | None = None) -> str:
    out = ["## Questions", "", text(SYNTAX)]
    for q in rules.questions:
        out += ["", f"### {code(q.id)} ({text(_kind(q))})", "", text(q.text)]
        if q.raw_ask_when:
            out += ["", f"Asked when {code(condition_text(q.raw_ask_when))}."]
        out += ["", "| option | label | alone |", "| --- | --- | --- |"]
        out += [
            f"| {code(o.id, cell=True)} | {text(o.label)} | {'yes' if o.exclusive else ''} |"
            for o in q.options
        ]
        ups = follow_ups(q, rules)
        if ups:
            out += ["", "Follow-ups: " + ", ".join(code(f) for f in ups)]
    return printable("\n".join(out) + "\n")
