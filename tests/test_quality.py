"""The code's own checks, run by the suite so that CI runs them too: ruff (lint and format) and
mypy, with the configuration in pyproject.toml."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def check(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize(
    "args",
    [("ruff", "check", "."), ("ruff", "format", "--check", ".")],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff_is_clean(args: tuple[str, ...]) -> None:
    check(*args)


def test_mypy_is_clean() -> None:
    check("mypy")


# -- the layout (issue 9): few top-level modules, packages that say what they own, no cycles ------


def modules(package: Path) -> dict[str, Path]:
    """Every module under ``package`` by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_at_load(name: str, path: Path, known: set[str]) -> set[str]:
    """The known modules ``name`` imports when it is loaded: top-level imports, also inside
    ``if``/``try``/``with``, but not under ``TYPE_CHECKING`` nor inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit([*node.body, *node.orelse])
            elif isinstance(node, ast.Try):
                visit([*node.body, *node.orelse, *node.finalbody])
                for handler in node.handlers:
                    visit(handler.body)
            elif isinstance(node, ast.With):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return (found & known) - {name}


def cycles(package: Path) -> list[list[str]]:
    """The import cycles among ``package``'s modules: each strongly connected group of two or
    more (Tarjan's algorithm)."""
    found = modules(package)
    graph = {name: imported_at_load(name, path, set(found)) for name, path in found.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while (w := stack.pop()) != v:
                group.append(w)
            if group:
                groups.append(sorted([v, *group]))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return groups


def test_no_import_cycles() -> None:
    assert cycles(ROOT / "recommender") == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""pkg."""\n')
    (package / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (package / "a.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    import pkg.c\n")
    (package / "sub" / "b.py").write_text("try:\n    from .. import a, c\nfinally:\n    pass\n")
    (package / "c.py").write_text("def f():\n    import pkg.a\nfrom pkg.sub import b\n")
    # c imports pkg.sub (whose __init__ imports b), b imports c; a's imports never run at load
    assert cycles(package) == [["pkg.c", "pkg.sub", "pkg.sub.b"]]


def test_few_top_level_modules_and_each_package_says_what_it_owns() -> None:
    package = ROOT / "recommender"
    top = {p.stem for p in package.glob("*.py")} - {"__init__", "__main__"}
    assert len(top) < 12, sorted(top)
    for init in package.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 5, f"{init.relative_to(ROOT)} does not say what it owns"


def value_idioms(source: str) -> list[str]:
    """What in ``source`` declares a value some other way than a frozen dataclass with slots: a
    ``NamedTuple`` class, a ``namedtuple(...)`` call, a ``TYPE_CHECKING = False`` shim."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            found += [f"class {node.name}" for b in node.bases if ast.unparse(b) == "NamedTuple"]
        namedtuple = isinstance(node, ast.Call) and ast.unparse(node.func).endswith("namedtuple")
        shim = isinstance(node, ast.Assign) and "TYPE_CHECKING" in map(ast.unparse, node.targets)
        if namedtuple or shim:
            found.append(ast.unparse(node))
    return found


def test_one_value_idiom() -> None:
    found = {
        str(path.relative_to(ROOT)): idioms
        for path in sorted((ROOT / "recommender").rglob("*.py"))
        if (idioms := value_idioms(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_idiom_check_sees_the_others() -> None:
    source = (
        "import collections\nfrom typing import NamedTuple\nTYPE_CHECKING = False\n"
        "class P(NamedTuple):\n    x: int\nQ = collections.namedtuple('Q', 'x')\n"
    )
    assert value_idioms(source) == [
        "TYPE_CHECKING = False", "class P", "collections.namedtuple('Q', 'x')"
    ]  # fmt: skip


def _int(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def bare_exit_codes(source: str) -> list[str]:
    """Exit codes written as numbers: a command's ``run`` returning one, ``sys.exit(2)``,
    ``SystemExit(2)``, ``parser.exit(2)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name in ("run", "main"):
            found += [
                ast.unparse(ret)
                for ret in ast.walk(node)
                if isinstance(ret, ast.Return) and ret.value is not None and _int(ret.value)
            ]
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("exit", "SystemExit")):
            found += [ast.unparse(node) for a in node.args[:1] if _int(a)]
    return found


def test_exit_codes_are_named() -> None:
    sources = [*(ROOT / "recommender" / "commands").glob("*.py"), ROOT / "recommender" / "cli.py"]
    found = {
        path.name: codes
        for path in sources
        if (codes := bare_exit_codes(path.read_text(encoding="utf-8")))
    }
    assert found == {}
    shown = "def run(a):\n    return 0\nsys.exit(2)\n"
    assert bare_exit_codes(shown) == ["return 0", "sys.exit(2)"]


def test_lines_fit_in_100_characters() -> None:
    """ruff's line-length check, pragma comments (``# type: ignore[...]``) included."""
    long = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("recommender", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 100
    ]
    assert long == []
