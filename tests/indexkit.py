"""A real package index for tests: http.server on 127.0.0.1, an ephemeral port, PEP 691 JSON.

Upload times are days before :data:`TODAY`, the day the tests pass to ``rules freshness
--today``, so the findings do not depend on the calendar."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TODAY = date(2026, 11, 30)
JSON = "application/vnd.pypi.simple.v1+json"
# project -> [(filename, days before TODAY or None for no upload-time, yanked)]
PROJECTS: dict[str, list[tuple[str, int | None, bool]]] = {
    "alpha-core": [
        ("alpha_core-1.2.0-py3-none-any.whl", 400, False),
        ("alpha_core-1.3.0.tar.gz", 12, False),
        ("alpha_core-1.3.0-py3-none-any.whl", 10, False),  # a later wheel dates the release
        ("alpha_core-1.4.0rc1-py3-none-any.whl", 2, False),
    ],
    "alpha-hi": [("alpha_hi-0.9.0-py3-none-any.whl", 610, False)],
    "alpha-legacy": [("Alpha-Legacy-2.0.0.tar.gz", 30, False)],  # a legacy sdist name
    "beta": [("beta-3.0.0-py3-none-any.whl", 60, False)],
    "beta-kit": [
        ("beta_kit-1.0.0-py3-none-any.whl", 60, False),
        ("beta_kit-1.1.0-py3-none-any.whl", 5, True),
        ("beta_kit-2.0.0b1-py3-none-any.whl", 3, False),
    ],
    "beta-plugin": [("beta_plugin-0.1.0-py3-none-any.whl", 730, False)],
}

Route = Callable[[BaseHTTPRequestHandler], None]


def uploaded(days: int) -> str:
    moment = datetime.combine(TODAY - timedelta(days=days), time(12, 30, 5, 123456), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def page(name: str, files: list[tuple[str, int | None, bool]]) -> bytes:
    """A PEP 691 project page (api-version 1.1, with PEP 700 upload-time when ``days`` is given)."""
    entries = [
        {
            "filename": filename,
            "url": f"https://files.example/{filename}",
            "hashes": {"sha256": "0" * 64},
            "yanked": "broken build" if yanked else False,
            **({"upload-time": uploaded(days)} if days is not None else {}),
        }
        for filename, days, yanked in files
    ]
    doc = {"meta": {"api-version": "1.1"}, "name": name, "files": entries, "versions": []}
    return json.dumps(doc).encode()


def answer(body: bytes, content_type: str = JSON, status: int = 200) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def standard_routes() -> dict[str, Route]:
    return {f"/simple/{name}/": answer(page(name, files)) for name, files in PROJECTS.items()}


class Index:
    """``with Index(routes) as index:`` serves ``routes`` (path -> Route) at ``index.url``."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes = standard_routes() if routes is None else routes
        self.requests: list[tuple[str, str]] = []  # (path, Accept header)
        self.sent = 0  # bytes written by streaming routes
        self.release = threading.Event()  # set on exit: routes that hang return
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.requests.append((self.path, self.headers.get("Accept", "")))
                route = index.routes.get(self.path)
                if route is None:
                    answer(b"not found", "text/plain", 404)(self)
                else:
                    route(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> Index:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def endless(self, handler: BaseHTTPRequestHandler) -> None:
        """A JSON answer that never ends (no Content-Length): the client must stop reading."""
        handler.send_response(200)
        handler.send_header("Content-Type", JSON)
        handler.end_headers()
        chunk = b" " * 65536
        try:
            while self.sent < 256 << 20 and not self.release.is_set():
                handler.wfile.write(chunk)
                self.sent += len(chunk)
        except OSError:  # the client hung up, as it should
            pass

    def hang(self, handler: BaseHTTPRequestHandler) -> None:
        """Accept the request and never answer."""
        self.release.wait(30)
