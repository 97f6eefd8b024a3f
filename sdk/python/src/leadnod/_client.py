"""`Client` and `AsyncClient`: credentials, the HTTP client, tokens, retries, errors; the
resources (`client.opportunities`, ...) are attributes built on them."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Mapping, Optional

import httpx

from . import _async_resources as aio
from . import _sync_resources as sync
from ._auth import AsyncTokenManager, TokenManager
from ._base import (DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Endpoints, Timeout,
                    as_timeout, parse, request_headers, resolve_credentials,
                    resolve_endpoints, retry_delay, token_request_body)
from ._exceptions import (APIConnectionError, APITimeoutError, LeadNodError,
                          error_from_response)

# Indirections so tests can wait without sleeping.
_sleep = time.sleep
_async_sleep = asyncio.sleep


def _transport_error(exc: httpx.TransportError) -> LeadNodError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The LeadNod API did not answer in time: {exc!r}")
    return APIConnectionError(f"Could not reach the LeadNod API: {exc!r}")


def _answer(response: httpx.Response, cast: Any) -> Any:
    """The body as `cast` (None: the JSON as is); None for an empty body (204)."""
    if not response.content:
        return None
    data = response.json()
    return data if cast is None else parse(cast, data)


class _Core:
    """Settings both clients share."""

    def __init__(self, *, client_id: Optional[str], client_secret: Optional[str],
                 base_url: Optional[str], environment: Optional[str], timeout: Timeout,
                 max_retries: int, scope: Optional[str]) -> None:
        self._client_id, self._client_secret = resolve_credentials(client_id, client_secret)
        self._endpoints: Endpoints = resolve_endpoints(base_url, environment)
        self.timeout = as_timeout(timeout)
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.max_retries = max_retries
        self._scope = scope

    @property
    def base_url(self) -> str:
        """The API's base URL, ending in `/v1`."""
        return self._endpoints.api

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self._endpoints.api + path

    def _token_body(self) -> Dict[str, str]:
        return token_request_body(self._client_id, self._client_secret, self._scope)


