"""Text for a terminal: user text made printable, and the width to wrap at.

Profile names, answers, error messages and overlay rule text come from files anyone can write; an
ESC or a C1 control in them would reach the terminal as a command (move the cursor, rewrite the
title, hide text). :func:`printable` shows every control character as a visible escape instead;
every human-readable output goes through it.

Wrapping follows the terminal: :func:`width_of` is ``$COLUMNS`` when set, else the width of the
terminal the text goes to, and None (do not wrap) for a pipe or a file.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
# that can make a line read differently from what it holds.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character (but tab and newline) shown as an escape."""
    return CONTROLS.sub(_visible, text)


def one_line(text: str) -> str:
    """:func:`printable`, and newlines and tabs escaped too: a value from user data (a profile
    name, an error quoting one) that must stay on its line, or in its table cell."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


def width_of(stream: TextIO | None) -> int | None:
    """The width to wrap at: ``$COLUMNS``, else the terminal's, else None (a pipe or a file)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if stream is None or isatty is None or not isatty():
        return None
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (OSError, ValueError):
        return None


def wrap(text: str, width: int | None, indent: str = "", hang: str = "") -> list[str]:
    """``text`` as lines no wider than ``width`` (one line when None), first indented by
    ``indent``, the rest by ``hang``."""
    if width is None:
        return [indent + text]
    import textwrap  # only when wrapping: not on the path of --format json

    lines = textwrap.wrap(
        text, max(width, 20), initial_indent=indent, subsequent_indent=hang, break_on_hyphens=False
    )
    return lines or [indent]


def cut(text: str, width: int | None) -> str:
    """``text`` on one line no wider than ``width`` (an ellipsis marks a cut); whole when None."""
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 1)].rstrip() + "…"
