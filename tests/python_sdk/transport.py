"""httpx transports that hand the SDK's requests to the Chalice test client (`conftest.Api`):
the real routes, authorizer, middleware and gateway responses, on moto. They record what was
sent and can inject the failures the SDK must survive."""
from __future__ import annotations

import asyncio
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, List, Optional

import httpx


@dataclass
class Fault:
    """What to do to the next request whose path starts with `path`: answer `status` without
    forwarding it, refuse the connection (`connect`), or forward it and lose the answer
    (`drop`)."""
    path: str
    kind: str  # "status" | "connect" | "drop"
    status: int = 503
    code: str = "internal_error"
    headers: dict = field(default_factory=dict)


@dataclass
class Exchange:
    method: str
    path: str
    headers: httpx.Headers
    body: bytes
    status: Optional[int] = None  # None: no answer reached the SDK
    answer_headers: dict = field(default_factory=dict)


class ChaliceTransport(httpx.BaseTransport):
    def __init__(self, api: Any) -> None:
        self.api = api
        self.exchanges: List[Exchange] = []
        self.faults: List[Fault] = []
        self._lock = threading.Lock()  # the Chalice test client patches os.environ per call

    def fail(self, path: str, kind: str = "status", times: int = 1, status: int = 503,
             code: str = "internal_error", **headers: str) -> None:
        self.faults.extend(Fault(path, kind, status, code, headers) for _ in range(times))

    def sent(self, method: Optional[str] = None, path: str = "") -> List[Exchange]:
        return [e for e in self.exchanges
                if (method is None or e.method == method) and e.path.startswith(path)]

    def _fault_for(self, path: str) -> Optional[Fault]:
        for index, fault in enumerate(self.faults):
            if path.startswith(fault.path):
                return self.faults.pop(index)
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode("ascii")
        body = request.read()
        with self._lock:
            exchange = Exchange(request.method, path, request.headers, body)
            self.exchanges.append(exchange)
            fault = self._fault_for(path)
            if fault is not None and fault.kind == "connect":
                raise httpx.ConnectError("connection refused (injected)", request=request)
            if fault is not None and fault.kind == "status":
                exchange.status = fault.status
                exchange.answer_headers = {"content-type": "application/json",
                                           "x-request-id": str(uuid.uuid4()),
                                           **{k.lower(): v for k, v in fault.headers.items()}}
                return httpx.Response(fault.status, headers=exchange.answer_headers,
                                      content=json.dumps({"error": {
                        "code": fault.code, "message": "Injected failure.", "param": None,
                        "doc_url": f"https://docs.leadnod.com/errors/{fault.code}"}}).encode(),
                    request=request)
            headers = {k: v for k, v in request.headers.items()
                       if k.lower() not in ("host", "content-length", "accept-encoding")}
            answer = self.api.request(request.method, path, headers=headers, body=body)
            if fault is not None and fault.kind == "drop":
                raise httpx.ReadError("connection lost before the answer (injected)",
                                      request=request)
            exchange.status, exchange.answer_headers = answer.status, answer.headers
            return httpx.Response(answer.status, headers=answer.headers, content=answer.body,
                                  request=request)


class AsyncChaliceTransport(httpx.AsyncBaseTransport):
    """The same, for `httpx.AsyncClient`; it yields to the event loop before each request, as
    real I/O would, so concurrent tasks interleave."""

    def __init__(self, sync: ChaliceTransport) -> None:
        self.sync = sync

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        await request.aread()
        return self.sync.handle_request(request)
