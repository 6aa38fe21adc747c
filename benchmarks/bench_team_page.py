"""Time to first render of the team page (``batch -o team.html``) in headless chromium, against a
baseline measured in the same run: the same file with its first table page already in the HTML
and its scripts taken out, so it shows the same first screen with no script at all.

Both pages hold the same data blocks (for 10,000 rows, ~50 MB of records), so the ratio is what
drawing the table in the page costs over a page that arrives drawn. The moment measured, the same
way in both, is the first frame painted after the first row of the table is in the DOM (an init
script watches for it); the first contentful paint is printed beside it. Loads alternate between
the two pages (the machine's speed drifts), each in a fresh browser context; medians of --repeat.

    PYTHONPATH=. python benchmarks/bench_team_page.py [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent), str(ROOT / "tests")]

import _profiles  # noqa: E402
from html_support import CHROMIUM, FLAGS  # noqa: E402  (the tests' browser and flags)

from recommender.rulebase.load import load_rules  # noqa: E402

# The same probe in both pages: a mark one frame after the first table row exists.
WATCH = """(() => {
  const painted = () => requestAnimationFrame(() =>
    setTimeout(() => performance.mark("rows-painted"), 0));
  const watch = new MutationObserver(() => {
    if (!document.querySelector("#rows tbody tr")) return;
    watch.disconnect();
    painted();
  });
  watch.observe(document, { childList: true, subtree: true });
})();"""
TIMES = """() => [
  performance.getEntriesByName("rows-painted")[0].startTime,
  performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
]"""
PAGE_SCRIPT = re.compile(r"<script>.*?</script>", re.S)  # not the JSON blocks: they have a type
TABLE = re.compile(r'<section[^>]*id="table"[^>]*>.*?</section>', re.S)


def team_page(rows: int, tmp: Path) -> Path:
    """``batch -o team.html`` for real, on ``rows`` seeded profiles over the shipped rules."""
    src, out = tmp / "team.jsonl", tmp / "team.html"
    _profiles.write_jsonl(src, load_rules(), rows)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "recommender", "batch", str(src), "-o", str(out), "-q"]
    subprocess.run(argv, env=env, check=True)
    return out


def drawn_table(browser: Any, page: Path) -> str:
    """The table section as the page's script draws it: the first page of rows."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(page.as_uri(), wait_until="commit")
    tab.wait_for_selector("html[data-ready='1']", state="attached", timeout=0)
    html = tab.eval_on_selector("#table", "e => e.outerHTML")
    context.close()
    return str(html)


def baseline_page(page: Path, table: str, out: Path) -> Path:
    """``page`` with ``table`` in place of its empty table and no script: drawn on arrival."""
    text = page.read_text(encoding="utf-8")
    text = TABLE.sub(lambda _: table, text, count=1)
    out.write_text(PAGE_SCRIPT.sub("", text), encoding="utf-8")
    return out


def first_render(browser: Any, page: Path) -> tuple[float, float | None]:
    """(ms to the first frame with table rows, ms to the first contentful paint) of one load."""
    context = browser.new_context(bypass_csp=True)  # the probe is one more script
    context.add_init_script(WATCH)
    tab = context.new_page()
    tab.goto(page.as_uri(), wait_until="commit")
    tab.wait_for_function(
        "performance.getEntriesByName('rows-painted').length > 0", polling=20, timeout=0
    )
    rows, fcp = tab.evaluate(TIMES)
    context.close()  # the rest of the file is not waited for
    return float(rows), fcp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        ours = team_page(args.rows, tmp)
        size = ours.stat().st_size
        base = baseline_page(ours, drawn_table(browser, ours), tmp / "baseline.html")
        runs: dict[Path, list[tuple[float, float | None]]] = {ours: [], base: []}
        for _ in range(args.repeat):
            for page in (ours, base):
                runs[page].append(first_render(browser, page))
        browser.close()
    (rows, fcp), (base_rows, base_fcp) = (_medians(runs[ours]), _medians(runs[base]))
    print(f"team page, {args.rows:,} rows ({size / 1e6:.1f} MB), median of")
    print(f"{args.repeat} loads each:")
    print(f"  first table page painted {rows:7.0f} ms  baseline {base_rows:7.0f} ms  ", end="")
    print(f"ratio {rows / base_rows:5.2f}")
    if fcp is not None and base_fcp is not None:
        print(f"  first contentful paint   {fcp:7.0f} ms  baseline {base_fcp:7.0f} ms  ", end="")
        print(f"ratio {fcp / base_fcp:5.2f}")


def _medians(runs: list[tuple[float, float | None]]) -> tuple[float, float | None]:
    fcps = [f for _, f in runs if f is not None]
    return statistics.median(r for r, _ in runs), statistics.median(fcps) if fcps else None


if __name__ == "__main__":
    main()
