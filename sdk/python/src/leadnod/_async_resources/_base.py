"""What every resource does with its client: one call, one model back."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, TypeVar

from .._pagination import AsyncPage

if TYPE_CHECKING:
    from .._client import AsyncClient

T = TypeVar("T")


class AsyncAPIResource:
    def __init__(self, client: "AsyncClient") -> None:
        self._client = client

    async def _get(self, path: str, *, cast: Callable[..., T],
                   params: Optional[Dict[str, str]] = None) -> T:
        answer: T = await self._client._request("GET", path, params=params, cast=cast)
        return answer

    async def _post(self, path: str, *, cast: Callable[..., T], body: Any = None,
                    idempotency_key: Optional[str] = None) -> T:
        answer: T = await self._client._request("POST", path, json=body, cast=cast,
                                                idempotency_key=idempotency_key)
        return answer

    async def _patch(self, path: str, *, cast: Callable[..., T], body: Any) -> T:
        answer: T = await self._client._request("PATCH", path, json=body, cast=cast)
        return answer

    async def _delete(self, path: str) -> None:
        await self._client._request("DELETE", path)

    def _list(self, path: str, *, cast: Callable[..., T],
              params: Optional[Dict[str, str]] = None) -> AsyncPage[T]:
        async def fetch(cursor: Optional[str]) -> Dict[str, Any]:
            page_params = dict(params or {})
            if cursor:
                page_params["cursor"] = cursor
            page: Dict[str, Any] = await self._client._request("GET", path, params=page_params)
            return page

        return AsyncPage(fetch, cast)
