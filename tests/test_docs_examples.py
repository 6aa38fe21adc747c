"""The README and docs/*.md show real output of real commands: this runs them and compares.

Every fenced block in README.md and docs/*.md with a line ``$ ... recommender ...`` is a
*command block*. Its ``$ `` lines are commands; the lines under each, up to the next ``$ `` line,
are what the command prints (stdout and stderr on one pipe, unbuffered, so in the order a terminal
shows them). Each block is run for real, in order per Markdown file, with ``bash -c`` in a scratch
copy of the checkout's ``recommender/``, ``rules/``, ``examples/`` and ``docs/examples/`` (so paths
print as in the repository root), where ``recommender`` is ``python -m recommender`` on that copy
and ``python3`` this interpreter, with ``COLUMNS=80``, a private ``RECOMMENDER_STATE_DIR``,
``RECOMMENDER_CACHE_DIR`` and ``HOME``, and no ``RECOMMENDER_RULES``.

The conventions, the only ones the comparison knows:

- ``$ cat FILE`` defines FILE: the lines shown under it are written to it (parent folders made);
- ``$ echo $?`` prints the exit status of the command before it;
- a line that is exactly ``...`` in the shown output means "lines omitted here" (none or more):
  the one elision marker. Every other line must equal the real line exactly, except trailing
  blanks, which Markdown cannot show and which are dropped on both sides;
- an HTML comment on the line(s) just before the fence says how to treat the block:
  ``<!-- docs-test: skip (WHY) -->``: not run, counted, WHY required (machine-specific output:
  probe results, timings, a Ray cluster, the network, a terminal);
  ``<!-- docs-test: file PATH -->``: the block is not a command block, it is the content of PATH,
  which the commands after it in that Markdown file read;
  ``<!-- docs-test: env NAME=VALUE -->``: the block's commands run with that variable set
  (``COLUMNS=100`` for a page shown at 100 columns).

A command block without a marker is always run: one whose output cannot be reproduced fails, so it
must be fixed or marked. ``test_flags_exist`` checks every ``recommender`` command, subcommand and
``--flag`` the Markdown names against the real ``--help`` (a benchmark's against its argparse
declarations), and ``test_paths_exist`` every repository path it names.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.values import Value, frozen

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```+|~~~+)")
MARKER = re.compile(
    r"^<!-- docs-test: "
    r"(skip \((?P<why>[^)]+)\)|file (?P<file>\S+)|env (?P<env>\w+=\S*)) -->$"
)
ELIDED = "..."
COPIED = ("recommender", "rules", "examples", "docs/examples")


@frozen
class Block(Value):
    page: Path
    line: int  # the opening fence, 1-based
    body: list[str]
    skip: str | None
    file: str | None
    env: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def commands(self) -> list[tuple[str, list[str]]]:
        """The block as (command, the lines shown under it) pairs."""
        pairs: list[tuple[str, list[str]]] = []
        for text in self.body:
            if text.startswith("$ "):
                pairs.append((text[2:], []))
            elif pairs:
                pairs[-1][1].append(text)
        return pairs

    @property
    def is_command_block(self) -> bool:
        return self.file is None and any(
            re.search(r"(^|[|;&] *)(\w+=\S+ )*recommender\b", c) for c, _ in self.commands
        )


def blocks(page: Path) -> list[Block]:
    """Every fenced block of one page, with the markers on the lines before it."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(opening.group(1)))
        marks = [m for m in (MARKER.match(t) for t in _comments_before(lines, i)) if m]
        env = dict(m["env"].split("=", 1) for m in marks if m["env"])
        skip = next((m["why"] for m in marks if m["why"]), None)
        file = next((m["file"] for m in marks if m["file"]), None)
        found.append(Block(page, i + 1, lines[i + 1 : end], skip, file, env))
        i = end + 1
    return found


def _comments_before(lines: list[str], fence: int) -> list[str]:
    """The ``<!-- docs-test: ... -->`` lines directly above a fence."""
    out = []
    j = fence - 1
    while j >= 0 and lines[j].startswith("<!-- docs-test:"):
        out.append(lines[j])
        j -= 1
    return out


