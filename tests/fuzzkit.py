"""The fuzz target of issue 10: hostile files through the real command line, in process.

A :class:`Case` is one input file of one kind (a profile, an overlay rule file, a batch in each
format, an ``ask`` resume file, a rules cache) and the command that reads it. :func:`run_case`
runs it through ``cli.main`` in a scratch directory and says whether it *crashed*: an exit code
other than 0, 1 or 2, an exception out of ``main``, a traceback on stderr, or a temporary file
left behind. :func:`mutated` makes cases from seed files by byte flips, truncation, nesting,
huge numbers, odd unicode and YAML tags. ``tests/test_fuzz.py`` runs a bounded pass in CI and
``benchmarks/fuzz.py`` the long seeded one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"


@dataclass(frozen=True, slots=True)
class Case:
    """One input: its ``kind`` (a key of :data:`KINDS`) and the bytes of its file."""

    kind: str
    data: bytes
    variant: int = 0  # which of the kind's commands reads it


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one case did: the exit code, why it counts as a crash (None when it does not), and
    its root cause: the exception's type and the innermost project line it came from, for
    deduplication ("ValueError at recommender/batch/readers.py:88 in rows")."""

    code: int
    crash: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    """Where a kind's file goes and the commands that read it (one is picked per case)."""

    path: str
    commands: tuple[tuple[str, ...], ...]


BATCH = ("batch", "{path}", "-o", "out.jsonl", "-q")
KINDS: dict[str, Kind] = {
    "profile-yaml": Kind(
        "p.yaml",
        (
            ("recommend", "--profile", "p.yaml", "-f", "json", "-o", "out.json"),
            ("explain", "--profile", "p.yaml"),
        ),
    ),
    "profile-json": Kind("p.json", (("recommend", "--profile", "p.json", "-f", "markdown"),)),
    "overlay": Kind(
        "overlay/x.yaml",
        (
            ("rules", "validate", "overlay"),
            ("recommend", "--rules", "overlay", "-a", "audience=beginner", "-f", "json"),
            ("rules", "test", "--rules", "overlay"),
        ),
    ),
    "batch-jsonl": Kind("in.jsonl", (BATCH, (*BATCH[:4], "-f", "csv", "-q"))),
    "batch-csv": Kind("in.csv", (BATCH, (*BATCH[:4], "-f", "table", "-q"))),
    "batch-yaml": Kind("in.yaml", (BATCH,)),
    "batch-json": Kind("in.json", (BATCH, (*BATCH[:4], "-f", "markdown", "-q"))),
    "resume": Kind("state/ask-resume.yaml", (("resume",),)),
    "rules-cache": Kind(
        "cache/rules-slot.json", (("recommend", "-a", "deployment=mobile"), ("cache-read",))
    ),
}


# -- seeds -------------------------------------------------------------------------------------

