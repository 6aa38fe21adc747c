"""All YAML goes through this module: the safe loader, no duplicate keys, no anchors or aliases,
no tags but the plain ones, and bounds on size, nesting and numbers.

Nodes are composed here from the parser's events, with a stack rather than recursion, instead of by
libyaml's composer: that one recurses once per nesting level with no limit, and 60 KB of ``[``
crashed the process. Nesting past :data:`~recommender.fileio.MAX_DEPTH` is refused where it is met.

Mappings and sequences come back as :class:`Map` and :class:`Seq`, which remember where each key and
item stood, so every later error can name ``file:line:col``. :func:`load_yaml` reads one document
whole; :class:`ItemStream` reads a batch document one top-level item at a time.
"""

from __future__ import annotations

import codecs
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import yaml

from recommender.errors import UserError
from recommender.fileio import MAX_BYTES, MAX_DEPTH, MAX_DIGITS, not_utf8, read_text, shown_name
from recommender.values import Value, frozen

__all__ = [
    "MAX_BYTES",
    "NO_DOCUMENT",
    "Item",
    "ItemStream",
    "Map",
    "Seq",
    "load_yaml",
    "read_text",
]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Pos = tuple[int, int]  # 1-based line and column

_YAML = "tag:yaml.org,2002:"
# Explicit tags a plain value may carry; each value is checked by its constructor.
SCALAR_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
NUMBER_TAGS = frozenset((_YAML + "int", _YAML + "float"))
# YAML 1.1 reads a plain "=" as its "value" type and "<<" as a merge key, which no loader but
# the full one constructs: "=" is text here, as in YAML 1.2; a "<<" key is refused with the fix.
_VALUE, _MERGE = _YAML + "value", _YAML + "merge"
MERGE = (
    '"<<" is a YAML merge key, which is not allowed; write the keys out in full '
    "(quote it, '<<', if it is text)"
)
ALIASES = "YAML anchors and aliases (&name / *name) are not allowed; write the value out"
# How deep a batch item too deep to use is still read past to reach the next item. libyaml's
# scanner rechecks every open level at each token, so skipping 30,000 levels of "[" took 10 s of
# CPU for 60 KB; up to here it costs no more than plain YAML does.
SKIP_DEPTH = 4 * MAX_DEPTH


class Map(dict[Any, Any]):
    """A YAML mapping that knows the position of itself, of each key and of each value, and the
    text of each value whose type YAML guessed from it (:func:`written_text`)."""

    pos: Pos = (0, 0)
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]
    value_text: dict[Any, str]  # set only when a value has one

    def at(self, key: Any) -> Pos:
        return getattr(self, "value_pos", {}).get(key, self.pos)

    def key_at(self, key: Any) -> Pos:
        return getattr(self, "key_pos", {}).get(key, self.pos)

    def written(self, key: Any) -> str | None:
        """The value at ``key`` as the user wrote it (``0x1F``, ``on``, ``~``) when YAML read
        it as something else (31, True, None); None when its value shows as written."""
        return getattr(self, "value_text", {}).get(key)


class Seq(list[Any]):
    """A YAML sequence that knows the position of itself and of each item, and the text of each
    item whose type YAML guessed from it."""

    pos: Pos = (0, 0)
    item_pos: list[Pos]
    item_text: dict[int, str]  # set only when an item has one

    def at(self, index: int) -> Pos:
        items = getattr(self, "item_pos", [])
        return items[index] if 0 <= index < len(items) else self.pos

    def written(self, index: int) -> str | None:
        """The item at ``index`` as the user wrote it, as :meth:`Map.written` says."""
        return getattr(self, "item_text", {}).get(index)


