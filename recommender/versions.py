"""Installed versions from package metadata: no framework is imported."""

from __future__ import annotations

import importlib.metadata as md
import sys
from collections.abc import Sequence


def installed_distribution(
    distributions: Sequence[str], search_path: Sequence[str] = ()
) -> tuple[str, str] | None:
    """(name, version) of the first of ``distributions`` that is installed (also on ``search_path``), else None."""
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