ALL = [b for page in PAGES for b in blocks(page)]
COMMAND_BLOCKS = [b for b in ALL if b.is_command_block]


def test_markers_are_well_formed_and_used():
    """A misspelt marker would silently run (or not skip) a block: every ``docs-test`` comment must
    parse, and a skip must sit on a command block."""
    for page in PAGES:
        for n, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if "docs-test" in text:
                assert MARKER.match(text), f"{page.relative_to(ROOT)}:{n}: bad marker {text!r}"
    for b in ALL:
        if b.skip:
            assert b.is_command_block, f"{b.where}: skip marker on a block that runs nothing"


def test_counts():
    """The inventory, pinned: a new skip marker is a decision to state here, never a quiet way
    around a drift (16: four usage lists, three probe or Ray outputs, six that need the network or a
    local server, three lint runs with timings)."""
    checked = [b.where for b in COMMAND_BLOCKS if not b.skip]
    skipped = [f"{b.where} ({b.skip})" for b in COMMAND_BLOCKS if b.skip]
    print(f"docs command blocks: {len(checked)} checked, {len(skipped)} skipped")
    assert (len(checked), len(skipped)) == (22, 16), "\n".join(skipped)


def matches(shown: list[str], real: list[str]) -> bool:
    """Whether the real lines are the shown ones, a ``...`` line standing for any run of lines."""
    parts: list[list[str]] = [[]]
    for text in shown:
        if text == ELIDED:
            parts.append([])
        else:
            parts[-1].append(text)
    if len(parts) == 1:
        return shown == real
    first, *middle, last = parts
    if real[: len(first)] != first or len(real) < len(first) + len(last):
        return False
    if last and real[-len(last) :] != last:
        return False
    at, stop = len(first), len(real) - len(last)
    for part in middle:  # leftmost-first is exact for a pattern whose only wildcard is "..."
        ends = range(at, stop - len(part) + 1)
        hit = next((k for k in ends if real[k : k + len(part)] == part), None)
        if hit is None:
            return False
        at = hit + len(part)
    return True


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A copy of the checkout's package, rules and examples, and a ``recommender`` on PATH."""
    base = tmp_path_factory.mktemp("docs")
    for part in COPIED:
        shutil.copytree(ROOT / part, base / part, ignore=shutil.ignore_patterns("__pycache__"))
    bin_dir = base / ".bin"
    bin_dir.mkdir()
    for name, call in (("recommender", "-m recommender"), ("python3", "")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" {call} "$@"\n')
        shim.chmod(0o755)
    return base


def _env(base: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECOMMENDER_", "PYTHON"))}
    env.update(
        PATH=f"{base / '.bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(base),
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",  # stdout and stderr interleave as on a terminal, not as buffers flush
        COLUMNS="80",
        HOME=str(base / ".home"),
        RECOMMENDER_STATE_DIR=str(base / ".state"),
        RECOMMENDER_CACHE_DIR=str(base / ".cache"),
    )
    env.update(extra)
    return env


def _lines(text: str) -> list[str]:
    return [t.rstrip() for t in text.splitlines()]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_shown_output_is_real(page, scratch, tmp_path):
    """Each command block of a page, run in order, prints exactly what the page shows."""
    work = tmp_path / "cwd"
    shutil.copytree(scratch, work, symlinks=True)
    failures, ran = [], 0
    for b in blocks(page):
        if b.file:
            (work / b.file).parent.mkdir(parents=True, exist_ok=True)
            (work / b.file).write_text("\n".join(b.body) + "\n", encoding="utf-8")
            continue
        if not b.is_command_block or b.skip:
            continue
        ran += 1
        failures += _run_block(b, work)
    assert not failures, "\n\n".join(failures)
    print(f"{page.name}: {ran} blocks checked")


def _run_block(b: Block, work: Path) -> list[str]:
    failures = []
    status = 0
    for command, shown in b.commands:
        define = re.fullmatch(r"cat (\S+)", command)
        if define:
            (work / define[1]).parent.mkdir(parents=True, exist_ok=True)
            (work / define[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
            continue
        if command == "echo $?":
            real = [str(status)]
        else:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=work,
                env=_env(work, b.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
            status = done.returncode
            real = _lines(done.stdout.decode("utf-8", "replace"))
        want = [t.rstrip() for t in shown]
        if not matches(want, real):
            failures.append(
                f"{b.where}: $ {command}\n--- shown\n{chr(10).join(want)}\n"
                f"--- real\n{chr(10).join(real)}"
            )
    return failures


# --- what the prose names must exist -----------------------------------------------------------

COMMANDS = (
    "recommend",
    "batch",
    "ask",
    "explain",
    "rules",
    "probe",
    "questions",
    "schema",
    "compare",
)
RULES_SUB = ("list", "show", "validate", "lint", "test", "freshness")


def _help(*words: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOMMENDER_")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="200")
    done = subprocess.run(
        [sys.executable, "-m", "recommender", *words, "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"recommender {' '.join(words)} --help: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def helps() -> dict[tuple[str, ...], set[str]]:
    """Each command's flags, from its real ``--help``, and its formats as ``--format=NAME``."""
    out: dict[tuple[str, ...], set[str]] = {}
    keys = [(c,) for c in COMMANDS] + [("rules", s) for s in RULES_SUB]
    for key in keys:
        text = _help(*key)
        out[key] = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*|-[a-zA-Z])\b", text))
        formats = re.search(r"--format \{([^}]*)\}", text)
        out[key] |= {f"--format={f}" for f in formats[1].split(",")} if formats else set()
    return out


def _mentions(text: str) -> list[str]:
    """Command lines the Markdown shows: ``$ `` lines and inline code naming a command."""
    found = [t[2:] for t in text.splitlines() if t.startswith("$ ")]
    found += [t for t in text.splitlines() if re.match(r"(\w+=\S+ )*recommender ", t)]  # usage
    found += re.findall(r"`([^`\n]+)`", text)
    return found


def _invocations(text: str) -> list[list[str]]:
    """The word lists after ``recommender`` (or a bare command name at the start of inline code)."""
    out = []
    for line in _mentions(text):
        for piece in re.split(r"[|;&]|\$\(", line.split(" #")[0]):
            words = piece.split()
            if "recommender" in words:
                words = words[words.index("recommender") + 1 :]
            elif not (words[:1] and words[0] in COMMANDS and words[1:2]):
                continue  # a lone `recommend` in prose
            elif words[0] != "rules" and not any(w[0] == "-" for w in words[1:]):
                continue  # `ask the team`: prose in code font, not a command line
            out.append(words)
    return out


def _command_of(words: list[str]) -> tuple[str, ...] | None:
    plain = [w for w in words if not w.startswith("-")]
    if not plain or plain[0] not in COMMANDS:
        return None
    if plain[0] == "rules" and len(plain) > 1 and plain[1] in RULES_SUB:
        return ("rules", plain[1])
    return (plain[0],)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_flags_exist(page, helps):
    """Every ``recommender COMMAND --flag`` the page shows is in that command's real ``--help``, and
    every other ``--flag`` it names is a flag of some command."""
    text = page.read_text(encoding="utf-8")
    wrong = []
    for words in _invocations(text):
        first = next((w for w in words if not w.startswith("-")), None)
        if first is None or first.startswith(("<", "…", "...", "[")) or first == "COMMAND":
            continue
        key = _command_of(words)
        if key is None:
            wrong.append(f"recommender {' '.join(words)}: no command {first!r}")
            continue
        sub = words[1] if len(words) > 1 else ""
        if key == ("rules",) and sub not in RULES_SUB and sub[:1].isalpha():
            wrong.append(f"recommender {' '.join(words)}: no rules subcommand {words[1]!r}")
        for w in words:
            for flag in re.findall(r"^\[?(--[a-z][\w-]*|-[a-zA-Z])(?![\w-])", w):
                if flag not in helps[key]:
                    wrong.append(f"recommender {' '.join(words)}: {' '.join(key)} has no {flag}")
        for value in re.findall(r"(?:-f|--format)[ =](\w+)", " ".join(words)):
            if f"--format={value}" not in helps[key]:
                wrong.append(f"recommender {' '.join(words)}: {' '.join(key)} writes no {value}")
    for script, words in re.findall(r"(benchmarks/\w+\.py)((?: +[^ `$|;]+)*)", text):
        declared = _script_flags(script)
        for w in words.split():
            if w.startswith("--") and w not in declared:
                wrong.append(f"{script}: no {w}")
    every = set().union(*helps.values(), *map(_script_flags, BENCHMARKS), INTERNAL)
    for span in re.findall(r"`([^`\n]+)`", text):
        first = span.split()[0]
        if first.startswith("-") or first in ("recommender", *COMMANDS):
            for flag in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", span):
                if flag not in every:
                    wrong.append(f"`{span}`: no command has {flag}")
    assert not wrong, f"{page.relative_to(ROOT)}:\n" + "\n".join(sorted(set(wrong)))


BENCHMARKS = sorted(f"benchmarks/{p.name}" for p in (ROOT / "benchmarks").glob("*.py"))


# The probe's children take flags of their own (``--out``), which docs/probe.md names.
INTERNAL = {
    flag
    for path in (ROOT / "recommender").rglob("*.py")
    for flag in re.findall(r'add_argument\(\s*"(--[\w-]+)"', path.read_text(encoding="utf-8"))
}


def _script_flags(script: str) -> set[str]:
    """A benchmark's flags, as its argparse declares them."""
    path = ROOT / script
    source = path.read_text(encoding="utf-8") if path.exists() else ""
    return set(re.findall(r'add_argument\("(--[\w-]+)"', source))


PATH_NAMED = re.compile(
    r"(?<![\w./-])((?:docs|examples|benchmarks|rules|recommender|tests|scripts)/[\w./-]*[\w/])"
)
# A line citing another GitHub repository ("jax-ml/jax", "`google/tunix`", "maxtext `docs/...`" in
# docs/knowledge.md) names that repository's paths, not ours.
ELSEWHERE = re.compile(
    r"(?<![\w./-])`?(?!(?:docs|examples|benchmarks|rules|recommender|tests|scripts)/)"
    r"[A-Za-z][\w.-]*/[A-Za-z][\w.-]*`? [`(\w]|\bmaxtext `"
)
LINKED = re.compile(r"\]\(([^)#\s]+)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_paths_exist(page):
    """Every repository path the page names, in prose or a link, is in the checkout."""
    text = page.read_text(encoding="utf-8")
    missing = []
    for line in text.splitlines():
        if ELSEWHERE.search(line):
            continue  # a citation of another repository's files (docs/knowledge.md)
        for path in PATH_NAMED.findall(line):
            if not (ROOT / path).exists() and not (page.parent / path).exists():
                missing.append(path)
    for link in set(LINKED.findall(text)):
        if "://" not in link and not (page.parent / link).exists():
            missing.append(link)
    assert not missing, f"{page.relative_to(ROOT)} names missing paths: {sorted(missing)}"


DOTTED = re.compile(r"`(recommender(?:\.\w+)+)")


RESOLVE = """
import importlib, sys
for name in sys.argv[1:]:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr, RESOLVE)
        break
    else:
        found = RESOLVE
    if found is RESOLVE:
        print(name)
"""


def _unresolved(names: list[str]) -> list[str]:
    """The dotted names that are neither a module nor something in one. In a child: importing
    ``recommender.__main__`` takes the stop signals, which this process must keep."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOMMENDER_")}
    env["PYTHONPATH"] = str(ROOT)
    code = "RESOLVE = object()\n" + RESOLVE
    done = subprocess.run(
        [sys.executable, "-c", code, *names], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dotted_names_exist(page):
    """Every ``recommender.x.y`` the page names is a module or something in one."""
    text = page.read_text(encoding="utf-8")
    missing = _unresolved(sorted(set(DOTTED.findall(text))))
    assert not missing, f"{page.relative_to(ROOT)} names missing modules or objects: {missing}"
