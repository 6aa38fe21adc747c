"""A page under watch: every request, console message, page error and dialog is recorded, so a test
can say that the page loaded nothing from the network and raised no error."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Watched:
    """A Playwright page and what it did since the last :meth:`visit`."""

    page: Any
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, browser: Any, **context: Any) -> Watched:
        """A fresh context (its own profile state) and page; reuse it with :meth:`visit`."""
        page = browser.new_context(**context).new_page()
        watched = cls(page)
        page.on("request", lambda r: watched.requests.append(r.url))
        page.on("console", watched._console)
        page.on("pageerror", lambda e: watched.problems.append(f"page error: {e}"))
        page.on("dialog", watched._dialog)
        return watched

    @classmethod
    def open(cls, browser: Any, path: Path, query: str = "", **context: Any) -> Watched:
        return cls.start(browser, **context).visit(path, query)

    def visit(self, path: Path, query: str = "") -> Watched:
        """Load ``path`` from file:// and wait until its script has drawn the page."""
        self.requests.clear()
        self.problems.clear()
        self.dialogs.clear()
        self.page.goto(path.as_uri() + query)
        self.page.wait_for_selector("html[data-ready='1']")
        return self

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def assert_clean(self, path: Path) -> None:
        """No console error or warning, no dialog, and no request but the file itself."""
        assert self.problems == [] and self.dialogs == []
        assert {u.split("?")[0] for u in self.requests} == {path.as_uri()}

    def shot(self, directory: Path, name: str, **options: Any) -> Path:
        out = directory / f"{name}.png"
        self.page.screenshot(path=str(out), **options)
        return out

    def close(self) -> None:
        self.page.context.close()
