"""Shared by the startup benchmarks: a throwaway environment laid out as ``pip install`` leaves one.

The test venv itself is not what a user runs: its editable install runs setuptools' finder from a
``.pth`` file at every start (pathlib, fnmatch, importlib.util: ~25 ms on the benchmark machine).
A baseline such as ``python -c "import yaml"`` would pay it too, and that flatters a startup ratio
(2.4x there against 3.2x installed, for ``recommend``, when this was written).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "recommender"  # the console script pip wrote for the venv


@dataclass(frozen=True, slots=True)
class Install:
    """A throwaway environment laid out as ``pip install`` leaves one (:func:`install`)."""

    folder: Path
    python: Path
    script: Path
    env: dict[str, str]

    def argv(self, *args: str | Path) -> list[str]:
        """Its python with ``args``."""
        return [str(self.python), *map(str, args)]

    def run(self, *args: str | Path, capture: bool = False) -> str:
        """Run its python with ``args``, in its own folder: ``python -c`` puts the working
        directory first on ``sys.path``, and a checkout there would shadow the installed
        package."""
        out = subprocess.run(
            self.argv(*args), check=True, env=self.env, cwd=self.folder, text=True,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        )  # fmt: skip
        return out.stdout


def install(folder: Path) -> Install:
    """A venv without pip, the package in its site-packages with the shipped rules inside it (as
    ``pyproject.toml``'s package-dir maps them), and pip's console script. The dependencies come
    from the test venv's site-packages, named in a ``.pth`` line: the ``.pth`` files of a
    directory so named are not run, so the editable finder is not."""
    if not SCRIPT.is_file():
        sys.exit(f"{SCRIPT}: no console script; set up the test venv first (scripts/test)")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    # The warm-up run must write bytecode, or every run recompiles the package (as a user's
    # never does); and nothing may point Python at the checkout.
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env["RECOMMENDER_CACHE_DIR"] = str(folder / "cache")
    where = Install(folder, folder / "bin" / "python", folder / "bin" / "recommender", env)
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(where.run("-c", purelib, capture=True).strip())
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "recommender", site / "recommender", ignore=skip)
    shutil.copytree(ROOT / "rules", site / "recommender" / "rules", ignore=skip)
    (site / "test-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    shutil.copy(SCRIPT, where.script)
    return where
