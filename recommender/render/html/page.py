"""The page around a report: doctype, the Content-Security-Policy, the inline CSS and scripts.

The CSS and JS are real files under ``assets/``, read when a page is rendered and inlined. The
policy allows exactly the inlined style and scripts (by their SHA-256) and nothing else: no
network, no other script, so even a string that slipped past escaping could neither run nor load
anything."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

from recommender.render.html.markup import Markup, el, join, safe_inline

STYLE = "report.css"


@cache
def asset(name: str) -> str:
    """One file of ``assets/``, checked to be safe to inline."""
    text = (files("recommender.render.html") / "assets" / name).read_text(encoding="utf-8")
    return safe_inline(text)


def script_text(*names: str) -> str:
    """Several JS assets as one script (they share a scope, in the order given)."""
    return "\n".join(asset(n) for n in names)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(style: str, scripts: list[str]) -> str:
    """The CSP: the page's own inline style and scripts, nothing from anywhere."""
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {_sha(style)}",
            "script-src " + " ".join(_sha(s) for s in scripts),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def head(title: str, scripts: list[str]) -> Markup:
    """``<!doctype html>`` to ``<body>``: charset, CSP, viewport, title and the style."""
    style = asset(STYLE)
    return join(
        [
            Markup("<!doctype html>\n"),
            Markup('<html lang="en">\n<head>\n'),
            el("meta", charset="utf-8"),
            el("meta", http_equiv="Content-Security-Policy", content=policy(style, scripts)),
            el("meta", name="viewport", content="width=device-width, initial-scale=1"),
            el("meta", name="color-scheme", content="light dark"),
            el("meta", name="generator", content="recommender"),
            el("title", title),
            Markup(f"<style>{style}</style>\n</head>\n<body>\n"),
        ]
    )


def script(text: str) -> Markup:
    return Markup(f"<script>{text}</script>\n")


TAIL = Markup("</body>\n</html>\n")
