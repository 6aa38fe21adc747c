"""Installed versions from package metadata: no framework is imported."""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import sys
from collections.abc import Sequence

from recommender.values import Value, frozen


@frozen
class Installed(Value):
    """One installed copy of a distribution: its name as spelled in its metadata, version, place."""

    name: str
    version: str
    location: str
    requires: tuple[str, ...] = ()  # normalized names of the distributions it depends on


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Tensorflow_CPU`` -> ``tensorflow-cpu``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distribution(
    distributions: Sequence[str], search_path: Sequence[str] = ()
) -> tuple[str, str] | None:
    """(name, version) of the first of ``distributions`` installed (also on ``search_path``)."""
    for name in distributions:
        if search_path:
            found = next(iter(md.distributions(name=name, path=[*search_path, *sys.path])), None)
            if found is not None:
                return name, found.version
            continue
        try:
            return name, md.version(name)
        except md.PackageNotFoundError:
            continue
    return None


def installed_copies(
    distributions: Sequence[str], search_path: Sequence[str] = ()
) -> list[Installed]:
    """Every installed copy of any of ``distributions`` (``tensorflow`` beside ``tensorflow-cpu``,
    or one package in two site directories), with what each depends on."""
    found: dict[tuple[str, str], Installed] = {}
    for name in distributions:
        for dist in md.distributions(name=name, path=[*search_path, *sys.path]):
            where = os.path.realpath(str(dist.locate_file("")))
            meta = dist.metadata  # parsed anew on every access: read it once
            spelled = meta["Name"] or name
            requires = tuple(_requirement(r) for r in meta.get_all("Requires-Dist") or [])
            copy = Installed(spelled, meta["Version"], where, requires)
            found.setdefault((normalized(spelled), where), copy)
    return list(found.values())


def _requirement(spec: str) -> str:
    """The distribution a ``Requires-Dist`` line names: ``tf-intel==2.21; ...`` -> ``tf-intel``."""
    return normalized(re.split(r"[\s;<>=!~\[(]", spec.strip(), maxsplit=1)[0])
