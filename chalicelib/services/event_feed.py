"""`GET /v1/events`: the caller's events of the last 30 days, to recover missed webhooks."""
from __future__ import annotations

from datetime import timedelta

from ..clock import Clock, sortable
from ..errors import not_found
from ..ids import has_prefix
from ..models.common import Page
from ..models.webhooks import Event, EventListParams
from ..storage.event_feed import EventFeedRepository
from ..storage.events import EVENT_RETENTION_SECONDS
from ..storage.outbox import plain


class EventFeedService:
    def __init__(self, events: EventFeedRepository, clock: Clock) -> None:
        self._events, self._clock = events, clock

    def list(self, user_id: str, params: EventListParams) -> Page[Event]:
        since = sortable(self._clock.now() - timedelta(seconds=EVENT_RETENTION_SECONDS))
        page = self._events.page(user_id, since=since, event_type=params.type,
                                 limit=params.limit, cursor=params.cursor)
        return Page[Event](data=[Event.model_validate(plain(i["payload"])) for i in page.items],
                           has_more=page.has_more, next_cursor=page.next_cursor)

    def get(self, user_id: str, event_id: str) -> Event:
        item = self._events.get(user_id, event_id) if has_prefix(event_id, "evt") else None
        # TTL deletes lazily (up to days late): an expired item is already gone for the API.
        if item is None or int(item.get("ttl", 0)) < self._clock.timestamp():
            raise not_found("event", event_id)
        return Event.model_validate(plain(item["payload"]))
