"""Is it a Ray cluster's GCS that answers on a port? Asked with a socket alone, before ``ray.init``,
which at a port that is silent or speaks another protocol (the dashboard's HTTP/1, Redis) retries
for minutes and floods stderr.

The GCS is a gRPC server, and a gRPC server answers HTTP/2's client preface with a SETTINGS frame
(RFC 9113, section 3.4).
"""

from __future__ import annotations

import os
import socket
import time

TIMEOUT = 5.0  # seconds for the GCS to answer the preface
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = bytes((0, 0, 0, 4, 0, 0, 0, 0, 0))  # a frame header: length 0, type 4, flags 0, stream 0
HINT = "the GCS port is 6379 by default"


def not_gcs(conn: socket.socket, where: str, timeout: float = TIMEOUT) -> str:
    """Why the server at the other end of ``conn`` is not a GCS ("" if it may be one)."""
    if os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):
        return ""  # TLS first: no plain preface to check (ray.init's deadline still holds)
    try:
        conn.sendall(PREFACE + SETTINGS)
        header = _read(conn, len(SETTINGS), timeout)
    except TimeoutError:
        return f"{where} accepts connections but gave no answer within {timeout:g} s ({HINT})"
    except OSError:  # reset: it hung up on the preface
        header = b""
    if is_settings(header):
        return ""
    return (
        f"{where} answers, but not as a Ray cluster's GCS (is it the dashboard port 8265? {HINT})"
    )


def is_settings(header: bytes) -> bool:
    """A SETTINGS frame's header on stream 0, as a server's first frame must be."""
    return len(header) == len(SETTINGS) and header[3] == 4 and header[5:] == bytes(4)


def _read(conn: socket.socket, size: int, timeout: float) -> bytes:
    """``size`` bytes, fewer if the other end closes first; TimeoutError after ``timeout``."""
    data, end = b"", time.monotonic() + timeout
    while len(data) < size:
        conn.settimeout(max(0.01, end - time.monotonic()))
        chunk = conn.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data