SEEDS: dict[str, list[bytes]] = {
    "profile-yaml": [
        b"# A lab: researchers on Linux, with custom gradients.\nname: research-lab\n"
        b"description: >-\n  folded\n  text\nanswers:\n  audience: researcher\n"
        b"  deployment: [server, edge]\n  edge_target: 'embedded_linux'\n"
        b'  os: "linux"\n  custom_gradients: true\n',
        b"name: p\nanswers:\n  audience: beginner\n  deployment: [mobile, edge]\n"
        b"  edge_target: microcontroller\n  os: linux\n  custom_gradients: yes\n",
        b"answers: {audience: researcher, os: windows}\ndescription: d\n",
    ],
    "profile-json": [
        b'{"name": "p", "answers": {"audience": "beginner", "deployment": ["mobile"]}}',
        b'{"answers": {"os": "linux", "custom_gradients": "no"}, "description": "x"}',
    ],
    "overlay": [
        (MINI / "scoring.yaml").read_bytes().replace(b"  - id: ", b"  - override: true\n    id: "),
        # the base's cases under names of their own: a case name may be defined once
        (MINI / "tests" / "cases.yaml").read_bytes().replace(b"- name: ", b"- name: overlay-"),
        b"questions:\n  - {id: team, text: Team?, help: h, kind: single, options: "
        b"[{id: a, label: A}]}\n  - {id: deployment, extend: true, options: "
        b"[{id: browser, label: Browser}]}\n"
        b"rules:\n  - id: x\n    when: {any: [{team: a}, {not: {os: linux}}, "
        b"{unanswered: [audience]}]}\n    score: {jax: 1.5, pytorch: -2}\n    because: b\n"
        b"    source: s\n    as_of: 2024-09\n  - {id: mobile-tf, override: true, when: "
        b"{deployment: browser}, dealbreaker: [jax], because: b, source: s}\n"
        b"disable: [server-any]\ncases:\n  - {name: c, answers: {team: a}, expect_winner: jax}\n",
    ],
    "batch-jsonl": [
        b'{"name": "a", "audience": "beginner"}\n{"answers": {"deployment": ["mobile", "edge"],'
        b' "edge_target": "microcontroller"}}\n\n{}\n{"name": 7, "os": "windows"}\n',
    ],
    "batch-csv": [
        b"name,audience,deployment,os\na,beginner,server;mobile,linux\nb,,edge,\n"
        b'"c, quoted",researcher,,windows\n',
    ],
    "batch-yaml": [
        b"- {name: a, audience: beginner}\n- name: b\n  answers: {deployment: [edge], "
        b"edge_target: embedded_linux}\n- {}\n",
        b"alpha: {audience: beginner}\nbeta:\n  answers: {custom_gradients: yes}\n",
        b"name: solo\nanswers: {os: linux}\n",
    ],
    "batch-json": [
        b'[{"name": "a", "audience": "beginner"}, {"answers": {"os": "linux"}}, {}]',
        b'{"alpha": {"audience": "researcher"}, "beta": {"answers": {"os": "windows"}}}',
        b'{"name": "solo", "answers": {"deployment": ["mobile"]}}',
    ],
    "resume": [
        b"# Kept by `recommender ask`\nname: resumed\nanswers:\n  audience: production\n"
        b"  deployment:\n  - mobile\nasked:\n- audience\n- deployment\n- os\n",
    ],
}


def cache_seed() -> bytes:
    """A real rules cache of the mini rule base, as ``load_rules_cached`` writes it."""
    from recommender.rulebase import cache

    rules = cache.load_rules(base=MINI)
    payload = json.dumps(cache._encode(rules), separators=(",", ":"))
    return payload.encode()


# -- mutations -----------------------------------------------------------------------------------

TOKENS = [
    b"!!int ", b"!!float ", b"!!bool ", b"!!timestamp ", b"!!map ", b"!!seq ", b"!!binary ",
    b"!!str ", b"!!null ", b"!!set ", b"!!python/object/apply:os.system ", b"!foo ", b"!<x> ",
    b"&a ", b"*a", b"<<: ", b"? ", b"---\n", b"...\n", b"%YAML 1.1\n", b"%TAG ! x\n",
    b".nan", b".inf", b"-.inf", b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1.0e+400",
    b"0x1F", b"0o17", b"1_000", b"190:20:30", b"2024-13-45", b"2024-02-30T25:61:61Z",
    b"\xed\xa0\x80", b"\\ud800", b"\\udfff", b"\\u0000", b"\xef\xbb\xbf", b"\x00", b"\r",
    b"\r\n", b"\t", b"\xe2\x80\xa8", b"\xf0\x9f\x98\x80", b"\xc3\x28", b"\xff\xfe",
    b"=HYPERLINK(1)", b"+cmd|' /C calc'!A0", b"@SUM(1+1)", b"\x1b[31m", b"yes", b"no", b"~",
    b"null", b"true", b"[]", b"{}", b'""', b"''", b"|\n  x\n", b">-\n  x\n", b"#", b",", b";",
    b":", b'"', b"'", b"\\", b"[", b"]", b"{", b"}", b"- ", b"\n", b"  ",
]  # fmt: skip
DEPTHS = (10, 63, 64, 65, 100, 250, 1000, 30_000)
DIGITS = (99, 100, 101, 4_300, 4_301, 5_000)


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def _token(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + rng.choice(TOKENS) + data[i:]


def _replace(rng: random.Random, data: bytes) -> bytes:
    i, j = sorted((_at(rng, data), _at(rng, data)))
    return data[:i] + rng.choice(TOKENS) + data[min(j, i + 8) :]


def _delete(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + data[i + rng.randint(1, 32) :]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _at(rng, data)]


def _duplicate(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    return b"".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])


