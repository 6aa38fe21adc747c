"""Ask the index about every package, in parallel, under one deadline; every outcome is a value."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterable

from recommender.errors import SIGNAL_POLL
from recommender.freshness.fetch import TIMED_OUT, Fetch, Unreachable
from recommender.freshness.releases import Releases, summarize
from recommender.freshness.simple import ACCEPT, BadAnswer, parse_page
from recommender.values import Value, frozen

WORKERS = 8  # a small pool: an index is one server, and a rule base names a few dozen packages
MAX_PROBLEM = 160
# After the deadline, the time the cut lookups get to return: no thread may be left inside
# OpenSSL when the interpreter exits (fetch.HttpFetch). One blocked in a DNS lookup, which
# nothing can interrupt, is left behind: it holds nothing the exit tears down.
ENDING = 2.0
STATES = ("found", "missing", "error", "unreachable")


@frozen
class Entry(Value):
    """What the index said about a package: its releases, that it has none, or why it can't say."""

    package: str  # normalized (PEP 503)
    state: str  # one of STATES
    releases: Releases | None = None
    problem: str = ""


def normalize(name: str) -> str:
    """PEP 503: the name the simple API files a project under."""
    return re.sub(r"[-_.]+", "-", name).lower()


def look_up(fetch: Fetch, index_url: str, package: str) -> Entry:
    """One project page, read and dated; a missing project, a bad answer, no answer: values too."""
    name = normalize(package)
    try:
        answer = fetch(f"{index_url.rstrip('/')}/{name}/")
        if answer.status in (404, 410):
            return Entry(name, "missing")
        if answer.status != 200:
            raise BadAnswer(f"HTTP {answer.status} {answer.reason}".strip())
        if answer.content_type != ACCEPT:
            raise BadAnswer(
                f"answered {answer.content_type or 'no content type'}, not {ACCEPT}: "
                "the index does not offer the JSON simple API (PEP 691)"
            )
        return Entry(name, "found", summarize(parse_page(answer.body)))
    except Unreachable as exc:
        return Entry(name, "unreachable", problem=one_line(exc))
    except BadAnswer as exc:
        return Entry(name, "error", problem=one_line(exc))


def one_line(problem: Exception) -> str:
    """A problem as one short line: it ends up in a table cell and in the one-line error."""
    text = " ".join(str(problem).split())
    return text if len(text) <= MAX_PROBLEM else text[: MAX_PROBLEM - 3] + "..."


def look_up_all(
    fetch: Fetch, index_url: str, packages: Iterable[str], deadline: float
) -> dict[str, Entry]:
    """Every package's entry, by normalized name; what is not back by ``deadline`` has timed out.

    Daemon threads rather than a ThreadPoolExecutor: a DNS lookup ignores socket timeouts, and an
    executor's threads are joined at exit, so a hung lookup would outlive the deadline.
    """
    names = list(dict.fromkeys(normalize(p) for p in packages))
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for name in names:
        todo.put(name)
    done: dict[str, Entry] = {}
    bugs: list[
        Exception
    ] = []  # look_up turns every index problem into a value; anything else is a bug

    def work() -> None:
        while True:
            try:
                name = todo.get_nowait()
                done[name] = look_up(fetch, index_url, name)
            except queue.Empty:
                return
            except Exception as exc:
                bugs.append(exc)
                return

    threads = [threading.Thread(target=work, daemon=True) for _ in names[:WORKERS]]
    for thread in threads:
        thread.start()
    _join(threads, deadline)
    end = getattr(fetch, "end", None)  # the real transport (fetch.HttpFetch) can cut its lookups
    if end is not None:
        end()
        _join(threads, time.monotonic() + ENDING)
    if bugs:
        raise bugs[0]
    return {n: done.get(n) or Entry(n, "unreachable", problem=TIMED_OUT) for n in names}


def _join(threads: list[threading.Thread], until: float) -> None:
    """Wait for ``threads`` until ``until``, in slices, so that a signal is seen
    (``SIGNAL_POLL``)."""
    for thread in threads:
        while thread.is_alive() and (left := until - time.monotonic()) > 0:
            thread.join(min(left, SIGNAL_POLL))
