"""A webhook receiver on 127.0.0.1 that checks signatures the way an integrator's would.

Used by the tests and the benchmark, and by developers with the local stack:

    python -m devstack.webhook_receiver --port 9000 --secret whsec_...

then register `http://127.0.0.1:9000/webhooks` (the local stage accepts loopback URLs).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def leadnod_signature_ok(secret: str, body: bytes, signature: str) -> bool:
    """`X-LeadNod-Signature`: hex HMAC-SHA256 of the raw body, keyed with the secret."""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")


def standard_signature_ok(secret: str, body: bytes, headers: dict[str, str],
                          tolerance_seconds: int = 300) -> bool:
    """Standard Webhooks: `v1,<base64 HMAC of "{id}.{timestamp}.{body}">`, fresh timestamp."""
    message_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance_seconds:
        return False
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest())
    return any(hmac.compare_digest(expected.decode(), part.split(",", 1)[-1])
               for part in headers.get("webhook-signature", "").split() if part.startswith("v1,"))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    status: int
    client: tuple[str, int]
    leadnod_ok: bool | None = None
    standard_ok: bool | None = None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Answers 200 unless told otherwise: `fail_next(2)` answers the next two with 500."""
    secret: str | None = None
    port: int = 0
    received: list[Received] = field(default_factory=list)
    planned: list[int] = field(default_factory=list)
    hang_seconds: float = 0.0
    max_in_flight: int = 0  # the most requests seen at once (parallel delivery)

    def __post_init__(self) -> None:
        self._in_flight = 0
        self._lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the sender should reuse connections

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver._record(self, body)
                if receiver.hang_seconds:
                    time.sleep(receiver.hang_seconds)
                with receiver._lock:
                    receiver._in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def url(self, path: str = "/webhooks/leadnod") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "WebhookReceiver":
        threading.Thread(target=self._server.serve_forever, name="webhook-receiver",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self.planned.extend([status] * count)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self._lock:
            self._lock.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    @property
    def connections(self) -> set[tuple[str, int]]:
        return {r.client for r in self.received}

    def _record(self, request: BaseHTTPRequestHandler, body: bytes) -> int:
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            status = self.planned.pop(0) if self.planned else 200
            item = Received(request.path, headers, body, time.time(), status,
                            request.client_address)
            if self.secret:
                item.leadnod_ok = leadnod_signature_ok(
                    self.secret, body, headers.get("x-leadnod-signature", ""))
                item.standard_ok = standard_signature_ok(self.secret, body, headers)
            self.received.append(item)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self._lock.notify_all()
        return status


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.webhook_receiver")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", help="the endpoint's secret, to check signatures")
    args = parser.parse_args()
    receiver = WebhookReceiver(secret=args.secret, port=args.port).start()
    print(f"Receiving on {receiver.url('/webhooks')} (Ctrl-C stops)", flush=True)
    seen = 0
    try:
        while True:
            for item in receiver.wait_for(seen + 1, timeout=1.0)[seen:]:
                seen += 1
                checks = "" if item.leadnod_ok is None else (
                    f" signature={'ok' if item.leadnod_ok else 'BAD'}"
                    f" standard={'ok' if item.standard_ok else 'BAD'}")
                print(f"{item.headers.get('x-leadnod-event')} {item.headers.get('webhook-id')}"
                      f"{checks}\n  {item.body.decode(errors='replace')}", flush=True)
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
