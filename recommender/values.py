"""The package's one value idiom: frozen dataclasses with slots, declared with :func:`frozen`.

``@frozen`` is ``dataclass(frozen=True, slots=True)`` whose ``__eq__``, ``__hash__`` and
``__repr__`` are inherited from :class:`Value` instead of generated. Python 3.11 compiles every
generated method with ``exec`` when a class is defined (six per frozen dataclass); the ~40 value
classes on ``recommend``'s path then cost ~25 ms of its start, which put it over its bar
(``benchmarks/bench_recommend.py``). Inherited, the three cost nothing per class. They behave as the
generated ones do: fields compared in order (those with ``compare=False`` left out), the class must
match, and the repr lists the fields with ``repr=True``. ``tests/test_values.py`` pins them to real
dataclass-generated methods.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


class Value:
    """Equality, hashing and repr of a :func:`frozen` class, written once."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        names = _COMPARED.get(type(self))
        if names is None:
            fields = dataclasses.fields(self)  # type: ignore[arg-type]
            names = _COMPARED[type(self)] = tuple(f.name for f in fields if f.compare)
        return tuple(getattr(self, name) for name in names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, *self._key()))

    def __repr__(self) -> str:
        names = _SHOWN.get(type(self))
        if names is None:
            fields = dataclasses.fields(self)  # type: ignore[arg-type]
            names = _SHOWN[type(self)] = tuple(f.name for f in fields if f.repr)
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({inner})"


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T]) -> type[T]:
    """A frozen dataclass with slots, its equality, hashing and repr inherited from Value."""
    if not issubclass(cls, Value):
        raise TypeError(f"@frozen class {cls.__name__} must derive from Value")
    make: Callable[[type[T]], type[T]] = dataclasses.dataclass(
        frozen=True, slots=True, eq=False, repr=False
    )
    return make(cls)
