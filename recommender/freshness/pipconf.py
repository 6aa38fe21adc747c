"""Which package index to ask: ``--index-url``, else the one pip is configured for, else PyPI.

pip's configuration is read the way pip reads it (``pip/_internal/configuration.py``), without
importing pip: the same files in the same order, ``PIP_CONFIG_FILE`` and ``PIP_INDEX_URL``, and
``[install]`` over ``[global]``. Only the primary index counts: extra indexes are for installing,
not for dating releases.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from recommender.errors import UserError
from recommender.fileio import read_text
from recommender.values import Value, frozen

PYPI = "https://pypi.org/simple/"
MAX_CONFIG_BYTES = 1 << 20
_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@")
_SECTIONS = ("global", "install")  # later wins: `pip install` reads [install] over [global]


@frozen
class IndexChoice(Value):
    """The index to ask, where that choice came from, and why pip's own index was passed over."""

    url: str
    origin: str
    note: str = ""

    @property
    def shown(self) -> str:
        return redact(self.url)


def choose_index(
    cli_url: str | None, environ: Mapping[str, str], files: list[str] | None = None
) -> IndexChoice:
    """The index for this run; ``files`` defaults to pip's config files for ``environ``."""
    if cli_url:
        return IndexChoice(http_url(cli_url, "--index-url"), "--index-url")
    configured = pip_index(environ, config_files(environ) if files is None else files)
    if configured is None:
        return IndexChoice(PYPI, "PyPI: pip names no index-url")
    url, origin = configured
    if is_http(url):
        return IndexChoice(http_url(url, origin), origin)
    note = (
        f"pip's index {redact(url)} (from {origin}) is not an HTTP index, so it has no JSON simple "
        "API to ask; asked PyPI instead"
    )
    return IndexChoice(PYPI, "PyPI", note)


def is_http(url: str) -> bool:
    """An http(s) URL with a host, and a numeric port if it has one."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def http_url(url: str, origin: str) -> str:
    """``url`` with a trailing slash, or UserError naming ``origin`` if it is no HTTP(S) URL."""
    if not is_http(url):
        raise UserError(
            f"{origin}: {redact(url)} is not an HTTP(S) URL; the JSON simple API (PEP 691) "
            "is served over HTTP"
        )
    return url if url.endswith("/") else url + "/"


def redact(url: str) -> str:
    """The URL without its credentials (user, password, token), for output: https://***@host/."""
    return _USERINFO.sub(r"\1***@", url)


def pip_index(environ: Mapping[str, str], files: list[str]) -> tuple[str, str] | None:
    """(index URL, where it was set) as pip would use it for ``pip install``, or None if unset."""
    if environ.get("PIP_INDEX_URL", "").strip():
        return environ["PIP_INDEX_URL"].strip(), "PIP_INDEX_URL"
    found: dict[str, tuple[str, str]] = {}
    for path in files:
        found.update(_index_urls(path))
    return found.get("install") or found.get("global")


def _index_urls(path: str) -> dict[str, tuple[str, str]]:
    """section -> (index-url, "PATH [section]") for one pip config file; nothing if it is absent."""
    if not os.path.isfile(path):
        return {}
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(read_text(path, MAX_CONFIG_BYTES), source=path)
    except configparser.Error as exc:
        problem = str(exc).splitlines()[0]
        raise UserError(f"pip cannot read this config file either: {problem}", path) from None
    out = {}
    for section in _SECTIONS:
        for key, value in parser.items(section) if parser.has_section(section) else []:
            if key.replace("_", "-").lstrip("-") == "index-url" and value.strip():
                out[section] = (value.strip(), f"{path} [{section}]")
    return out


def config_files(environ: Mapping[str, str], prefix: str | None = None) -> list[str]:
    """pip's config files on Linux and other Unixes, lowest precedence first.

    Global (``$XDG_CONFIG_DIRS``/pip/pip.conf, /etc/pip.conf), then user (~/.pip/pip.conf,
    ``$XDG_CONFIG_HOME``/pip/pip.conf) unless ``PIP_CONFIG_FILE`` names a file that exists, then the
    environment's ``sys.prefix``/pip.conf, then ``PIP_CONFIG_FILE``; ``PIP_CONFIG_FILE=/dev/null``
    means none.
    """
    import sys

    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file == os.devnull:
        return []
    xdg_dirs = (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)
    files = [os.path.join(d, "pip", "pip.conf") for d in xdg_dirs if d] + ["/etc/pip.conf"]
    if not (env_file and os.path.exists(env_file)):
        home = environ.get("HOME") or os.path.expanduser("~")
        config_home = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        files += [
            os.path.join(home, ".pip", "pip.conf"),
            os.path.join(config_home, "pip", "pip.conf"),
        ]
    files.append(os.path.join(sys.prefix if prefix is None else prefix, "pip.conf"))
    return files + ([env_file] if env_file else [])
