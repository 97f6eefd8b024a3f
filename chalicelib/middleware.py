"""HTTP middleware: request ids, the error format for everything, scopes, logs and metrics.

Powertools' decorators expect `(event, context)` and would break Chalice routes, so Logger
and Metrics are driven from here with the request's own `lambda_context`; the request is made
current for the views below (`request_scope`), never read from the shared app.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, Response

from .errors import CHALICE_CODES, ApiError, InsufficientScope, InternalError, RequestTooLarge
from . import request_scope
from .services.oauth import OAuthError
from .services.ratelimit import Limits, RateDecision, limits_for
from .wiring import container

logger = Logger(service="leadnod-api")
metrics = Metrics(namespace="LeadNod", service="leadnod-api")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
TOKEN_PATH = "/oauth/token"


def _request_id(request: Any) -> str:
    return (request.context or {}).get("requestId") or str(uuid.uuid4())


def _check_scope(request: Any) -> None:
    authorizer = (request.context or {}).get("authorizer") or {}
    if "user_id" not in authorizer:
        return
    needed = "read" if request.method in READ_METHODS else "write"
    if needed not in str(authorizer.get("scope", "")).split():
        raise InsufficientScope(f"This request needs the '{needed}' scope; the access token "
                                f"has '{authorizer.get('scope', '')}'.")


def _rate_limit(request: Any) -> RateDecision | None:
    """Count an authenticated `/v1` request against its account's limits, and any request
    without an account (the token endpoint, public documents, 405 answers) against its source
    address; a refused one raises before any work is done. Requests API Gateway answers
    itself (no or invalid token, unknown routes) never get here (docs/rate-limits.md)."""
    context = request.context or {}
    authorizer = context.get("authorizer") or {}
    limiter = container().rate_limiter
    if "user_id" in authorizer:
        if not (request.path + "/").startswith("/v1/"):
            return None
        decision = limiter.hit(authorizer["user_id"], limits_for(
            authorizer.get("plan", "professional"), authorizer.get("rate_per_minute"),
            authorizer.get("rate_per_day")))
    else:
        settings = container().settings
        source_ip = (context.get("identity") or {}).get("sourceIp") or "unknown"
        decision = limiter.hit_address(source_ip, Limits(
            settings.unauthenticated_per_minute, settings.unauthenticated_per_day))
    if decision.degraded:
        metrics.add_metric(name="RateLimiterFailOpen", unit=MetricUnit.Count, value=1)
    if not decision.allowed:
        metrics.add_metric(name="RateLimited", unit=MetricUnit.Count, value=1)
        error = decision.error()
        if request.path == TOKEN_PATH:  # OAuth clients parse RFC 6749's error shape there
            raise OAuthError(error.code, error.message, error.status, error.headers)
        raise error
    return decision


def _as_api_error(response: Response, request_id: str) -> Response:
    """Chalice answers its own errors as `{"Code", "Message"}`; reshape them."""
    if response.status_code < 400 or not isinstance(response.body, (str, bytes, dict)):
        return response
    body = response.body
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body or "null")
        except ValueError:
            return response
    if not isinstance(body, dict) or "Code" not in body:
        return response
    if response.status_code >= 500:
        logger.error("unhandled error", extra={"chalice_code": body.get("Code")})
        error: ApiError = InternalError(
            f"Something went wrong on our end. Quote request id {request_id} to support.")
    else:
        kind = CHALICE_CODES.get(body.get("Code", ""), ApiError)
        error = kind(str(body.get("Message") or "The request could not be processed."))
        error.status = response.status_code
    reshaped = error.to_response()
    reshaped.headers = {**{k: v for k, v in response.headers.items()
                           if k.lower() != "content-type"}, **reshaped.headers}
    return reshaped


def register(app: Chalice) -> None:
    @app.middleware("http")
    def api_middleware(request: Any, get_response: Callable[[Any], Response]) -> Response:
        started = time.perf_counter()
        request_id = _request_id(request)
        user_id = ((request.context or {}).get("authorizer") or {}).get("user_id")
        logger.append_keys(request_id=request_id, user_id=user_id)
        rate: RateDecision | None = None
        try:
            rate = _rate_limit(request)
            if len(request.raw_body or b"") > container().settings.max_body_bytes:
                raise RequestTooLarge("The request body is larger than 1 MB.")
            _check_scope(request)
            response = get_response(request)
        except ApiError as error:
            response = error.to_response()
        response = _as_api_error(response, request_id)
        response.headers["X-Request-Id"] = request_id
        if rate is not None:  # every counted response, errors included
            response.headers.update(rate.headers())
        elapsed_ms = (time.perf_counter() - started) * 1000
        path = (request.context or {}).get("resourcePath", request.path)
        logger.info("request", extra={"method": request.method, "path": path,
                                      "status": response.status_code,
                                      "latency_ms": round(elapsed_ms, 1)})
        metrics.add_dimension(name="route", value=f"{request.method} {path}")
        metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=elapsed_ms)
        if response.status_code >= 500:
            metrics.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
        metrics.flush_metrics()
        metrics.clear_metrics()  # flush skips clearing when metrics are disabled (local)
        logger.remove_keys(["request_id", "user_id"])
        return response

    request_scope.register(app)  # inside the middleware above: its errors are reshaped too
