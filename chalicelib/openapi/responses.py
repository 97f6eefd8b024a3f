"""Responses: the headers we send, which error statuses each operation can answer, and the
shared error responses (chalicelib/errors.py, middleware.py, the gateway responses in
infra/template.yaml)."""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ..api.operations import Operation
from ..models.errors import ErrorBody
from .schemas import Schemas, one_of

READ_METHODS = ("GET",)
_INT, _STR = {"type": "integer"}, {"type": "string"}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {"description": "This request's id; quote it to support.", "schema": _STR},
    "X-RateLimit-Limit": {"description": "Requests per minute the account's plan allows; "
                                         "without an access token, the per-address limit.",
                          "schema": _INT},
    "X-RateLimit-Remaining": {"description": "Requests left: the lower of what remains of the "
                                             "per-minute limit and of the daily quota.",
                              "schema": _INT},
    "X-RateLimit-Reset": {"description": "Unix time (seconds) when the next request can "
                                         "succeed once a limit is reached; otherwise the end "
                                         "of the current minute.", "schema": _INT},
    "RateLimit-Policy": {"description": "IETF draft-ietf-httpapi-ratelimit-headers: the quotas, "
                                        "e.g. `\"minute\";q=60;w=60, \"day\";q=10000;w=86400`.",
                         "schema": _STR},
    "RateLimit": {"description": "What is left of each quota (`r`) and the seconds until it "
                                 "resets (`t`), e.g. `\"minute\";r=59;t=60, "
                                 "\"day\";r=9999;t=51234`.", "schema": _STR},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": _INT},
    "Location": {"description": "Where to follow the created resource.",
                 "schema": {"type": "string", "format": "uri-reference"}},
    "Idempotent-Replayed": {"description": "`true` when this is the stored answer to an earlier "
                                           "request with the same Idempotency-Key.",
                            "schema": {"type": "string", "enum": ["true"]}},
    "Cache-Control": {"description": "How long the answer may be cached.", "schema": _STR},
    "WWW-Authenticate": {"description": "The authentication scheme (RFC 6750).", "schema": _STR},
    "Allow": {"description": "The methods the path supports.", "schema": _STR},
}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                      "RateLimit-Policy", "RateLimit")

# status -> (component name, description, headers beyond X-Request-Id)
ERRORS: dict[int, tuple[str, str, tuple[str, ...]]] = {
    400: ("BadRequest", "The request is invalid: a parameter or field is missing, malformed or "
                        "refused (`param` names it).", ()),
    401: ("Unauthorized", "No valid access token: missing, expired, revoked or not issued for "
                          "this API (`unauthorized`, `invalid_token`).", ("WWW-Authenticate",)),
    403: ("Forbidden", "The token lacks the scope the method needs (`insufficient_scope`), or "
                       "the account may not do this (`forbidden`).", ()),
    404: ("NotFound", "No such object, or one the caller may not see (`resource_missing`).", ()),
    # Not referenced by operations: any method a path does not list answers it.
    405: ("MethodNotAllowed", "The path does not support this method (`method_not_allowed`); "
                              "`Allow` lists the ones it does.", ("Allow",)),
    409: ("Conflict", "The object's state does not allow this now, or it changed concurrently; "
                      "`code` says which.", ()),
    413: ("PayloadTooLarge", "The request body is larger than 1 MB (`request_too_large`).", ()),
    415: ("UnsupportedMediaType", "The Content-Type is not one the operation accepts.", ()),
    422: ("UnprocessableEntity", "The Idempotency-Key was already used with a different request "
                                "(`idempotency_key_reused`).", ()),
    429: ("TooManyRequests", "A rate limit or the daily quota is reached "
                            "(`rate_limit_exceeded`, `daily_quota_exceeded`); retry after "
                            "`Retry-After` seconds.", ("Retry-After",)),
    500: ("InternalError", "Something went wrong on our side (`internal_error`); quote the "
                           "X-Request-Id to support.", ()),
}


def _headers(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _counted(op: Operation, status: int) -> tuple[str, ...]:
    """Rate-limit headers go on every answer the limiter counted: per account, or per source
    address for public operations; an authenticated operation's 401 comes from the gateway
    before any counting."""
    return RATE_LIMIT_HEADERS if op.public or status != 401 else ()


def error_statuses(op: Operation, method: str) -> list[int]:
    statuses = {429, 500, *op.errors}     # rate limits: per account, or per address if public
    if not op.public:
        statuses |= {401, 403}            # authorizer, scopes
    if op.query is not None or (op.body is not None and method not in READ_METHODS):
        statuses.add(400)                 # validation
    if method not in READ_METHODS:
        statuses |= {413, 415}            # body size (middleware), Content-Type (Chalice)
    if "{" in op.path:
        statuses.add(404)
    if op.accepts_idempotency_key:
        statuses |= {400, 409, 422}       # key format, key in use, key reused
    return sorted(statuses)


def success_responses(op: Operation, schemas: Schemas) -> dict[str, Any]:
    names = ("X-Request-Id", *_counted(op, 200), *op.headers,
             *(("Idempotent-Replayed",) if op.accepts_idempotency_key else ()))
    answers: dict[str, Any] = {}
    for status in op.statuses:
        response: dict[str, Any] = {"description": HTTPStatus(status).phrase,
                                    "headers": _headers(names)}
        content = body_schema(op.returns, schemas)
        if content is not None and status != 204:
            response["content"] = {"application/json": {"schema": content}}
        answers[str(status)] = response
    return answers


def body_schema(returns: Any, schemas: Schemas) -> dict[str, Any] | None:
    kinds = returns if isinstance(returns, tuple) else () if returns is None else (returns,)
    if not kinds:
        return None
    return one_of({"type": "object"} if kind is dict else schemas.ref(kind, "serialization")
                  for kind in kinds)


def error_responses(op: Operation, method: str, schemas: Schemas) -> dict[str, Any]:
    """References to the shared error responses; public operations' errors and errors with
    their own body (the token endpoint's) are written out."""
    overrides = dict(op.responses)
    answers: dict[str, Any] = {}
    for status in error_statuses(op, method):
        name, description, extra = ERRORS[status]
        if not op.public and status not in overrides:
            answers[str(status)] = {"$ref": f"#/components/responses/{name}"}
            continue
        body = overrides.get(status, ErrorBody)
        bodies = body if isinstance(body, tuple) else (body,)
        answers[str(status)] = {
            "description": description if ErrorBody in bodies else HTTPStatus(status).phrase,
            "headers": _headers(("X-Request-Id", *extra, *_counted(op, status))),
            "content": {"application/json": {"schema": body_schema(bodies, schemas)}}}
    return answers


def shared_error_responses(schemas: Schemas) -> dict[str, Any]:
    """The authenticated variants (`/v1` routes): rate-limit headers included."""
    error = {"application/json": {"schema": schemas.ref(ErrorBody, "serialization")}}
    return {name: {"description": description,
                   "headers": _headers(("X-Request-Id", *extra,
                                        *(RATE_LIMIT_HEADERS if status != 401 else ()))),
                   "content": error}
            for status, (name, description, extra) in sorted(ERRORS.items())}
