"""Fake frameworks for the probe's tests: tiny real packages with metadata, probed by real children.

Also the /proc helpers the tests use to prove that nothing is left running.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from recommender.probe import CheckResult, FrameworkResult, ProbeReport, ProbeTarget
from recommender.probe.targets import CHILDREN


def make_package(
    root: Path, name: str, source: str, *, dist: str | None = None, version: str = "1.0"
) -> Path:
    """Package ``name`` under ``root`` (made if needed) with metadata for distribution ``dist``."""
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / "__init__.py").write_text(source)
    add_metadata(root, dist or name, version)
    return root / name


def add_metadata(root: Path, dist: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A ``.dist-info`` for ``dist`` at ``version`` under ``root``: what pip leaves behind."""
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    lines = [f"Name: {dist}", f"Version: {version}", *(f"Requires-Dist: {r}" for r in requires)]
    (info / "METADATA").write_text("Metadata-Version: 2.1\n" + "\n".join(lines) + "\n")


def fake_target(
    name: str,
    root: Path | None,
    *,
    import_name: str | None = None,
    distributions: tuple[str, ...] | None = None,
    child: str = "import_probe.py",
    checks: tuple[str, ...] = ("import",),
) -> ProbeTarget:
    """A target for a fake package under ``root`` (None: found on the process's own path)."""
    return ProbeTarget(
        name=name,
        import_name=import_name or name,
        distributions=distributions or (name,),
        child=CHILDREN / child,
        checks=checks,
        search_path=(str(root),) if root is not None else (),
    )


def make_fake(root: Path, name: str, source: str) -> ProbeTarget:
    """A package ``name`` (version 1.0) under ``root``, probed by the import-only child."""
    make_package(root, name, source)
    return fake_target(name, root)


def alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie waiting for its reaper counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rpartition(b")")[2].split()[0] != b"Z"


def still_alive(pids: Iterable[int], seconds: float = 5.0) -> list[int]:
    """The ``pids`` still running after waiting up to ``seconds`` for them to go."""
    deadline = time.monotonic() + seconds
    left = [p for p in pids if alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if alive(p)]
    return left


def processes_with(marker: str) -> list[int]:
    """Live processes (not this one) whose environment or command line mentions ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in text and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def get_fw(report: ProbeReport, name: str) -> FrameworkResult:
    """The framework ``name`` of ``report``, which must be there."""
    found = report.get(name)
    assert found is not None, f"{name} was not probed"
    return found


def get_check(fw: FrameworkResult, name: str) -> CheckResult:
    """The check ``name`` of ``fw``, which must be there."""
    found = fw.check(name)
    assert found is not None, f"{fw.name} has no check {name}"
    return found


def schema_errors(document: object) -> list[str]:
    """Every error of ``document`` against the probe's schema, those under ``oneOf`` included."""
    import jsonschema

    from recommender.schemas import load

    validator = jsonschema.Draft202012Validator(load("probe"))
    found, stack = [], list(validator.iter_errors(document))
    while stack:
        error = stack.pop()
        if error.context:  # "not valid under any of the given schemas": its reasons say more
            stack.extend(error.context)
        else:
            found.append(f"{list(error.absolute_path)}: {error.message}")
    return found
