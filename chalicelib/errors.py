"""API errors and the one place that turns them into the documented error body.

Every error subclasses Chalice's `ChaliceUnhandledError` so that it reaches our middleware
as an exception instead of being flattened by Chalice into `{"Code", "Message"}`.
"""
from __future__ import annotations

import json
from typing import Any

from chalice import ChaliceUnhandledError, Response

DOC_URL = "https://docs.leadnod.com/errors/{code}"


def error_body(code: str, message: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "param": param,
                      "doc_url": DOC_URL.format(code=code)}}


class ApiError(ChaliceUnhandledError):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code:
            self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.param)

    def to_response(self) -> Response:
        return Response(body=json.dumps(self.body()), status_code=self.status,
                        headers={"Content-Type": "application/json", **self.headers})


class InvalidParameter(ApiError):
    status, code = 400, "invalid_parameter"


class MissingParameter(ApiError):
    status, code = 400, "missing_parameter"


class InvalidRequest(ApiError):
    """The request as a whole is unusable (malformed JSON, a body that is not an object)."""
    status, code = 400, "invalid_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class InsufficientScope(ApiError):
    status, code = 403, "insufficient_scope"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class Conflict(ApiError):
    status, code = 409, "conflict"


class RequestTooLarge(ApiError):
    status, code = 413, "request_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


class TooManyRequests(ApiError):
    status, code = 429, "rate_limit_exceeded"


class InternalError(ApiError):
    status, code = 500, "internal_error"


def not_found(kind: str, object_id: str, param: str = "id") -> NotFound:
    """The answer for an object that does not exist *or* that the caller may not see."""
    return NotFound(f"No such {kind}: '{object_id}'.", param=param, code="resource_missing")


# Chalice's own error codes (from `{"Code": ..., "Message": ...}` bodies) mapped to ours.
CHALICE_CODES: dict[str, type[ApiError]] = {
    "BadRequestError": InvalidRequest,
    "UnauthorizedError": Unauthorized,
    "ForbiddenError": Forbidden,
    "NotFoundError": NotFound,
    "MethodNotAllowedError": MethodNotAllowed,
    "RequestTimeoutError": InternalError,
    "ConflictError": Conflict,
    "UnprocessableEntityError": Unprocessable,
    "TooManyRequestsError": TooManyRequests,
    "UnsupportedMediaType": UnsupportedMediaType,
}


def idempotency_key_reused() -> Unprocessable:
    """The one rule: a key names one request (endpoint and body), whether its record says so
    (services/idempotency.py) or, once the record expired, the object it created does."""
    return Unprocessable("This Idempotency-Key was already used with a different request "
                         "(another endpoint or body). Use a new key for a new request.",
                         param="Idempotency-Key", code="idempotency_key_reused")
