"""Access tokens: fetched with the client-credentials grant when first needed, replaced a
minute before they expire and once when the API refuses one (401). One fetch at a time: the
threads (or tasks) that need a token while it is being fetched wait for that one."""
from __future__ import annotations

import asyncio
import threading
from time import monotonic
from typing import Any, Awaitable, Callable, Mapping, Optional

from ._base import TokenGrant

# The token endpoint's answer: {"access_token", "token_type", "expires_in", "scope"}.
Fetch = Callable[[], Mapping[str, Any]]
AsyncFetch = Callable[[], Awaitable[Mapping[str, Any]]]


def _fresh(grant: Optional[TokenGrant]) -> bool:
    return grant is not None and monotonic() < grant.refresh_at


def _token(grant: Optional[TokenGrant]) -> Optional[str]:
    return grant.access_token if grant is not None and _fresh(grant) else None


class TokenManager:
    """Thread-safe: a `threading.Lock` lets one thread fetch while the others wait for it."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._grant: Optional[TokenGrant] = None
        self._lock = threading.Lock()

    def token(self) -> str:
        current = _token(self._grant)
        if current is not None:
            return current
        with self._lock:
            current = _token(self._grant)  # another thread may have fetched one meanwhile
            if current is None:
                self._grant = TokenGrant.from_answer(self._fetch(), monotonic())
                current = self._grant.access_token
            return current

    def refused(self, token: str) -> None:
        """The API answered 401 to `token`: forget it, unless another caller already has."""
        with self._lock:
            if self._grant is not None and self._grant.access_token == token:
                self._grant = None


class AsyncTokenManager:
    """Task-safe: an `asyncio.Lock` (made on first use, inside the running loop) lets one
    task fetch while the others wait for it."""

    def __init__(self, fetch: AsyncFetch) -> None:
        self._fetch = fetch
        self._grant: Optional[TokenGrant] = None
        self._lock: Optional[asyncio.Lock] = None

    def _the_lock(self) -> asyncio.Lock:
        if self._lock is None:  # no await between the test and the assignment: no race
            self._lock = asyncio.Lock()
        return self._lock

    async def token(self) -> str:
        current = _token(self._grant)
        if current is not None:
            return current
        async with self._the_lock():
            current = _token(self._grant)  # another task may have fetched one meanwhile
            if current is None:
                self._grant = TokenGrant.from_answer(await self._fetch(), monotonic())
                current = self._grant.access_token
            return current

    async def refused(self, token: str) -> None:
        async with self._the_lock():
            if self._grant is not None and self._grant.access_token == token:
                self._grant = None
