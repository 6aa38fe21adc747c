"""Where the bytes of the team page go (``batch -o team.html``): its size, each data block's, and
within ``script#records`` each top-level field's, for ``--rows`` seeded profiles over the shipped
rules. No browser: this is the page's weight, ``bench_team_page.py`` times its drawing.

    PYTHONPATH=. python benchmarks/bench_team_size.py [--rows 10000]

Measured 2026-12-01 (10,000 rows): 154.0 MB when every record held its reasons' texts; 51.1 MB with
each long text written once in script#texts (``recommender/render/html/team.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.rulebase.load import load_rules  # noqa: E402

BLOCK = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "team.jsonl", Path(d) / "team.html"
        _profiles.write_jsonl(src, load_rules(), args.rows)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        argv = [sys.executable, "-m", "recommender", "batch", str(src), "-o", str(out), "-q"]
        subprocess.run(argv, env=env, check=True)
        size = out.stat().st_size
        page = out.read_text(encoding="utf-8")
    print(f"team page, {args.rows:,} rows: {size / 1e6:.1f} MB")
    blocks = {m[1]: m[2] for m in BLOCK.finditer(page)}
    rest = len(page) - sum(len(b) for b in blocks.values())
    for name, text in [*blocks.items(), ("(markup, styles, scripts)", str(rest))]:
        chars = len(text) if name in blocks else rest
        print(f"  {name:<28} {chars / 1e6:8.2f} M characters")
    records = json.loads(blocks.get("records") or "null") or []
    fields: Counter[str] = Counter()
    for record in records:
        for key, value in record.items():
            fields[key] += len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    print("  records, by field:")
    for key, chars in fields.most_common(8):
        print(f"    {key:<26} {chars / 1e6:8.2f} M characters")


if __name__ == "__main__":
    main()
