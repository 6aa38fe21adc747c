"""The HTTP transport. A :data:`Fetch` is any function from URL to :class:`Response`: a seam.

:func:`http_fetch` is the real one, on urllib: it asks for PEP 691 JSON, bounds the answer's size
and its time (every read checks the run's deadline), follows at most a few redirects and only to
http(s), never from https down to http, and sends credentials from the URL to that host only (never
along a redirect).
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

from recommender import __version__
from recommender.freshness.simple import ACCEPT, BadAnswer
from recommender.values import Value, frozen

TIMED_OUT = "timed out"  # one wording whether a socket or the run's deadline ran out first

MAX_BYTES = 16 << 20  # PyPI's largest pages (tensorflow, torch) are under 1 MB
TIMEOUT = 10.0  # seconds for one connect or read; the run's deadline bounds the whole
CHUNK = 1 << 16
REFUSED_REDIRECT = "a redirect in a loop, past the fifth, or away from http(s)"


@frozen
class Response(Value):
    """What the index answered: status, content type (lower case, no parameters) and body."""

    status: int
    content_type: str = ""
    body: bytes = b""
    reason: str = ""


class Unreachable(Exception):
    """No answer from the index at all: refused, unresolvable, timed out; the message says which."""


Fetch = Callable[[str], Response]


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        old, new = urlsplit(req.full_url).scheme, urlsplit(newurl).scheme
        if new not in ("http", "https") or (old, new) == ("https", "http"):
            raise BadAnswer(f"refused a redirect from {old} to {new}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def http_fetch(deadline: float, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> Fetch:
    """A fetch over HTTP(S) that gives up at ``deadline`` (a ``time.monotonic()`` value)."""
    opener = urllib.request.build_opener(_Redirects)

    def fetch(url: str) -> Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Unreachable(TIMED_OUT)
        try:
            with opener.open(_request(url), timeout=min(timeout, remaining)) as answer:
                kind = answer.headers.get_content_type()
                return Response(answer.status, kind, _read(answer, max_bytes, deadline))
        except urllib.error.HTTPError as exc:
            exc.close()
            if 300 <= exc.code < 400:  # urllib refused to follow it
                raise BadAnswer(f"HTTP {exc.code}: {REFUSED_REDIRECT}") from None
            return Response(exc.code, reason=str(exc.reason))
        except urllib.error.URLError as exc:
            raise Unreachable(_why(exc.reason)) from None
        except http.client.HTTPException as exc:
            raise BadAnswer(f"broken HTTP answer ({type(exc).__name__})") from None
        except OSError as exc:  # timeouts, resets, TLS failures
            raise Unreachable(_why(exc)) from None

    return fetch


def _request(url: str) -> urllib.request.Request:
    """A GET for PEP 691 JSON; user:password in the URL becomes basic auth, never redirected."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    request = urllib.request.Request(
        urlunsplit(parts._replace(netloc=host)),
        headers={"Accept": ACCEPT, "User-Agent": f"recommender/{__version__} (rules freshness)"},
    )
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        token = base64.b64encode(pair.encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")
    return request


def _read(answer: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    """The body, refused past ``max_bytes``, cut off at the deadline (read1: one recv a call)."""
    length = answer.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise BadAnswer(f"the answer is {int(length):,} bytes, over the {max_bytes:,}-byte limit")
    chunks, total = [], 0
    while chunk := answer.read1(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise BadAnswer(f"the answer is over the {max_bytes:,}-byte limit")
        if time.monotonic() > deadline:
            raise Unreachable(TIMED_OUT)
        chunks.append(chunk)
    return b"".join(chunks)


def _why(reason: object) -> str:
    """``Connection refused`` rather than ``[Errno 111] Connection refused``."""
    if isinstance(reason, TimeoutError) or str(reason) == "timed out":
        return "timed out"
    return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
