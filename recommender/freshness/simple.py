"""Read one project page of a package index's JSON simple API (PEP 691, PEP 700 upload-time).

The page comes from the network, so nothing in it is trusted: anything that is not the documented
shape is a :class:`BadAnswer` naming what was wrong, never another exception.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from recommender.values import Value, frozen

if TYPE_CHECKING:
    from typing import Any

ACCEPT = "application/vnd.pypi.simple.v1+json"
MAX_NAME = 512  # a longer file name is no real distribution file
_API_VERSION = re.compile(r"1(\.[0-9]{1,6})?")
_UPLOAD_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z")


class BadAnswer(Exception):
    """The index answered, but not with a usable PEP 691 page; the message says what was wrong."""


@frozen
class IndexFile(Value):
    """One file of a project page: its name, its upload time (None if the index gives none)."""

    filename: str
    uploaded: datetime | None
    yanked: bool


def parse_page(body: bytes) -> tuple[IndexFile, ...]:
    """The files of a PEP 691 project page; BadAnswer if ``body`` is not one."""
    data = _json(body)
    if not isinstance(data, dict):
        raise BadAnswer("expected a JSON object")
    _check_meta(data.get("meta"))
    files = data.get("files")
    if not isinstance(files, list):
        raise BadAnswer('no "files" list')
    return tuple(_file(item, i) for i, item in enumerate(files, 1))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        raise BadAnswer("not JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both
        raise BadAnswer(f"not JSON: {str(exc)[:80]}") from None


def _check_meta(meta: Any) -> None:
    """PEP 691: a client must refuse a major api-version it does not know."""
    if not isinstance(meta, dict):
        raise BadAnswer('no "meta" object: not a PEP 691 page')
    version = meta.get("api-version")
    if not isinstance(version, str) or not _API_VERSION.fullmatch(version):
        raise BadAnswer(f"api-version {str(version)[:20]!r} is not 1.x")


def _file(item: Any, number: int) -> IndexFile:
    if not isinstance(item, dict):
        raise BadAnswer(f"file {number} is not an object")
    name = item.get("filename")
    if not isinstance(name, str) or not _usable(name):
        raise BadAnswer(f"file {number} has no usable filename")
    yanked = item.get("yanked", False)
    if yanked is None:  # not PEP 691 (false, true or a reason), but plainly "not yanked"
        yanked = False
    if not isinstance(yanked, (bool, str)):
        raise BadAnswer(f"{name[:80]}: yanked is neither true/false nor a reason")
    return IndexFile(name, _uploaded(item.get("upload-time"), name), yanked is not False)


def _usable(name: str) -> bool:
    """A distribution file name: short, printable, no spaces (it is shown in messages)."""
    return 0 < len(name) <= MAX_NAME and name.isprintable() and not any(c.isspace() for c in name)


def _uploaded(value: Any, name: str) -> datetime | None:
    """PEP 700's ``yyyy-mm-ddThh:mm:ss.ffffffZ`` (fraction optional), in UTC; None when absent."""
    if value is None:
        return None
    match = _UPLOAD_TIME.fullmatch(value) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise BadAnswer(
            f"{name[:80]}: upload-time {str(value)[:40]!r} is not a PEP 700 time"
        ) from None
