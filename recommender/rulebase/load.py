"""Load the shipped rule files and any overlay directories into one validated :class:`RuleBase`.

Overlays (``--rules DIR``, ``RECOMMENDER_RULES``) are read after the shipped base, in order. They
may add questions, options (``extend: true``), frameworks and rules, replace a question, framework
or rule by id (``override: true``) and switch rules off (``disable: [id, ...]``). Anything else that
reuses an id is an error that names both places. Every problem in every file is collected and
reported in one pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from recommender.errors import UserError, UserErrors, did_you_mean
from recommender.fileio import count_as_input, dangling, file_kind, shown_name
from recommender.rulebase import schema
from recommender.rulebase.conditions import Always, Condition, compile_condition
from recommender.rulebase.model import (
    Case,
    Companion,
    DeployRoutes,
    Fact,
    Framework,
    HardwareRoute,
    Need,
    Option,
    Origin,
    PackageClaim,
    Question,
    Route,
    Rule,
    RuleBase,
)
from recommender.rulebase.profiles import normalize_answers
from recommender.rulebase.yamlio import Map, Seq, load_yaml

YES_NO = (Option("yes", "Yes"), Option("no", "No"))
FIRST = ("questions.yaml", "frameworks.yaml")  # read first, so rules can refer to what they define
LOOP = (
    "symlink loop: the link leads back to itself, never to a file; point it at a rule file or "
    "remove it"
)
OVERLAY_HOLDS = (
    "an overlay holds only new questions, frameworks, rules and cases, or replacements marked "
    "`override: true`"
)
BASE_AGAIN = (
    "is the shipped rule base, which is always read; drop it from --rules and RECOMMENDER_RULES "
    f"({OVERLAY_HOLDS})"
)
COPY_MIN = 5  # fewer duplicates than this are listed one by one: each line is then the clearest


def shipped_rules_dir() -> Path:
    """The base rule set: ``RECOMMENDER_BASE_RULES`` if set (a seam for testing the engine on other
    knowledge), else the rules that ship with the package: the installed copy inside it (where
    ``pyproject.toml``'s package-dir puts them), or the checkout's ``rules/``.

    The installed copy is looked for on disk first, as the checkout's is: ``importlib.resources``
    costs ~15 ms to import (tempfile, shutil, zipfile), a fifth of ``recommend``'s startup bar
    (``benchmarks/bench_recommend.py``), so only an install without plain files (a zip) pays it.
    """
    if os.environ.get("RECOMMENDER_BASE_RULES"):
        return Path(os.environ["RECOMMENDER_BASE_RULES"])
    package = Path(__file__).resolve().parents[1]
    for rules in (package / "rules", package.parent / "rules"):
        if rules.is_dir():
            return rules
    from importlib.resources import files

    return Path(str(files("recommender") / "rules"))


def rule_files(directory: Path, cases: bool = True) -> list[Path]:
    """The YAML files (``*.yaml``, ``*.yml``) of one rules directory, definitions first, then
    (``cases``) the tests. A directory that cannot be read is an error, never an empty one; so
    is one that holds no rule file, here or in its ``tests/``: ``--rules DIR`` naming the folder
    above the rules, or rules saved as ``.YAML`` or ``.json``, was an empty overlay, every
    recommendation the shipped one, exit 0.

    Without ``cases`` the tests are left unread, but they are still the overlay's: each counts
    as an input, so that no ``-o`` replaces one (only ``rules test`` reads them)."""
    if not directory.exists():
        missing = dangling(directory) or "rules directory not found"
        raise UserError(f"{missing} (give a directory holding *.yaml rule files)", str(directory))
    if not directory.is_dir():
        raise UserError(_not_a_directory(directory), str(directory))
    main = sorted(
        yaml_files(directory),
        key=lambda p: (p.name not in FIRST, FIRST.index(p.name) if p.name in FIRST else 0, p.name),
    )
    try:
        tests = sorted(yaml_files(directory / "tests"))
    except UserError:
        if cases:
            raise
        tests = []  # tests/ is not read: no error of its own
    if not main and not tests:
        raise UserError(NO_RULE_FILE, str(directory))
    if not cases:
        for path in tests:
            count_as_input(path)
    return [*main, *tests] if cases else main


NO_RULE_FILE = (
    "holds no rule file (*.yaml or *.yml, here or in tests/); give the directory that holds them"
)


def _not_a_directory(path: Path) -> str:
    """What to say of ``--rules PATH`` that is no directory: ``/dev/zero`` or a FIFO was called
    "a file" and sent to ``rules validate``, which refuses it in turn."""
    with contextlib.suppress(OSError):
        what = file_kind(path.stat().st_mode)
        if what != "a regular file":
            return f"is {what}; give a directory holding *.yaml rule files"
    return "is a file; give the directory that holds it (or `rules validate FILE`)"


def yaml_files(directory: Path) -> list[Path]:
    """The ``*.yaml`` and ``*.yml`` files directly in ``directory`` (none when it is missing);
    UserError when it cannot be read (``Path.glob`` would say nothing)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise UserError(f"cannot read the directory: {exc.strerror}", str(directory)) from None
    return [directory / n for n in names if n.endswith((".yaml", ".yml"))]


def load_rules(
    *overlays: str | os.PathLike[str],
    base: str | os.PathLike[str] | None = None,
    files: Sequence[str | os.PathLike[str]] | None = None,
    cases: bool = True,
) -> RuleBase:
    """Load and validate the rule base: ``base`` (default: shipped) plus ``overlays``, in order.

    ``files`` loads exactly those files instead (used by ``rules validate PATH``); ``cases=False``
    leaves out the example cases of ``tests/`` (only ``rules test`` reads them).
    """
    if files is None:
        seen: set[str] = set()
        dirs = rule_dirs(overlays, base)
        paths = [p for d in dirs for p in rule_files(d, cases) if first_time(p, seen)]
    else:
        paths = [Path(f) for f in files]
    builder = _Builder()
    for path in paths:
        builder.add_file(display(path))
    rules = builder.finish()
    cycles = follow_up_cycles(rules)
    if cycles:
        raise UserErrors(cycles) if len(cycles) > 1 else cycles[0]
    return rules


def rule_dirs(
    overlays: Sequence[str | os.PathLike[str]], base: str | os.PathLike[str] | None = None
) -> list[Path]:
    """The base directory, then each overlay once. An overlay that is the base itself
    (``--rules rules`` in the checkout, or its absolute path) is refused with one line: read
    twice, every id in it was a duplicate of itself, a hundred lines naming one place twice.
    One given twice (``--rules D`` and ``RECOMMENDER_RULES=D``) is read once, as asked."""
    dirs = [Path(base) if base is not None else shipped_rules_dir()]
    base_key = _dir_key(dirs[0])
    seen = {base_key}  # one key per directory: comparing each overlay with every other was
    for overlay in map(Path, overlays):  # quadratic, 20 s for 2,000 in RECOMMENDER_RULES
        key = _dir_key(overlay)
        if key == base_key:
            raise UserError(BASE_AGAIN, str(overlay))
        if key not in seen:
            seen.add(key)
            dirs.append(overlay)
    return dirs


def _dir_key(path: Path) -> tuple[int, int] | str:
    """What tells one directory from another: its device and inode (``samefile``'s test), or
    for one that cannot be reached, its path as given (its reader says what is wrong)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return os.fspath(path)
    return st.st_dev, st.st_ino


def file_key(path: Path) -> str:
    """The file a path names; a path that does not resolve (a symlink loop) is only itself, and
    loading it reports the loop."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def first_time(path: Path, seen: set[str]) -> bool:
    """Whether ``path`` names a file not yet in ``seen`` (then noted there): an overlay's link to
    a base file is that file, read once. A set, not a scan of the files taken: 2,000 overlay
    files took minutes, each resolved against every other."""
    key = file_key(path)
    if key in seen:
        return False
    seen.add(key)
    return True


def follow_up_cycles(rules: RuleBase) -> list[UserError]:
    """Follow-ups ``ask`` can never reach: a question whose ``ask_when`` reads its own answer, or
    questions whose ``ask_when`` read each other's, directly or through a chain. One error per
    cycle, at the ``ask_when`` of its first question in file order.

    Every load looks for them, so that no command uses a rule base ``rules validate`` refuses;
    with the rules cache that is once per change of the rule files, and the table it builds is
    the one scoring then uses (about 3 ms on the shipped rules)."""
    if all(q.ask_when is None for q in rules.questions):
        return []
    from recommender.scoring.table import table_for  # the one walk over conditions

    table = table_for(rules)
    ids = frozenset(q.id for q in rules.questions)
    reads = {q.id: table.reads(q.ask_when) & ids for q in rules.questions if q.ask_when is not None}
    errors, seen = [], set()
    for q in rules.questions:
        cycle = _cycle(q.id, reads) if q.id not in seen else []
        seen.update(cycle)
        if cycle:
            chain = " → ".join(f'"{qid}"' for qid in [*cycle, q.id])
            why, who, one = (
                ("its ask_when reads its own answer", "it", "its")
                if len(cycle) == 1
                else ("each ask_when reads the next question's answer", "them", "one")
            )
            message = (
                f"follow-up cycle: {chain} ({why}), so `ask` can never reach {who}; "
                f"make {one} ask_when read an earlier question instead"
            )
            errors.append(UserError(message, *_where(q)))
    return errors


def _where(q: Question) -> tuple[str | None, int | None, int | None]:
    """The file, line and column of ``q``'s ``ask_when`` (of ``q`` when that is not known)."""
    if q.origin is None:
        return None, None, None
    line, col = getattr(q.raw_ask_when, "pos", None) or (q.origin.line, q.origin.col)
    return q.origin.file, line, col


def _cycle(start: str, reads: Mapping[str, frozenset[str]]) -> list[str]:
    """The shortest chain of questions from ``start`` whose ``ask_when`` reads lead back to it
    (``start`` first), or [] when none does."""
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        qid = queue.popleft()
        for read in sorted(reads.get(qid, ())):
            if read == start:
                chain = [qid]
                while chain[-1] != start:
                    chain.append(came[chain[-1]])
                return chain[::-1]
            if read not in came:
                came[read] = qid
                queue.append(read)
    return []


def display(path: Path) -> Path:
    """A path relative to the working directory when it lies below it: shorter messages. A path
    that does not resolve (a symlink loop: RuntimeError, or OSError from Python 3.13) is shown as
    given; reading it reports the problem. A file that is a symlink keeps its own name: resolved,
    a dangling one was "rules/missing.yaml: no such file", a name ``ls`` does not list, and an
    error in a linked file named the target, not the file of the overlay."""
    try:
        return (path.parent.resolve() / path.name).relative_to(Path.cwd())
    except (ValueError, OSError, RuntimeError):
        return path


def _home(file: str) -> str:
    """The rules directory a rule file belongs to: its folder, or the one above ``tests/``."""
    folder = os.path.dirname(file) or "."
    return os.path.dirname(folder) or "." if os.path.basename(folder) == "tests" else folder


def symlink_loop(path: Path) -> bool:
    """Whether ``path`` is a symlink that never reaches a file (itself, or links that point at
    each other): for the message, on the error path only."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _origin(file: str, node: Any) -> Origin:
    line, col = getattr(node, "pos", (1, 1))
    return Origin(file, line, col)


def _good(doc: dict[str, Any], key: str, file: str) -> list[Map]:
    """The items under ``key`` that fit their shape on their own (the rest are already reported)."""
    items = doc.get(key, [])
    if not isinstance(items, list):
        return []
    return [
        item
        for item in items
        if not schema.check({key: [item]}, {key: schema.RULE_FILE[key]}, file, "")
    ]


def _lint(item: Map) -> tuple[tuple[str, ...], str]:
    """(checks allowed, reason) from an item's ``lint: {allow: [...], reason: ...}``."""
    acknowledged = item.get("lint") or {}
    return tuple(acknowledged.get("allow", ())), _text(acknowledged.get("reason"))


def _package(p: Map, file: str) -> PackageClaim:
    return PackageClaim(
        p["package"], p["status"], _text(p["as_of"]), p["claim"], p["source"], _origin(file, p)
    )


def _at(items: Any, index: int, item: Map) -> tuple[int, int]:
    """The position of ``items[index]``, or of the item holding the list."""
    return items.at(index) if isinstance(items, Seq) else item.pos


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _option(o: Map) -> Option:
    return Option(o["id"], o["label"], _text(o.get("help")), o.get("exclusive") is True)


class _Builder:
    """Collects definitions file by file, then compiles conditions once every question is known."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []
        self.questions: dict[str, tuple[Map, str]] = {}
        self.extra_options: dict[str, list[tuple[Map, str]]] = {}
        self.frameworks: dict[str, tuple[Map, str]] = {}
        self.rules: dict[str, tuple[Map, str]] = {}
        self.disable: list[tuple[str, str, tuple[int, int]]] = []
        self.cases: list[tuple[Map, str]] = []
        self.needs: dict[str, tuple[Map, str]] = {}
        self.packages: dict[str, tuple[Map, str]] = {}
        self.deploy: list[tuple[Map, str]] = []
        self.hardware: list[tuple[Map, str]] = []
        self.broken_rules: set[str] = (
            set()
        )  # rules with schema errors: kept for ids and references only
        self.files: list[str] = []
        self.defined: dict[str, int] = {}  # per file: the items it defines by id or name
        self.again: dict[str, list[tuple[UserError, str, str]]] = {}  # its duplicates

    def add_file(self, path: Path) -> None:
        name = shown_name(path)  # ``-``: a rule file on standard input, ``<stdin>``
        try:
            doc = load_yaml(path)
        except UserError as exc:
            self.errors.append(UserError(LOOP, name) if symlink_loop(path) else exc)
            return
        self.files.append(name)
        problems = schema.check(doc, schema.RULE_FILE, name, "rule file")
        self.errors.extend(problems)
        if not isinstance(doc, dict):
            return
        # One bad item must not hide the others: every well-formed item is still loaded, so its
        # references are checked in the same pass and nothing that refers to it fails in a cascade.
        for q in _good(doc, "questions", name):
            self._add_question(q, name)
        for f in _good(doc, "frameworks", name):
            self._add(self.frameworks, f, name, "framework")
        good = {id(g) for g in _good(doc, "rules", name)}  # a set: one look a rule, not a walk
        for r in doc.get("rules", []) if isinstance(doc.get("rules"), list) else []:
            if isinstance(r, Map) and schema.ident(r.get("id")) is None:
                self._add(self.rules, r, name, "rule")
                if id(r) not in good:
                    self.broken_rules.add(r["id"])
        ids = doc.get("disable", [])
        if not schema.check(
            {"disable": ids}, {"disable": schema.RULE_FILE["disable"]}, name, "rule file"
        ):
            self.disable.extend((rid, name, ids.at(i)) for i, rid in enumerate(ids))
            if ids:  # nor this
                self.defined[name] = self.defined.get(name, 0) + len(ids)
        self.cases.extend((c, name) for c in _good(doc, "cases", name))
        for n in _good(doc, "needs", name):
            self._add(self.needs, n, name, "need")
        for p in _good(doc, "packages", name):
            self._add(self.packages, p, name, "package claim", key="package")
        # the stack: a later file's entries come first, so an overlay's routes win
        self.deploy[:0] = [(d, name) for d in _good(doc, "deploy", name)]
        self.hardware[:0] = [(h, name) for h in _good(doc, "hardware", name)]

    def _add_question(self, q: Map, file: str) -> None:
        if q.get("extend"):
            self.extra_options.setdefault(q["id"], []).append((q, file))
            self.defined[file] = self.defined.get(file, 0) + 1  # its own: no copy does this
            return
        missing = [k for k in ("text", "help", "kind") if k not in q]
        if missing:
            self.errors.append(
                UserError(f'question "{q["id"]}" is missing "{missing[0]}"', file, *q.pos)
            )
        elif q["kind"] != "yes_no" and not q.get("options"):
            self.errors.append(
                UserError(f'question "{q["id"]}" ({q["kind"]}) needs options', file, *q.pos)
            )
        self._add(self.questions, q, file, "question")

    def _add(
        self, table: dict[str, tuple[Map, str]], item: Map, file: str, what: str, key: str = "id"
    ) -> None:
        key = item[key]
        self.defined[file] = self.defined.get(file, 0) + 1
        if key in table and not item.get("override"):
            first = _origin(table[key][1], table[key][0])
            self._duplicate(
                UserError(
                    f'duplicate {what} id "{key}" (first defined at {first}); '
                    f"add `override: true` to replace it on purpose",
                    file,
                    *item.pos,
                ),
                f'{what} id "{key}"',
                first.file,
            )
            return
        if item.get("override") and key not in table:
            self.errors.append(
                UserError(
                    f'{what} "{key}" has `override: true` but overrides nothing'
                    + did_you_mean(key, table),
                    file,
                    *item.pos,
                )
            )
        table[key] = (item, file)

    def _duplicate(self, error: UserError, what: str, first: str) -> None:
        """A duplicate id, noted per file: a file or directory made only of them is a copy."""
        self.errors.append(error)
        self.again.setdefault(error.file or "", []).append((error, what, first))

    def _copies(self) -> None:
        """A copy of earlier rule files (the shipped base copied into an overlay, say after
        ``pip install`` put the base in site-packages) is one line, not one per id: every id
        in it was a duplicate, a hundred lines saying one thing. A directory whose every file
        with ids is such a copy is one line; so is a lone copied file."""
        copied = [f for f, again in self.again.items() if len(again) == self.defined.get(f)]
        groups: dict[str, list[str]] = {}
        for f in copied:
            groups.setdefault(_home(f), []).append(f)
        for home, files in groups.items():
            mine = [f for f in self.defined if _home(f) == home]
            whole = len(files) > 1 and sorted(files) == sorted(mine)
            for where in [files] if whole else [[f] for f in files]:
                if sum(len(self.again[f]) for f in where) >= COPY_MIN:
                    self._copy(where, home if whole else None)

    def _copy(self, files: list[str], home: str | None) -> None:
        again = [d for f in files for d in self.again[f]]
        gone = {id(e) for e, _, _ in again}
        self.errors = [e for e in self.errors if id(e) not in gone]
        first, what, _ = again[0]
        origins = sorted({_home(o) for _, _, o in again})
        of = f"{origins[0]}/" if len(origins) == 1 else "earlier rule files"
        message = (
            f"looks like a copy of {of}: all {len(again)} of its ids and case names are "
            f"defined there already (the first: {what}); {OVERLAY_HOLDS}"
        )
        where = (home,) if home is not None else (first.file, first.line, first.col)
        self.errors.append(UserError(message, *where))

    def finish(self) -> RuleBase:
        listed = self._questions()
        options = {q.id: frozenset(q.option_ids) for q in listed}
        questions = tuple(self._with_ask_when(q, options) for q in listed)
        frameworks = tuple(
            self._framework(f, file, options) for f, file in self.frameworks.values()
        )
        framework_ids = [f.id for f in frameworks]
        disabled = self._disabled()
        rules = tuple(
            self._rule(r, file, options, framework_ids)
            for rid, (r, file) in self.rules.items()
            if rid not in disabled
        )
        rules = tuple(r for r in rules if r.id not in self.broken_rules)
        cases = self._cases(RuleBase(questions, frameworks, ()))
        deploy = tuple(self._deploy(d, file, options, framework_ids) for d, file in self.deploy)
        hardware = tuple(
            self._hardware(h, file, options, framework_ids) for h, file in self.hardware
        )
        needs = tuple(
            self._need(n, file, options, framework_ids) for n, file in self.needs.values()
        )
        if not frameworks and not self.errors:
            self.errors.append(UserError("no frameworks defined (expected a frameworks.yaml)"))
        self._copies()
        if self.errors:
            order = {f: i for i, f in enumerate(self.files)}
            errors = sorted(
                self.errors,
                key=lambda e: (order.get(e.file or "", len(order)), e.line or 0, e.col or 0),
            )
            raise UserErrors(errors) if len(errors) > 1 else errors[0]
        packages = tuple(_package(p, file) for p, file in self.packages.values())
        return RuleBase(
            questions,
            frameworks,
            rules,
            cases,
            tuple(self.files),
            tuple(sorted(disabled)),
            needs,
            packages,
            deploy,
            hardware,
        )

    def _stack_refs(
        self, item: Map, file: str, options: dict, framework_ids: list[str], key: str, question: str
    ) -> Condition | None:
        """Check a stack entry's framework and option, and compile its ``when``."""
        fid, value = item["framework"], item[key]
        if fid not in framework_ids:
            hint = did_you_mean(fid, framework_ids)
            section = "deploy" if key == "target" else "hardware"
            message = f'{section} entry: unknown framework "{fid}"{hint}'
            self.errors.append(UserError(message, file, *item.at("framework")))
        valid = options.get(question, frozenset())
        if question in options and value not in valid:
            hint = did_you_mean(value, valid)
            message = f'{key}: "{value}" is not an option of question "{question}"{hint}'
            self.errors.append(UserError(message, file, *item.at(key)))
        if "when" not in item:
            return None
        return self._condition(item["when"], file, item.at("when"), options)

    def _deploy(self, d: Map, file: str, options: dict, framework_ids: list[str]) -> DeployRoutes:
        when = self._stack_refs(d, file, options, framework_ids, "target", "deployment")
        routes = tuple(
            Route(
                r["runtime"],
                r["path"],
                r["support"],
                r["source"],
                _text(r["as_of"]),
                _text(r.get("note")),
                tuple(r.get("packages", [])),
            )
            for r in d["routes"]
        )
        return DeployRoutes(d["framework"], d["target"], routes, when, _origin(file, d))

    def _hardware(
        self, h: Map, file: str, options: dict, framework_ids: list[str]
    ) -> HardwareRoute:
        when = self._stack_refs(h, file, options, framework_ids, "answer", "hardware")
        return HardwareRoute(
            h["framework"],
            h["answer"],
            h["route"],
            h["support"],
            h["source"],
            _text(h["as_of"]),
            _text(h.get("note")),
            tuple(h.get("packages", [])),
            when,
            _origin(file, h),
        )

    def _need(self, n: Map, file: str, options: dict, framework_ids: list[str]) -> Need:
        for fid in n["checks"]:
            if fid not in framework_ids:
                self.errors.append(
                    UserError(
                        f'need "{n["id"]}": unknown framework "{fid}"'
                        f"{did_you_mean(fid, framework_ids)}",
                        file,
                        *n["checks"].key_at(fid),
                    )
                )
        when = self._condition(n["when"], file, n.at("when"), options)
        return Need(n["id"], when, n["need"], dict(n["checks"]), n["source"], _origin(file, n))

    def _questions(self) -> list[Question]:
        out = []
        for qid, (q, file) in self.questions.items():
            opts = (
                YES_NO
                if q.get("kind") == "yes_no"
                else tuple(_option(o) for o in q.get("options", []))
            )
            for extra, _file in self.extra_options.pop(qid, []):
                opts += tuple(_option(o) for o in extra.get("options", []))
            seen: set[str] = set()
            for o in opts:
                if o.id in seen:
                    self.errors.append(
                        UserError(f'question "{qid}" has option "{o.id}" twice', file, *q.pos)
                    )
                seen.add(o.id)
            out.append(
                Question(
                    qid,
                    _text(q.get("text")),
                    _text(q.get("help")),
                    _text(q.get("kind")),
                    opts,
                    None,
                    _origin(file, q),
                    *_lint(q),
                )
            )
        for qid, extras in self.extra_options.items():
            extra, file = extras[0]
            self.errors.append(
                UserError(
                    f'`extend: true` on unknown question "{qid}"'
                    f"{did_you_mean(qid, self.questions)}",
                    file,
                    *extra.pos,
                )
            )
        return out

    def _condition(self, raw: Any, file: str, pos: tuple[int, int], options: dict) -> Condition:
        return compile_condition(raw, options, file, pos, self.errors)

    def _with_ask_when(self, q: Question, options: dict) -> Question:
        raw, file = self.questions[q.id]
        if "ask_when" not in raw:
            return q
        cond = self._condition(raw["ask_when"], file, raw.at("ask_when"), options)
        return dataclasses.replace(q, ask_when=cond, raw_ask_when=raw["ask_when"])

    def _framework(self, f: Map, file: str, options: dict) -> Framework:
        companions = tuple(
            Companion(
                c["id"],
                c["name"],
                c["status"],
                _text(c["status_as_of"]),
                c["source"],
                _text(c.get("package")),
                _text(c.get("note")),
                self._condition(c["pick_when"], file, c.at("pick_when"), options)
                if "pick_when" in c
                else None,
                _origin(file, c),
            )
            for c in f.get("companions", [])
        )
        facts = tuple(
            Fact(
                x["id"],
                x["claim"],
                x["status"],
                _text(x["as_of"]),
                x["source"],
                _text(x.get("correction")),
                dict(x.get("versions", {})),
                tuple(x.get("packages", [])),
                _origin(file, x),
            )
            for x in f.get("facts", [])
        )
        for x in f.get("facts", []):
            if x["status"] != "current" and not x.get("correction"):
                self.errors.append(
                    UserError(
                        f'fact "{x["id"]}" is {x["status"]} but has no "correction" '
                        "(say what is true now, with its source)",
                        file,
                        *x.pos,
                    )
                )
        table = {k: {kk: str(vv) for kk, vv in v.items()} for k, v in f.get("table", {}).items()}
        return Framework(
            f["id"],
            f["name"],
            f["developed_by"],
            tuple(f.get("packages", [])),
            table,
            companions,
            facts,
            _origin(file, f),
            *_lint(f),
        )

    def _disabled(self) -> set[str]:
        ids = set()
        for rid, file, pos in self.disable:
            if rid not in self.rules:
                self.errors.append(
                    UserError(
                        f'disable: unknown rule id "{rid}"'
                        + did_you_mean(rid, self.rules, "recommender rules list"),
                        file,
                        *pos,
                    )
                )
            ids.add(rid)
        return ids

    def _rule(self, r: Map, file: str, options: dict, framework_ids: list[str]) -> Rule:
        """The compiled rule; one with schema errors has its references checked, then is dropped."""
        if "score" not in r and "dealbreaker" not in r:
            self.errors.append(
                UserError(f'rule "{r["id"]}" is missing "score" (or "dealbreaker")', file, *r.pos)
            )
        score, breakers = r.get("score"), r.get("dealbreaker")
        score = score if isinstance(score, Map) else Map()
        breakers = breakers if isinstance(breakers, list) else []
        named = [(fid, score.key_at(fid)) for fid in score]
        named += [
            (b, breakers.at(i) if isinstance(breakers, Seq) else r.at("dealbreaker"))
            for i, b in enumerate(breakers)
            if isinstance(b, str)
        ]
        for fid, pos in named:
            if fid not in framework_ids:
                self.errors.append(
                    UserError(
                        f'rule "{r["id"]}": unknown framework "{fid}"'
                        f"{did_you_mean(fid, framework_ids)}",
                        file,
                        *pos,
                    )
                )
        if r.get("lean") is True and breakers:
            self.errors.append(
                UserError(
                    f'rule "{r["id"]}": a lean only breaks ties; it cannot be a deal-breaker',
                    file,
                    *r.at("lean"),
                )
            )
        if isinstance(r.get("when"), dict):
            when = self._condition(r["when"], file, r.at("when"), options)
        if r["id"] in self.broken_rules:
            return Rule(r["id"], Always(), "", "")
        return Rule(
            r["id"],
            when,
            r["because"],
            r["source"],
            {k: float(v) for k, v in score.items()},
            tuple(breakers),
            _text(r.get("as_of")),
            dict(r.get("versions", {})),
            r["when"],
            _origin(file, r),
            *_lint(r),
            packages=tuple(r.get("packages", [])),
            lean=r.get("lean") is True,
        )

    def _case(self, c: Map, file: str, lookup: RuleBase) -> Case:
        """The case, its framework ids and answers checked: a typo in ``must_not_win`` would
        make the check a no-op, one in ``answers`` would only show at ``rules test``."""
        ids = lookup.framework_ids
        named = [(c["expect_winner"], [*ids, "tie"], c.at("expect_winner"))]
        banned = c.get("must_not_win", [])
        named += [(fid, list(ids), _at(banned, i, c)) for i, fid in enumerate(banned)]
        for fid, valid, pos in named:
            if fid not in valid:
                message = f'case "{c["name"]}": unknown framework "{fid}"{did_you_mean(fid, valid)}'
                self.errors.append(UserError(message, file, *pos))
        answers = c["answers"] or {}
        for qid, value in answers.items():
            try:
                normalize_answers({qid: value}, lookup, file, answers)
            except UserError as exc:
                self.errors.append(
                    UserError(f'case "{c["name"]}": {exc.message}', exc.file, exc.line, exc.col)
                )
        return Case(
            c["name"],
            answers,
            c["expect_winner"],
            tuple(banned),
            _text(c.get("source")),
            _origin(file, c),
            dict(c["probe"]) if "probe" in c else None,
        )

    def _cases(self, lookup: RuleBase) -> tuple[Case, ...]:
        """Every case checked; a name given twice is an error (``rules test`` reports by name)."""
        first: dict[str, Origin] = {}
        for c, file in self.cases:
            name = c["name"]
            self.defined[file] = self.defined.get(file, 0) + 1
            if name in first:
                message = (
                    f'duplicate case name "{name}" (first defined at {first[name]}); '
                    "give each case its own name"
                )
                error = UserError(message, file, *c.pos)
                self._duplicate(error, f'case name "{name}"', first[name].file)
            first.setdefault(name, _origin(file, c))
        return tuple(self._case(c, file, lookup) for c, file in self.cases)
