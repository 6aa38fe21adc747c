"""``probe --ray`` at an address where no Ray cluster's GCS answers, and with a ray that does not
import: one line and exit 2, quickly, with no Ray log on stderr and nothing left running.

Each server is a real process on 127.0.0.1: ``python -m http.server`` (the dashboard's HTTP/1
instead of the GCS's gRPC), a port that accepts and stays silent, and one that answers HTTP/2's
preface as a gRPC server does and then nothing (``ray.init`` waits on it for ever: the connection's
deadline ends it). A real GCS passing the same check: test_probe_ray.py.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from probe_fakes import make_package, processes_with, still_alive
from ray_local import LOOPBACK, ROOT

from recommender.probe.cluster.run import RAY_HINT

needs_ray = pytest.mark.skipif(
    os.environ.get("RECOMMENDER_REQUIRE_RAY") != "1" and importlib.util.find_spec("ray") is None,
    reason="the ray extra is not installed: pip install -e '.[ray]'",
)
HINT = "the GCS port is 6379 by default"
DASHBOARD = "is it the dashboard port 8265"
SILENT = """\
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
held = []
while True:
    conn, _ = server.accept()
    if sys.argv[1] == "h2":  # a gRPC server's first frame: SETTINGS, empty
        conn.sendall(bytes((0, 0, 0, 4, 0, 0, 0, 0, 0)))
    held.append(conn)
    with open(sys.argv[2], "a") as log:
        log.write("accepted\\n")
"""


class Server(NamedTuple):
    address: str  # 127.0.0.1:PORT
    log: Path  # a line per connection accepted (not for http)

    def accepted(self, count: int, timeout: float) -> bool:
        """True once ``count`` connections were accepted, False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not (self.log.exists() and len(self.log.read_text().splitlines()) >= count):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True


@pytest.fixture
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A real server of the kind ``request.param`` names, on 127.0.0.1."""
    log = tmp_path_factory.mktemp("server") / "accepted"
    if request.param == "http":
        argv = [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"]
    else:
        argv = [sys.executable, "-c", SILENT, request.param, str(log)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 41234 (...)", or the port
        port = line.split(" port ")[1].split()[0] if " port " in line else line.strip()
        yield Server(f"127.0.0.1:{int(port)}", log)
    finally:
        proc.kill()
        proc.wait()


def probe(address: str, tmp: Path, **env: str) -> subprocess.Popen[str]:
    """``recommender probe --ray ADDRESS``, marked by ``tmp`` in its environment, where its
    temporary files (Ray's too) would go."""
    marks = {"RAY_TMPDIR": str(tmp), "TMPDIR": str(tmp)}
    full = {**os.environ, **LOOPBACK, "PYTHONPATH": str(ROOT), **marks, **env}
    argv = [sys.executable, "-m", "recommender", "probe", "--ray", address]
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full
    )


def finished(proc: subprocess.Popen[str], timeout: float) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        proc.kill()
    return proc.returncode, out, err, time.perf_counter() - start


@needs_ray
@pytest.mark.parametrize(
    ("server", "why", "within"),
    [
        ("http", f"{{0}} answers, but not as a Ray cluster's GCS ({DASHBOARD}? {HINT})", 15),
        ("silent", f"{{0}} accepts connections but gave no answer within 5 s ({HINT})", 20),
    ],
    indirect=["server"],
    ids=["http", "silent"],
)
def test_a_port_that_is_not_a_gcs_is_one_line(
    server: Server, why: str, within: float, tmp_path: Path
) -> None:
    """Checked with HTTP/2's preface before ray.init, which would retry for minutes."""
    code, out, err, seconds = finished(probe(server.address, tmp_path), timeout=60)
    where = server.address
    assert (code, out, err) == (
        2,
        "",
        f"recommender: cannot reach the Ray cluster at {where}: {why.format(where)}\n",
    )
    assert seconds < within
    assert processes_with(str(tmp_path)) == []
    assert list(tmp_path.iterdir()) == []


@needs_ray
@pytest.mark.parametrize("server", ["h2"], indirect=True)
def test_a_connection_that_never_comes_ends_at_its_deadline(server: Server, tmp_path: Path) -> None:
    """It answers as gRPC does, so ray.init waits on it for ever: the deadline ends the command,
    with no Ray log on stderr (it warns after 30 s) and nothing of its left."""
    from recommender.probe.cluster.ray_backend import CONNECT_DEADLINE

    proc = probe(server.address, tmp_path)
    code, out, err, seconds = finished(proc, timeout=CONNECT_DEADLINE + 60)
    why = f"no connection within {CONNECT_DEADLINE:g} s (ray.init did not return)"
    assert (code, out, err) == (
        2,
        "",
        f"recommender: cannot connect to the Ray cluster at {server.address}: {why}\n",
    )
    assert server.accepted(2, timeout=0)  # the preface's check, then ray.init's
    assert CONNECT_DEADLINE - 1 <= seconds < CONNECT_DEADLINE + 10
    assert processes_with(str(tmp_path)) == []
    assert list(tmp_path.iterdir()) == []


@needs_ray
@pytest.mark.parametrize("server", ["h2"], indirect=True)
def test_sigterm_while_connecting_ends_at_once(server: Server, tmp_path: Path) -> None:
    """The main thread waits on ray.init in slices, so the signal is taken at once."""
    proc = probe(server.address, tmp_path)
    assert server.accepted(2, timeout=60)  # the preface's check, then ray.init's connection
    time.sleep(0.5)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    code, out, err, seconds = finished(proc, timeout=30)
    line = "recommender: probe stopped by SIGTERM; its children were ended\n"
    assert (code, out, err) == (143, "", line)
    assert seconds < 3
    assert still_alive(processes_with(str(tmp_path))) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            "raise ImportError('libray.so: cannot open shared object file')\n",
            "ImportError: libray.so: cannot open shared object file",
        ),
        ("import grpc_not_here\n", "ModuleNotFoundError: No module named 'grpc_not_here'"),
        (
            "raise TypeError('Descriptors cannot be created directly.\\nmore')\n",
            "TypeError: Descriptors cannot be created directly.",
        ),
    ],
    ids=["library", "dependency", "protobuf"],
)
def test_a_ray_that_does_not_import_is_told_from_none(
    source: str, error: str, tmp_path: Path
) -> None:
    """A ray package first on the path that fails to import is not "needs the ray package"."""
    make_package(tmp_path / "site", "ray", source)
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    code, out, err, _ = finished(probe("127.0.0.1:6379", tmp_path, **env), timeout=60)
    assert (code, out, err) == (
        2,
        "",
        f"recommender: ray is installed but does not import: {error}\n",
    )
    assert RAY_HINT not in err
