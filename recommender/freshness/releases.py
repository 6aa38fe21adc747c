"""Date a project's releases from its index files: the latest release and the newest upload.

The latest release is the highest version that is not a pre- or dev-release, dated by the newest
upload among its files (a late wheel for a new Python counts). Versions are read from file names
(wheel, sdist, egg) and ordered as PEP 440 orders final releases; a name PEP 440 cannot read only
counts towards the newest upload.
"""

from __future__ import annotations

import re
from datetime import datetime

from recommender.freshness.simple import IndexFile
from recommender.values import Value, frozen

MAX_VERSION = 64  # longer is no real version, and int() of thousands of digits is refused anyway
_VERSION = re.compile(
    r"""v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)
    (?P<pre>[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?\d*)?
    (?P<post>-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?
    (?P<dev>[-_.]?dev[-_.]?\d*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?""",
    re.IGNORECASE | re.VERBOSE,
)
_SDIST = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar")

FinalKey = tuple[int, tuple[int, ...], int]


@frozen
class Upload(Value):
    """A version and when its newest file was uploaded (None if the index gives no upload-time)."""

    version: str
    at: datetime | None


@frozen
class Releases(Value):
    """What a project page says: the latest release, the newest upload, how many files are dated."""

    latest: Upload | None
    newest: Upload | None
    files: int
    undated: int


def final_key(version: str) -> FinalKey | None:
    """The sort key of a final release (epoch, release, post); None for pre/dev and non-PEP 440."""
    match = _VERSION.fullmatch(version) if len(version) <= MAX_VERSION else None
    if match is None or match["pre"] or match["dev"]:
        return None
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]  # 2.1 == 2.1.0
    post = int(re.sub(r"\D", "", match["post"]) or 0) if match["post"] else -1
    return int(match["epoch"] or 0), release, post


def newer_than(latest: str, claimed: str) -> bool:
    """Whether ``latest`` is past ``claimed`` at the claim's precision ("2.21" covers 2.21.x)."""
    have, want = _release(latest), _release(claimed)
    if have is None or want is None:
        return False
    have += (0,) * (len(want) - len(have))
    return have[: len(want)] > want


def _release(version: str) -> tuple[int, ...] | None:
    match = _VERSION.fullmatch(version) if len(version) <= MAX_VERSION else None
    return tuple(int(p) for p in match["release"].split(".")) if match else None


def file_version(filename: str) -> str | None:
    """The version in a distribution file name; None if the name follows no known pattern."""
    if filename.endswith((".whl", ".egg")):
        parts = filename[:-4].split("-")
        return parts[1] if len(parts) >= 2 else None
    stem = next((filename[: -len(e)] for e in _SDIST if filename.endswith(e)), None)
    if stem is None:
        return None
    pieces = stem.split("-")  # legacy sdists keep '-' in the project name: dm-haiku-0.0.10.tar.gz
    for i in range(1, len(pieces)):
        candidate = "-".join(pieces[i:])
        if len(candidate) <= MAX_VERSION and _VERSION.fullmatch(candidate):
            return candidate
    return None


def summarize(files: tuple[IndexFile, ...]) -> Releases:
    """The latest release and the newest upload among the files that are not yanked."""
    live = [f for f in files if not f.yanked]
    versions = [(f, file_version(f.filename)) for f in live]
    dated = [(f.uploaded, v or f.filename) for f, v in versions if f.uploaded is not None]
    newest = max(dated, default=None)
    return Releases(
        _latest(versions),
        Upload(newest[1], newest[0]) if newest else None,
        len(live),
        len(live) - len(dated),
    )


def _latest(versions: list[tuple[IndexFile, str | None]]) -> Upload | None:
    keyed = [(key, f, v) for f, v in versions if v and (key := final_key(v)) is not None]
    if not keyed:
        return None
    top = max(key for key, _, _ in keyed)
    files = [(f, v) for key, f, v in keyed if key == top]
    times = [f.uploaded for f, _ in files if f.uploaded is not None]
    return Upload(files[0][1], max(times) if times else None)
