"""The conformance suite's proxy between an SDK and the local stack (sdk/conformance/README.md,
"fault and assert_requests"): it forwards requests, injects the faults a control request
arms, and counts what it received so a scenario can assert on the SDK's requests.

Two servers on 127.0.0.1: `url` (the SDK's base URL) and `control_url` (JSON POSTs)."""
from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# Not forwarded either way: they describe one connection, not the message.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-connection", "content-length"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Fault:
    kind: str  # "status" | "drop_response"
    method: str
    path: str
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and (method, path) == (self.method.upper(), self.path)


class ControlError(Exception):
    pass


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.upstream = (target.hostname or "127.0.0.1", target.port or 80)
        self.scenario: str | None = None
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._servers = [ThreadingHTTPServer(("127.0.0.1", 0), self._proxy_handler()),
                         ThreadingHTTPServer(("127.0.0.1", 0), self._control_handler())]
        for server in self._servers:
            server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}/"

    def __enter__(self) -> "FaultProxy":
        for server in self._servers:
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *_: Any) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    # -- the SDK's side ------------------------------------------------------------------
    def _take_fault(self, method: str, path: str, headers: dict[str, str]) -> Fault | None:
        with self._lock:
            self.seen.append(Seen(method, path, headers, time.monotonic()))
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def _forward(self, method: str, target: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            if body or method in ("POST", "PUT", "PATCH"):
                sent["Content-Length"] = str(len(body))
            connection.request(method, target, body=body, headers=sent)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def _proxy_handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self) -> None:
                body = self._body()
                method, path = self.command, urlsplit(self.path).path
                headers = {k: v for k, v in self.headers.items()}
                fault = proxy._take_fault(method, path, {k.lower(): v for k, v in
                                                         headers.items()})
                if fault is not None and fault.kind == "status":
                    payload = json.dumps(fault.body).encode() if fault.body is not None else b""
                    self._answer(fault.status, [("Content-Type", "application/json"),
                                                *fault.headers.items()], payload)
                    return
                status, answer_headers, payload = proxy._forward(method, self.path, headers,
                                                                 body)
                if fault is not None:  # drop_response: processed upstream, never answered
                    self.close_connection = True
                    return
                self._answer(status, answer_headers, payload)

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _answer(self, status: int, headers: list[tuple[str, str]],
                        payload: bytes) -> None:
                self.send_response_only(status)
                for name, value in headers:
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = handle_one  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    # -- the runner's side ---------------------------------------------------------------
    def control(self, request: dict[str, Any]) -> None:
        """Carry out one control request; ControlError says why it is refused or failed."""
        with self._lock:
            if "begin" in request:
                self.scenario, self.faults, self.seen = request["begin"], [], []
            elif "end" in request:
                left = [f for f in self.faults if f.times > 0]
                self.faults = []
                if left:
                    raise ControlError("faults the SDK never ran into: " + ", ".join(
                        f"{f.kind} {f.method} {f.path} x{f.times}" for f in left))
            elif "fault" in request:
                spec = request["fault"]
                if spec.get("kind") not in ("status", "drop_response"):
                    raise ControlError(f"unknown fault kind {spec.get('kind')!r}")
                self.faults.append(Fault(**{**spec, "method": spec["method"].upper()}))
            elif "assert_requests" in request:
                self._assert_requests(request["assert_requests"])
            else:
                raise ControlError(f"unknown control request {sorted(request)}")

    def _assert_requests(self, spec: dict[str, Any]) -> None:
        seen = [s for s in self.seen
                if (s.method, s.path) == (spec["method"].upper(), spec["path"])]
        what = f"{spec['method']} {spec['path']}"
        if "count" in spec and len(seen) != spec["count"]:
            raise ControlError(f"{what}: {len(seen)} requests, expected {spec['count']}")
        if "min_count" in spec and len(seen) < spec["min_count"]:
            raise ControlError(f"{what}: {len(seen)} requests, expected at least "
                               f"{spec['min_count']}")
        if "same_header" in spec:
            name = spec["same_header"].lower()
            values = {s.headers.get(name) for s in seen}
            if len(values) != 1 or not next(iter(values)):
                raise ControlError(f"{what}: {spec['same_header']} values "
                                   f"{sorted(map(str, values))}, expected one on every request")
        if "min_interval_ms" in spec:
            gaps = [round((b.at - a.at) * 1000) for a, b in zip(seen, seen[1:], strict=False)]
            if any(gap < spec["min_interval_ms"] for gap in gaps):
                raise ControlError(f"{what}: {gaps} ms between requests, expected at least "
                                   f"{spec['min_interval_ms']}")

    def _control_handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                try:
                    request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                    proxy.control(request)
                    answer: dict[str, Any] = {"ok": True}
                except (ControlError, ValueError, KeyError, TypeError) as refused:
                    answer = {"ok": False, "detail": str(refused)}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
