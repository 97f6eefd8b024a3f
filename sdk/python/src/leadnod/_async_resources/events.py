"""`client.events`: the caller's events of the last 30 days (what webhooks delivered)."""
from __future__ import annotations

from typing import Optional

from .._pagination import AsyncPage
from .._types import path_id, query
from ..models import Event
from ._base import AsyncAPIResource


class AsyncEvents(AsyncAPIResource):
    def list(self, *, type: Optional[str] = None,
             limit: Optional[int] = None) -> AsyncPage[Event]:
        """Events, newest first (`GET /v1/events`), optionally of one `type` such as
        `engagement.created`."""
        return self._list("/events", cast=Event, params=query(type=type, limit=limit))

    async def retrieve(self, event_id: str) -> Event:
        """One event (`GET /v1/events/{id}`), exactly as its webhook request carried it."""
        return await self._get(f"/events/{path_id(event_id, 'event_id')}", cast=Event)
