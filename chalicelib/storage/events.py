"""Event items: one per recipient (the `GET /v1/events` feed) plus one outbox item that the
stream consumer / sweeper turns into webhook deliveries. Written in the caller's transaction."""
from __future__ import annotations

from typing import Any

EVENT_RETENTION_SECONDS = 30 * 86400


def event_actions(event: dict[str, Any], recipients: list[str], created_sort: str,
                  expires_epoch: int) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = [
        {"Put": {"Item": {
            "PK": f"USER#{recipient}", "SK": f"EVT#{event['id']}", "entity": "event",
            "GSI1PK": f"USER#{recipient}#EVENTS", "GSI1SK": f"{created_sort}#{event['id']}",
            "type": event["type"], "payload": event, "ttl": expires_epoch,
        }}} for recipient in dict.fromkeys(recipients)
    ]
    actions.append({"Put": {"Item": {
        "PK": f"OUTBOX#{event['id']}", "SK": "OUTBOX", "entity": "outbox",
        "GSI1PK": "OUTBOX", "GSI1SK": f"{created_sort}#{event['id']}",
        "payload": event, "recipients": list(dict.fromkeys(recipients)), "ttl": expires_epoch,
    }, "ConditionExpression": "attribute_not_exists(PK)"}})
    return actions