class Client(_Core):
    """The LeadNod API, synchronously.

        client = leadnod.Client(client_id="cli_...", client_secret="lns_...")
        me = client.users.me()

    Credentials default to LEADNOD_CLIENT_ID / LEADNOD_CLIENT_SECRET; `environment` is
    "production" (default) or "sandbox", or give any `base_url` (else LEADNOD_BASE_URL).
    `scope="read"` asks for read-only tokens. `timeout` applies to each attempt; failed
    attempts are retried `max_retries` times (429, 5xx, connection errors). Pass
    `http_client` to use your own `httpx.Client` (proxies, transports). Thread-safe.
    """

    users: sync.Users
    team: sync.Team
    opportunities: sync.Opportunities
    engagements: sync.Engagements
    payments: sync.Payments
    messages: sync.Messages
    analytics: sync.Analytics
    webhooks: sync.Webhooks
    events: sync.Events
    usage: sync.UsageResource

    def __init__(self, *, client_id: Optional[str] = None, client_secret: Optional[str] = None,
                 base_url: Optional[str] = None, environment: Optional[str] = None,
                 timeout: Timeout = DEFAULT_TIMEOUT, max_retries: int = DEFAULT_MAX_RETRIES,
                 scope: Optional[str] = None,
                 http_client: Optional[httpx.Client] = None) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, base_url=base_url,
                         environment=environment, timeout=timeout, max_retries=max_retries,
                         scope=scope)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self._tokens = TokenManager(self._fetch_token)
        sync.attach(self)

    def close(self) -> None:
        """Close the HTTP connections (unless `http_client` was passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def _fetch_token(self) -> Dict[str, Any]:
        token: Dict[str, Any] = self._send("POST", self._endpoints.token,
                                           json=self._token_body(), authenticated=False).json()
        return token

    def _send(self, method: str, url: str, *, params: Optional[Mapping[str, str]] = None,
              json: Any = None, idempotency_key: Optional[str] = None,
              authenticated: bool = True) -> httpx.Response:
        """One call: attempts until success, a final error, or `max_retries` retries. A 401
        gets one more attempt with a new token (not counted as a retry)."""
        headers = request_headers(method, idempotency_key)
        attempt, renewed = 0, False
        while True:
            token = self._tokens.token() if authenticated else None
            if token:
                headers["Authorization"] = f"Bearer {token}"
            try:
                response = self._http.request(method, url, params=params, json=json,
                                              headers=headers, timeout=self.timeout)
            except httpx.TransportError as exc:
                error = _transport_error(exc)
            else:
                if response.is_success:
                    return response
                if response.status_code == 401 and token and not renewed:
                    self._tokens.refused(token)
                    renewed = True
                    continue
                error = error_from_response(response)
            delay = retry_delay(error, attempt, self.max_retries)
            if delay is None:
                raise error
            attempt += 1
            _sleep(delay)

    def _request(self, method: str, path: str, *, params: Optional[Mapping[str, str]] = None,
                 json: Any = None, cast: Any = None,
                 idempotency_key: Optional[str] = None) -> Any:
        response = self._send(method, self._url(path), params=params, json=json,
                              idempotency_key=idempotency_key)
        return _answer(response, cast)


class AsyncClient(_Core):
    """The LeadNod API with `async`/`await`; the same surface as `Client`.

        async with leadnod.AsyncClient() as client:
            me = await client.users.me()
            async for opportunity in client.opportunities.list():
                ...
    """

    users: aio.AsyncUsers
    team: aio.AsyncTeam
    opportunities: aio.AsyncOpportunities
    engagements: aio.AsyncEngagements
    payments: aio.AsyncPayments
    messages: aio.AsyncMessages
    analytics: aio.AsyncAnalytics
    webhooks: aio.AsyncWebhooks
    events: aio.AsyncEvents
    usage: aio.AsyncUsageResource

    def __init__(self, *, client_id: Optional[str] = None, client_secret: Optional[str] = None,
                 base_url: Optional[str] = None, environment: Optional[str] = None,
                 timeout: Timeout = DEFAULT_TIMEOUT, max_retries: int = DEFAULT_MAX_RETRIES,
                 scope: Optional[str] = None,
                 http_client: Optional[httpx.AsyncClient] = None) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, base_url=base_url,
                         environment=environment, timeout=timeout, max_retries=max_retries,
                         scope=scope)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._tokens = AsyncTokenManager(self._fetch_token)
        aio.attach(self)

    async def close(self) -> None:
        """Close the HTTP connections (unless `http_client` was passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.close()

    async def _fetch_token(self) -> Dict[str, Any]:
        answer = await self._send("POST", self._endpoints.token, json=self._token_body(),
                                  authenticated=False)
        token: Dict[str, Any] = answer.json()
        return token

    async def _send(self, method: str, url: str, *,
                    params: Optional[Mapping[str, str]] = None, json: Any = None,
                    idempotency_key: Optional[str] = None,
                    authenticated: bool = True) -> httpx.Response:
        """See `Client._send`."""
        headers = request_headers(method, idempotency_key)
        attempt, renewed = 0, False
        while True:
            token = await self._tokens.token() if authenticated else None
            if token:
                headers["Authorization"] = f"Bearer {token}"
            try:
                response = await self._http.request(method, url, params=params, json=json,
                                                    headers=headers, timeout=self.timeout)
            except httpx.TransportError as exc:
                error = _transport_error(exc)
            else:
                if response.is_success:
                    return response
                if response.status_code == 401 and token and not renewed:
                    await self._tokens.refused(token)
                    renewed = True
                    continue
                error = error_from_response(response)
            delay = retry_delay(error, attempt, self.max_retries)
            if delay is None:
                raise error
            attempt += 1
            await _async_sleep(delay)

    async def _request(self, method: str, path: str, *,
                       params: Optional[Mapping[str, str]] = None, json: Any = None,
                       cast: Any = None, idempotency_key: Optional[str] = None) -> Any:
        response = await self._send(method, self._url(path), params=params, json=json,
                                    idempotency_key=idempotency_key)
        return _answer(response, cast)
