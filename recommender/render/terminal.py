"""Text for a terminal: user text made printable, and the width to wrap at.

Profile names, answers, error messages and overlay rule text come from files anyone can write; an
ESC or a C1 control in them would reach the terminal as a command (move the cursor, rewrite the
title, hide text). :func:`printable` shows every control character as a visible escape instead;
every human-readable output goes through it.

User text that holds right-to-left letters (Hebrew, Arabic) is isolated: :func:`isolated` puts it
between FSI and PDI (U+2068, U+2069), so a terminal or editor that lays out bidirectional text
never lets it reorder the columns around it, nor take the whole line for a right-to-left one.
:func:`printable` keeps those marks, and :func:`wrap` and :func:`cut` keep them paired.

Wrapping follows the terminal: :func:`width_of` is ``$COLUMNS`` when set, else the width of the
terminal the text goes to, and None (do not wrap) for a pipe or a file. What is laid out is the
text as shown: :func:`wrap`, :func:`cut` and :func:`fit` escape it first, :func:`cells` counts an
escape's width (``\\u202e`` takes six cells, not the one of the character it stands for: lines
ran past the width), and a cut or a line break falls before or after a whole escape, never inside
one (a cell cut to ``\\u20`` said nothing).
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
# that can make a line read differently from what it holds.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The blocks of right-to-left scripts (every character of bidi class R or AL is in one; a test
# checks that against unicodedata), and the right-to-left mark. A regex: a batch checks every name.
RTL = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
FSI, PDI = "\u2068", "\u2069"
# Text isolated by :func:`isolated`: kept by :func:`printable` (what is inside is escaped as usual).
_ISOLATE_OR_CONTROL = re.compile(f"{FSI}([^\n\u2066-\u2069]*){PDI}|{CONTROLS.pattern}")
_ISOLATE = re.compile(f"{FSI}([^{FSI}{PDI}]*){PDI}")
_WORD = re.compile(r"(\s*)(\S+)")
# What a cut or a line break never splits: an escape :func:`printable` made (``\x1b``,
# ``\u202e``) or :func:`one_line` made (``\n``, ``\t``), else one character. The same text typed
# by a user is kept whole too, which costs a cut a few cells at most.
_UNIT = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[nt])|.", re.S)


def _visible(match: re.Match[str]) -> str:
    return _visible_char(match.group())


def _visible_char(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character (but tab and newline) shown as an escape, but the
    marks around a right-to-left text that :func:`isolated` added."""
    if FSI not in text:
        return CONTROLS.sub(_visible, text)
    return _ISOLATE_OR_CONTROL.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner is not None and RTL.search(inner):
        return FSI + CONTROLS.sub(_visible, inner) + PDI
    return CONTROLS.sub(_visible, match.group())


def isolated(text: str) -> str:
    """``text`` between FSI and PDI when it holds a right-to-left letter, else as it is. Marks
    already in it (a name that isolates its own Hebrew) are left out: :func:`printable` keeps an
    isolate, not one inside another, and showed the outer marks as escapes."""
    if not RTL.search(text):
        return text
    return f"{FSI}{text.replace(FSI, '').replace(PDI, '')}{PDI}"


def user_text(text: str) -> str:
    """A value from user data (a profile name) in a line of output: :func:`one_line`, isolated."""
    return isolated(one_line(text))


def fit(text: str, width: int) -> str:
    """A user value as a table cell ``width`` cells wide: on one line, cut with an ellipsis,
    isolated, padded by what shows (the isolating marks take no room; a CJK character two)."""
    shown = _paired([cut_cells(one_line(text), width)])[0]  # a cut isolate closed
    return isolated(shown) + " " * (width - cells(shown.replace(FSI, "").replace(PDI, "")))


