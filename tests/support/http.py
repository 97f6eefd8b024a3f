"""Raw HTTP/1.1 over a socket, for protocol-error tests (the local stack's front, the stack)."""
from __future__ import annotations

import socket
import time


def raw_exchange(address: tuple[str, int], sent: bytes,
                 wait: float = 5) -> tuple[bytes, float]:
    """Send bytes on a fresh connection (malformed HTTP included); everything the server
    answers before closing, and how long that took."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=wait) as connection:
        connection.sendall(sent)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received, time.monotonic() - started


def parsed(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a raw HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    return int(status_line.split()[1]), dict(line.split(": ", 1) for line in lines), body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
