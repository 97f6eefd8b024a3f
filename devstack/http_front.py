"""The local stack's HTTP front: what API Gateway does before and after the function runs.

A threaded server reads each request strictly (a client that stops sending its body is
answered 408; malformed requests and unsupported HTTP versions get the API's error format, not
`http.server`'s HTML page; no `Server: BaseHTTP/... Python/...` header), hands it to `invoke`
(the `LambdaPool`: one execution environment per in-flight request), and reshapes gateway-level
answers with the template's gateway responses (`devstack.gateway`). It also serves the
Swagger UI page at /docs (`devstack.docs_page`), which only the local stack has.
"""
from __future__ import annotations

import json
import logging
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from chalicelib.errors import error_body
from devstack.docs_page import docs_response
from devstack.gateway import GatewayResponses, method_not_routed
from devstack.lambda_pool import Answer, Invocation

log = logging.getLogger(__name__)

GATEWAY_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's request payload quota
READ_TIMEOUT = 10.0  # seconds a client may pause while sending a request
# http.server's refusals, as the API's error codes
_PROTOCOL_ERRORS = {400: "invalid_request", 408: "request_timeout", 411: "invalid_request",
                    413: "request_too_large", 414: "request_too_large",
                    431: "request_too_large", 505: "invalid_request"}


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of new connections must not wait on SYN retries

    def __init__(self, address: tuple[str, int], invoke: Callable[[Invocation], Answer],
                 routes: dict[str, Any], responses: GatewayResponses, *,
                 read_timeout: float = READ_TIMEOUT) -> None:
        self.invoke, self.routes, self.responses = invoke, routes, responses
        self.read_timeout = read_timeout
        super().__init__(address, ApiRequestHandler)


class ApiRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ApiServer

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # the socket's, for every read of the request
        super().setup()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method, made-up ones included, comes to `_serve`
            return self._serve
        raise AttributeError(name)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 requests are not supported.")
            return False
        return True

    def _serve(self) -> None:
        request_id = str(uuid.uuid4())
        try:
            body = self._read_body()
        except TimeoutError:
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "The request body did not arrive in "
                            f"time: send all of it within {self.timeout:g} seconds.")
            return
        except _Refused as refused:
            self.send_error(refused.status, refused.message)
            return
        if self.command == "GET" and (page := docs_response(self.path)) is not None:
            self._write(*page)
        elif self.command not in GATEWAY_METHODS:
            self._write(*method_not_routed(self.server.routes, self.path, self.server.responses,
                                           request_id))
        else:
            answer = self.server.invoke(Invocation(
                self.command, self.path, dict(self.headers), body, self.client_address[0],
                request_id))
            self._write(*self._rendered(answer, request_id))

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "identity").lower() != "identity":
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        if not length.strip().isdigit():
            raise _Refused(HTTPStatus.BAD_REQUEST, "The Content-Length header is not a number.")
        if int(length) > MAX_PAYLOAD:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The request is too large.")
        body = self.rfile.read(int(length))
        if len(body) < int(length):  # the client closed its side early
            raise _Refused(HTTPStatus.BAD_REQUEST, "The request body is shorter than its "
                           "Content-Length.")
        return body or None

    def _read_chunked(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            raise _Refused(HTTPStatus.BAD_REQUEST, "Only the chunked Transfer-Encoding is "
                           "supported.")
        chunks, size = [], 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                length = int(line, 16)
            except ValueError:
                raise _Refused(HTTPStatus.BAD_REQUEST, "A chunk size is not valid.") from None
            size += length
            if size > MAX_PAYLOAD:
                raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The request is too large.")
            if length == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks) or None
            chunks.append(self.rfile.read(length))
            self.rfile.readline(8)

    def _rendered(self, answer: Answer, request_id: str) -> tuple[int, dict, bytes | None]:
        responses = self.server.responses
        if answer.failure is not None:  # API Gateway answers for the function
            log.warning("%s %s: the function %s", self.command, self.path, answer.failure)
            return responses.by_type["DEFAULT_5XX"].render(answer.status, request_id)
        if answer.body is None:
            return answer.status, answer.headers, None
        return responses.reshape(answer.status, dict(answer.headers), answer.body, request_id)

    def send_response(self, code: int, message: str | None = None) -> None:
        """As http.server's, without the `Server: BaseHTTP/0.6 Python/3.x` header."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, HTTP/9.9, headers too long,
        a body that never arrives) in the API's error format; the connection is closed, as
        what follows on it cannot be trusted."""
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = "HTTP/1.1"  # else http.server writes the body alone
        text = message or HTTPStatus(code).phrase
        text = text if text.endswith(".") else f"{text}."
        body = json.dumps(error_body(_PROTOCOL_ERRORS.get(code, "invalid_request"),
                                     text)).encode()
        self.close_connection = True
        self._write(code, {"Content-Type": "application/json", "Connection": "close",
                           "X-Request-Id": str(uuid.uuid4())}, body)

    def _write(self, status: int, headers: dict[str, Any], body: bytes | None) -> None:
        headers = dict(headers)
        self.send_response(status)
        if body is None:
            self.send_header("Content-Length", "0")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        for name, value in headers.items():
            for one in value if isinstance(value, list) else [value]:
                self.send_header(name, one)
        try:
            self.end_headers()
            if body is not None and self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the caller hung up: nobody to answer
            self.close_connection = True


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message