class _NoDocument:
    """What :func:`load_yaml` gives for a file that holds no document (empty, or comments only):
    not None, which is what ``null`` or ``~`` reads as, so a message can say which it got.
    False, as None is, so ``doc or {}`` still reads it as nothing."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NO_DOCUMENT"


NO_DOCUMENT: Any = _NoDocument()


def _pos(node: yaml.Node | yaml.Event) -> Pos:
    mark = node.start_mark
    return (0, 0) if mark is None else (mark.line + 1, mark.column + 1)


class _Located(Exception):
    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos, self.message = pos, message


class _Unreadable(_Located):
    """A problem that ends the whole stream, not just its item (see :data:`SKIP_DEPTH`)."""


def _located(node: yaml.Node | yaml.Event, message: str) -> _Located:
    return _Located(_pos(node), message)


def _tag_name(tag: str) -> str:
    return tag.replace(_YAML, "!!")


def _refused(tag: str) -> str:
    return (
        f'the tag "{_tag_name(tag)}" is not allowed; rule files and profiles hold plain data only'
    )


# What YAML 1.1 reads from an unquoted name that was written as text: 010 is 8, 0x1F is 31, 1:30
# is 90, 1.50 is 1.5, .inf is infinity, 2024-01-01 is a date, and yes/no/on/off are booleans.
_WRITTEN = frozenset(_YAML + t for t in ("int", "float", "timestamp"))
_ONLY_YAML11_BOOLS = frozenset(("yes", "no", "on", "off"))


class _Guessed(yaml.ScalarNode):
    """A scalar given no tag, whose type YAML guessed from its text (quoted: always text)."""


def _as_written(node: yaml.Node, *, key: bool = False) -> bool:
    """Whether a scalar that names a profile keeps its text: one YAML guessed to be a number, a
    date or yes/no, not one tagged so (``!!float .nan`` is a number). ``true`` and ``false`` are
    booleans to JSON and YAML 1.2 too, so a ``name:`` given so stays one (and is refused), but a
    key that names a profile is a name whatever it reads as; null (``~``, nothing) is no name."""
    if not isinstance(node, _Guessed):
        return False
    if node.tag == _YAML + "bool":
        return key or node.value.lower() in _ONLY_YAML11_BOOLS
    return node.tag in _WRITTEN


def written_text(node: yaml.Node) -> str | None:
    """A scalar's text when YAML guessed from it a type other than text (``0x1F`` is 31, ``on``
    True, ``~`` None, ``1.50`` 1.5): a message quotes what the user wrote, not Python's value,
    which the user never wrote and may not recognise. None for text, a tagged value, and
    nothing at all (an empty null)."""
    guessed = isinstance(node, _Guessed) and node.tag != _YAML + "str"
    return node.value if guessed and node.value else None


def _null(node: yaml.Node) -> bool:
    return isinstance(node, _Guessed) and node.tag == _YAML + "null"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_yaml_map(self, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
        data = Map()
        data.pos = _pos(node)
        data.key_pos, data.value_pos = {}, {}
        texts: dict[Any, str] = {}
        yield data
        for key_node, value_node in node.value:
            # as written: a key is a name or an id, never the boolean YAML 1.1 reads "on" as,
            # nor the null it reads "~" as (both were named "True" and "None" in messages)
            if _as_written(key_node, key=True) or _null(key_node):
                key = key_node.value
            else:
                key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise _located(key_node, "a mapping key must be a plain value") from None
            if key in data:
                line, col = data.key_pos[key]
                raise _located(
                    key_node, f'duplicate key "{key}" (first given at line {line}:{col})'
                )
            if key == "name" and _as_written(value_node):  # 010 names "010", not the number 8
                data[key] = value_node.value
            else:
                data[key] = self.construct_object(value_node, deep=True)
            data.key_pos[key] = _pos(key_node)
            data.value_pos[key] = _pos(value_node)
            text = written_text(value_node)
            if text is not None:
                texts[key] = text
        if texts:
            data.value_text = texts

    def construct_yaml_seq(self, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
        data = Seq()
        data.pos = _pos(node)
        data.item_pos = [_pos(child) for child in node.value]
        texts = {i: text for i, child in enumerate(node.value) if (text := written_text(child))}
        if texts:
            data.item_text = texts
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)

    def construct_undefined(self, node: yaml.Node):  # type: ignore[no-untyped-def]
        raise _located(node, _refused(node.tag))


def _checked(construct: Callable[[Any, yaml.Node], Any]) -> Callable[[Any, yaml.Node], Any]:
    """A scalar constructor whose failure on a bad value (``!!int x``, a 13th month) is one
    located line instead of the constructor's own exception."""

    def run(self: Any, node: yaml.Node) -> Any:
        try:
            return construct(self, node)
        except (ValueError, OverflowError, TypeError, KeyError, IndexError, AttributeError):
            raise _located(
                node, f'"{node.value}" is not a valid {_tag_name(node.tag)}; write a plain value'
            ) from None

    return run


