"""Delivery items: one per (event, endpoint), which makes fan-out idempotent.

    delivery  PK WHK#<webhook_id>  SK DLV#<delivery_id>
              GSI1PK WHK#<webhook_id>#DLV  GSI1SK <created_at>#<delivery_id>   (newest-first log)

The log's head (storage/webhooks.py, written with the endpoint) sorts first in that index
partition and names the owner.

The delivery id is derived from the event and endpoint ids, so a replayed fan-out computes the
same key and its conditional put finds the delivery already there. `run` and `next_attempt`
tell the consumer which queue message is current: a message for an older run or an attempt
already made is stale and dropped. Every write of a delivery changes its run, status,
next_attempt or attempts: `record_attempt` replaces the item it read when none of them moved.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from typing import Any, Iterable

from boto3.dynamodb.conditions import Attr, Key

from .table import ConditionFailed, NamedAction, PageResult, Refused, Store, TransactionFailed
from ..errors import InvalidParameter
from .webhooks import LOG_HEAD_ENTITY, endpoint_key, log_index_pk

# A new run from attempt 1 (a manual retry): messages of older runs become stale.
RESTART = ("SET #status = :pending, next_attempt = :first, #mode = :mode, updated_at = :now "
           "ADD #run :one REMOVE next_retry_at")


class EndpointNotEnabled(Refused[dict[str, Any]]):
    """The endpoint of a manual delivery is gone (item None) or disabled."""


class DeliveryMoved(Refused[dict[str, Any]]):
    """Another retry restarted the delivery first."""


_BASE62 = string.digits + string.ascii_letters


class StaleDelivery(Exception):
    """The delivery moved on (another attempt, a manual retry) since the message was queued."""


def delivery_id_for(event_id: str, webhook_id: str) -> str:
    number = int.from_bytes(hashlib.sha256(f"{event_id}|{webhook_id}".encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "dlv_" + "".join(chars)


def delivery_key(webhook_id: str, delivery_id: str) -> dict[str, str]:
    return {"PK": f"WHK#{webhook_id}", "SK": f"DLV#{delivery_id}"}


def _log_index_keys(delivery: dict[str, Any]) -> dict[str, str]:
    """Where a delivery sits in its endpoint's newest-first log (GSI1)."""
    return {"GSI1PK": log_index_pk(delivery["webhook_id"]),
            "GSI1SK": f"{delivery['created_at']}#{delivery['id']}"}


@dataclass(frozen=True)
class DeliveryPage:
    """A page of an endpoint's log; `owner` is the head's (None without one), `checked` whether
    the page is known to be the caller's (their head, or their cursor)."""
    result: PageResult
    owner: str | None
    checked: bool


class DeliveryRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, delivery: dict[str, Any]) -> dict[str, Any] | None:
        """Put a new delivery; if it already exists, return the existing item instead."""
        item = {**delivery_key(delivery["webhook_id"], delivery["id"]), **delivery,
                "entity": "delivery", **_log_index_keys(delivery)}
        try:
            self.store.put(item, condition="attribute_not_exists(PK)")
            return None
        except ConditionFailed as exc:
            if exc.item:  # Store hands back the existing item (ALL_OLD), already deserialized
                return exc.item
            return self.get(delivery["webhook_id"], delivery["id"]) or item

    def get(self, webhook_id: str, delivery_id: str) -> dict[str, Any] | None:
        return self.store.get(delivery_key(webhook_id, delivery_id), consistent=True)

    def endpoint_and_delivery(self, user_id: str, webhook_id: str, delivery_id: str | None
                              ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The caller's endpoint and one of its deliveries (None: only the endpoint), in one
        consistent read."""
        if delivery_id is None:
            return self.store.get(endpoint_key(user_id, webhook_id), consistent=True), None
        endpoints, deliveries = self.load([(user_id, webhook_id, delivery_id)])
        return endpoints.get(webhook_id), deliveries.get(delivery_id)

    def load(self, refs: Iterable[tuple[str, str, str]]
             ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """Endpoints by id and deliveries by id for (user_id, webhook_id, delivery_id) refs, with
        strongly consistent BatchGetItem calls: a delivery put a moment ago must be found."""
        keys: dict[tuple[str, str], None] = {}
        for user_id, webhook_id, delivery_id in refs:
            for key in (endpoint_key(user_id, webhook_id), delivery_key(webhook_id, delivery_id)):
                keys[(key["PK"], key["SK"])] = None
        endpoints: dict[str, dict[str, Any]] = {}
        deliveries: dict[str, dict[str, Any]] = {}
        for item in self.store.batch_get(list(keys), consistent=True).values():
            target = deliveries if item.get("entity") == "delivery" else endpoints
            target[item["id"]] = item
        return endpoints, deliveries

    def page(self, owner_id: str, webhook_id: str, *, status: str | None, limit: int,
             cursor: str | None) -> DeliveryPage:
        """A page of the log, newest first. A first page starts with the log's head (the
        endpoint's owner) when it has one; a cursor is bound to the owner it was given to, so a
        later page is the owner's without another read. `checked` says which of the two vouched
        for the owner; otherwise (a log without a head, a cursor from before heads) the caller
        checks the endpoint."""
        extra: dict[str, Any] = {}
        if status:
            extra["FilterExpression"] = Attr("status").eq(status) | Attr("entity").eq(
                LOG_HEAD_ENTITY)
        query = dict(key_condition=Key("GSI1PK").eq(log_index_pk(webhook_id)), limit=limit,
                     cursor=cursor, index="GSI1", forward=False, **extra)
        suffix = f"{webhook_id}:status={status or ''}"
        try:
            result = self.store.page(f"deliveries:{owner_id}:{suffix}", **query,
                                     head=lambda item: item.get("entity") == LOG_HEAD_ENTITY)
        except InvalidParameter:
            if not cursor:
                raise
            # A cursor given before the log had heads (2026-12): valid, not bound to an owner.
            legacy = self.store.page(f"deliveries:{suffix}", **query)
            return DeliveryPage(legacy, owner=None, checked=False)
        head = result.head
        owner = head["owner_id"] if head else None
        return DeliveryPage(result, owner=owner, checked=bool(cursor) or owner == owner_id)

    def record_attempt(self, delivery: dict[str, Any], *, run: int, attempt: int,
                       changes: dict[str, Any]) -> None:
        """Count one HTTP attempt and apply `changes`, unless the delivery moved on.

        `delivery` is the whole item as the consumer read it (consistently) before POSTing. The
        usual case is a put of that item with the changes, on condition that nothing touched it
        since: every writer of a delivery changes its run, status, next_attempt or attempts.
        (On moto a conditional put costs well under half the UpdateItem below; on DynamoDB the
        same write units.) If something did touch it, the atomic update decides, as it always has.
        """
        if _as_read(delivery, run):
            try:
                self.store.put(
                    {**delivery, **changes, **delivery_key(delivery["webhook_id"], delivery["id"]),
                     "attempts": int(delivery["attempts"]) + 1},
                    condition="#status = :pending AND #run = :run AND attempts = :attempts "
                              "AND next_attempt = :next AND next_attempt <= :attempt",
                    names={"#status": "status", "#run": "run"},
                    values={":pending": "pending", ":run": run, ":attempt": attempt,
                            ":attempts": delivery["attempts"],
                            ":next": delivery["next_attempt"]})
                return
            except ConditionFailed:
                pass  # moved on, or another attempt was recorded meanwhile: let the update say
        self._update_attempt(delivery, run=run, attempt=attempt, changes=changes)

    def _update_attempt(self, delivery: dict[str, Any], *, run: int, attempt: int,
                        changes: dict[str, Any]) -> None:
        names = {f"#c{i}": name for i, name in enumerate(changes)}
        values = {f":c{i}": value for i, value in enumerate(changes.values())}
        sets = ", ".join(f"#c{i} = :c{i}" for i in range(len(changes)))
        try:
            self.store.update(
                delivery_key(delivery["webhook_id"], delivery["id"]),
                f"SET {sets} ADD attempts :one",
                names={**names, "#status": "status", "#run": "run"},
                values={**values, ":one": 1, ":run": run, ":attempt": attempt,
                        ":pending": "pending"},
                # Only the current message of the current run may move the delivery on.
                condition="#status = :pending AND #run = :run AND next_attempt <= :attempt",
                return_values="NONE")
        except ConditionFailed:
            raise StaleDelivery(delivery["id"]) from None

    def cancel(self, delivery: dict[str, Any], *, run: int, reason: str, now: str) -> None:
        """Give up on a pending delivery without an attempt (its endpoint was disabled)."""
        try:
            self.store.update(
                delivery_key(delivery["webhook_id"], delivery["id"]),
                "SET #status = :failed, last_error = :reason, updated_at = :now "
                "REMOVE next_retry_at",
                names={"#status": "status", "#run": "run"},
                values={":failed": "failed", ":reason": reason, ":now": now, ":run": run,
                        ":pending": "pending"},
                condition="#status = :pending AND #run = :run", return_values="NONE")
        except ConditionFailed:
            pass

    def start_manual(self, delivery: dict[str, Any], user_id: str, now: str | None = None) -> None:
        """A delivery the caller asked for (a test ping: `now` None; a retry of an existing
        delivery: a new run from attempt 1), if its endpoint exists and is enabled: one
        transaction, no read of the endpoint first. The table stream queues it
        (OutboxFanOut.from_stream). Raises EndpointNotEnabled with the endpoint as it is."""
        key = delivery_key(delivery["webhook_id"], delivery["id"])
        write: NamedAction = ("delivery", {"Put": {
            "Item": {**key, **delivery, "entity": "delivery", **_log_index_keys(delivery)},
            "ConditionExpression": "attribute_not_exists(PK)"}})
        if now is not None:
            write = ("delivery", {"Update": {
                "Key": key, "UpdateExpression": RESTART,
                "ConditionExpression": "attribute_exists(PK) AND #run = :run",
                "ExpressionAttributeNames": {"#status": "status", "#run": "run", "#mode": "mode"},
                "ExpressionAttributeValues": {":pending": "pending", ":first": 1, ":mode": "manual",
                                              ":now": now, ":one": 1,
                                              ":run": int(delivery["run"]) - 1}}})
        try:
            self.store.transact([write, ("endpoint", {"ConditionCheck": {
                "Key": endpoint_key(user_id, delivery["webhook_id"]),
                "ConditionExpression": "#status = :enabled",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":enabled": "enabled"}}})])
        except TransactionFailed as exc:
            if exc.refused("endpoint"):
                raise EndpointNotEnabled(exc.item("endpoint")) from None
            if exc.refused("delivery") or exc.conflict:
                raise DeliveryMoved(exc.item("delivery")) from None
            raise


def _as_read(delivery: dict[str, Any], run: int) -> bool:
    """A whole delivery item (not a projection), pending in this run: one a put may replace."""
    return all(name in delivery for name in ("PK", "GSI1PK", "attempts", "next_attempt")) \
        and delivery.get("status") == "pending" and int(delivery.get("run", 1)) == run
