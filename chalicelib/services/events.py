"""The one way state changes announce themselves.

`EventRecorder.record(...)` returns the DynamoDB actions that store the event; callers append
them to the same TransactWriteItems as the change itself (the transactional outbox), so an
event exists exactly when its change does.
"""
from __future__ import annotations

from typing import Any

from ..clock import Clock, isoformat, sortable
from ..config import Settings
from ..ids import new_id
from ..storage.events import EVENT_RETENTION_SECONDS, event_actions

API_VERSION = "2024-06-01"
EVENT_TYPES = (
    "user.created", "user.updated", "user.verified",
    "opportunity.created", "opportunity.updated", "opportunity.closed", "opportunity.matched",
    "engagement.created", "engagement.started", "engagement.completed", "engagement.terminated",
    "activity.logged",
    "payment.received", "payment.released", "escrow.funded", "escrow.dispute",
    "message.received", "conversation.started",
    # Beyond the docs' 18 (docs/events.md): refunds and declined charges, secret rotations.
    "payment.refunded", "payment.failed", "credentials.rotated",
)


class EventRecorder:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._settings, self._clock = settings, clock

    def record(self, event_type: str, data: dict[str, Any],
               recipients: list[str]) -> list[dict[str, Any]]:
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type}")
        # The data must be what docs/events.md and the OpenAPI webhooks section promise.
        # (Imported here: the models are not needed to import the app, which keeps cold
        # starts lean.)
        from ..models.events import EVENT_DATA

        EVENT_DATA[event_type].model_validate(data)
        now = self._clock.now()
        event = {
            "id": new_id("evt"), "type": event_type, "created": isoformat(now),
            "api_version": API_VERSION,
            "environment": self._settings.environment,
            "data": data,
        }
        expires = int(now.timestamp()) + EVENT_RETENTION_SECONDS
        return event_actions(event, recipients, sortable(now), expires)
