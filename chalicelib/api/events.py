"""`/v1/events`: the caller's events of the last 30 days (what webhooks delivered, or missed)."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import Page
from ..models.webhooks import Event, EventListParams
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Events"


@operation(bp, "GET", "/v1/events", query=EventListParams, returns=Page[Event],
           provides={"event_id": "/data/0/id"}, tag=TAG, summary="List events")
def list_events(caller: Caller, query: EventListParams) -> Page[Event]:
    """The caller's events of the last 30 days, newest first; the payloads webhooks deliver
    (see the `webhooks` section for each type's `data`)."""
    return container().event_feed.list(caller.user_id, query)


@operation(bp, "GET", "/v1/events/{event_id}", returns=Event, tag=TAG, summary="Get an event")
def get_event(caller: Caller, event_id: str) -> Event:
    return container().event_feed.get(caller.user_id, event_id)
