"""The long seeded fuzz run of issue 10: mutated profiles, overlays, batch files, resume files and
rules caches through the real command line (``tests/fuzzkit.py``), counted and deduplicated.

Case ``i`` of seed ``s`` is the same on every machine, so a run can be split, resumed and replayed.
Each worker is a child process: a case that kills it (a segfault, the kernel's OOM killer) is a
crash like any other, and the worker carries on from the next case. A case is a crash when it
exits other than 0, 1 or 2, lets an exception out of ``main``, prints a traceback, leaves a
temporary file, runs past --hang seconds or needs more than --memory MiB (MemoryError: exit 3).
Crashes are grouped by root cause (exception type and the innermost project line) and the
smallest few inputs of each are written to --crashes with ``crashes.jsonl`` listing them.

Prints inputs fuzzed, crashes by cause and inputs/second, with the rate of the unmutated seeds
through the same path measured in the same run as the baseline. Exits 1 when it found a crash.

    PYTHONPATH=. python benchmarks/fuzz.py --inputs 100000 --seed 1 --jobs 2
    PYTHONPATH=. python benchmarks/fuzz.py --replay fuzz-crashes   # the kept reproducers again
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fuzzkit  # noqa: E402

KEEP = 3  # reproducers kept per root cause: the smallest inputs


class Hang(BaseException):
    """A case ran past --hang seconds (a BaseException, so it gets out of ``main`` as a finding)."""


# -- the worker: one child process, one slice of the cases -------------------------------------


def work(seed: int, start: int, stop: int, step: int, hang: float, memory: int) -> None:
    """Run cases ``start, start + step, ... < stop``; one JSON line before each case and one per
    crash on stdout, so the parent knows which case a dead worker was on."""
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"ran past {hang:g} s")

    signal.signal(signal.SIGALRM, alarm)
    directory = Path(tempfile.mkdtemp(prefix="fuzz-")) / "case"
    out = sys.stdout
    for index in range(start, stop, step):
        case = fuzzkit.mutated(seed, index)
        print(json.dumps({"at": index, "kind": case.kind}), file=out, flush=True)
        signal.setitimer(signal.ITIMER_REAL, hang)
        try:
            outcome = fuzzkit.run_case(case, directory)
        except Hang as exc:  # outside main: in the kit's own setup or teardown
            outcome = fuzzkit.Outcome(-1, f"hang: {exc}", "Hang outside main")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if outcome.crash:
            crash = {"i": index, "kind": case.kind, "variant": case.variant}
            crash |= {"crash": outcome.crash, "cause": outcome.cause or outcome.crash[:120]}
            print(json.dumps(crash), file=out, flush=True)
    print(json.dumps({"done": True}), file=out, flush=True)


# -- the parent: start workers, restart the dead, count ----------------------------------------


@dataclass
class Tally:
    """What the run found so far."""

    inputs: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    causes: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def add(self, crash: dict[str, object]) -> None:
        self.causes.setdefault(str(crash["cause"]), []).append(crash)

    @property
    def crashes(self) -> int:
        return sum(len(v) for v in self.causes.values())


def worker(args: argparse.Namespace, start: int, stop: int, step: int) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--worker", "--seed", str(args.seed)]
    command += ["--range", str(start), str(stop), str(step)]
    command += ["--hang", str(args.hang), "--memory", str(args.memory)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, bufsize=1)


def lines(children: dict[int, subprocess.Popen[str]]) -> Iterator[tuple[int, str | int]]:
    """(worker, line) as the workers write them; (worker, exit status) when one has ended."""
    while children:
        pipes = [c.stdout for c in children.values() if c.stdout is not None]
        ready, _, _ = select.select(pipes, [], [])
        for slot, child in list(children.items()):
            if child.stdout in ready:
                line = child.stdout.readline() if child.stdout else ""
                if not line:
                    del children[slot]
                yield slot, line or child.wait()


def fuzz(args: argparse.Namespace) -> Tally:
    """Run cases ``args.start .. args.start + args.inputs`` over ``args.jobs`` workers."""
    tally = Tally()
    stop, jobs = args.start + args.inputs, args.jobs
    children = {w: worker(args, args.start + w, stop, jobs) for w in range(jobs)}
    at: dict[int, int | None] = dict.fromkeys(children)
    begun, shown = time.perf_counter(), 0
    for slot, line in lines(children):
        if isinstance(line, int):  # the worker ended: finished, or died on case at[slot]
            index = at[slot]
            if index is None and line != 0:
                raise SystemExit(f"a fuzz worker failed to start (exit {line})")
            if index is not None:
                tally.inputs += 1
                _found(tally, _died(args.seed, index, line))
                children[slot] = worker(args, index + jobs, stop, jobs)
                at[slot] = None
            continue
        record = json.loads(line)
        if "at" in record:
            if at[slot] is not None:
                tally.inputs += 1
            at[slot] = record["at"]
            tally.kinds[record["kind"]] += 1
        elif "done" in record:
            if at[slot] is not None:
                tally.inputs += 1
            at[slot] = None
        else:
            _found(tally, record)
        if tally.inputs - shown >= args.every:
            shown = tally.inputs
            rate = tally.inputs / (time.perf_counter() - begun)
            print(f"  {tally.inputs:,} inputs, {tally.crashes:,} crashes, {rate:.0f}/s", flush=True)
    return tally


def _found(tally: Tally, crash: dict[str, object]) -> None:
    tally.add(crash)
    print(f"  crash: case {crash['i']} ({crash['kind']}): {crash['cause']}", flush=True)


def _died(seed: int, index: int, status: int) -> dict[str, object]:
    """The crash record of a case that ended its worker (a negative status: killed by a signal)."""
    case = fuzzkit.mutated(seed, index)
    how = f"killed by {signal.Signals(-status).name}" if status < 0 else f"exit {status}"
    crash = {"i": index, "kind": case.kind, "variant": case.variant}
    return crash | {"crash": f"the worker process died: {how}", "cause": f"process {how}"}


def baseline(repeat: int) -> float:
    """Inputs/second of the unmutated seeds through the same ``run_case``: the floor that the
    fuzzed rate is a ratio to (mutated inputs are mostly refused early, so often faster)."""
    cases = [
        fuzzkit.Case(kind, data, variant)
        for kind, spec in fuzzkit.KINDS.items()
        for data in fuzzkit.SEEDS.get(kind) or [fuzzkit.cache_seed()]
        for variant in range(len(spec.commands))
    ]
    directory = Path(tempfile.mkdtemp(prefix="fuzz-seeds-")) / "case"
    for case in cases:  # every seed must pass, or the mutations of it measure nothing
        outcome = fuzzkit.run_case(case, directory)
        if outcome.crash or outcome.code not in (0, 1):  # a seed refused tests nothing deep
            raise SystemExit(f"seed of {case.kind} (variant {case.variant}): {outcome}")
    begun = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            fuzzkit.run_case(case, directory)
    return repeat * len(cases) / (time.perf_counter() - begun)


# -- reproducers -----------------------------------------------------------------------------------


def save(tally: Tally, seed: int, directory: Path) -> None:
    """The smallest KEEP inputs of each cause, and crashes.jsonl saying what each one is."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "crashes.jsonl", "w", encoding="utf-8") as listing:
        for cause, crashes in tally.causes.items():
            slug = re.sub(r"[^A-Za-z0-9]+", "-", cause).strip("-")[:80]
            cases = [(fuzzkit.mutated(seed, int(str(c["i"]))), c) for c in crashes]
            cases.sort(key=lambda pair: len(pair[0].data))
            for case, crash in cases[:KEEP]:
                name = f"{slug}/{seed}-{crash['i']}{Path(fuzzkit.KINDS[case.kind].path).suffix}"
                (directory / name).parent.mkdir(parents=True, exist_ok=True)
                (directory / name).write_bytes(case.data)
                print(json.dumps({**crash, "seed": seed, "file": name}), file=listing)


