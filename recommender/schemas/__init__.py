"""JSON Schemas (draft 2020-12) of recommender's JSON: profile files and every command's
``--format json`` output, shipped as ``NAME.schema.json``.

``recommender schema NAME`` prints one; ``load(NAME)`` returns it parsed; :func:`registry`
resolves the references between them (``batch`` builds on ``recommend``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

BASE = "https://github.com/recommender/recommender/schemas/"


def names() -> list[str]:
    """The schemas shipped, by name (``probe``...)."""
    files = resources.files(__name__).iterdir()
    suffix = ".schema.json"
    return sorted(f.name.removesuffix(suffix) for f in files if f.name.endswith(suffix))


def text(name: str) -> str:
    """The schema ``name`` as shipped (JSON text); KeyError when there is none."""
    if name not in names():
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """The schema ``name``, parsed."""
    schema: dict[str, Any] = json.loads(text(name))
    return schema


def title(name: str) -> str:
    return str(load(name).get("title", ""))


def registry() -> Any:
    """Every shipped schema by its ``$id``, for a validator (needs the ``referencing`` package,
    which ``jsonschema`` brings)."""
    from referencing import Registry, Resource

    return Registry().with_resources(
        (BASE + f"{n}.schema.json", Resource.from_contents(load(n))) for n in names()
    )
