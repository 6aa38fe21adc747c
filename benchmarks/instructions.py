"""Instructions a row of ``recommender batch`` against its floor, counted by valgrind's callgrind.

``bench_batch.py`` times the same ratios in CPU seconds, which a shared 2-core machine moves by
10-20 % from run to run: too much to judge a change worth 5 %. An instruction count is the same
from run to run, whatever else the machine is doing, so this script judges small changes, and
with ``--against REV`` it counts another revision of the code in the same run (``git archive``
into a temporary folder), on the same input. Compare revisions only that way: the same code
counted in two separate runs has come out up to 2% apart (generated inputs, caches and the
collector's moments differ), which is the size of a change worth judging.

Per row, not per run: each step is counted at ``--rows`` N and 2N rows and the difference is
divided by N, so the interpreter's start, the imports and the rules cache are left out, as the
timed benchmark leaves them out. The floor is ``bench_batch``'s: read the input, ``json.loads``
every line and write the batch's own output row for it (a CSV row with the csv module, or the
JSON record); loading those rows is counted apart and taken off.

    python benchmarks/instructions.py [--rows 2000] [--input shipped|survey]
        [--format csv|jsonl] [--against REV] [--repeat 2]

Needs valgrind (Debian's ``valgrind``); each count runs ~50x slower than the code, so keep
``--rows`` small: the default (1,000 and 2,000 rows, each counted twice) takes about five
minutes a revision.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.rulebase.load import load_rules  # noqa: E402
from recommender.rulebase.model import RuleBase  # noqa: E402

Write = Callable[[Path, RuleBase, int], int]
INPUTS: dict[str, Write] = {"shipped": _profiles.write_jsonl, "survey": _profiles.write_survey}

BATCH = """
import sys
from recommender.cli import main
try:
    main(["batch", sys.argv[1], "-o", sys.argv[2], "--quiet"])
except SystemExit as exc:
    if exc.code:
        raise
"""
# The made rows, loaded as the floor loads them (counted apart, then taken off the floor).
LOAD = """
import csv, json, sys
def load(made):
    with open(made, encoding="utf-8", newline="") as f:
        if made.endswith(".csv"):
            return list(csv.reader(f))
        return [json.loads(line) for line in f]
rows = load(sys.argv[3])
"""
FLOOR = (
    LOAD
    + """
import io
with open(sys.argv[1], "rb") as inp, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    if sys.argv[2].endswith(".csv"):
        writer = csv.writer(out, lineterminator="\\n")
        writer.writerow(rows[0])
        for line, row in zip(inp, rows[1:], strict=True):
            json.loads(line)
            writer.writerow(row)
    else:
        encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
        for line, record in zip(inp, rows, strict=True):
            json.loads(line)
            out.write(encode(record) + "\\n")
"""
)
COLLECTED = re.compile(rb"Collected : (\d+)")


def count(tree: Path, code: str, *args: Path, env: dict[str, str], repeat: int) -> int:
    """Instructions of ``python -c code args`` with the package from ``tree``, run in ``tree``:
    ``python -c`` puts its working directory first on ``sys.path``, and a checkout there would
    shadow ``PYTHONPATH`` (``--against`` counted this tree twice). The least of
    ``repeat`` counts. One count in four or so comes out up to 2 % higher (not found why; address
    randomisation is off, the hash seed fixed), and a difference of two counts magnifies it."""
    argv = [sys.executable, "-c", code, *map(str, args)]
    run_env = {**env, "PYTHONPATH": str(tree)}
    subprocess.run(
        argv, check=True, env=run_env, cwd=tree
    )  # writes the bytecode and the rules cache
    counts = []
    for _ in range(repeat):
        out = subprocess.run(
            ["setarch", "-R", "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             *argv],
            check=True, env=run_env, cwd=tree, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        found = COLLECTED.search(out.stderr)
        if found is None:
            sys.exit(f"valgrind printed no count:\n{out.stderr.decode(errors='replace')[-2000:]}")
        counts.append(int(found.group(1)))
    return min(counts)


def per_row(
    tree: Path, inputs: dict[int, Path], fmt: str, work: Path, env: dict[str, str], repeat: int
) -> tuple[float, float]:
    """(batch, floor) instructions a row for the code in ``tree``."""
    batch, floor, load = {}, {}, {}
    for n, src in inputs.items():
        out, again = work / f"{tree.name}-{n}.{fmt}", work / f"floor-{n}.{fmt}"
        batch[n] = count(tree, BATCH, src, out, env=env, repeat=repeat)
        floor[n] = count(tree, FLOOR, src, again, out, env=env, repeat=repeat)
        load[n] = count(tree, LOAD, src, again, out, env=env, repeat=repeat)
    small, large = sorted(inputs)
    rows = large - small

    def step(counts: dict[int, int]) -> float:
        return (counts[large] - counts[small]) / rows

    return step(batch), step(floor) - step(load)


def export(rev: str, into: Path) -> Path:
    """The package and rules of ``rev``, as ``git archive`` gives them."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "recommender", "rules"],
        check=True, stdout=subprocess.PIPE,
    ).stdout  # fmt: skip
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="N: counted at N and 2N rows")
    parser.add_argument("--repeat", type=int, default=2, help="counts of each, the least kept")
    parser.add_argument("--input", choices=tuple(INPUTS), default="shipped")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--against", metavar="REV", help="also count this git revision")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("needs valgrind: apt-get install valgrind")
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONHASHSEED": "0", "RECOMMENDER_CACHE_DIR": str(work / "cache")}
        env.pop("RECOMMENDER_BASE_RULES", None)
        rules = load_rules()
        inputs = {}
        for n in (args.rows, 2 * args.rows):
            inputs[n] = work / f"in-{n}.jsonl"
            INPUTS[args.input](inputs[n], rules, n)
        trees = {"this tree": ROOT}
        if args.against:
            trees[args.against] = export(args.against, work / "against")
        counted = {
            label: per_row(tree, inputs, args.format, work, env, args.repeat)
            for label, tree in trees.items()
        }
        print(
            f"{args.input}, {args.format.upper()}, instructions a row (counted at "
            f"{args.rows:,} and {2 * args.rows:,} rows):"
        )
        mine = counted["this tree"][0]
        for label, (batch, floor) in counted.items():
            against = "" if label == "this tree" else f"; this tree {mine / batch:.3f}x of it"
            print(
                f"  {label:<12} batch {batch:11,.0f}  floor {floor:9,.0f}  "
                f"ratio {batch / floor:.2f}x{against}"
            )


if __name__ == "__main__":
    main()
