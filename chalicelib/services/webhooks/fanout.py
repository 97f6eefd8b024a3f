"""Outbox → deliveries: one queue message per (event, subscribed endpoint of a recipient).

Fed by the table's stream (fast path) and by a scheduled sweeper (anything the stream consumer
missed), so it is idempotent: each delivery is a conditional put keyed by (event, endpoint), and
the outbox item is deleted last. A delivery that already exists is sent again only while its
outbox item still exists (an earlier fan-out died before finishing, so its message may never have
been sent); once the item is gone the event was fanned out and a replay sends nothing.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any, Iterable

from ...clock import Clock, sortable
from ...storage.events import EVENT_RETENTION_SECONDS
from ...storage.outbox import OutboxRepository, created_sort, outbox_item_from_stream
from ...storage.stream_records import new_runs
from ...storage.webhook_deliveries import DeliveryRepository, delivery_id_for
from ...storage.webhooks import EndpointRepository
from .queue import DeliveryMessage, DeliveryQueue
from .settings import WebhookSettings
from .signing import encode_body

log = logging.getLogger("leadnod.webhooks")
ALL_EVENTS = "*"
SWEEP_CHUNK = 100


def subscribed(endpoint: dict[str, Any], event_type: str) -> bool:
    events = endpoint.get("events") or []
    return endpoint.get("status") == "enabled" and (ALL_EVENTS in events or event_type in events)


def new_delivery(event: dict[str, Any], endpoint: dict[str, Any], now: Any,
                 *, mode: str = "auto") -> dict[str, Any]:
    # The body is encoded once, here: every attempt sends (and signs) the same bytes, and one
    # string attribute is cheaper to read and rewrite per attempt than the event as a map.
    return {
        "id": delivery_id_for(event["id"], endpoint["id"]), "webhook_id": endpoint["id"],
        "user_id": endpoint["user_id"], "event_id": event["id"], "event_type": event["type"],
        "body": encode_body(event).decode(), "status": "pending", "mode": mode, "run": 1,
        "next_attempt": 1, "attempts": 0, "created_at": sortable(now), "updated_at": sortable(now),
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
        """Fan out the outbox INSERTs of a stream batch, then queue the manual deliveries it
        made or restarted. The fan-out never raises (what fails stays in the outbox for the
        sweeper); a manual delivery that cannot be queued raises, so the batch is read again
        (its fan-out, done, sends nothing twice)."""
        items = [item for item in map(outbox_item_from_stream, records) if item]
        sent = self._fan_out_quietly(items)
        manual = [first_message(delivery, manual=True)
                  for delivery in new_runs(records, "delivery")
                  if delivery.get("mode") == "manual" and delivery.get("status") == "pending"]
        self._queue.send_many(manual)
        return sent + len(manual)

    def sweep(self, *, budget_seconds: float = 20.0, max_items: int = 1000) -> int:
        """Fan out outbox items older than the grace period (the stream consumer missed them)."""
        started = time.monotonic()
        cutoff = sortable(self._clock.now() - timedelta(seconds=self._settings.sweep_after_seconds))
        chunk: list[dict[str, Any]] = []
        swept = 0
        for item in self._outbox.older_than(cutoff):
            chunk.append(item)
            swept += 1
            out_of_time = time.monotonic() - started > budget_seconds
            if len(chunk) == SWEEP_CHUNK or swept >= max_items or out_of_time:
                self._fan_out_quietly(chunk)
                chunk = []
                if swept >= max_items or out_of_time:
                    break
        self._fan_out_quietly(chunk)
        return swept

    def fan_out(self, item: dict[str, Any]) -> int:
        """Fan out one outbox item; raises on failure. Returns how many messages were sent."""
        return self.fan_out_many([item], strict=True)

    def fan_out_many(self, items: Iterable[dict[str, Any]], *, strict: bool = False) -> int:
        """Queue the deliveries of several outbox items with batched sends, then delete them.
        Endpoints are read once per recipient per call (a burst often concerns one account)."""
        endpoints: dict[str, list[dict[str, Any]]] = {}
        planned: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for item in items:
            try:
                planned.append((item, self._deliveries_for(item, endpoints)))
            except Exception:
                if strict:
                    raise
                log.exception("fan-out of %s failed; it stays in the outbox", item.get("PK"))
        messages = [first_message(d) for _, deliveries in planned for d in deliveries]
        self._queue.send_many(messages)  # if this fails, every item stays in the outbox
        for item, _ in planned:
            self._outbox.delete(item["payload"]["id"])
        return len(messages)

    def _fan_out_quietly(self, items: list[dict[str, Any]]) -> int:
        if not items:
            return 0
        try:
            return self.fan_out_many(items)
        except Exception:
            log.exception("fan-out of %d outbox items failed; the sweeper retries", len(items))
            return 0

    def _deliveries_for(self, item: dict[str, Any],
                        endpoints: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        event = item["payload"]  # numbers stay Decimal: DynamoDB refuses floats
        recorded, now = created_sort(item), self._clock.now()
        created: list[dict[str, Any]] = []
        existing: list[dict[str, Any]] = []
        for user_id in dict.fromkeys(item.get("recipients") or []):
            if user_id not in endpoints:
                endpoints[user_id] = self._endpoints.for_user(user_id)
            for endpoint in endpoints[user_id]:
                # Endpoints registered after the event was recorded do not receive it.
                if not subscribed(endpoint, event["type"]) or endpoint["created_at"] > recorded:
                    continue
                delivery = new_delivery(event, endpoint, now)
                (created if self._deliveries.create(delivery) is None else existing).append(
                    delivery)
        if existing and not self._outbox.exists(event["id"]):
            return created  # a replay of an event whose fan-out already finished
        return created + existing
