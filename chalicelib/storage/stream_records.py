"""Table stream records (as Lambda delivers them) → the event payloads of new outbox items."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from boto3.dynamodb.types import TypeDeserializer

_deserializer = TypeDeserializer()


def inserted(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """The new items of one entity (`payment`, `dispute`) INSERTed in this batch."""
    for record in records:
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        if record.get("eventName") == "INSERT" and image.get("entity") == {"S": entity}:
            yield {name: _deserializer.deserialize(value) for name, value in image.items()}


def newly_set(records: Iterable[dict[str, Any]], entity: str,
              attribute: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` a MODIFY gave `attribute` (a dispute's resolution), as they are now."""
    for record in records:
        change = record.get("dynamodb") or {}
        image, old = change.get("NewImage") or {}, change.get("OldImage") or {}
        if (record.get("eventName") == "MODIFY" and image.get("entity") == {"S": entity}
                and attribute in image and attribute not in old):
            yield {name: _deserializer.deserialize(value) for name, value in image.items()}


def new_runs(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` the batch INSERTed, or MODIFYed to a new `run` (a restarted job)."""
    for record in records:
        change = record.get("dynamodb") or {}
        image, old = change.get("NewImage") or {}, change.get("OldImage") or {}
        if image.get("entity") != {"S": entity}:
            continue
        fresh = record.get("eventName") == "INSERT"
        if fresh or (record.get("eventName") == "MODIFY" and image.get("run") != old.get("run")):
            yield {name: _deserializer.deserialize(value) for name, value in image.items()}


def removed(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` the batch deleted, as they were."""
    for record in records:
        old = (record.get("dynamodb") or {}).get("OldImage") or {}
        if record.get("eventName") == "REMOVE" and old.get("entity") == {"S": entity}:
            yield {name: _deserializer.deserialize(value) for name, value in old.items()}


def settled_or_new(records: Iterable[dict[str, Any]], entity: str,
                   pending: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` INSERTed, or MODIFYed out of status `pending` (a payment settled or
    failed), as they are now."""
    for record in records:
        change = record.get("dynamodb") or {}
        image, old = change.get("NewImage") or {}, change.get("OldImage") or {}
        if image.get("entity") != {"S": entity}:
            continue
        moved = (record.get("eventName") == "MODIFY" and old.get("status") == {"S": pending}
                 and image.get("status") != {"S": pending})
        if record.get("eventName") == "INSERT" or moved:
            yield {name: _deserializer.deserialize(value) for name, value in image.items()}


def outbox_payloads(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The `payload` of every outbox item INSERTed in this batch. Other items, updates and
    removals (the webhook fan-out deletes outbox items; TTL expires them) are not events."""
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        if image.get("entity") != {"S": "outbox"} or image.get("SK") != {"S": "OUTBOX"}:
            continue
        if "payload" in image:
            yield _deserializer.deserialize(image["payload"])
