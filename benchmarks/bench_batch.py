"""Throughput of ``recommender batch`` against json/csv-module floors, measured in the same run.

For each rule base (the shipped rules/, the mini test rules, and a synthetic 24-question / 160-rule
base) it generates N seeded random profiles (multi answers, unanswered questions, stray follow-ups),
and for the shipped rules also issue 9's own survey (``survey``: 8 questions, one bad row in ~14),
then times, best of --repeat rounds:

* JSONL with full reasons (target <= 3x): ``batch IN -o OUT.jsonl`` in process and as a CLI
  subprocess, against reading the input, ``json.loads`` of every line and ``json.dumps`` of the
  batch's own output record for it;
* CSV (target <= 5x): ``batch IN -o OUT.csv`` in process, against reading the input, ``json.loads``
  of every line and writing the batch's own CSV row for it with the csv module.

Times are CPU seconds (user + system, children included), so a busy machine does not skew them,
and each round runs a batch and its baseline in turn, so a drift in the machine's speed hits both
alike (see :func:`best`). The CSV rounds come first, before the JSONL baseline's records are in
memory (they would slow the CSV baseline, not the batch).

``--phases`` then splits the CSV batch into its steps (read, encode, score, confidence, flat row,
CSV write), each in microseconds per row and as a ratio to the CSV floor's time per row.

    PYTHONPATH=. python benchmarks/bench_batch.py [--rows 100000] [--repeat 3]
        [--only shipped|survey|mini|synthetic] [--phases]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import _profiles  # noqa: E402

from recommender.batch import readers  # noqa: E402
from recommender.batch.records import flat  # noqa: E402
from recommender.batch.run import CHUNK, Encoder, Item  # noqa: E402
from recommender.cli import main  # noqa: E402
from recommender.errors import UserError  # noqa: E402
from recommender.rulebase.load import load_rules  # noqa: E402
from recommender.rulebase.model import RuleBase  # noqa: E402
from recommender.scoring import confidence  # noqa: E402
from recommender.scoring.result import Scorer  # noqa: E402

_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def cpu() -> float:
    """CPU seconds of this process and its finished children: what the machine's load does not
    skew (the benchmarks share a 2-core machine with other work)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def best(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The least CPU time of each of ``runs`` over ``repeat`` rounds. Each round runs them all in
    turn, so that a machine whose speed drifts (this one's swings up to 2x from one minute to the
    next) slows a run and its baseline alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            start = cpu()
            fn()
            times[name].append(cpu() - start)
    return {name: min(spent) for name, spent in times.items()}


def baseline(src: Path, dst: Path, records: list[dict]) -> None:
    """The floor: parse every input line, write the same output records, nothing in between."""
    with open(src, "rb") as inp, open(dst, "w", encoding="utf-8") as out:
        chunk = []
        for line, record in zip(inp, records, strict=True):
            json.loads(line)
            chunk.append(_encode(record) + "\n")
            if len(chunk) == 4096:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))


