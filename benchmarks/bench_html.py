"""Size and load time of the html reports in headless chromium, each against a baseline page
measured in the same run: a plain HTML file with the same JSON inlined and nothing else.

Cases (the shipped rules, seeded random profiles):

* ``recommend -f html`` for one profile (the report; its JSON is the recommend record);
* ``batch -f html`` for 1 and for 10,000 rows (the team page; its JSON is the batch records).

For each page: the file size, the time to DOMContentLoaded and, for the pages, the time until
the page's script has drawn (the what-if for the report, the first table page for the team page,
the ``table-painted`` mark: one frame after the rows are in the DOM). Median of --repeat loads,
each in a fresh browser context. Then the writer: ``batch -f html`` against ``batch -f json``
for 10,000 rows (wall time and peak RSS of the process).

    PYTHONPATH=. python benchmarks/bench_html.py [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent), str(ROOT / "tests")]

import _profiles  # noqa: E402
from html_support import CHROMIUM, FLAGS  # noqa: E402  (the tests' browser and flags)

from recommender.rulebase.load import load_rules  # noqa: E402

TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = performance.getEntriesByName("table-painted")[0];
  return [nav.domContentLoadedEventEnd, mark ? mark.startTime : null];
}"""


# Peak RSS is read by a small wrapper process: a child forked straight from this (large) process
# would count the parent's pages it briefly shares in its own peak.
PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def cli(*args: str) -> tuple[float, int]:
    """Run ``python -m recommender ARGS``: (wall seconds, peak RSS in MB)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "recommender", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, int(done.stdout.split()[-1]) // 1024


def baseline_page(page: Path, block_id: str, out: Path) -> Path:
    """The same JSON block in a page with nothing else."""
    text = page.read_text(encoding="utf-8")
    start = text.index(f'<script type="application/json" id="{block_id}">')
    block = text[start : text.index("</script>", start) + len("</script>")]
    out.write_text(
        f"<!doctype html><html><head><meta charset=utf-8><title>baseline</title></head>"
        f"<body><p>baseline</p>{block}</body></html>",
        encoding="utf-8",
    )
    return out


def load(browser: Any, path: Path, ready: bool, repeat: int) -> tuple[float, float | None]:
    """Median (DOMContentLoaded ms, drawn ms) over ``repeat`` loads, each in a fresh context."""
    dcl, drawn = [], []
    for _ in range(repeat):
        context = browser.new_context()
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        if ready:
            page.wait_for_selector("html[data-ready='1']", state="attached")
            page.wait_for_function(
                "performance.getEntriesByName('table-painted').length > 0"
                " || !document.querySelector('#rows')"
            )
        d, mark = page.evaluate(TIMING)
        if ready and mark is None:  # the report page: drawn when its script set data-ready
            mark = page.evaluate("performance.getEntriesByName('report-ready')[0]?.startTime")
        dcl.append(d)
        drawn.append(mark)
        context.close()
    marks = [m for m in drawn if m is not None]
    return statistics.median(dcl), statistics.median(marks) if marks else None


def report(browser: Any, label: str, page: Path, block_id: str, tmp: Path, repeat: int) -> None:
    base = baseline_page(page, block_id, tmp / f"{label}.baseline.html")
    ours_dcl, ours_drawn = load(browser, page, True, repeat)
    base_dcl, _ = load(browser, base, False, repeat)
    size, base_size = page.stat().st_size, base.stat().st_size
    drawn = f"; drawn at {ours_drawn:7.0f} ms" if ours_drawn is not None else ""
    print(f"{label}")
    print(
        f"  size    {size / 1e6:8.2f} MB  baseline {base_size / 1e6:8.2f} MB  "
        f"ratio {size / base_size:5.2f}"
    )
    print(
        f"  DOMContentLoaded {ours_dcl:7.0f} ms  baseline {base_dcl:7.0f} ms  "
        f"ratio {ours_dcl / base_dcl:5.2f}{drawn}"
    )
    if ours_drawn is not None:
        print(f"  drawn / baseline DOMContentLoaded: ratio {ours_drawn / base_dcl:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rules = load_rules()
    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        profile = ROOT / "examples" / "research-lab.yaml"
        cli("recommend", "--profile", str(profile), "-o", str(tmp / "report.html"))
        report(
            browser,
            "recommend -f html (1 profile)",
            tmp / "report.html",
            "report-data",
            tmp,
            args.repeat,
        )
        for rows in (1, args.rows):
            src = tmp / f"{rows}.jsonl"
            _profiles.write_jsonl(src, rules, rows)
            html_time, html_rss = cli("batch", str(src), "-o", str(tmp / f"{rows}.html"), "-q")
            report(
                browser,
                f"batch -f html ({rows:,} rows)",
                tmp / f"{rows}.html",
                "records",
                tmp,
                args.repeat,
            )
        json_time, json_rss = cli("batch", str(src), "-o", str(tmp / f"{rows}.json"), "-q")
        print(
            f"writer, {rows:,} rows: batch -f html {html_time:5.1f} s, {html_rss} MB peak; "
            f"batch -f json {json_time:5.1f} s, {json_rss} MB peak; "
            f"time ratio {html_time / json_time:4.2f}"
        )
        assert json.loads((tmp / f"{rows}.json").read_text())[0]["row"] == 1
        browser.close()


if __name__ == "__main__":
    main()
