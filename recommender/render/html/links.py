"""Sources as links: the parts of a source text that name a web page become ``<a>`` elements.

Recognised: ``http(s)://`` URLs, bare ``host.tld/path`` addresses (linked as https), and GitHub
references ``owner/repo#N`` or ``owner/repo #N`` (linked to the issue or pull request, which GitHub
resolves from ``/issues/N``). Nothing else becomes a link, so a source can never produce a
``javascript:`` or ``data:`` URL."""

from __future__ import annotations

import re

from recommender.render.html.markup import Markup, el, join

_URL = r"https?://[^\s<>\"'`]+"
_BARE = r"(?<![\w@/.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12}/[^\s<>\"'`]*"
_GITHUB = r"(?<![\w/.-])([A-Za-z0-9][\w.-]*)/([A-Za-z0-9][\w.-]*) ?#(\d+)\b"
_FIND = re.compile(f"(?P<url>{_URL})|(?P<bare>{_BARE})|(?P<gh>{_GITHUB})", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def linkify(text: str) -> Markup:
    """``text`` escaped, with each recognised reference turned into a link."""
    out: list[object] = []
    pos = 0
    for m in _FIND.finditer(text):
        found, href = _target(m)
        out += [text[pos : m.start()], _link(found, href)]
        pos = m.start() + len(found)
    out.append(text[pos:])
    return join(out)


def links_in(text: str) -> list[str]:
    """The URLs :func:`linkify` would link, in order (for tests and the batch page)."""
    return [_target(m)[1] for m in _FIND.finditer(text)]


def _target(m: re.Match[str]) -> tuple[str, str]:
    """(the matched text without trailing punctuation, the https/http URL it links to)."""
    if m.group("gh"):
        owner, repo, number = m.group(4), m.group(5), m.group(6)
        return m.group("gh"), f"https://github.com/{owner}/{repo}/issues/{number}"
    found = _trim(m.group("url") or m.group("bare"))
    return found, found if m.group("url") else "https://" + found


def _trim(url: str) -> str:
    """Drop trailing punctuation, keeping a closing bracket that has its opening one in the URL."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _link(text: str, href: str) -> Markup:
    assert href.startswith(("https://", "http://"))
    return el("a", text, href=href, rel="noopener noreferrer", target="_blank")
