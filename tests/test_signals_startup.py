"""A stop signal while the command starts: ``python -m recommender`` or the console script
stopped while it imports is one line, importing the package leaves the signals alone, the CLI's
own lines come first, and SIGINT at any moment of a real run leaves no trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

PROFILE = str(ROOT / "examples" / "research-lab.yaml")


# The hook sends the signal as the named module is first looked for: the moment is exact, where a
# timed guess lands anywhere on a loaded machine. It lives in a sitecustomize, which runs before
# ``python -m`` imports the package.
AT_IMPORT = """
import os, sys  # not signal: it imports enum, one of the moments
if {target!r} in sys.modules:  # imported at the interpreter's start here: no such moment
    os._exit(99)
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == {target!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), {number})
        return None
sys.meta_path.insert(0, Hook())
"""


# The modules the executable imports, in order, before the CLI installs its handlers; the old
# code took the signals only after ``recommender.errors``, and ``python -m`` had imported the
# package (``typing``) and ``__main__`` (``signal``, ``enum``) first.
# (``enum`` too in an installed layout; here the editable install's finder imports it at start.)
EARLY_IMPORTS = ["typing", "recommender.__main__", "recommender.errors", "argparse"]


def _started(tmp_path: Path, target: str, name: str, *argv: str) -> subprocess.CompletedProcess:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        AT_IMPORT.format(target=target, number=int(getattr(signal, name)))
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    if done.returncode == 99:
        pytest.skip(f"{target} is imported as this interpreter starts")
    return done


@pytest.mark.parametrize("target", EARLY_IMPORTS)
@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("SIGINT", 130, "recommender: interrupted"),
        ("SIGTERM", 143, "recommender: stopped by SIGTERM"),
    ],
)
def test_python_m_stopped_while_it_imports_is_one_line(
    tmp_path: Path, target: str, name: str, code: int, line: str
) -> None:
    """``python -m recommender`` stopped while it imports, before the CLI's handlers: SIGINT
    was a KeyboardInterrupt traceback, exit 1 (or death by the signal), SIGTERM a death by
    SIGTERM. The package takes them now as soon as ``python -m`` runs its first line."""
    out = tmp_path / "out.json"
    done = _started(tmp_path, target, name, "-m", "recommender", "recommend", "-o", str(out))
    assert (done.returncode, done.stderr, done.stdout) == (code, f"{line}\n", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


CONSOLE_SCRIPT = "import sys; from recommender.__main__ import main; sys.exit(main())"


@pytest.mark.parametrize("target", ["recommender.errors", "recommender.cli"])
def test_the_console_script_stopped_while_it_imports_is_one_line(
    tmp_path: Path, target: str
) -> None:
    """The ``recommender`` script pip writes imports ``recommender.__main__`` and calls main:
    its first line takes the signals (the package, imported first, imports nothing now)."""
    done = _started(tmp_path, target, "SIGINT", "-c", CONSOLE_SCRIPT, "recommend")
    assert (done.returncode, done.stderr, done.stdout) == (130, "recommender: interrupted\n", "")


def test_importing_the_package_leaves_the_signals_alone(tmp_path: Path) -> None:
    """Only the executable takes them: a program that imports the package keeps its Ctrl-C."""
    probe = (
        "import signal, recommender, recommender.errors; "
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
        "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)"
    )
    done = _started(tmp_path, "nothing", "SIGINT", "-c", probe)
    assert (done.returncode, done.stdout) == (0, "True True\n")


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.3])
def test_sigint_at_any_moment_of_a_real_run_leaves_no_trace(tmp_path: Path, delay: float) -> None:
    """Ctrl-C at several moments of a real ``recommend -o``: never a traceback from the package,
    never a temporary file. Exit 130 with one line once the package's first line has run; before
    it (the interpreter's own start, which no code of the package can reach) the interpreter
    dies by the signal, or says KeyboardInterrupt from its own frames."""
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "recommender", "recommend", "--profile", PROFILE, "-o", str(out)]
    for _ in range(3):
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert str(ROOT / "recommender") not in err, err
        if proc.returncode not in (-signal.SIGINT, 1, 0):  # the CLI's line, or the early one
            assert proc.returncode == 130
            assert err in ("recommender: interrupted\n", "recommender: recommend interrupted\n")
        if proc.returncode == 1:  # the interpreter's own start, before any code of the package
            assert err.endswith("KeyboardInterrupt\n") and "Traceback" in err, err
        assert [p.name for p in tmp_path.iterdir()] in ([], ["out.json"])
        out.unlink(missing_ok=True)


def test_the_early_lines_are_the_clis() -> None:
    """The early handler cannot import the CLI's wording (``errors`` imports ``enum``): its own
    copy is pinned to :meth:`Terminated.what` here."""
    import recommender
    from recommender.errors import Terminated

    for name, what in recommender._STOPS:
        assert Terminated(int(getattr(signal, name))).what() == what
