"""Lists. Every list answers `{"data": [...], "has_more": bool, "next_cursor": str|null}` and
takes `?cursor=<next_cursor>` for the next page; a page object follows the cursors itself.

    for opportunity in client.opportunities.list(industry="saas"):   # every page
        ...
    page = client.opportunities.list(limit=10)                       # the first page only
    page.data, page.has_more, page.next_cursor

    async for opportunity in client.opportunities.list():            # AsyncClient
        ...
    page = await client.opportunities.list(limit=10)
"""
from __future__ import annotations

from typing import (Any, AsyncIterator, Awaitable, Callable, Dict, Generator, Generic, Iterator,
                    List, Optional, TypeVar)

from ._base import parse

T = TypeVar("T")
Answer = Dict[str, Any]
ENVELOPE = ("data", "has_more", "next_cursor")


class _PageData(Generic[T]):
    data: List[T]
    has_more: bool
    next_cursor: Optional[str]

    def _load(self, cast: Any, answer: Answer) -> None:
        self.data = [parse(cast, item) for item in answer.get("data") or []]
        self.has_more = bool(answer.get("has_more"))
        self.next_cursor = answer.get("next_cursor")
        #: Fields of the list answer besides the envelope (e.g. `matched_at` of matches).
        self.extra = {key: value for key, value in answer.items() if key not in ENVELOPE}

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def has_next_page(self) -> bool:
        return self.has_more and bool(self.next_cursor)


class SyncPage(_PageData[T]):
    """One page of a list (`data`, `has_more`, `next_cursor`); iterating it yields every item
    of this page and of the pages after it, fetched as needed."""

    def __init__(self, fetch: Callable[[Optional[str]], Answer], cast: Any,
                 answer: Optional[Answer] = None) -> None:
        self._fetch, self._cast = fetch, cast
        self._load(cast, answer if answer is not None else fetch(None))  # the first page now

    def next_page(self) -> Optional["SyncPage[T]"]:
        """The following page, or None after the last."""
        if not self.has_next_page():
            return None
        return SyncPage(self._fetch, self._cast, self._fetch(self.next_cursor))

    def iter_pages(self) -> Iterator["SyncPage[T]"]:
        page: Optional[SyncPage[T]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            for item in page.data:
                yield item

    def __repr__(self) -> str:
        return f"SyncPage(data=<{len(self.data)} items>, has_more={self.has_more})"


class AsyncPage(_PageData[T]):
    """The async twin of `SyncPage`. Nothing is fetched until it is awaited (the first page)
    or iterated with `async for` (every item of every page)."""

    def __init__(self, fetch: Callable[[Optional[str]], Awaitable[Answer]], cast: Any,
                 answer: Optional[Answer] = None) -> None:
        self._fetch, self._cast = fetch, cast
        self._loaded = answer is not None
        if answer is not None:
            self._load(cast, answer)

    async def _ensure(self) -> "AsyncPage[T]":
        if not self._loaded:
            self._load(self._cast, await self._fetch(None))
            self._loaded = True
        return self

    def __await__(self) -> Generator[Any, None, "AsyncPage[T]"]:
        return self._ensure().__await__()

    async def next_page(self) -> Optional["AsyncPage[T]"]:
        """The following page, or None after the last."""
        await self._ensure()
        if not self.has_next_page():
            return None
        return AsyncPage(self._fetch, self._cast, await self._fetch(self.next_cursor))

    async def iter_pages(self) -> AsyncIterator["AsyncPage[T]"]:
        page: Optional[AsyncPage[T]] = await self._ensure()
        while page is not None:
            yield page
            page = await page.next_page()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    def __getattr__(self, name: str) -> Any:
        if name in ("data", "has_more", "next_cursor", "extra"):
            raise AttributeError(f"await the page before reading {name!r}: "
                                 "`page = await client.<resource>.list(...)`")
        return super().__getattr__(name)

    def __repr__(self) -> str:
        if not self._loaded:
            return "AsyncPage(<not fetched>)"
        return f"AsyncPage(data=<{len(self.data)} items>, has_more={self.has_more})"
