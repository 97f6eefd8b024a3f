"""Outbox → deliveries: one queue message per (event, subscribed endpoint of a recipient).

Fed by the table's stream (fast path) and by a scheduled sweeper (anything the stream consumer
failed on). Idempotent, so both may see the same item: each delivery is a conditional put keyed
by (event, endpoint), sent only if it was not already marked `queued`, and the outbox item is
deleted last. A crash between sending and marking re-sends on replay (at-least-once).
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from ...clock import Clock, sortable
from ...storage.events import EVENT_RETENTION_SECONDS
from ...storage.outbox import OutboxRepository, created_sort, outbox_item_from_stream
from ...storage.webhook_deliveries import DeliveryRepository, delivery_id_for
from ...storage.webhooks import EndpointRepository
from .queue import DeliveryMessage, DeliveryQueue
from .settings import WebhookSettings

log = logging.getLogger("leadnod.webhooks")
ALL_EVENTS = "*"


def subscribed(endpoint: dict[str, Any], event_type: str) -> bool:
    events = endpoint.get("events") or []
    return endpoint.get("status") == "enabled" and (ALL_EVENTS in events or event_type in events)


def new_delivery(event: dict[str, Any], endpoint: dict[str, Any], now: Any,
                 *, mode: str = "auto") -> dict[str, Any]:
    return {
        "id": delivery_id_for(event["id"], endpoint["id"]), "webhook_id": endpoint["id"],
        "user_id": endpoint["user_id"], "event_id": event["id"], "event_type": event["type"],
        "event": event, "status": "pending", "mode": mode, "run": 1, "next_attempt": 1,
        "attempts": 0, "queued": False, "created_at": sortable(now), "updated_at": sortable(now),
        "ttl": int(now.timestamp()) + EVENT_RETENTION_SECONDS,
    }


def first_message(delivery: dict[str, Any], *, manual: bool = False) -> DeliveryMessage:
    return DeliveryMessage(delivery_id=delivery["id"], webhook_id=delivery["webhook_id"],
                           user_id=delivery["user_id"], run=int(delivery.get("run", 1)),
                           attempt=1, manual=manual)


class OutboxFanOut:
    def __init__(self, outbox: OutboxRepository, endpoints: EndpointRepository,
                 deliveries: DeliveryRepository, queue: DeliveryQueue,
                 settings: WebhookSettings, clock: Clock) -> None:
        self._outbox, self._endpoints, self._deliveries = outbox, endpoints, deliveries
        self._queue, self._settings, self._clock = queue, settings, clock

    def from_stream(self, records: list[dict[str, Any]]) -> int:
        """Fan out the outbox INSERTs of a stream batch. Never raises: a failed item stays in
        the outbox for the sweeper, rather than blocking the stream shard behind it."""
        fanned = 0
        for record in records:
            item = outbox_item_from_stream(record)
            if item is None:
                continue
            try:
                self.fan_out(item)
                fanned += 1
            except Exception:
                log.exception("fan-out of %s failed; the sweeper will retry", item.get("PK"))
        return fanned

    def sweep(self, *, budget_seconds: float = 20.0, max_items: int = 1000) -> int:
        """Fan out outbox items older than the grace period (the stream consumer missed them)."""
        started = time.monotonic()
        cutoff = sortable(self._clock.now() - timedelta(seconds=self._settings.sweep_after_seconds))
        swept = 0
        for item in self._outbox.older_than(cutoff):
            try:
                self.fan_out(item)
            except Exception:
                log.exception("sweeper could not fan out %s", item.get("PK"))
            swept += 1
            if swept >= max_items or time.monotonic() - started > budget_seconds:
                break
        return swept

    def fan_out(self, item: dict[str, Any]) -> int:
        """Queue one delivery per subscribed endpoint of the event's recipients, then delete the
        outbox item. Returns how many messages were sent."""
        event = item["payload"]  # numbers stay Decimal: DynamoDB refuses floats
        recorded = created_sort(item)
        now = self._clock.now()
        to_send: list[dict[str, Any]] = []
        for user_id in dict.fromkeys(item.get("recipients") or []):
            for endpoint in self._endpoints.for_user(user_id):
                # Endpoints registered after the event was recorded do not receive it.
                if not subscribed(endpoint, event["type"]) or endpoint["created_at"] > recorded:
                    continue
                delivery = new_delivery(event, endpoint, now)
                existing = self._deliveries.create(delivery)
                if existing is None or not existing.get("queued"):
                    to_send.append(delivery)
        self._queue.send_many(first_message(d) for d in to_send)
        self._deliveries.mark_queued(to_send)
        self._outbox.delete(event["id"])
        return len(to_send)
