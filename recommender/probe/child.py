"""Probe one framework in a child process and turn whatever it left behind into a ``FrameworkResult``."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from recommender.probe.model import CheckResult, FrameworkResult
from recommender.probe.runner import RunResult, run_command
from recommender.probe.targets import COMMON_ENV, ProbeTarget


def probe_target(
    target: ProbeTarget, version: str | None, *, deep: bool, timeout: float, lock: str | None = None
) -> FrameworkResult:
    """Run ``target``'s child script with a hard timeout; a crash, hang or garbage becomes a status."""
    # a grandchild killed mid-write can leave files behind that rmtree trips over; never fail the probe on that
    with tempfile.TemporaryDirectory(
        prefix=f"recommender-probe-{target.name}-", ignore_cleanup_errors=True
    ) as tmp:
        out = Path(tmp) / "results.jsonl"
        argv = [
            sys.executable,
            str(target.child),
            "--out",
            str(out),
            "--import-name",
            target.import_name,
        ]
        argv += ["--deep"] if deep else []
        argv += ["--lock", lock] if lock else []
        run = run_command(argv, timeout=timeout, env=child_env(target, tmp), cwd=tmp)
        records = read_records(out)
    return to_result(target, version, run, records)


def child_env(target: ProbeTarget, tmp: str) -> dict[str, str]:
    """The parent's environment plus the probe settings, which must be in place before the framework imports."""
    env = dict(os.environ)
    env.update({k: v.replace("{tmp}", tmp) for k, v in {**COMMON_ENV, **target.env}.items()})
    if target.search_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [*target.search_path, *filter(None, [env.get("PYTHONPATH")])]
        )
    return env


def read_records(path: Path) -> list[dict[str, Any]]:
    """The JSON lines the child managed to write; a torn last line (the child died mid-write) is dropped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def to_result(
    target: ProbeTarget, version: str | None, run: RunResult, records: list[dict[str, Any]]
) -> FrameworkResult:
    """Checks from the records; checks that never reported are marked with why the child stopped."""
    done = {
        r["check"]: r
        for r in records
        if r.get("event") == "result" and isinstance(r.get("check"), str)
    }
    started = [r.get("check") for r in records if r.get("event") == "start"]
    finished = any(r.get("event") == "end" for r in records)
    status, detail = _framework_status(run, finished, started, done)
    detail = detail or _version_note(version, done)
    checks = []
    for name in target.checks:
        if name in done:
            r = done[name]
            checks.append(
                CheckResult(
                    name,
                    str(r.get("status")),
                    str(r.get("detail", "")),
                    float(r.get("seconds") or 0.0),
                    dict(r.get("data") or {}),
                )
            )
        else:
            checks.append(
                CheckResult(
                    name,
                    "failed" if status != "ok" else "skipped",
                    f"no result: {detail}" if status != "ok" else "the child did not report it",
                )
            )
    return FrameworkResult(
        target.name, True, version, status, detail, checks, seconds=round(run.seconds, 3)
    )


def _framework_status(
    run: RunResult, finished: bool, started: list[Any], done: dict[str, dict[str, Any]]
) -> tuple[str, str]:
    during = next((c for c in reversed(started) if c not in done), None)
    where = f" during check '{during}'" if during else ""
    if run.error:
        return "failed", f"could not start the child: {run.error}"
    if run.timed_out:
        return "timeout", f"killed after {run.seconds:.1f} s{where} (--timeout)"
    if run.signal_name:
        return "crashed", f"killed by {run.signal_name}{where}"
    if run.returncode != 0 or not finished:
        last = _last_line(run.stderr) or _last_line(run.stdout)
        return "failed", f"child exited with code {run.returncode}{where}" + (
            f": {last}" if last else ""
        )
    imported = done.get("import", {})
    if imported.get("status") != "ok":
        return "failed", f"import failed: {imported.get('detail', 'no result')}"
    return "ok", ""


def _version_note(version: str | None, done: dict[str, dict[str, Any]]) -> str:
    """A stale install can leave metadata and ``__version__`` disagreeing; say so rather than pick one."""
    runtime = (done.get("import", {}).get("data") or {}).get("version")
    if version and runtime and runtime != version:
        return f"package metadata says {version}, but the module says {runtime}"
    return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
