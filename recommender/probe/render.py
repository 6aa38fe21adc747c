"""Output formats of ``recommender probe``: a side-by-side table, or JSON."""

from __future__ import annotations

from collections.abc import Callable

from recommender.probe.model import CheckResult, FrameworkResult, ProbeReport

NOT_APPLICABLE = "-"


def render_json(report: ProbeReport) -> str:
    """The whole report, facts included, as JSON."""
    return report.to_json()


def render_table(report: ProbeReport) -> str:
    """One column per framework, one row per check, then a note for every check that is not ok."""
    frameworks = report.frameworks
    rows = [
        ["check", *(_header(f) for f in frameworks)],
        ["probe", *(f.status for f in frameworks)],
    ]
    for name in _row_names(frameworks):
        rows.append([name, *(_cell(f, name) for f in frameworks)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = _notes(frameworks)
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def _header(fw: FrameworkResult) -> str:
    version = fw.version or ("not installed" if not fw.installed else "version unknown")
    return f"{fw.name} {version}" + (" (cached)" if fw.cached else "")


def _row_names(frameworks: list[FrameworkResult]) -> list[str]:
    names: dict[str, None] = {}
    for fw in frameworks:
        names.update(dict.fromkeys(c.name for c in fw.checks))
    for fw in frameworks:
        names.update(dict.fromkeys(c.name for c in fw.companions))
    return list(names)


def _cell(fw: FrameworkResult, name: str) -> str:
    check = fw.check(name)
    if check is None:
        return NOT_APPLICABLE if fw.installed else ""
    if check.status != "ok":
        return check.status
    return SUMMARIES.get(name, lambda _: "ok")(check)


def _benchmark(check: CheckResult) -> str:
    return f"{check.data['median_ms']:.3f} ms/step ({check.data.get('mode', '')})"


def _devices(check: CheckResult) -> str:
    return check.detail.split(" (")[0]


def _version(check: CheckResult) -> str:
    return f"ok {check.data['version']}" if check.data.get("version") else "ok"


# Which ok-cells show a figure instead of the bare word.
SUMMARIES: dict[str, Callable[[CheckResult], str]] = {
    "import": lambda c: f"ok {c.seconds:.2f} s",
    "devices": _devices,
    "gpu": lambda c: f"ok ({c.data.get('count', '?')})",
    "benchmark": _benchmark,
    "benchmark_compiled": _benchmark,
    "keras": _version,
    "flax": _version,
    "equinox": _version,
    "optax": _version,
    "lightning": _version,
    "tensorboard": _version,
}


def _notes(frameworks: list[FrameworkResult]) -> list[str]:
    notes = []
    for fw in frameworks:
        if fw.status != "ok" and fw.detail:
            notes.append(f"{fw.name}: {fw.status}: {fw.detail}")
        for check in [*fw.checks, *fw.companions]:
            if check.status != "ok" and fw.installed:
                notes.append(f"{fw.name}.{check.name}: {check.status}: {check.detail}")
    return notes


FORMATS: dict[str, Callable[[ProbeReport], str]] = {"table": render_table, "json": render_json}
