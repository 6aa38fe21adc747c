"""Probe one framework in a child process; whatever it left behind becomes a ``FrameworkResult``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from recommender.fileio import loads_json, read_bounded
from recommender.probe.model import CheckResult, FrameworkResult
from recommender.probe.runner import RunResult, Supervisor, run_command
from recommender.probe.targets import COMMON_ENV, ProbeTarget

# The harness asks to die with this pid (children/_harness.py, which cannot import this module).
PARENT_VAR = "RECOMMENDER_PROBE_PARENT"
RECORDS_LIMIT = 16 << 20  # bytes of a child's results read; the real children write about 20 KB


def probe_target(
    target: ProbeTarget,
    version: str | None,
    *,
    deep: bool,
    timeout: float,
    lock: str | None = None,
    supervisor: Supervisor | None = None,
) -> FrameworkResult:
    """Run ``target``'s child script under a hard timeout; a crash, hang or garbage is a status."""
    # a grandchild killed mid-write can leave files that rmtree trips over: never fail on that
    with tempfile.TemporaryDirectory(
        prefix=f"recommender-probe-{target.name}-", ignore_cleanup_errors=True
    ) as tmp:
        out = Path(tmp) / "results.jsonl"
        run = run_command(
            child_argv(target, out, deep, lock),
            timeout=timeout,
            env=child_env(target, tmp),
            cwd=tmp,
            supervisor=supervisor,
        )
        records = read_records(out)
    return to_result(target, version, run, records)


def child_argv(target: ProbeTarget, out: Path, deep: bool, lock: str | None) -> list[str]:
    """The command line of ``target``'s child script."""
    argv = [sys.executable, str(target.child), "--out", str(out)]
    argv += ["--import-name", target.import_name]
    argv += ["--deep"] if deep else []
    return argv + (["--lock", lock] if lock else [])


def child_env(target: ProbeTarget, tmp: str) -> dict[str, str]:
    """The parent's environment plus the probe settings, in place before the framework imports."""
    env = dict(os.environ)
    env.update({k: v.replace("{tmp}", tmp) for k, v in {**COMMON_ENV, **target.env}.items()})
    env[PARENT_VAR] = str(os.getpid())
    if target.search_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [*target.search_path, *filter(None, [env.get("PYTHONPATH")])]
        )
    return env


def read_records(path: Path) -> list[dict[str, Any]]:
    """The JSON lines the child managed to write; a torn, garbled or too deep line is dropped."""
    found = read_bounded(path, RECORDS_LIMIT)
    if found is None:
        return []
    lines = found[0].splitlines()
    if found[1]:  # cut at the limit: the last line is torn
        lines = lines[:-1]
    records = []
    for line in lines:
        try:
            record = loads_json(line, nan_as_none=True)
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
    during = _during(started, done)
    checks = tuple(
        _check(name, done[name]) if name in done else _missing(name, status, detail, during)
        for name in target.checks
    )
    return FrameworkResult(
        target.name,
        True,
        version,
        status,
        detail,
        checks,
        seconds=round(run.seconds, 3),
        runtime=_runtime(records),
    )


def _check(name: str, record: dict[str, Any]) -> CheckResult:
    seconds = record.get("seconds")
    data = record.get("data")
    return CheckResult(
        name,
        str(record.get("status")),
        str(record.get("detail", "")),
        float(seconds) if isinstance(seconds, (int, float)) else 0.0,
        data if isinstance(data, dict) else {},
    )


def _missing(name: str, status: str, detail: str, during: str | None) -> CheckResult:
    """A check with no result. Only the one the child died in (a crash, an error exit) failed:
    the others never ran, and a timeout is transient (rules/evidence.yaml), so they are
    ``skipped``, which verifies nothing and fails nothing."""
    if status == "ok":
        return CheckResult(name, "skipped", "the child did not report it")
    if name == during and status != "timeout":
        return CheckResult(name, "failed", f"no result: {detail}")
    return CheckResult(name, "skipped", f"{'no result' if name == during else 'not run'}: {detail}")


def _runtime(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The child's last ``runtime`` record: the module file, libraries and build it loaded."""
    last: dict[str, Any] = next((r for r in reversed(records) if r.get("event") == "runtime"), {})
    libraries = last.get("libraries")
    build = last.get("build")
    return (
        {
            "file": str(last.get("file") or ""),
            "version": str(last.get("version") or ""),
            "libraries": [str(x) for x in libraries] if isinstance(libraries, list) else [],
            "build": {str(k): v for k, v in build.items()} if isinstance(build, dict) else {},
        }
        if last
        else {}
    )


def _during(started: list[Any], done: dict[str, dict[str, Any]]) -> str | None:
    """The check that was running when the child stopped, if one was."""
    return next((c for c in reversed(started) if c not in done), None)


def _framework_status(
    run: RunResult, finished: bool, started: list[Any], done: dict[str, dict[str, Any]]
) -> tuple[str, str]:
    during = _during(started, done)
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


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
