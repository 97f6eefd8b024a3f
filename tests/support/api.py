"""The in-process HTTP client of the API tests, and what it answers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import ROOT


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def error(self) -> dict[str, Any]:
        return self.json()["error"]


class Api:
    """HTTP through `chalice.test.Client` (it runs the authorizer), reshaped by the same
    gateway responses API Gateway applies in AWS."""

    def __init__(self) -> None:
        from chalice.test import Client

        from app import app
        from devstack.gateway import GatewayResponses

        self._client = Client(app, stage_name="dev", project_dir=str(ROOT))
        self._responses = GatewayResponses.from_template()

    def request(self, method: str, path: str, *, token: str | None = None, json_body: Any = None,
                body: bytes | str | None = None, headers: dict[str, str] | None = None) -> Response:
        from devstack.gateway import reshape_test_response

        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        if json_body is not None:
            body = json.dumps(json_body)
            sent.setdefault("Content-Type", "application/json")
        raw = body.encode() if isinstance(body, str) else (body or b"")
        answer = self._client.http.request(method, path, headers=sent, body=raw)
        answer = reshape_test_response(answer, self._responses)
        return Response(answer.status_code, {k.lower(): v for k, v in answer.headers.items()},
                        answer.body if isinstance(answer.body, bytes) else
                        (answer.body or "").encode())

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)
