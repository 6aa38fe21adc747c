"""The evidence section (``--probe``): stated needs checked here, and versions vs knowledge.

It reads the record's ``evidence`` key (``Evidence.to_dict()``), as the JSON output carries it.
"""

from __future__ import annotations

from typing import Any

from recommender.render.html.labels import Names, dicts, mapping
from recommender.render.html.markup import Markup, el, join
from recommender.scoring.evidence import verdict

MARK = {"ok": "\u2713", "skipped": "\u2013", "not probed": "?"}
CROSS = "\u2717"


def evidence(data: dict[str, Any], names: Names) -> Markup:
    ev = data.get("evidence")
    if not isinstance(ev, dict):
        return Markup("")
    return el(
        "section",
        el("h2", "Evidence from this machine"),
        el(
            "p",
            "What ",
            el("code", "recommender probe"),
            " found for the needs your answers state.",
            cls="muted",
        ),
        _needs(dicts(ev.get("needs")), names),
        _versions(dicts(ev.get("versions")), mapping(ev.get("probe")), names),
        cls="card",
        id="evidence",
    )


def _needs(needs: list[dict[str, Any]], names: Names) -> Markup:
    if not needs:
        return el("p", "None of your answers states a need the probe can check.")
    frameworks = list(dict.fromkeys(str(n.get("framework")) for n in needs))
    cells: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for n in needs:
        need = str(n.get("need"))
        cells.setdefault(need, {})[str(n.get("framework"))] = str(n.get("status", ""))
        texts[need] = str(n.get("text", need))
    head = el("tr", el("th", "you need"), *(el("th", names.framework(f)) for f in frameworks))
    rows = [
        el("tr", el("td", texts[need]), *(_status(row.get(f)) for f in frameworks))
        for need, row in cells.items()
    ]
    return el("table", el("thead", head), el("tbody", *rows), cls="needs")


def _status(status: str | None) -> Markup:
    if status is None:
        return el("td")
    tone = {"verified": "ok", "failed": "failed"}.get(verdict(status))
    mark = MARK.get(status, CROSS if tone else "?")
    return el("td", f"{mark} {status}", cls=tone, data_status=status)


def _versions(versions: list[dict[str, Any]], probe: dict[str, Any], names: Names) -> Markup:
    items = []
    for v in versions:
        fid = str(v.get("framework"))
        have = v.get("installed") or "not installed"
        against = v.get("checked_against") or "no version recorded"
        status = probe.get(fid)
        items.append(
            el(
                "li",
                el("b", names.framework(fid)),
                f": {have} (knowledge checked against {against})",
                f"; probe: {status}" if status else "",
                el("strong", " \u2014 newer than the knowledge: some facts may be stale")
                if v.get("stale")
                else None,
            )
        )
    if not items:
        return Markup("")
    return join([el("h3", "Installed here"), el("ul", *items)])