_Loader.add_constructor(_YAML + "map", _Loader.construct_yaml_map)
_Loader.add_constructor(_YAML + "seq", _Loader.construct_yaml_seq)
_Loader.add_constructor(None, _Loader.construct_undefined)
for _tag in sorted(SCALAR_TAGS - {_YAML + "str"}):
    _Loader.add_constructor(_tag, _checked(_BaseLoader.yaml_constructors[_tag]))


class _Composer:
    """Nodes from a loader's events, iteratively, with every structural bound checked.

    With ``skip``, a problem inside a node is raised only once the node's remaining events are
    read, so a batch can go on with the next item; without, it is raised at once.
    """

    def __init__(self, loader: Any, skip: bool = False) -> None:
        self.loader, self.skip = loader, skip

    def node(self, key: bool = False) -> yaml.Node:
        """The next whole node; ``key``: it is a mapping's key (a batch document's top level)."""
        stack: list[tuple[yaml.Node, list[yaml.Node]]] = []
        while True:
            event = self.loader.get_event()
            try:
                node = self._one(event, stack, key)
            except _Unreadable:
                raise
            except _Located:
                if self.skip:
                    self._skip(len(stack) + isinstance(event, yaml.CollectionStartEvent))
                raise
            if node is None:
                continue  # a collection opened: its items come next
            if not stack:
                return node
            stack[-1][1].append(node)

    def _skip(self, levels: int) -> None:
        """Read and drop events until ``levels`` open collections have closed; past
        :data:`SKIP_DEPTH` levels, give up on the stream (:class:`_Unreadable`)."""
        while levels:
            event = self.loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                levels += 1
                if levels > SKIP_DEPTH:
                    raise _Unreadable(
                        _pos(event),
                        f"nested deeper than {SKIP_DEPTH} levels; the rest of the file is not "
                        "read (a profile is never so deep)",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                levels -= 1

    def _one(
        self, event: Any, stack: list[tuple[yaml.Node, list[yaml.Node]]], key: bool = False
    ) -> yaml.Node | None:
        """The node ``event`` completes, or None when it opens a collection; ``key``: a node
        that completes with the stack empty is a mapping's key."""
        if isinstance(event, yaml.CollectionEndEvent):
            node, items = stack.pop()
            if isinstance(node, yaml.MappingNode):
                node.value = list(zip(items[::2], items[1::2], strict=True))
            else:
                node.value = items
            return node
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _located(event, ALIASES)
        if isinstance(event, yaml.ScalarEvent):
            if stack:
                parent, items = stack[-1]
                key = isinstance(parent, yaml.MappingNode) and len(items) % 2 == 0
            return self._scalar(event, key)
        if len(stack) >= MAX_DEPTH:
            raise _located(
                event, f"nested deeper than {MAX_DEPTH} levels; a profile or rule is never so deep"
            )
        kind = yaml.MappingNode if isinstance(event, yaml.MappingStartEvent) else yaml.SequenceNode
        default = _YAML + ("map" if kind is yaml.MappingNode else "seq")
        if event.tag not in (None, "!", default):
            raise _located(event, _refused(event.tag))
        stack.append((kind(default, [], event.start_mark, event.end_mark), []))
        return None

    def _scalar(self, event: Any, key: bool) -> yaml.ScalarNode:
        kind = _Guessed if event.tag is None else yaml.ScalarNode
        if event.tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _MERGE and key:
                raise _located(event, MERGE)
            if tag in (_VALUE, _MERGE):
                tag = _YAML + "str"
        elif event.tag in SCALAR_TAGS:
            tag = event.tag
        else:
            raise _located(event, _refused(event.tag))
        if tag in NUMBER_TAGS and len(event.value) > MAX_DIGITS:
            raise _located(
                event,
                f"a number of {len(event.value):,} characters, over the {MAX_DIGITS} limit "
                "(quote it if it is text)",
            )
        return kind(tag, event.value, event.start_mark, event.end_mark, event.style)


# The fix for a parser error a user meets often; libyaml names the problem, not the cure.
YAML_KEY = 1024  # YAML 1.1's bound on a key written plain: longer, it is no key to the parser
_MAPPING = "mapping values are not allowed"


_FIXES = {
    "cannot start any token": "indent with spaces, and quote a value that starts with @ or `",
    "tab character": "indent with spaces, not tabs",
    _MAPPING: 'quote a value that holds ": "',
}
_TOKEN = "found character that cannot start any token"


def _fix(problem: str, text: str | None, index: int, found: str = "") -> str:
    """``problem`` with its fix: the character itself (a tab) when the text is at hand, or
    ``found`` (a streamed document's, from its :class:`_Window`)."""
    if text is not None and 0 <= index < len(text):
        found = text[index : index + 1]
    if problem.endswith(_TOKEN) and found:
        what = "a tab" if found == "\t" else repr(found)
        cure = "indent with spaces, not tabs" if found == "\t" else "quote the value"
        return f"{problem[: -len(_TOKEN)]}found {what}, which cannot start any token; {cure}"
    if _MAPPING in problem and text is not None and _key_length(text, index) > YAML_KEY:
        return f"a key over {YAML_KEY:,} characters, which YAML does not allow; shorten it"
    fix = next((f for key, f in _FIXES.items() if key in problem), None)
    return f"{problem}; {fix}" if fix else problem


def _key_length(text: str, colon: int) -> int:
    """How long the key before the ``:`` at ``colon`` is, from its line's first non-blank."""
    start = text.rfind("\n", 0, colon) + 1
    return colon - start - (len(text[start:colon]) - len(text[start:colon].lstrip()))


def _bad_character(exc: yaml.reader.ReaderError, name: str, at: Pos | None) -> UserError:
    """A character YAML does not allow (a control character), by line and column where they are
    known (``at``): libyaml gives only a byte offset, and "(byte 31)" named no line."""
    code = exc.character if isinstance(exc.character, int) else None
    what = "the character" if code is None else f"the character U+{code:04X}"
    if at is None:
        return UserError(f"{exc.reason} in YAML; remove {what} (byte {exc.position})", name)
    return UserError(f"{exc.reason} in YAML; remove {what}", name, *at)


def _text_pos(text: str, offset: int) -> Pos:
    """The line and column (in characters) of the byte at ``offset`` of ``text`` as UTF-8."""
    before = text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def _yaml_error(
    exc: yaml.YAMLError, name: str, text: str | None = None, window: _Window | None = None
) -> UserError:
    """One located line for a parser or reader error, with the fix where one is known; the text
    is at hand whole (``text``), or as the last pieces of a stream (``window``)."""
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml sets no encoding to tell the two apart (always "?"): its reason says which
        undecodable = "utf-8" in str(exc.reason).lower() or isinstance(exc.character, bytes)
        if undecodable:
            return UserError(not_utf8(exc.position), name)
        if text is not None:
            return _bad_character(exc, name, _text_pos(text, exc.position))
        return _bad_character(exc, name, window.pos(exc.position) if window else None)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        problem = " ".join(problem.split())
        if mark is not None:
            found = window.char(mark.line + 1, mark.column + 1) if window else ""
            problem = _fix(problem, text, mark.index, found)
            return UserError(f"invalid YAML: {problem}", name, mark.line + 1, mark.column + 1)
        return UserError(f"invalid YAML: {problem}", name)
    return UserError(f"invalid YAML: {' '.join(str(exc).split())}", name)


_CONTINUATION = bytes(range(0x80, 0xC0))  # the bytes of UTF-8 that do not begin a character


def _chars(data: bytes) -> int:
    """How many characters begin in ``data``, a piece of UTF-8 that may start or end inside one."""
    return len(data.translate(None, _CONTINUATION))


class _Window:
    """A stream as YAML's parser reads it, keeping the last :data:`KEEP` pieces read and the line
    and column each starts at: libyaml names a character it refuses by its byte offset alone,
    and a streamed batch document is not held whole to count its lines in. libyaml decodes what
    it has read before it reads more, so the character is in the last piece or the one before
    (where a piece ends inside it); keeping them costs two references, and each read a count of
    its newlines."""

    KEEP = 2

    def __init__(self, stream: IO[Any]) -> None:
        self.stream = stream
        self.pieces: deque[tuple[int, Pos, bytes]] = deque(maxlen=self.KEEP)
        self.offset, self.line, self.col = 0, 1, 1
        self.head = b""  # the first bytes: a byte-order mark, which libyaml drops, is no character

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if isinstance(data, str):  # libyaml reads text as UTF-8, and counts its bytes so
            data = data.encode("utf-8", "surrogatepass")
        if len(self.head) < len(codecs.BOM_UTF8):
            self.head = (self.head + data)[: len(codecs.BOM_UTF8)]
        if data:  # the empty read at the end would push a piece out
            self.pieces.append((self.offset, (self.line, self.col), data))
        self.offset += len(data)
        self.line, self.col = _after(data, self.line, self.col)
        return data

    def pos(self, offset: int) -> Pos | None:
        """The line and column of the byte at ``offset``; None when it is no longer held."""
        for start, (line, col), data in self.pieces:
            if start <= offset <= start + len(data):
                line, col = _after(data[: offset - start], line, col)
                return line, col - (line == 1 and self.head == codecs.BOM_UTF8)
        return None

    def char(self, line: int, col: int) -> str:
        """The character at ``line``:``col`` (as libyaml counts them, past a byte-order mark);
        "" when it is no longer held."""
        if not self.pieces:
            return ""
        _, (first, start), _ = self.pieces[0]
        col += line == 1 and self.head == codecs.BOM_UTF8
        if (line, col) < (first, start):
            return ""
        # a piece may begin inside a character, counted with the piece before
        held = b"".join(data for *_, data in self.pieces).lstrip(_CONTINUATION)
        text = held.decode("utf-8", "replace")
        at = col - start
        if line > first:
            newline = -1
            for _ in range(line - first):
                newline = text.find("\n", newline + 1)
                if newline < 0:
                    return ""
            at = newline + col
        return text[at] if 0 <= at < len(text) else ""


def _after(data: bytes, line: int, col: int) -> Pos:
    """The line and column after ``data`` read from ``line``:``col``."""
    newlines = data.count(b"\n")
    if not newlines:
        return line, col + _chars(data)
    return line + newlines, _chars(data[data.rfind(b"\n") + 1 :]) + 1


def load_yaml(path: str | Path, text: str | None = None, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML document safely; :data:`NO_DOCUMENT` for a file that holds none. Errors
    are UserError with file:line:col. ``-`` is standard input, named ``<stdin>``."""
    name = shown_name(path)
    if text is None:
        text = read_text(path, max_bytes)
    elif len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise UserError(f"input is over the {max_bytes:,}-byte limit", name)
    loader = _Loader(text)
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return NO_DOCUMENT
        loader.get_event()  # the document's start
        node = _Composer(loader).node()
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            raise _located(loader.get_event(), "expected one YAML document, found another")
        return loader.construct_document(node)
    except _Located as exc:
        raise UserError(exc.message, name, *exc.pos) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name, text) from None
    finally:
        loader.dispose()


@frozen
class Item(Value):
    """One top-level item of a batch document: its key (None in a sequence), its value, where it
    starts, and why it cannot be used (``error``, already a full message) if it cannot; ``where``
    knows the position of each answer when the value does not (a JSON document's profile)."""

    key: Any
    value: Any
    pos: Pos
    error: str | None = None
    where: Any = None
    text: str | None = None  # the value as written, where YAML guessed its type (written_text)


class ItemStream:
    """One YAML document, read from a stream one top-level item at a time: memory holds one item,
    not the document. ``kind`` is "sequence", "mapping", or "other" (with ``value``,
    :data:`NO_DOCUMENT` when there is none)."""

    def __init__(self, stream: IO[Any] | str, name: str) -> None:
        self.name = name
        self.text = stream if isinstance(stream, str) else None
        self.window = None if isinstance(stream, str) else _Window(stream)
        self.loader = _Loader(stream if self.window is None else self.window)
        self.composer = _Composer(self.loader, skip=True)
        self.kind, self.value, self.pos = self._start()

    def _start(self) -> tuple[str, Any, Pos]:
        with self._errors():
            self.loader.get_event()
            if self.loader.check_event(yaml.StreamEndEvent):
                return "other", NO_DOCUMENT, (1, 1)
            self.loader.get_event()
            event = self.loader.peek_event()
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if event.anchor is not None:  # said as a profile file says it
                    raise _located(event, ALIASES)
                if event.tag not in (None, "!"):
                    raise _located(event, _refused(event.tag))
                self.loader.get_event()
                seq = isinstance(event, yaml.SequenceStartEvent)
                return "sequence" if seq else "mapping", None, _pos(event)
            node = self.composer.node()
            return "other", self.loader.construct_document(node), _pos(node)

    def items(self) -> Iterator[Item]:
        """Each item in turn; a bad item (too deep, a refused tag, a repeated name) is an Item
        with ``error`` set, and the items after it still come."""
        seen: dict[Any, Pos] = {}
        try:
            while not self._at_end():
                if self.kind == "mapping":
                    yield self._pair(seen)
                else:
                    yield self._item(None)
            self._finish()
        finally:
            self.loader.dispose()

    def _at_end(self) -> bool:
        with self._errors():
            return bool(self.loader.check_event(yaml.SequenceEndEvent, yaml.MappingEndEvent))

    def _finish(self) -> None:
        with self._errors():
            self.loader.get_event()  # the collection's end
            self.loader.get_event()  # the document's end
            if not self.loader.check_event(yaml.StreamEndEvent):
                raise _located(self.loader.get_event(), "expected one YAML document, found another")

    def _pair(self, seen: dict[Any, Pos]) -> Item:
        key = self._item(None, lambda node: _as_written(node, key=True), is_key=True)  # a name
        value = self._item(key.value, as_written=_as_written if key.value == "name" else None)
        if key.error or value.error:
            return Item(key.value, None, key.pos, key.error or value.error)
        try:
            hash(key.value)
        except TypeError:
            return Item(None, None, key.pos, self._message(key.pos, "a name must be plain text"))
        if key.value in seen:
            line, col = seen[key.value]
            message = f'duplicate name "{key.value}" (first given at line {line}:{col})'
            return Item(key.value, None, key.pos, self._message(key.pos, message))
        seen[key.value] = key.pos
        return value

    def _item(
        self,
        key: Any,
        as_written: Callable[[yaml.Node], bool] | None = None,
        is_key: bool = False,
    ) -> Item:
        """The next item; its text as written where ``as_written`` says so (a name); ``is_key``:
        the item is the key of a top-level pair."""
        with self._errors():
            try:
                node = self.composer.node(is_key)
                if as_written is not None and as_written(node):
                    return Item(key, node.value, _pos(node))
                value = self.loader.construct_document(node)
                return Item(key, value, _pos(node), text=written_text(node))
            except _Unreadable:
                raise
            except _Located as exc:
                return Item(key, None, exc.pos, self._message(exc.pos, exc.message))

    def _message(self, pos: Pos, message: str) -> str:
        return f"{self.name}:{pos[0]}:{pos[1]}: {message}"

    def _errors(self) -> _Translated:
        return _Translated(self.name, self.text, self.window)


class _Translated:
    """Parser and structural errors as one located UserError: the stream cannot go on."""

    def __init__(self, name: str, text: str | None, window: _Window | None) -> None:
        self.name, self.text, self.window = name, text, window

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, _Located):
            raise UserError(exc.message, self.name, *exc.pos) from None
        if isinstance(exc, yaml.YAMLError):
            raise _yaml_error(exc, self.name, self.text, self.window) from None
