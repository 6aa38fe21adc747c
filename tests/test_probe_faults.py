"""Frameworks that crash, hang, raise or print garbage: real children on tiny fake packages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

import pytest
from probe_fakes import (
    fake_target,
    get_check,
    get_fw,
    make_fake,
    processes_with,
    still_alive,
)

from recommender.errors import signal_name
from recommender.probe import ProbeReport, ProbeTarget, run_probe
from recommender.probe.render import render_markdown, render_table
from recommender.probe.runner import run_command
from recommender.render import markdown_text

ROOT = Path(__file__).resolve().parents[1]

TIMEOUT = 4.0

FAKES = {
    "crashy": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
    "sleepy": "import time\ntime.sleep(1000)\n",
    "broken": "raise ImportError('libfake.so: cannot open shared object file')\n",
    "noisy": 'import sys\nprint(\'garbage {"event": "result"\', flush=True)\n'
    "sys.stdout.buffer.write(bytes(range(256)) * 64)\nprint('\\x00 more garbage')\n"
    "__version__ = '1.0'\n",
    "scribbler": "import sys\nout = sys.argv[sys.argv.index('--out') + 1]\n"
    "open(out, 'a').write('not json\\n{\"torn\": \\n')\n",
    "quitter": "import os\nprint('bye')\nos._exit(7)\n",
    # the grandchild must die with the child, or a hung compile worker would outlive the probe
    "forker": textwrap.dedent("""\
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
        open(os.environ["FORKER_PID_FILE"], "w").write(str(child.pid))
        time.sleep(1000)
    """),
    # a grandchild in a session of its own, and a double-forked daemon re-parented to init: the
    # process group catches neither
    "escaper": textwrap.dedent("""\
        import os, subprocess, sys, time
        sleeper = [sys.executable, "-c", "import time; time.sleep(1000)"]
        setsid = subprocess.Popen(sleeper, start_new_session=True)
        read, write = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.write(write, str(os.getpid()).encode())
                time.sleep(1000)
            os._exit(0)
        daemon = int(os.read(read, 32))
        open(os.environ["ESCAPER_PID_FILE"], "w").write(f"{setsid.pid} {daemon}")
        time.sleep(1000)
    """),
}

# name -> (framework status, import check status, words in the framework detail). A check cut short
# by the timeout is skipped, not failed: it did not fail, and a timeout is transient
EXPECTED = {
    "crashy": ("crashed", "failed", "killed by SIGSEGV during check 'import'"),
    "sleepy": ("timeout", "skipped", "during check 'import' (--timeout)"),
    "broken": (
        "failed",
        "failed",
        "import failed: ImportError: libfake.so: cannot open shared object file",
    ),
    "noisy": ("ok", "ok", ""),
    "scribbler": ("ok", "ok", ""),
    "quitter": ("failed", "failed", "child exited with code 7 during check 'import': bye"),
    "forker": ("timeout", "skipped", "during check 'import' (--timeout)"),
    "escaper": ("timeout", "skipped", "during check 'import' (--timeout)"),
}


@pytest.fixture(scope="module")
def fakes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ProbeTarget]:
    root = tmp_path_factory.mktemp("fakes")
    targets = {name: make_fake(root, name, source) for name, source in FAKES.items()}
    targets["ghost"] = fake_target(
        "ghost", None, import_name="ghost_not_installed_anywhere", distributions=("ghost-nope",)
    )
    return targets


class Run(NamedTuple):
    report: ProbeReport
    seconds: float
    pid_file: Path
    escaper_pid_file: Path
    cache: Path
    tmp: Path


@pytest.fixture(scope="module")
def run(fakes: dict[str, ProbeTarget], tmp_path_factory: pytest.TempPathFactory) -> Run:
    """All fakes probed together, in parallel, as the real frameworks are."""
    cache = tmp_path_factory.mktemp("cache")
    pid_file = tmp_path_factory.mktemp("pid") / "grandchild"
    escaper_pid_file = pid_file.parent / "escapers"
    tmp = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORKER_PID_FILE", str(pid_file))
        mp.setenv("ESCAPER_PID_FILE", str(escaper_pid_file))
        mp.setattr(tempfile, "tempdir", str(tmp))
        start = time.perf_counter()
        report = run_probe(targets=fakes, timeout=TIMEOUT, cache_dir=cache)
        elapsed = time.perf_counter() - start
    return Run(report, elapsed, pid_file, escaper_pid_file, cache, tmp)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_fault_gets_a_status(run: Run, name: str) -> None:
    fw = get_fw(run.report, name)
    status, import_status, detail = EXPECTED[name]
    assert (fw.installed, fw.version, fw.status, get_check(fw, "import").status) == (
        True,
        "1.0",
        status,
        import_status,
    )
    assert detail in fw.detail


def test_probe_finishes_within_the_timeout(run: Run) -> None:
    assert (
        run.seconds < TIMEOUT + 3.0
    )  # the children run in parallel, so two hangs cost one timeout


def test_crash_detail_names_the_check(run: Run) -> None:
    fw = get_fw(run.report, "crashy")
    assert (fw.detail, get_check(fw, "import").detail) == (
        "killed by SIGSEGV during check 'import'",
        "no result: killed by SIGSEGV during check 'import'",
    )


def test_a_child_killed_by_a_real_time_signal_is_named_as_errors_names_it(tmp_path: Path) -> None:
    """The probe names a signal as every other message does (errors.signal_name, one place):
    SIGRTMIN+6, which the signal enum does not name, not a bare number."""
    rt = signal.SIGRTMIN + 6
    source = f"import os\nos.kill(os.getpid(), {int(rt)})\n"
    target = make_fake(tmp_path, "realtime", source)
    report = run_probe(targets={"realtime": target}, cache_dir=tmp_path / "cache", timeout=30)
    fw = get_fw(report, "realtime")
    assert (signal_name(rt), fw.status, fw.detail) == (
        "SIGRTMIN+6",
        "crashed",
        "killed by SIGRTMIN+6 during check 'import'",
    )


def test_garbage_on_stdout_does_not_reach_the_result(run: Run) -> None:
    assert get_check(get_fw(run.report, "noisy"), "import").data == {"version": "1.0"}


def test_grandchildren_are_killed_on_timeout(run: Run) -> None:
    pid = int(run.pid_file.read_text())
    assert still_alive([pid]) == []


def test_setsid_grandchild_and_daemon_are_killed_on_timeout(run: Run) -> None:
    """Both left the child's process group; the /proc walk and the environment token find them."""
    pids = [int(p) for p in run.escaper_pid_file.read_text().split()]
    assert len(pids) == 2
    assert still_alive(pids, seconds=1.0) == []


