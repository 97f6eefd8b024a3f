"""Reading the transactional outbox that `storage/events.py` writes:

    outbox  PK OUTBOX#<event_id>  SK OUTBOX   GSI1PK OUTBOX  GSI1SK <created>#<event_id>
            payload (the event), recipients (user ids)

Items arrive through the table's stream (INSERT records) or, when that fails, through the
sweeper's query of GSI1 for items older than a grace period. Either deletes the item when done.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from boto3.dynamodb.conditions import Key
from boto3.dynamodb.types import TypeDeserializer

from .table import Store

_deserializer = TypeDeserializer()


def plain(value: Any) -> Any:
    """DynamoDB numbers (Decimal) back to int/float, recursively, for JSON and pydantic."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return value


def outbox_item_from_stream(record: dict[str, Any]) -> dict[str, Any] | None:
    """The outbox item a stream record inserted, or None for any other change to the table."""
    if record.get("eventName") != "INSERT":
        return None
    keys = record.get("dynamodb", {}).get("Keys", {})
    if not keys.get("PK", {}).get("S", "").startswith("OUTBOX#"):
        return None
    image = record["dynamodb"].get("NewImage") or {}
    return {name: _deserializer.deserialize(value) for name, value in image.items()}


def created_sort(item: dict[str, Any]) -> str:
    """When the event was recorded, microsecond-sortable (the GSI1SK prefix)."""
    return str(item["GSI1SK"]).split("#", 1)[0]


class OutboxRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def older_than(self, created_before: str, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Outbox items recorded before `created_before`, oldest first."""
        return self.store.query_all(
            Key("GSI1PK").eq("OUTBOX") & Key("GSI1SK").lt(created_before), index="GSI1",
            Limit=page_size)

    def exists(self, event_id: str) -> bool:
        return self.store.get(_key(event_id), consistent=True) is not None

    def delete(self, event_id: str) -> None:
        self.store.table.delete_item(Key=_key(event_id))


def _key(event_id: str) -> dict[str, str]:
    return {"PK": f"OUTBOX#{event_id}", "SK": "OUTBOX"}
