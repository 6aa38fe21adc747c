"""Installed framework versions from package metadata: no framework is imported."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from recommender.model import Framework


def installed_version(framework: Framework) -> tuple[str, str] | None:
    """(distribution, version) of the first of the framework's packages that is installed, else None."""
    for package in framework.packages:
        try:
            return package, version(package)
        except PackageNotFoundError:
            continue
    return None
