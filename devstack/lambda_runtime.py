"""Inside one local execution environment (a `lambda_pool` worker process): the app, imported
once, and `chalice.local`'s gateway emulation (route matching, the authorizer) in front of it.

`Runtime.handle` turns one `Invocation` into an `Answer`: the event carries the front's request
id and the caller's address (API Gateway's `requestContext.requestId` and
`identity.sourceIp`; `chalice local` would say 127.0.0.1 and no id), and the authorizer's
refusals come back as the gateway errors `devstack.gateway` reshapes.
"""
from __future__ import annotations

import base64
import logging
from typing import Any

from chalice.local import LocalGateway, LocalGatewayException

from devstack.lambda_pool import Answer, Invocation

log = logging.getLogger(__name__)


class _Gateway(LocalGateway):
    """`LocalGateway` with the request's own id and source address in the event."""
    invocation: Invocation | None = None

    def _generate_lambda_event(self, method: str, path: str, headers: Any,
                               body: bytes | None) -> dict[str, Any]:
        event = super()._generate_lambda_event(method, path, headers, body)
        if self.invocation is not None:
            event["requestContext"]["requestId"] = self.invocation.request_id
            event["requestContext"]["identity"]["sourceIp"] = self.invocation.source_ip
        return event


class Runtime:
    """One Chalice `app` behind the gateway emulation."""

    def __init__(self, lambda_settings: Any, app: Any) -> None:
        self.gateway = _Gateway(app, lambda_settings)

    def handle(self, invocation: Invocation) -> Answer:
        self.gateway.invocation = invocation
        try:
            response = self.gateway.handle_request(invocation.method, invocation.path,
                                                   dict(invocation.headers), invocation.body)
        except LocalGatewayException as refused:  # the gateway's own answers (authorizer, 404)
            return Answer(refused.CODE, dict(refused.headers), refused.body)
        except Exception:  # the function raised: on AWS a Lambda error, a 502 at the gateway
            log.exception("the function failed: %s %s", invocation.method, invocation.path)
            return Answer(502, failure="crashed")
        finally:
            self.gateway.invocation = None
        headers = {**response["headers"], **(response.get("multiValueHeaders") or {})}
        body = response.get("body")
        if body is not None and response.get("isBase64Encoded"):
            body = base64.b64decode(body)
        elif isinstance(body, str):
            body = body.encode("utf-8")
        return Answer(response["statusCode"], headers, body)
