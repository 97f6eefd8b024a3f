"""Table stream records (as Lambda delivers them) → the items each part of the stream consumer
acts on: new, changed or removed items of one entity, and the event payloads of new outbox items."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from boto3.dynamodb.types import TypeDeserializer

_deserializer = TypeDeserializer()


Image = dict[str, Any]  # DynamoDB JSON


def _item(image: Image) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in image.items()}


def _changes(records: Iterable[dict[str, Any]],
             entity: str) -> Iterator[tuple[str, Image, Image]]:
    """(eventName, NewImage, OldImage) of every record of an `entity` item ({} for an image
    the record does not have)."""
    for record in records:
        change = record.get("dynamodb") or {}
        new, old = change.get("NewImage") or {}, change.get("OldImage") or {}
        if (new or old).get("entity") == {"S": entity}:
            yield record.get("eventName", ""), new, old


def inserted(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """The new items of one entity (`payment`, `dispute`) INSERTed in this batch."""
    return (_item(new) for event, new, _ in _changes(records, entity) if event == "INSERT")


def newly_set(records: Iterable[dict[str, Any]], entity: str,
              attribute: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` a MODIFY gave `attribute` (a dispute's resolution), as they are now."""
    return (_item(new) for event, new, old in _changes(records, entity)
            if event == "MODIFY" and attribute in new and attribute not in old)


def new_runs(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` the batch INSERTed, or MODIFYed to a new `run` (a restarted job)."""
    return (_item(new) for event, new, old in _changes(records, entity)
            if event == "INSERT" or (event == "MODIFY" and new.get("run") != old.get("run")))


def removed(records: Iterable[dict[str, Any]], entity: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` the batch deleted, as they were."""
    return (_item(old) for event, _, old in _changes(records, entity) if event == "REMOVE")


def settled_or_new(records: Iterable[dict[str, Any]], entity: str,
                   pending: str) -> Iterator[dict[str, Any]]:
    """Items of `entity` INSERTed, or MODIFYed out of status `pending` (a payment settled or
    failed), as they are now."""
    return (_item(new) for event, new, old in _changes(records, entity)
            if event == "INSERT" or (event == "MODIFY" and old.get("status") == {"S": pending}
                                     and new.get("status") != {"S": pending}))


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