def cells(text: str) -> int:
    """The terminal cells ``text`` takes as shown: a control character as its escape
    (:func:`printable`), two for a wide (CJK) character, none for a combining mark, one for the
    rest (an invisible format character too, as the columns have always counted it: a table's
    padding leaves the isolates out itself)."""
    if CONTROLS.search(text):
        text = printable(text)
    if text.isascii():
        return len(text)
    return sum(_cell(c) for c in text)


def _unit_cells(unit: str) -> int:
    """The cells of one of :func:`_units`: an escape is ASCII, one cell a character; a cluster,
    what its characters take."""
    return _char_cells(unit) if len(unit) == 1 else sum(map(_char_cells, unit))


def _char_cells(c: str) -> int:
    """The cells of one character: a control character not yet escaped, its escape's; an
    isolating mark, one (it is kept: text is escaped before it is laid out, and
    :func:`printable` escapes the others)."""
    if c in (FSI, PDI):
        return 1
    return len(_visible_char(c)) if CONTROLS.match(c) else _cell(c)


ZWJ = "\u200d"
# What a terminal draws as part of the character before it, besides a mark (Mn, Mc, Me: a
# combining accent, a vowel sign, a variation selector, the keycap): a zero-width joiner, an
# emoji modifier (a skin tone), a tag (a subdivision flag).
_EXTENDERS = re.compile("[\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_MARKS = frozenset(("Mn", "Mc", "Me"))
_REGIONAL = re.compile("[\U0001f1e6-\U0001f1ff]")  # two of them make a flag


def _units(text: str) -> list[str]:
    """``text`` in the pieces a cut or a line break never splits: each of :data:`_UNIT`, with
    what a terminal draws as one character (a grapheme cluster) kept whole: a base and its
    marks, variation selectors and modifiers, characters joined by a zero-width joiner
    (👨‍👩‍👧, broken after a joiner, showed a man and a dangling joiner), and a pair of regional
    indicators (a flag, broken, showed two boxed letters). Unicode's rules (UAX #29) but
    Hangul's jamo and prepended marks, with no dependency for them."""
    pieces = _UNIT.findall(text)
    if text.isascii():
        return pieces
    units: list[str] = []
    for piece in pieces:
        if units and _joins(units[-1], piece):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def _joins(before: str, piece: str) -> bool:
    """Whether ``piece`` is drawn as part of the cluster ``before``."""
    if len(piece) > 1 or piece.isascii():  # an escape, or ASCII, begins its own
        return False
    if before.endswith(ZWJ) or _EXTENDERS.match(piece):
        return True
    if unicodedata.category(piece) in _MARKS:
        return True
    return bool(_REGIONAL.match(piece) and _REGIONAL.fullmatch(before))


def _cell(c: str) -> int:
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def cut_cells(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, an ellipsis marking a cut, which falls between two
    of :func:`_units` (never inside an escape or a character drawn as one)."""
    if cells(text) <= width:
        return text
    out, used = [], 0
    for unit in _units(text):
        used += _unit_cells(unit)
        if used > width - 1:
            break
        out.append(unit)
    return "".join(out).rstrip() + "…"


def wrap_cells(text: str, width: int, first: int = 0, hang: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` cells: the first starts at column ``first`` (what
    precedes it is not in it), the others after ``hang``. A word wider than a line, or one of
    wide characters (CJK text has no spaces to break at), is broken between characters drawn
    as one, or between escapes (:func:`_units`). textwrap counts characters, so a line of
    Chinese ran to twice the width, and breaks a long word anywhere, an escape too."""
    lines: list[str] = []
    line, col = "", first
    for at, m in enumerate(_WORD.finditer(text)):
        # the spaces before a word, as textwrap keeps them (a right-aligned number), but not at
        # the start of a wrapped line
        space = " " * len(m[1]) if line.strip() or not at else ""
        word, w = m[2], cells(m[2])
        if col + len(space) + w <= width:
            line, col = line + space + word, col + len(space) + w
            continue
        if w <= width - cells(hang) and w == len(word) and line.strip():
            lines.append(line)
            line, col = hang + word, cells(hang) + w
            continue
        if space and col + len(space) + 2 <= width:
            line, col = line + space, col + len(space)
        for c in _units(word):
            w = _unit_cells(c)
            if col + w > width and line.strip():
                lines.append(line)
                line, col = hang, cells(hang)
            line, col = line + c, col + w
    lines.append(line)
    return lines


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


# The fewest cells a wrapped line leaves its text: past a label as wide as the terminal (compare
# at 20 columns), textwrap put a letter a line, each a cell past the width.
ROOM = 10

# a line break or tab in a rule base's text (an overlay's `because: "a\nb"`) is a space on the
# terminal, as textwrap makes it when wrapping: one item stays one line in a pipe too
FLAT = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029", " "))


def wrap(text: str, width: int | None, indent: str = "", hang: str = "") -> list[str]:
    """``text`` as lines no wider than ``width`` (one line when None), first indented by
    ``indent``, the rest by ``hang``; escaped first (:func:`printable`), so the width holds as
    shown."""
    text, indent, hang = printable(text.translate(FLAT)), printable(indent), printable(hang)
    if width is None:
        return [indent + text]
    width = max(width, 20)
    if not hang.strip() and cells(hang) > width - ROOM:
        hang = " " * (width - ROOM)
    if cells(indent) > width - ROOM and text.strip():  # a label as wide as the line: text below
        return [cut(indent.rstrip(), width), *wrap(text, width, hang, hang)]
    # wide or invisible characters, characters drawn as one, or escapes: textwrap would count
    # them as one, or break one
    if "\\" in text or not all(map(_one_cell_each, (text, indent, hang))):
        lines = wrap_cells(text, width, cells(indent), hang)
        return _paired([indent + lines[0], *lines[1:]] if text.strip() else []) or [indent]
    import textwrap  # only when wrapping: not on the path of --format json

    lines = textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=hang, break_on_hyphens=False
    )
    return _paired(lines) or [indent]


def _one_cell_each(text: str) -> bool:
    """Whether each character of ``text`` takes one cell and is drawn alone, as textwrap takes
    it: a count of cells equal to its length was not enough (a wide emoji and a letter with a
    combining mark are 3 cells of 3 characters, and textwrap broke the mark off)."""
    if text.isascii():
        return True
    return all(_char_cells(c) == 1 for c in text) and len(_units(text)) == len(text)


def wrap_lines(lines: list[str], width: int | None, hang: str = "    ") -> list[str]:
    """The lines of a plain-text listing (lint findings, failed cases), each wrapped at ``width``
    as :func:`wrap` does, its own leading spaces kept and its continuation lines ``hang``
    further in; one line each when None (a pipe or a file keeps a finding on its line)."""
    out = []
    for line in lines:
        body = line.lstrip(" ")
        lead = line[: len(line) - len(body)]
        out += wrap(body, width, lead, lead + hang) if body else [line]
    return out


def _paired(lines: list[str]) -> list[str]:
    """Lines with an isolated text broken across them closed at each end and reopened on the next
    line (after its indent): a mark left unpaired would be shown as an escape."""
    out, open_ = [], False
    for line in lines:
        if open_:
            body = line.lstrip(" ")
            line = line[: len(line) - len(body)] + FSI + body
        open_ = line.rfind(FSI) > line.rfind(PDI)
        out.append(_ISOLATE.sub(_needed, line + PDI if open_ else line))
    return out


def _needed(match: re.Match[str]) -> str:
    """A piece of an isolated text broken across lines, isolated only if it still needs it."""
    return match.group() if RTL.search(match.group(1)) else match.group(1)


def cut(text: str, width: int | None) -> str:
    """``text`` on one line no wider than ``width`` cells as shown (an ellipsis marks a cut, never
    inside an escape); whole when None."""
    text = printable(text.translate(FLAT))
    if width is None or cells(text) <= width:
        return text
    return _paired([cut_cells(text, max(width, 2))])[0]
