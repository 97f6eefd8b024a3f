"""Answer gateway-level failures locally the way API Gateway does with infra/template.yaml.

`chalice local` and `chalice.test.Client` answer a missing token, an authorizer deny or an
unknown route with Chalice's own bodies, before any middleware runs. In AWS the template's
gateway responses reshape those; here `GatewayResponses.reshape` does the same from the
same definitions, so local clients and tests see the bytes production sends.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from chalice.local import RouteMatcher
from chalice.test import HTTPResponse

from chalicelib.api.routing import declared_methods
from chalicelib.errors import error_body
from devstack.cfn import TEMPLATE_PATH, Stack, load_template

_HEADER = "gatewayresponse.header."
_REQUEST_ID = "context.requestId"

# (status, x-amzn-ErrorType, body test) of chalice/local.py 1.34.0 -> API Gateway response type
_CHALICE_LOCAL_ERRORS: list[tuple[int, str, Callable[[bytes], bool], str]] = [
    (401, "UnauthorizedException",
     lambda body: _json(body) == {"message": "Unauthorized"}, "UNAUTHORIZED"),
    (403, "AccessDeniedException",
     lambda body: _json(body) == {"Message": "User is not authorized to access this resource"},
     "ACCESS_DENIED"),
    # Unknown route; the second form (an Authorization header was sent) embeds the header
    # unescaped, so it is not always valid JSON.
    (403, "UnauthorizedException",
     lambda body: _json(body) == {"message": "Missing Authentication Token"}
     or body.startswith(b"{\"message\": \"Authorization header requires 'Credential'"),
     "MISSING_AUTHENTICATION_TOKEN"),
    (500, "AuthorizerConfigurationException", lambda body: True,
     "AUTHORIZER_CONFIGURATION_ERROR"),
]


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


@dataclass(frozen=True)
class GatewayResponse:
    """One AWS::ApiGateway::GatewayResponse: status (None keeps it), headers and body."""
    status: int | None
    static_headers: dict[str, str]
    request_id_headers: tuple[str, ...]
    body: bytes

    @classmethod
    def from_properties(cls, props: dict) -> GatewayResponse:
        static, request_id = {}, []
        for key, value in props.get("ResponseParameters", {}).items():
            name = key.removeprefix(_HEADER)
            if value == _REQUEST_ID:
                request_id.append(name)
            elif value.startswith("'") and value.endswith("'"):
                static[name] = value[1:-1]
            else:
                raise NotImplementedError(f"{key}: {value} cannot be rendered locally")
        status = props.get("StatusCode")
        body = props.get("ResponseTemplates", {}).get("application/json", "")
        return cls(int(status) if status else None, static, tuple(request_id), body.encode())

    def render(self, status: int, request_id: str) -> tuple[int, dict, bytes]:
        headers = {**self.static_headers, **{name: request_id for name in self.request_id_headers}}
        return self.status or status, headers, self.body


class GatewayResponses:
    """The template's gateway responses, by response type (UNAUTHORIZED, ACCESS_DENIED...)."""

    def __init__(self, by_type: dict[str, GatewayResponse]) -> None:
        self.by_type = by_type

    @classmethod
    def from_template(cls, path: str | Path = TEMPLATE_PATH) -> GatewayResponses:
        template = load_template(path)
        # Rendered regardless of HasRestApi: locally there is no RestApiId, the bodies are the same.
        stack = Stack(template, {"Stage": "dev", "RestApiId": "local"},
                      account_id="000000000000", region="us-east-1", name="leadnod-dev")
        return cls({
            resource["Properties"]["ResponseType"]:
                GatewayResponse.from_properties(stack.resolve(resource["Properties"]))
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::ApiGateway::GatewayResponse"})

    def response_type(self, status: int, headers: dict, body: bytes) -> str | None:
        """The API Gateway response type a Chalice local error stands for, or None."""
        error_type = _header(headers, "x-amzn-ErrorType")
        for code, expected_type, matches, response_type in _CHALICE_LOCAL_ERRORS:
            if status == code and error_type == expected_type and matches(body):
                return response_type
        return None

    def reshape(self, status: int, headers: dict, body: bytes,
                request_id: str) -> tuple[int, dict, bytes]:
        """What API Gateway would send instead of Chalice's local gateway error; else unchanged."""
        response_type = self.response_type(status, headers, body)
        if response_type not in self.by_type:
            return status, headers, body
        new_status, new_headers, new_body = self.by_type[response_type].render(status, request_id)
        kept = {k: v for k, v in headers.items()
                if k.lower() not in {h.lower() for h in new_headers}}
        return new_status, {**kept, **new_headers}, new_body


def _header(headers: dict, name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _request_id(headers: dict) -> str:
    return _header(headers, "x-amzn-RequestId") or str(uuid.uuid4())


def method_not_routed(routes: dict, path: str, responses: GatewayResponses,
                      request_id: str) -> tuple[int, dict, bytes]:
    """The answer to a method API Gateway does not route (TRACE, CONNECT, anything made up):
    the unknown-route answer on an unknown path, else the API's 405 with `Allow`."""
    try:
        route = RouteMatcher(list(routes)).match_route(path).route
    except ValueError:  # unknown path: API Gateway's unknown-route answer
        return responses.by_type["MISSING_AUTHENTICATION_TOKEN"].render(404, request_id)
    return unsupported_method(declared_methods(routes[route]), request_id)


def unsupported_method(route_methods: Iterable[str], request_id: str) -> tuple[int, dict, bytes]:
    """The 405 a method no route declares gets, in the API's error format with `Allow`.

    API Gateway REST APIs only know GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS; other
    methods (TRACE, CONNECT, ...) never reach the API there (docs/openapi.md, "Contract
    testing"). Locally they would get http.server's 501 HTML page; the API's own answer to a
    method a path does not list is this 405, so the local stack answers every such method alike.
    """
    allowed = ", ".join(route_methods)
    body = error_body("method_not_allowed", f"This endpoint supports {allowed} only.")
    headers = {"Content-Type": "application/json", "Allow": allowed, "X-Request-Id": request_id}
    return 405, headers, json.dumps(body).encode()


def reshape_test_response(http_response: HTTPResponse,
                          responses: GatewayResponses) -> HTTPResponse:
    """The `chalice.test.Client` response API Gateway would have sent."""
    status, headers, body = responses.reshape(
        http_response.status_code, http_response.headers, http_response.body,
        _request_id(http_response.headers))
    return HTTPResponse(body=body, headers=headers, status_code=status)
