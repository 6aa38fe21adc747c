"""User text in Markdown, shown as written: a profile name or an overlay's rule text must never
turn into HTML, a link, emphasis or a table cell's border in a report pasted into an issue or PR.

Every Markdown writer puts such text through one of three helpers: :func:`text` for plain text and
table cells, :func:`code` for a code span, :func:`fence` for a fenced block. Each follows the
CommonMark rules it names, so what a renderer shows is the text itself. Text that holds a
right-to-left letter is isolated (:func:`recommender.render.terminal.isolated`), in the Markdown
source as in what a renderer shows: it never reorders the line or the table row around it.
"""

from __future__ import annotations

import re

from recommender.render.terminal import isolated

_NEWLINES = re.compile(r"\r\n|[\r\n]")
_TICKS = re.compile("`+")
# Backslash-escaped: what opens code, emphasis, links, strikethrough, math and table cells; a
# "_" with a letter or digit on both sides opens nothing (snake_case stays as written); a "#"
# after a space or at the start would open or close a heading. <, > and & become entities: no
# HTML, autolink or entity survives.
_ACTIVE = re.compile(r"[\\`*\[\]|~$<>&]|(?<![^\W_])_|_(?![^\W_])|(?<!\S)#")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# At the start of a line: a list item, a setext underline or a rule, an ordered list item.
_LEADING = re.compile(r"(\s*)(?:[-+](?=\s|$)|[-=]+\s*$|\d{1,9}(?=[.)](?:\s|$)))")


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    return _ENTITIES.get(char) or "\\" + char


def text(value: object) -> str:
    """``value`` as Markdown text that shows as written, on one line: fit for a paragraph, a list
    item, a heading or a table cell."""
    flat = _ACTIVE.sub(_escape, _NEWLINES.sub(" ", str(value)))
    found = _LEADING.match(flat)
    if found is None:
        return isolated(flat)
    at = found.end() if flat[found.end(1)].isdigit() else found.end(1)  # "1." as "1\."
    return isolated(flat[:at] + "\\" + flat[at:])


def code(value: object, cell: bool = False) -> str:
    """``value`` as one code span, on one line. The fence is one backtick longer than any run of
    backticks inside, and a space pads text that starts or ends with a backtick or a space (the
    one CommonMark strips from each side). In a table (``cell``) a ``|`` would end the cell even
    in a code span, and no escape of it survives there unchanged: such text is :func:`text`."""
    flat = _NEWLINES.sub(" ", str(value))
    if cell and "|" in flat:
        return text(flat)
    if not flat:
        return "` `"
    longest = max(map(len, _TICKS.findall(flat)), default=0)
    pad = " " if flat.strip(" ") and (flat[0] in "` " or flat[-1] in "` ") else ""
    ticks = "`" * (longest + 1)
    return isolated(f"{ticks}{pad}{flat}{pad}{ticks}")


def fence(lines: list[str], info: str = "") -> list[str]:
    """``lines`` as a fenced code block: a fence of backticks longer than any run inside, so no
    line of them can close it early."""
    longest = max((len(run) for line in lines for run in _TICKS.findall(line)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [ticks + info, *lines, ticks]
