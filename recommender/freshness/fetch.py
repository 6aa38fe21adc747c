"""The HTTP transport. A :data:`Fetch` is any function from URL to :class:`Response`: a seam.

:func:`http_fetch` is the real one, on urllib: it asks for PEP 691 JSON, bounds the answer's size
and its time (every read checks the run's deadline), follows at most a few redirects and only to
http(s), never from https down to http, and sends credentials from the URL to that host only (never
along a redirect).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
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


def http_fetch(deadline: float, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> HttpFetch:
    """A fetch over HTTP(S) that gives up at ``deadline`` (a ``time.monotonic()`` value)."""
    return HttpFetch(deadline, max_bytes, timeout)


class HttpFetch:
    """The real :data:`Fetch`, on urllib. :meth:`end` cuts every connection still open, for
    the run's deadline: a lookup thread left reading a slow index, or in a TLS handshake, was
    still inside OpenSSL when the interpreter exited, and OpenSSL's clean-up at exit then
    crashed the process (SIGSEGV after the report, exit 139), one run in two at PyPI."""

    def __init__(self, deadline: float, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT):
        self.deadline, self.max_bytes, self.timeout = deadline, max_bytes, timeout
        self._sockets = _Sockets()
        # One TLS context, made here: urllib made one per request, each thread parsing the
        # system's certificates (in OpenSSL) again.
        tls = ssl.create_default_context()
        self._opener = urllib.request.build_opener(
            _Redirects, _Http(self._sockets), _Https(self._sockets, tls)
        )

    def __call__(self, url: str) -> Response:
        try:
            answer = self._fetch(url)
        finally:
            self._sockets.release()
        if self._sockets.ended:  # what a cut connection read last may be cut short too
            raise Unreachable(TIMED_OUT)
        return answer

    def end(self) -> None:
        """The deadline has passed: every connection is shut down, and no new one is made."""
        self._sockets.end()

    def _fetch(self, url: str) -> Response:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self._sockets.ended:
            raise Unreachable(TIMED_OUT)
        try:
            with self._opener.open(_request(url), timeout=min(self.timeout, remaining)) as answer:
                kind = answer.headers.get_content_type()
                return Response(answer.status, kind, _read(answer, self.max_bytes, self.deadline))
        except urllib.error.HTTPError as exc:
            exc.close()
            if 300 <= exc.code < 400:  # urllib refused to follow it
                raise BadAnswer(f"HTTP {exc.code}: {REFUSED_REDIRECT}") from None
            return Response(exc.code, reason=str(exc.reason))
        except urllib.error.URLError as exc:
            raise self._lost(_why(exc.reason)) from None
        except http.client.HTTPException as exc:
            raise self._lost(f"broken HTTP answer ({type(exc).__name__})", bad=True) from None
        except OSError as exc:  # timeouts, resets, TLS failures
            raise self._lost(_why(exc)) from None

    def _lost(self, problem: str, bad: bool = False) -> Exception:
        """The error to raise; a connection that :meth:`end` cut has timed out, whatever broke."""
        if self._sockets.ended:
            return Unreachable(TIMED_OUT)
        return BadAnswer(problem) if bad else Unreachable(problem)


class _Sockets:
    """The connections the lookups have open, so that :meth:`end` can cut them all at once.

    Each connection's socket is registered as it is made (http.client's ``_create_connection``
    seam) through a duplicate descriptor of its own: shutting that down ends the connection for
    every descriptor, TLS's included, and the thread blocked on it returns at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._mine = threading.local()  # the duplicates made by the calling thread's fetch
        self.ended = False

    def connection(self, cls: type[http.client.HTTPConnection]) -> Callable[..., Any]:
        """``cls``, for urllib's ``do_open``, with its sockets registered here."""

        def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
            conn = cls(host, **kwargs)
            conn._create_connection = self._connect  # type: ignore[attr-defined]
            return conn

        return make

    def _connect(self, *args: Any, **kwargs: Any) -> socket.socket:
        sock = socket.create_connection(*args, **kwargs)
        with self._lock:
            if self.ended:
                sock.close()
                raise TimeoutError(TIMED_OUT)
            twin = sock.dup()
            self._open.add(twin)
        self._mine.__dict__.setdefault("twins", []).append(twin)
        return sock

    def release(self) -> None:
        """The calling thread's fetch is over: its duplicates are closed."""
        twins = self._mine.__dict__.pop("twins", [])
        with self._lock:
            for twin in twins:
                self._open.discard(twin)
                twin.close()

    def end(self) -> None:
        with self._lock:
            self.ended = True
            for twin in self._open:
                with contextlib.suppress(OSError):
                    twin.shutdown(socket.SHUT_RDWR)


class _Http(urllib.request.HTTPHandler):
    def __init__(self, sockets: _Sockets) -> None:
        super().__init__()
        self._sockets = sockets

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._sockets.connection(http.client.HTTPConnection), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, sockets: _Sockets, tls: ssl.SSLContext) -> None:
        super().__init__(context=tls)
        self._sockets, self._tls = sockets, tls

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = self._sockets.connection(http.client.HTTPSConnection)
        return self.do_open(connection, req, context=self._tls)


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
