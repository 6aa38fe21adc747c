"""The real browser for the html tests: Debian's chromium, driven by Playwright, never downloaded.

Without chromium (or playwright) these tests fail with a message saying how to get it, because CI
must run them; a developer without root can opt out with RECOMMENDER_SKIP_BROWSER=1. Screenshots go
to $RECOMMENDER_ARTIFACTS when set, else to a pytest temporary directory; the run prints where.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from html_support import CHROMIUM, FLAGS

from browser.browserkit import Watched

HOW = (
    "scripts/test installs it (as root: apt-get install -y chromium); set RECOMMENDER_CHROMIUM to "
    "another chromium binary, or RECOMMENDER_SKIP_BROWSER=1 to skip the browser tests"
)
_artifacts: list[Path] = []


def _unavailable(why: str) -> None:
    if os.environ.get("RECOMMENDER_SKIP_BROWSER") == "1":
        pytest.skip(f"{why} (RECOMMENDER_SKIP_BROWSER=1)")
    pytest.fail(f"{why}; {HOW}", pytrace=False)


# Per module, not per session: while Playwright's sync API is open it keeps an asyncio loop running
# in the main thread, and the ask tests' prompt_toolkit (asyncio.run) fails under a running loop.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"no chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "the playwright package is not installed (pip install -c constraints.txt '.[test]')"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Watched]:
    """One page a module reuses (a context costs ~1 s): a property test visits a file an
    example."""
    seen = Watched.start(browser)
    yield seen
    seen.close()


@pytest.fixture(scope="module")
def tab_800(browser: Any) -> Iterator[Watched]:
    """A page in a window 800 pixels wide, where a long word or a bidi override would show if it
    pushed the text around it out of place."""
    seen = Watched.start(browser, viewport={"width": 800, "height": 900})
    yield seen
    seen.close()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("RECOMMENDER_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    _artifacts.append(path)
    return path


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for path in _artifacts:
        terminalreporter.write_line(f"html report screenshots: {path}")
