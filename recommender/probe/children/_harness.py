"""Shared by the child probes: run named checks, time and catch each, stream results as JSON lines.

Runs inside the child process, by path, so it imports nothing from ``recommender`` and no framework.
Each result is appended to the ``--out`` file as it finishes, so a segfault in one check keeps the
earlier ones, and garbage a framework prints on stdout cannot corrupt the channel.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)  # not recommender.values.frozen: nothing from the package here
class Outcome:
    """What a check function returns (raising means ``failed``)."""

    status: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def ok(detail: str = "", **data: Any) -> Outcome:
    """The capability works."""
    return Outcome("ok", detail, data)


def unavailable(detail: str, **data: Any) -> Outcome:
    """The capability is missing here (no GPU, package not installed)."""
    return Outcome("unavailable", detail, data)


def skipped(detail: str) -> Outcome:
    """Deliberately not run (too slow for the default probe)."""
    return Outcome("skipped", detail, {})


def failed(detail: str, **data: Any) -> Outcome:
    """Ran and gave a wrong answer."""
    return Outcome("failed", detail, data)


@dataclass
class Context:
    """What every check may use: options, a private temp dir, and what earlier checks left."""

    deep: bool
    tmp: Path
    lock: str | None
    shared: dict[str, Any] = field(default_factory=dict)


Check = Callable[[Context], Outcome]
# The CUDA/cuDNN/ROCm versions a framework was built with.
Build = Callable[[Context], dict[str, Any]]

PARENT_VAR = "RECOMMENDER_PROBE_PARENT"
MAPS_LIMIT = 16 << 20  # bytes of /proc/self/maps read (TensorFlow maps about 0.5 MB)
LIBRARY_LIMIT = 60
# shared libraries worth naming in a bug report: the CUDA/ROCm stack, BLAS, and the frameworks' own
LIBRARY_WORDS = (
    "cuda", "cudnn", "cublas", "cufft", "curand", "cusolver", "cusparse", "nccl", "nvrtc",
    "nvjitlink", "cupti", "libtorch", "libc10", "tensorflow", "xla", "jaxlib", "pjrt", "tpu",
    "rocm", "hip", "miopen", "mkl", "openblas", "gomp", "iomp",
)  # fmt: skip


def import_framework(ctx: Context, **modules: str) -> Outcome:
    """Import ``modules`` (key -> name) into ``ctx.shared``, timed; the first is the framework."""
    import importlib

    start = time.perf_counter()
    for key, name in modules.items():
        ctx.shared[key] = importlib.import_module(name)
    seconds = time.perf_counter() - start
    framework = ctx.shared["framework"] = ctx.shared[next(iter(modules))]
    return ok(
        f"{framework.__name__} {framework.__version__} imported in {seconds:.2f} s",
        version=framework.__version__,
        seconds=seconds,
    )


def accelerators(
    ctx: Context, label: Callable[[dict[str, Any]], str], none_visible: str
) -> Outcome:
    """The ``gpu`` check from the ``devices`` list: ok with the accelerators, or unavailable."""
    accel = [d for d in ctx.shared["devices"] if d["kind"] != "CPU"]
    if accel:
        return ok(", ".join(label(d) for d in accel), count=len(accel))
    return unavailable(none_visible)


def expect(name: str, got: float, want: float, tol: float = 1e-4) -> Outcome:
    """ok when ``got`` matches the analytic ``want``, failed otherwise."""
    if abs(float(got) - want) <= tol * max(1.0, abs(want)):
        return ok(f"{name} = {float(got):g} (analytic {want:g})", value=float(got), expected=want)
    return failed(
        f"{name} = {float(got):g}, analytic value is {want:g}", value=float(got), expected=want
    )


def time_steps(
    step: Callable[[], Any],
    sync: Callable[[Any], Any],
    warmup: int = 3,
    repeat: int = 30,
    label: str = "",
) -> Outcome:
    """Median wall time of ``step`` after ``warmup`` calls (the first traces or compiles)."""
    t0 = time.perf_counter()
    sync(step())
    first = time.perf_counter() - t0
    for _ in range(warmup - 1):
        sync(step())
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        sync(step())
        times.append(time.perf_counter() - t)
    median_ms = statistics.median(times) * 1e3
    return ok(
        f"{median_ms:.3f} ms/step median of {repeat} ({label}; first step {first:.2f} s)",
        median_ms=round(median_ms, 4),
        min_ms=round(min(times) * 1e3, 4),
        first_step_s=round(first, 3),
        steps=repeat,
        mode=label,
    )


@contextlib.contextmanager
def serialized(lock: str | None) -> Iterator[None]:
    """Hold the probe-wide lock so the children's benchmarks do not run at the same time."""
    if not lock:
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: no flock; benchmarks may overlap
        yield
        return
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def die_with_parent() -> None:
    """Linux: SIGKILL this child when its parent dies, so a killed probe leaves no orphan."""
    parent = os.environ.get(PARENT_VAR, "")
    if not sys.platform.startswith("linux") or not parent.isdigit():
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):  # the parent died before the request took effect
        os._exit(1)