def baseline_csv(src: Path, dst: Path, rows: list[list[str]]) -> None:
    """The CSV floor: parse every input line, write the same CSV row, nothing in between."""
    with open(src, "rb") as inp, open(dst, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(rows[0])
        for line, row in zip(inp, rows[1:], strict=True):
            json.loads(line)
            writer.writerow(row)


def phases(src: Path, rows: int, floor: float) -> None:
    """Where a CSV batch's time goes: the steps of ``batch``, each timed apart, chunk by chunk as
    the batch runs them (so memory stays flat), with the collector tuned as the batch tunes it."""
    rules = load_rules()
    questions = {q.id: q.id for q in rules.questions}
    scorer = Scorer(rules)
    t, vector = scorer.table, scorer.table.vector()
    encoder = Encoder(rules, t)
    out = csv.writer(io.StringIO(), lineterminator="\n")
    steps = [
        "read and parse (readers.read_jsonl)",
        "check and encode answers (Encoder)",
        "score: fired rules, outcomes",
        "confidence (every single change)",
        "flat row: verdict, stack, top reasons",
        "CSV write",
    ]
    took = dict.fromkeys(steps, 0.0)
    clock = [cpu()]

    def lap(step: str) -> None:
        now = cpu()
        took[step] += now - clock[0]
        clock[0] = now

    reader = readers.read_jsonl(readers.open_source(str(src)), questions)
    before = gc.get_threshold()
    gc.set_threshold(50_000, *before[1:])  # as run_batch does
    try:
        clock[0] = cpu()
        while block := list(islice(reader, CHUNK)):
            lap(steps[0])
            sigs = [(r.name, sig) for r in block if (sig := _encoded(encoder, r)) is not None]
            lap(steps[1])
            recs = scorer.recommend_signatures(sigs, vector, confidence=False)
            lap(steps[2])
            scored, outcomes = [r.sig for r in recs], [r.outcome for r in recs]
            levels = confidence.levels(t, scored, outcomes, vector, [r.given for r in recs])
            lap(steps[3])
            # untimed: the batch builds each result once, with its confidence in it
            recs = [replace(rec, level=level) for rec, level in zip(recs, levels, strict=True)]
            clock[0] = cpu()
            cells = [
                flat(Item(n, rec.profile, rec), rules, spreadsheet=True)
                for n, rec in enumerate(recs, 1)
            ]
            lap(steps[4])
            out.writerows(cells)
            lap(steps[5])
    finally:
        gc.set_threshold(*before)
    per_row = floor / rows
    print(f"  where a CSV batch's time goes (us per row; the floor is {per_row * 1e6:.1f} us):")
    for step, seconds in took.items():
        each = seconds / rows
        print(f"    {step:<40} {each * 1e6:6.1f} us  {each / per_row:5.2f}x the floor")


def cli_batch(args: list[str], env: dict[str, str]) -> None:
    """``recommender batch`` as a subprocess; exit 1 says some rows are error records."""
    done = subprocess.run([sys.executable, "-m", "recommender", *args], env=env, check=False)
    assert done.returncode in (0, 1), done.returncode


def _encoded(encoder: Encoder, row: readers.Row) -> int | None:
    """The row's signature, or None for a row the batch reports as an error (its time counts
    in the encode step, as in the batch)."""
    if row.error is not None:
        return None
    try:
        return encoder(row.answers or {}, row.where)
    except UserError:
        return None


Write = Callable[[Path, RuleBase, int], int]


def bench(
    label: str, base: Path, write: Write, rows: int, repeat: int, tmp: Path, split: bool
) -> None:
    os.environ["RECOMMENDER_BASE_RULES"] = str(base)
    rules = load_rules()
    src, out = tmp / f"{label}.jsonl", tmp / f"{label}.out.jsonl"
    size = write(src, rules, rows)
    args = ["batch", str(src), "-o", str(out), "--quiet"]
    out_csv = tmp / f"{label}.out.csv"
    csv_args = ["batch", str(src), "-o", str(out_csv), "--quiet"]
    main(csv_args)  # the rows the CSV baseline writes again
    with open(out_csv, encoding="utf-8", newline="") as f:
        csv_rows = list(csv.reader(f))
    assert len(csv_rows) == rows + 1, len(csv_rows)
    # CSV first, before the JSONL records are read: held in memory (gigabytes of dicts for 100,000
    # full records), they slowed the CSV baseline by up to half, and flattered the CSV ratio.
    # A baseline's data stays in memory through its rounds; frozen, the collector never walks it
    # while a batch runs (it would slow the batch, not the baseline).
    gc.freeze()
    took = best(
        {
            "csv": lambda: main(csv_args),
            "csv_floor": lambda: baseline_csv(src, tmp / "baseline.csv", csv_rows),
        },
        repeat,
    )
    main(args)  # the records the JSONL baseline writes again
    with open(out, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    assert len(records) == rows, len(records)
    gc.freeze()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    took |= best(
        {
            "in_process": lambda: main(args),
            "cli": lambda: cli_batch(args, env),
            "floor": lambda: baseline(src, tmp / "baseline.jsonl", records),
        },
        repeat,
    )
    gc.unfreeze()
    in_process, cli, floor = took["in_process"], took["cli"], took["floor"]
    as_csv, csv_floor = took["csv"], took["csv_floor"]
    some = records[:1000]
    fired = sum(len(s["reasons"]) for r in some for s in r.get("ranking", ())) / len(some)
    errors = sum(1 for r in records if r["error"] is not None)
    print(
        f"{label}: {len(rules.questions)} questions, {len(rules.rules)} rules, {rows:,} profiles, "
        f"input {size / 1e6:.1f} MB, output {out.stat().st_size / 1e6:.1f} MB, "
        f"{fired:.1f} reasons/record, {errors:,} error records"
    )
    print(f"  baseline (json.loads + json.dumps)  {floor:7.2f} s  {rows / floor:9,.0f} rows/s")
    print(
        f"  batch in-process                    {in_process:7.2f} s  {rows / in_process:9,.0f} "
        f"rows/s  ratio {in_process / floor:.2f}x (target <= 3x)"
    )
    print(
        f"  batch CLI subprocess                {cli:7.2f} s  {rows / cli:9,.0f} rows/s"
        f"  ratio {cli / floor:.2f}x (target <= 3x)"
    )
    print(
        f"  baseline (json.loads + csv row)     {csv_floor:7.2f} s  {rows / csv_floor:9,.0f} rows/s"
    )
    print(
        f"  batch -o .csv in-process            {as_csv:7.2f} s  {rows / as_csv:9,.0f} rows/s"
        f"  ratio {as_csv / csv_floor:.2f}x (target <= 5x)"
    )
    if split:
        phases(src, rows, csv_floor)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("shipped", "survey", "mini", "synthetic"))
    parser.add_argument("--phases", action="store_true", help="split the CSV batch into steps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        random_rows = _profiles.write_jsonl
        bases: dict[str, tuple[Path, Write]] = {
            "shipped": (ROOT / "rules", random_rows),
            "survey": (ROOT / "rules", _profiles.write_survey),
            "mini": (ROOT / "tests" / "data" / "mini", random_rows),
            "synthetic": (_profiles.synthetic_rules(Path(tmp) / "synthetic-rules"), random_rows),
        }
        for label, (base, write) in bases.items():
            if args.only in (None, label):
                bench(label, base, write, args.rows, args.repeat, Path(tmp), args.phases)


if __name__ == "__main__":
    run()
