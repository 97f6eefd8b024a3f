"""The per-recipient event items `storage/events.py` writes, read for `GET /v1/events`:

    event  PK USER#<user_id>  SK EVT#<event_id>
           GSI1PK USER#<user_id>#EVENTS  GSI1SK <created>#<event_id>   type, payload, ttl
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from .table import PageResult, Store


class EventFeedRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user_id: str, event_id: str) -> dict[str, Any] | None:
        return self.store.get({"PK": f"USER#{user_id}", "SK": f"EVT#{event_id}"})

    def page(self, user_id: str, *, since: str, event_type: str | None, limit: int,
             cursor: str | None) -> PageResult:
        """Newest first, recorded at or after `since` (sortable time); optionally one type."""
        extra: dict[str, Any] = {}
        if event_type:
            extra["FilterExpression"] = Attr("type").eq(event_type)
        return self.store.page(
            f"events:{user_id}:type={event_type or ''}",
            Key("GSI1PK").eq(f"USER#{user_id}#EVENTS") & Key("GSI1SK").gte(since),
            limit=limit, cursor=cursor, index="GSI1", forward=False, **extra)