def runtime(ctx: Context, build: Build | None) -> dict[str, Any]:
    """What this process really loaded: the framework's file, libraries and build versions."""
    module = ctx.shared.get("framework")
    info: dict[str, Any] = {
        "file": str(getattr(module, "__file__", "") or ""),
        "version": str(getattr(module, "__version__", "") or ""),
        "libraries": loaded_libraries(),
    }
    if build is not None:
        try:
            info["build"] = build(ctx)
        except Exception as exc:  # a half-broken install: say so, keep the rest
            info["build"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return info


def loaded_libraries(maps: str = "/proc/self/maps") -> list[str]:
    """Shared libraries of interest mapped into this process, in load order (Linux only)."""
    try:
        with open(maps, "rb") as handle:
            text = handle.read(MAPS_LIMIT).decode("utf-8", "replace")
    except OSError:
        return []
    fields = (line.split(None, 5) for line in text.splitlines() if ".so" in line)
    paths = dict.fromkeys(f[5] for f in fields if len(f) == 6)
    wanted = [p for p in paths if any(w in os.path.basename(p).lower() for w in LIBRARY_WORDS)]
    return wanted[:LIBRARY_LIMIT]


def _run_one(check: Check, ctx: Context) -> tuple[Outcome, float]:
    start = time.perf_counter()
    try:
        outcome = check(ctx)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        outcome = failed(f"{type(exc).__name__}: {message}".rstrip(": "))
    return outcome, time.perf_counter() - start


def run(checks: dict[str, Check], argv: list[str] | None = None, build: Build | None = None) -> int:
    """Run ``checks`` in order, appending one JSON line per event to ``--out``.

    A ``runtime`` record follows the import and again the last check (later checks may load CUDA).
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--deep", action="store_true")
    parser.add_argument("--lock")
    opts, _ = parser.parse_known_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="recommender-probe-") as tmp,
        open(opts.out, "a") as out,
    ):

        def emit(**record: Any) -> None:
            out.write(json.dumps(record, default=str) + "\n")
            out.flush()

        ctx = Context(deep=opts.deep, tmp=Path(tmp), lock=opts.lock)
        emit(event="hello", python=sys.version.split()[0])
        gate = ""
        for name, check in checks.items():
            if gate:
                emit(
                    event="result", check=name, status="skipped", detail=gate, seconds=0.0, data={}
                )
                continue
            emit(event="start", check=name)
            outcome, seconds = _run_one(check, ctx)
            emit(
                event="result",
                check=name,
                status=outcome.status,
                detail=outcome.detail,
                seconds=round(seconds, 4),
                data=outcome.data,
            )
            if name == "import" and outcome.status != "ok":
                gate = "not run: the import failed"
            elif name == "import":
                emit(event="runtime", **runtime(ctx, build))
        if not gate:
            emit(event="runtime", **runtime(ctx, build))
        emit(event="end")
    return 0


def main(checks: dict[str, Check], build: Build | None = None) -> None:
    """Run the checks, then leave at once: teardown (about 0.5 s for TensorFlow) adds nothing."""
    die_with_parent()
    code = run(checks, build=build)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
