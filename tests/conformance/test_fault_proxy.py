"""The conformance proxy on its own, against a small upstream that records what reaches it:
faults answered without the upstream, answers dropped after it, requests counted."""
from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.request import Request, urlopen

import pytest

from .fault_proxy import FaultProxy


@pytest.fixture
def upstream() -> Any:
    reached: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.do_POST()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            reached.append(f"{self.command} {self.path} {self.rfile.read(length).decode()}")
            self.send_response(201)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", reached
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(upstream: Any) -> Any:
    with FaultProxy(upstream[0]) as made:
        yield made


def control(proxy: FaultProxy, body: dict[str, Any]) -> dict[str, Any]:
    request = Request(proxy.control_url, data=json.dumps(body).encode(), method="POST",
                      headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def send(proxy: FaultProxy, method: str, path: str, body: bytes = b"",
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(proxy.url.split("//")[1], timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_a_status_fault_answers_without_the_stack_then_requests_go_through(proxy, upstream):
    assert control(proxy, {"begin": "s"}) == {"ok": True}
    assert control(proxy, {"fault": {"kind": "status", "method": "get", "path": "/v1/x",
                                      "status": 429, "headers": {"Retry-After": "1"},
                                      "body": {"error": {"code": "rate_limit_exceeded"}},
                                      "times": 2}})["ok"]
    for _ in range(2):
        status, headers, body = send(proxy, "GET", "/v1/x?limit=2")
        assert (status, headers["Retry-After"]) == (429, "1")
        assert json.loads(body) == {"error": {"code": "rate_limit_exceeded"}}
    assert send(proxy, "GET", "/v1/x?limit=2")[0] == 201
    assert upstream[1] == ["GET /v1/x?limit=2 "]
    assert control(proxy, {"assert_requests": {"method": "GET", "path": "/v1/x", "count": 3}})
    assert control(proxy, {"end": "s"}) == {"ok": True}


def test_a_dropped_answer_reaches_the_stack_and_closes_the_connection(proxy, upstream):
    control(proxy, {"begin": "s"})
    control(proxy, {"fault": {"kind": "drop_response", "method": "POST", "path": "/v1/y"}})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        send(proxy, "POST", "/v1/y", b'{"a": 1}', {"Idempotency-Key": "k1"})
    assert send(proxy, "POST", "/v1/y", b'{"a": 1}', {"Idempotency-Key": "k1"})[0] == 201
    assert upstream[1] == ['POST /v1/y {"a": 1}'] * 2
    assert control(proxy, {"assert_requests": {"method": "POST", "path": "/v1/y", "count": 2,
                                               "same_header": "Idempotency-Key"}})["ok"]


def test_assertions_that_do_not_hold_say_why(proxy):
    control(proxy, {"begin": "s"})
    send(proxy, "POST", "/v1/z", b"{}", {"Idempotency-Key": "k1"})
    send(proxy, "POST", "/v1/z", b"{}", {"Idempotency-Key": "k2"})
    refused = [
        {"assert_requests": {"method": "POST", "path": "/v1/z", "count": 3}},
        {"assert_requests": {"method": "POST", "path": "/v1/z", "min_count": 3}},
        {"assert_requests": {"method": "POST", "path": "/v1/z", "same_header": "Idempotency-Key"}},
        {"assert_requests": {"method": "POST", "path": "/v1/z", "min_interval_ms": 60_000}},
        {"fault": {"kind": "hang", "method": "GET", "path": "/v1/z"}},
        {"nonsense": True},
    ]
    for body in refused:
        answer = control(proxy, body)
        assert answer["ok"] is False and answer["detail"], body


def test_a_fault_the_sdk_never_met_fails_the_end_and_begin_clears_counts(proxy):
    control(proxy, {"begin": "first"})
    send(proxy, "GET", "/v1/x")
    control(proxy, {"fault": {"kind": "status", "method": "GET", "path": "/v1/never"}})
    ended = control(proxy, {"end": "first"})
    assert ended["ok"] is False and "/v1/never" in ended["detail"]
    control(proxy, {"begin": "second"})
    assert control(proxy, {"assert_requests": {"method": "GET", "path": "/v1/x", "count": 0}})[
        "ok"]
