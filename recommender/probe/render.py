"""Output formats of ``recommender probe``: a side-by-side table, JSON, or markdown for a bug.

Text that comes from a child (details, paths) passes through ``safe``: an escape sequence a
framework prints must not reach the terminal raw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from recommender.probe.model import CheckResult, FrameworkResult, ProbeReport
from recommender.render.markdown_text import code, fence, text

NOT_APPLICABLE = "-"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe(value: object) -> str:
    """``value`` with control characters shown as ``\\x1b`` escapes, on one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), str(value))


def render_json(report: ProbeReport) -> str:
    """The whole report, facts and environment included, as JSON."""
    return report.to_json() + "\n"


def render_table(report: ProbeReport) -> str:
    """One column per framework, one row per check; then notes, flags and the environment."""
    notes = _notes(report.frameworks)
    lines = aligned(grid(report.frameworks))
    lines += [""] + notes if notes else []
    lines += [""] + environment_lines(report.environment)
    return "\n".join(lines) + "\n"


def render_markdown(report: ProbeReport) -> str:
    """A block to paste into a bug report: the checks, the flags, and the environment in detail."""
    out = ["### recommender probe", "", *markdown_table(grid(report.frameworks)), ""]
    notes = _notes(report.frameworks)
    out += ["**Notes**", "", *(f"- {md_cell(n)}" for n in notes), ""] if notes else []
    return "\n".join(out + markdown_environment(report)) + "\n"


def grid(frameworks: Sequence[FrameworkResult]) -> list[list[str]]:
    """Header row, the ``probe`` row, then one row per check and companion."""
    rows = [
        ["check", *(header(f) for f in frameworks)],
        ["probe", *(f.status for f in frameworks)],
    ]
    rows += [[name, *(cell(f, name) for f in frameworks)] for name in _row_names(frameworks)]
    return rows


def aligned(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell, with a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def markdown_table(rows: list[list[str]]) -> list[str]:
    """``rows`` (header first) as a markdown table."""
    head, *body = rows
    lines = ["| " + " | ".join(md_cell(c) for c in head) + " |", "|" + " --- |" * len(head)]
    return lines + ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in body]


def header(fw: FrameworkResult) -> str:
    """``pytorch 2.13.0 (cached)``."""
    version = fw.version or ("not installed" if not fw.installed else "version unknown")
    return safe(f"{fw.name} {version}") + (" (cached)" if fw.cached else "")


def cell(fw: FrameworkResult, name: str) -> str:
    """One check of one framework, as the table shows it."""
    check = fw.check(name)
    if check is None:
        return NOT_APPLICABLE if fw.installed else ""
    if check.status != "ok":
        return safe(check.status)
    try:
        return safe(SUMMARIES.get(name, lambda _: "ok")(check))
    except (KeyError, TypeError, ValueError):  # odd data: show the status, not a traceback
        return "ok"


def environment_lines(env: Mapping[str, Any]) -> list[str]:
    """The interpreter, platform, driver and flags, a line each."""
    if not env:
        return []
    driver = env.get("driver") or {}
    lines = [
        safe(f"python {env.get('python')} ({env.get('executable')}) on {env.get('system')} "
             f"{env.get('machine')}"),
        safe(f"NVIDIA: {driver.get('detail', 'unknown')}"),
    ]  # fmt: skip
    return lines + [safe(f"! {f['framework']}: {f['message']}") for f in env.get("flags", [])]


def markdown_environment(report: ProbeReport) -> list[str]:
    """The environment for a bug report: flags, machine, per-framework files, then the details."""
    env = report.environment
    driver = env.get("driver") or {}
    flags = env.get("flags", [])
    out = ["**Flags**", ""]
    out += [f"- {md_cell(f['framework'])}: {md_cell(f['message'])}" for f in flags] or ["- none"]
    out += ["", "**Environment**", ""]
    out += [
        f"- Python {md_cell(env.get('python'))} ({md_cell(env.get('implementation'))}): "
        + code(safe(env.get("executable"))),
        "- " + " ".join(md_cell(env.get(k)) for k in ("system", "release", "machine")),
        f"- NVIDIA: {md_cell(driver.get('detail', 'unknown'))}",
        "",
    ]
    rows = [["framework", "version", "module file", "built with", "libraries loaded"]]
    rows += [_runtime_row(fw) for fw in report.frameworks if fw.installed]
    out += markdown_table(rows) if len(rows) > 1 else []
    return out + ["", *_details(env)]


def _runtime_row(fw: FrameworkResult) -> list[str]:
    runtime = fw.runtime
    build = runtime.get("build") or {}
    built = ", ".join(f"{k} {build[k]}" for k in ("cuda", "cudnn", "rocm") if build.get(k))
    built = built or "CPU only"
    libraries = [str(p).rsplit("/", 1)[-1] for p in runtime.get("libraries") or []]
    file = str(runtime.get("file") or "?")
    return [fw.name, fw.version or "?", file, built, ", ".join(libraries)]


def _details(env: Mapping[str, Any]) -> list[str]:
    dists = env.get("distributions") or {}
    lines = [
        f"{c['name']} {c['version']}  {c['location']}" for found in dists.values() for c in found
    ]
    variables = env.get("variables") or {}
    lines += ["", *(f"{k}={v}" for k, v in variables.items())] if variables else []
    body = [safe(line) for line in lines]
    summary = "<summary>Distributions installed, environment variables (secrets redacted)</summary>"
    return ["<details>", summary, "", *fence(body, "text"), "</details>"]


def _row_names(frameworks: Sequence[FrameworkResult]) -> list[str]:
    names: dict[str, None] = {}
    for fw in frameworks:
        names.update(dict.fromkeys(c.name for c in fw.checks))
    for fw in frameworks:
        names.update(dict.fromkeys(c.name for c in fw.companions))
    return list(names)


def _benchmark(check: CheckResult) -> str:
    return f"{float(check.data['median_ms']):.3f} ms/step ({check.data.get('mode', '')})"


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


def _notes(frameworks: Sequence[FrameworkResult]) -> list[str]:
    notes = []
    for fw in frameworks:
        if fw.status != "ok" and fw.detail:
            notes.append(safe(f"{fw.name}: {fw.status}: {fw.detail}"))
        for check in (*fw.checks, *fw.companions):
            if check.status != "ok" and fw.installed:
                notes.append(safe(f"{fw.name}.{check.name}: {check.status}: {check.detail}"))
    return notes


def md_cell(value: object) -> str:
    """``value`` safe in Markdown text or a table cell (:func:`markdown_text.text`)."""
    return text(safe(value))


FORMATS: dict[str, Callable[[ProbeReport], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
}
