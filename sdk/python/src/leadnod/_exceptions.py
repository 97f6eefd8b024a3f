"""One exception class per kind of failure. Every one carries what the API said: `status`,
`code`, `message`, `param`, `doc_url`, and the `request_id` to quote to support.

    LeadNodError                    the base (raised itself for missing credentials)
        APIError                    any error answer (raised itself for 5xx, 405, 413, 415)
            InvalidRequestError (400, 422), AuthenticationError (401),
            PermissionDeniedError (403), NotFoundError (404), ConflictError (409),
            RateLimitError (429)
        APIConnectionError          no answer (APITimeoutError: none in time)
        SignatureVerificationError  a webhook request that is not LeadNod's
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Mapping, Optional, Type

import httpx

__all__ = ["LeadNodError", "APIError", "InvalidRequestError", "AuthenticationError",
           "PermissionDeniedError", "NotFoundError", "ConflictError", "RateLimitError",
           "APIConnectionError", "APITimeoutError", "SignatureVerificationError"]


class LeadNodError(Exception):
    """The base of every error this SDK raises."""

    def __init__(self, message: str, *, status: Optional[int] = None,
                 code: Optional[str] = None, param: Optional[str] = None,
                 doc_url: Optional[str] = None, request_id: Optional[str] = None,
                 headers: Optional[Mapping[str, str]] = None, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.param = param
        self.doc_url = doc_url
        self.request_id = request_id
        self.headers: Dict[str, str] = dict(headers or {})
        #: The parsed JSON body of the error response (None if there was no JSON body).
        self.body = body

    def __str__(self) -> str:
        details = [f"{name} {value}" for name, value in (
            ("status", self.status), ("code", self.code), ("param", self.param),
            ("request id", self.request_id)) if value is not None]
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
                f"code={self.code!r}, request_id={self.request_id!r})")


class APIError(LeadNodError):
    """The API answered with an error status: the base of the classes for each kind, and
    raised itself for a server error (5xx) or a status without a class of its own (405, 413,
    415)."""


class InvalidRequestError(APIError):
    """400 or 422: the request was refused as sent; `param` names the offending field."""


class AuthenticationError(APIError):
    """401: the client credentials were refused, or the access token was (even after
    fetching a new one)."""


class PermissionDeniedError(APIError):
    """403: the token lacks the scope, or the account may not do this to the object."""


class NotFoundError(APIError):
    """404: no such object, or one the account is not a party to (never revealed which)."""


class ConflictError(APIError):
    """409: the object's state does not allow this (an engagement already active, ...)."""


class RateLimitError(APIError):
    """429 after the retries: `retry_after` is how many seconds the API asked to wait."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None,
                 **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class APIConnectionError(LeadNodError):
    """No answer: the connection failed or broke (after the retries)."""


class APITimeoutError(APIConnectionError):
    """No answer within the timeout (after the retries)."""


class SignatureVerificationError(LeadNodError):
    """A webhook request's signature does not match its body and your endpoint's secret."""


_BY_STATUS: Dict[int, Type[LeadNodError]] = {
    400: InvalidRequestError, 401: AuthenticationError, 403: PermissionDeniedError,
    404: NotFoundError, 409: ConflictError, 422: InvalidRequestError, 429: RateLimitError,
}


def retry_after_seconds(headers: Mapping[str, str]) -> Optional[float]:
    """`Retry-After` as seconds (a number or an HTTP date), None when absent or unreadable."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def error_from_response(response: httpx.Response) -> LeadNodError:
    """The exception for a non-2xx answer. Reads our error body
    (`{"error": {"code", "message", "param", "doc_url"}}`) and the token endpoint's RFC 6749
    one (`{"error": "invalid_client", "error_description": ...}`)."""
    try:
        payload = response.json()
    except (ValueError, json.JSONDecodeError):
        payload = None
    detail = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(detail, dict):
        code, message = detail.get("code"), detail.get("message")
        param, doc_url = detail.get("param"), detail.get("doc_url")
    else:
        code = detail if isinstance(detail, str) else None
        message = payload.get("error_description") if isinstance(payload, dict) else None
        param = doc_url = None
    status = response.status_code
    message = message or f"The LeadNod API answered HTTP {status}."
    kind = _BY_STATUS.get(status, APIError)
    kwargs: Dict[str, Any] = dict(
        status=status, code=code, param=param, doc_url=doc_url,
        request_id=response.headers.get("x-request-id"), headers=response.headers, body=payload)
    if kind is RateLimitError:
        return RateLimitError(message, retry_after=retry_after_seconds(response.headers),
                              **kwargs)
    return kind(message, **kwargs)