def _swap(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return data
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def _nest(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice(DEPTHS)
    opener, closer = rng.choice(((b"[", b"]"), (b"{a: ", b"}"), (b'{"a": ', b"}")))
    if rng.random() < 0.5:
        return opener * depth + data + closer * depth
    i = _at(rng, data)
    return data[:i] + opener * depth + b"1" + closer * depth + data[i:]


def _indent(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice(DEPTHS[:6])
    block = b"".join(b"  " * k + b"k%d:\n" % k for k in range(depth))
    return data + b"\n" + block


def _number(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    digits = b"9" * rng.choice(DIGITS)
    if rng.random() < 0.3:
        digits = b"1." + digits + b"e+" + digits[:4]
    return data[:i] + digits + data[i:]


def _long_line(rng: random.Random, data: bytes) -> bytes:
    i = _at(rng, data)
    return data[:i] + b"x" * rng.choice((1 << 12, 1 << 17, (1 << 20) + 1)) + data[i:]


def _splice(rng: random.Random, data: bytes) -> bytes:
    i, j = sorted((_at(rng, data), _at(rng, data)))
    k = _at(rng, data)
    return data[:k] + data[i:j] + data[k:]


MUTATORS: list[Callable[[random.Random, bytes], bytes]] = [
    _flip, _flip, _token, _token, _token, _replace, _replace, _delete, _truncate, _duplicate,
    _swap, _nest, _indent, _number, _splice, _splice,
]  # fmt: skip
RARE: list[Callable[[random.Random, bytes], bytes]] = [_long_line]


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to four mutations; a line over a megabyte only now and then (it is slow to make)."""
    for _ in range(rng.randint(1, 4)):
        mutator = rng.choice(RARE if rng.random() < 0.01 else MUTATORS)
        data = mutator(rng, data)
    return data


def mutated(seed: int, index: int, kind: str | None = None) -> Case:
    """Case ``index`` of the run seeded ``seed``: the same on every machine and every run. The
    kind is drawn too unless ``kind`` names it (the CI pass runs a share of each kind)."""
    rng = random.Random(f"{seed}:{index}" if kind is None else f"{seed}:{kind}:{index}")
    kind = kind or rng.choice(list(KINDS))
    seeds = SEEDS.get(kind) or [_cache_seed()]
    return Case(kind, mutate(rng, rng.choice(seeds)), rng.randrange(len(KINDS[kind].commands)))


_CACHE: list[bytes] = []


def _cache_seed() -> bytes:
    if not _CACHE:
        _CACHE.append(cache_seed())
    return _CACHE[0]


# -- running ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def scratch(directory: Path, cache: Path | None = None) -> Iterator[Path]:
    """``directory``, emptied, as the working directory and the state directory; the rules
    cache is ``cache`` when given (one kept warm across cases: it is keyed by content), else
    ``directory/cache``."""
    _empty(directory)
    env = {
        "RECOMMENDER_BASE_RULES": str(MINI),
        "RECOMMENDER_CACHE_DIR": str(cache or directory / "cache"),
        "RECOMMENDER_STATE_DIR": str(directory / "state"),
    }
    saved = {k: os.environ.get(k) for k in (*env, "RECOMMENDER_RULES")}
    before = os.getcwd()
    os.environ.update(env)
    os.environ.pop("RECOMMENDER_RULES", None)
    os.chdir(directory)
    try:
        yield directory
    finally:
        os.chdir(before)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _empty(directory: Path) -> None:
    """Remove what the last case left, keeping ``directory`` itself (cheaper than rmtree)."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(directory):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def run_case(case: Case, directory: Path) -> Outcome:
    """Run ``case`` through the real command line in ``directory``; see the module docstring."""
    kind = KINDS[case.kind]
    warm = None if case.kind == "rules-cache" else directory.with_name(directory.name + "-cache")
    with scratch(directory, warm):
        _place(case, kind)
        command = kind.commands[case.variant % len(kind.commands)]
        args = [word.format(path=kind.path) for word in command]
        code, err, got = SPECIAL[args[0]]() if args[0] in SPECIAL else _main(args)
        left = sorted(str(p.relative_to(directory)) for p in directory.rglob("*.tmp"))
    if got:
        return Outcome(-1, f"exception out of main: {got.text}", got.cause)
    if code not in (0, 1, 2):
        crash = f"exit {code}: {err.strip().splitlines()[-1:] or ''}"
        return Outcome(code, crash, _debug_cause(case, directory, args) if code == 3 else None)
    if "Traceback" in err:
        return Outcome(code, "a traceback on stderr", "traceback: " + err.strip()[-200:])
    if left:
        return Outcome(code, f"temporary files left: {left}", f"temporary file: {case.kind}")
    return Outcome(code)


@dataclass(frozen=True, slots=True)
class Escaped:
    """An exception that got out: its one-line text and its root cause."""

    text: str
    cause: str


def escaped(exc: BaseException) -> Escaped:
    """``exc`` as text, and as a root cause: its type at the innermost frame in the project
    (the line that called into a library, when the raise happened inside one)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [
        f for f in frames if f.filename.startswith(str(ROOT)) and "site-packages" not in f.filename
    ] or frames[-1:]
    where = "?"
    if ours:
        frame = ours[-1]
        name = frame.filename
        if name.startswith(str(ROOT)):
            name = os.path.relpath(name, ROOT)
        where = f"{name}:{frame.lineno} in {frame.name}"
    return Escaped(f"{type(exc).__name__}: {exc}"[:300], f"{type(exc).__name__} at {where}")


def _debug_cause(case: Case, directory: Path, args: list[str]) -> str:
    """Run an exit-3 case again under ``--debug``, which lets the exception out, for its cause."""
    with scratch(directory):
        _place(case, KINDS[case.kind])
        _, err, out = _main([*args, "--debug"])
    return out.cause if out else "exit 3: " + (err.strip().splitlines()[-1:] or [""])[0][:200]


def _place(case: Case, kind: Kind) -> None:
    path = Path(kind.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.kind != "rules-cache":
        path.write_bytes(case.data)
        return
    from recommender.rulebase import cache
    from recommender.rulebase.load import rule_files

    slot = Path(cache._slot([str(MINI)]))
    slot.parent.mkdir(parents=True, exist_ok=True)
    if case.variant % 2:  # past the checksum, for the decoder alone (see _cache_read)
        key = cache._key([str(p) for p in rule_files(MINI)])
        meta = {"key": key, "sha256": hashlib.sha256(case.data).hexdigest()}
        slot.write_bytes(json.dumps(meta).encode() + b"\n" + case.data)
    else:  # as a hand edit or a torn write leaves it
        slot.write_bytes(case.data)


def _main(args: list[str]) -> tuple[int, str, Escaped | None]:
    """``main(args)`` with stdin empty and stdout and stderr captured as a console would take
    them (UTF-8, strict, as Python sets them up: ``main`` decides what to replace)."""
    from recommender.cli import main

    streams = sys.stdin, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    got = None
    try:
        code = main(args)
    except BaseException as exc:  # anything that escapes is the finding
        code, got = -1, escaped(exc)
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    err.flush()
    text = err.buffer.getvalue().decode("utf-8", "replace")
    return int(code), text, got


def _resume() -> tuple[int, str, Escaped | None]:
    """``ask --resume`` needs a terminal; what it reads the file with, behind the same boundary."""
    from recommender.ask import resume
    from recommender.errors import UserError
    from recommender.rulebase.cache import load_rules_cached

    try:
        resume.load(load_rules_cached())
    except UserError as exc:
        return 2, str(exc), None
    except BaseException as exc:
        return 3, "", escaped(exc)
    return 0, "", None


def _cache_read() -> tuple[int, str, Escaped | None]:
    """The rules cache's reader on a payload with a valid checksum: a RuleBase or None, never
    an exception. (Scoring a forged payload is out of scope: the checksum is what keeps hand
    edits and torn writes out, and a forger could write any code into the user's files.)"""
    from recommender.rulebase import cache
    from recommender.rulebase.load import rule_files

    key = cache._key([str(p) for p in rule_files(MINI)])
    try:
        cache._read(cache._slot([str(MINI)]), key)
    except BaseException as exc:
        return 3, "", escaped(exc)
    return 0, "", None


SPECIAL: dict[str, Callable[[], tuple[int, str, Escaped | None]]] = {
    "resume": _resume,
    "cache-read": _cache_read,
}
