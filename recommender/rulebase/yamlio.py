"""All YAML goes through :func:`load_yaml`: safe loader, no duplicate keys, no aliases, a size cap.

Mappings and sequences come back as :class:`Map` and :class:`Seq`, which remember where each key and item
stood, so every later error can name ``file:line:col``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from recommender.errors import UserError

MAX_BYTES = 1 << 20  # rule files and profiles are small; a bigger file is a mistake or an attack

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Pos = tuple[int, int]  # 1-based line and column


class Map(dict):
    """A YAML mapping that knows the position of itself, of each key and of each value."""

    pos: Pos = (0, 0)
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]

    def at(self, key: Any) -> Pos:
        return getattr(self, "value_pos", {}).get(key, self.pos)

    def key_at(self, key: Any) -> Pos:
        return getattr(self, "key_pos", {}).get(key, self.pos)


class Seq(list):
    """A YAML sequence that knows the position of itself and of each item."""

    pos: Pos = (0, 0)
    item_pos: list[Pos]

    def at(self, index: int) -> Pos:
        items = getattr(self, "item_pos", [])
        return items[index] if 0 <= index < len(items) else self.pos


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_yaml_map(self, node: yaml.MappingNode):  # type: ignore[override]
        data = Map()
        data.pos = _pos(node)
        data.key_pos, data.value_pos = {}, {}
        yield data
        for key_node, value_node in node.value:
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
            data[key] = self.construct_object(value_node, deep=True)
            data.key_pos[key] = _pos(key_node)
            data.value_pos[key] = _pos(value_node)

    def construct_yaml_seq(self, node: yaml.SequenceNode):  # type: ignore[override]
        data = Seq()
        data.pos = _pos(node)
        data.item_pos = [_pos(child) for child in node.value]
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)

    def construct_undefined(self, node: yaml.Node):  # type: ignore[override]
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _located(
            node, f'the tag "{tag}" is not allowed; rule files and profiles hold plain data only'
        )


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
_Loader.add_constructor(None, _Loader.construct_undefined)


class _Located(Exception):
    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos, self.message = pos, message


def _located(node: yaml.Node, message: str) -> _Located:
    return _Located(_pos(node), message)


def _refuse_aliases(root: yaml.Node) -> None:
    """An alias makes one node reachable twice; refusing them keeps alias bombs out in linear time."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _located(
                node,
                "YAML anchors and aliases (&name / *name) are not allowed; write the value out",
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a small text file, or raise UserError naming it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UserError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", str(path))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("no such file", str(path)) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a file", str(path)) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise UserError(exc.strerror or str(exc), str(path)) from None


def load_yaml(path: str | Path, text: str | None = None, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML document safely; ``None`` for an empty file. Errors are UserError with file:line:col."""
    name = str(path)
    if text is None:
        text = read_text(path, max_bytes=max_bytes)
    elif len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise UserError(f"input is over the {max_bytes:,}-byte limit", name)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    except _Located as exc:
        raise UserError(exc.message, name, *exc.pos) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is None:
            raise UserError(f"invalid YAML: {problem}", name) from None
        raise UserError(f"invalid YAML: {problem}", name, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", name) from None
    finally:
        loader.dispose()
