"""What the sync and async clients share: where requests go, their headers, the token grant,
and whether and how long to wait before retrying a failed attempt."""
from __future__ import annotations

import os
import platform
import random
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import httpx
from pydantic import BaseModel

from ._exceptions import APIConnectionError, LeadNodError, retry_after_seconds
from ._version import __version__

PRODUCTION_BASE_URL = "https://api.leadnod.com/v1"
SANDBOX_BASE_URL = "https://sandbox.api.leadnod.com/v1"
ENVIRONMENTS = {"production": PRODUCTION_BASE_URL, "sandbox": SANDBOX_BASE_URL}
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
# The longest wait before a retry, whatever Retry-After asks: a longer one is cut to this and
# the retry may meet a 429 with the rest of the wait. The daily quota (whose Retry-After runs
# to 00:00 UTC) is not waited for at all.
MAX_RETRY_WAIT = 60.0
INITIAL_BACKOFF, MAX_BACKOFF = 0.5, 8.0
# A token is replaced this long before it expires, so it cannot expire in flight.
TOKEN_REFRESH_MARGIN = 60.0
USER_AGENT = f"leadnod-python/{__version__} (Python {platform.python_version()})"

Timeout = Union[float, httpx.Timeout, None]


@dataclass(frozen=True)
class Endpoints:
    api: str    # ".../v1"; resource paths are relative to it
    token: str  # ".../oauth/token" (outside /v1, as the docs show)


def resolve_endpoints(base_url: Optional[str], environment: Optional[str]) -> Endpoints:
    """`base_url` as the docs write it (`https://api.leadnod.com/v1`) or without `/v1`
    (`http://127.0.0.1:8000`); else LEADNOD_BASE_URL; else the environment's URL."""
    if base_url is None:
        base_url = os.environ.get("LEADNOD_BASE_URL")
    if base_url is None:
        name = environment or os.environ.get("LEADNOD_ENVIRONMENT") or "production"
        if name not in ENVIRONMENTS:
            raise ValueError(f"environment must be one of {sorted(ENVIRONMENTS)}, got {name!r}")
        base_url = ENVIRONMENTS[name]
    root = base_url.rstrip("/")
    if root.endswith("/v1"):
        root = root[:-3]
    return Endpoints(api=root + "/v1", token=root + "/oauth/token")


def resolve_credentials(client_id: Optional[str],
                        client_secret: Optional[str]) -> Tuple[str, str]:
    client_id = client_id or os.environ.get("LEADNOD_CLIENT_ID")
    client_secret = client_secret or os.environ.get("LEADNOD_CLIENT_SECRET")
    if not client_id or not client_secret:
        raise LeadNodError("Pass client_id and client_secret, or set the LEADNOD_CLIENT_ID and "
                           "LEADNOD_CLIENT_SECRET environment variables.")
    return client_id, client_secret


def as_timeout(timeout: Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


@dataclass(frozen=True)
class TokenGrant:
    """An access token and the monotonic time after which it is replaced."""
    access_token: str
    scope: str
    refresh_at: float

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any], now: float) -> "TokenGrant":
        expires_in = float(answer.get("expires_in") or 3600)
        margin = min(TOKEN_REFRESH_MARGIN, expires_in / 2)
        return cls(str(answer["access_token"]), str(answer.get("scope", "")),
                   now + expires_in - margin)


def token_request_body(client_id: str, client_secret: str,
                       scope: Optional[str]) -> Dict[str, str]:
    body = {"grant_type": "client_credentials", "client_id": client_id,
            "client_secret": client_secret}
    if scope:
        body["scope"] = scope
    return body


def request_headers(method: str, idempotency_key: Optional[str],
                    extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Headers of one call, shared by all its attempts: a POST gets one Idempotency-Key
    (the caller's, or a new UUID4) so every retry of it is recognised as the same request."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(extra or {})}
    if method == "POST":
        headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
    return headers


def backoff(attempt: int) -> float:
    """Exponential (0.5 s, 1 s, 2 s, ... up to 8 s) with jitter: between half and all of it."""
    ceiling = min(INITIAL_BACKOFF * (2.0 ** attempt), MAX_BACKOFF)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def retry_delay(error: LeadNodError, attempt: int, max_retries: int) -> Optional[float]:
    """Seconds to wait before retrying after `error` (attempt 0 is the first retry), or None
    when the error is final."""
    if attempt >= max_retries:
        return None
    if isinstance(error, APIConnectionError):
        return backoff(attempt)
    status, code = error.status or 0, error.code
    retryable = (status == 429 and code != "daily_quota_exceeded") \
        or (status >= 500 and status != 501) \
        or (status == 409 and code == "idempotency_key_in_use")
    if not retryable:
        return None
    asked = retry_after_seconds(error.headers)
    return backoff(attempt) if asked is None else min(asked, MAX_RETRY_WAIT)


def parse(cast: Any, data: Any) -> Any:
    """The answer as `cast` (a model class, or a function taking the JSON)."""
    if isinstance(cast, type) and issubclass(cast, BaseModel):
        return cast.model_validate(data)
    return cast(data)