def test_nothing_from_the_run_is_left_running(run: Run) -> None:
    assert processes_with(str(run.tmp)) == []


def test_absent_target_is_a_normal_result(run: Run) -> None:
    report = run.report
    ghost = get_fw(report, "ghost")
    assert (ghost.installed, ghost.version, ghost.status, ghost.checks) == (
        False,
        None,
        "absent",
        (),
    )
    assert report.facts()["ghost.installed"] == "absent"
    assert report.facts()["crashy.probe"] == "crashed"
    assert report.facts()["sleepy.import"] == "skipped"


def test_killed_children_leave_no_temp_files(run: Run) -> None:
    assert list(run.tmp.iterdir()) == []


def test_only_successful_probes_are_cached(run: Run) -> None:
    cached = sorted(p.name.split("-")[0] for p in (run.cache / "probe").glob("*.json"))
    assert cached == ["noisy", "scribbler"]


@pytest.mark.parametrize("lands_on", ["main thread", "another thread"])
def test_ctrl_c_stops_the_children(
    fakes: dict[str, ProbeTarget], tmp_path: Path, lands_on: str
) -> None:
    """The children run in their own sessions, out of Ctrl-C's reach: the parent kills them.

    The kernel may hand the process's SIGINT to any of its threads (pipe readers, workers); its
    Python handler then runs only once the main thread runs, so the main thread must not wait on
    the children without a timeout. ``another thread`` sends it to one, as the kernel can."""
    pid_file = tmp_path / "grandchild"
    script = tmp_path / "interrupted.py"
    script.write_text(
        textwrap.dedent(f"""\
        import os, signal, sys, threading, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from probe_fakes import make_fake
        from test_probe_faults import FAKES
        from recommender.probe import run_probe

        def interrupt_this_thread():
            while not (os.path.exists({str(pid_file)!r}) and open({str(pid_file)!r}).read()):
                time.sleep(0.05)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

        if {lands_on == "another thread"!r}:
            threading.Thread(target=interrupt_this_thread, daemon=True).start()
        target = make_fake(Path({str(tmp_path / "fakes")!r}), "forker", FAKES["forker"])
        run_probe(targets={{"forker": target}}, timeout=300, cache_dir={str(tmp_path / "cache")!r})
    """)
    )
    env = {
        **os.environ,
        "FORKER_PID_FILE": str(pid_file),
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    start = time.perf_counter()
    if lands_on == "main thread":
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert (proc.returncode != 0, time.perf_counter() - start < 10) == (True, True)
    assert still_alive([int(pid_file.read_text())]) == []


PEAK_SCRIPT = """\
import sys
from pathlib import Path
from probe_fakes import make_fake
from recommender.probe import run_probe

def peak_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

root = Path(sys.argv[1])
quiet = make_fake(root, "quiet", "__version__ = '1.0'\\n")
spewer = make_fake(root, "spewer", sys.argv[2])
run_probe(targets={"quiet": quiet}, timeout=60, refresh=True, cache_dir=root / "cache")
before = peak_kib()
report = run_probe(targets={"spewer": spewer}, timeout=60, refresh=True, cache_dir=root / "cache")
print(before, peak_kib(), report.get("spewer").status)
"""

SPEW = """\
import sys
chunk = b"x" * (1 << 20)
for _ in range(300):
    sys.stdout.buffer.write(chunk)
    sys.stderr.buffer.write(chunk[:1024])
sys.stdout.flush()
__version__ = "1.0"
"""


def test_300_mb_of_child_output_leaves_the_parent_small(tmp_path: Path) -> None:
    """The parent keeps only the tail of a child's output, as it streams (it reached 1.8 GB)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(tmp_path), SPEW],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    before, after, status = proc.stdout.split()
    assert status == "ok"
    assert int(after) - int(before) < 20 * 1024, (before, after)  # KiB: 300 MB went through


def test_run_command_keeps_the_tail_of_each_stream() -> None:
    code = "import sys; sys.stdout.write('a' * 100000 + 'END'); sys.stderr.write('e' * 10 + 'ERR')"
    result = run_command([sys.executable, "-c", code], timeout=30, tail=50)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "…" + "a" * 47 + "END",
        "e" * 10 + "ERR",
    )


def test_escape_sequences_from_a_child_never_reach_the_terminal(tmp_path: Path) -> None:
    source = "raise ImportError('\\x1b[2J\\x1b[31mred\\nsecond line')\n"
    target = make_fake(tmp_path, "painter", source)
    report = run_probe(targets={"painter": target}, cache_dir=tmp_path / "cache", timeout=30)
    fw = get_fw(report, "painter")
    assert fw is not None and "\x1b[2J" in fw.detail  # the data keeps what the child said
    shown = "import failed: ImportError: \\x1b[2J\\x1b[31mred"
    for render, expected in (
        (render_table, shown),
        (render_markdown, markdown_text.text(shown)),  # which a Markdown viewer shows as shown
    ):
        text = render(report)
        assert "\x1b" not in text
        assert expected in text