def replay(directory: Path) -> int:
    """Run every kept reproducer again; 1 when any still crashes."""
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-replay-")) / "case"
    still = 0
    for line in (directory / "crashes.jsonl").read_text(encoding="utf-8").splitlines():
        crash = json.loads(line)
        case = fuzzkit.Case(
            crash["kind"], (directory / crash["file"]).read_bytes(), crash["variant"]
        )
        outcome = fuzzkit.run_case(case, scratch)
        still += bool(outcome.crash)
        print(f"{crash['file']}: exit {outcome.code} {outcome.crash or 'ok'}")
    print(f"{still} of the kept reproducers still crash")
    return int(bool(still))


def report(tally: Tally, seconds: float, seeds_rate: float, args: argparse.Namespace) -> None:
    rate = tally.inputs / seconds
    print(f"\ninputs fuzzed: {tally.inputs:,} (seed {args.seed}, cases {args.start:,}..)")
    print("by kind: " + ", ".join(f"{k} {n:,}" for k, n in sorted(tally.kinds.items())))
    print(f"crashes: {tally.crashes:,} from {len(tally.causes)} root causes")
    ranked = sorted(tally.causes.items(), key=lambda kv: -len(kv[1]))
    for cause, crashes in ranked:
        first = crashes[0]
        print(f"  {len(crashes):6,}  {cause}")
        print(f"          e.g. case {first['i']} ({first['kind']}): {str(first['crash'])[:150]}")
    print(
        f"inputs/second: {rate:.0f} over {args.jobs} worker(s), {seconds:.0f} s; "
        f"unmutated seeds {seeds_rate:.0f}/s in one process (ratio {rate / seeds_rate:.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="cases to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="the first case's index")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--hang", type=float, default=30.0, help="seconds a case may run")
    parser.add_argument("--memory", type=int, default=2048, help="MiB a worker may map (0: any)")
    parser.add_argument("--every", type=int, default=5_000, help="progress line every N inputs")
    parser.add_argument("--replay", type=Path, metavar="DIR", help="rerun kept reproducers")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--range", type=int, nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        start, stop, step = args.range
        work(args.seed, start, stop, step, args.hang, args.memory)
        return 0
    if args.replay:
        return replay(args.replay)
    seeds_rate = baseline(repeat=3)
    begun = time.perf_counter()
    tally = fuzz(args)
    report(tally, time.perf_counter() - begun, seeds_rate, args)
    if tally.crashes:
        save(tally, args.seed, args.crashes)
        print(f"reproducers: {args.crashes}/crashes.jsonl")
    return int(bool(tally.crashes))


if __name__ == "__main__":
    sys.exit(main())
