"""Webhook endpoint items and the per-account endpoint counter, in a partition of their own
per account (at most 21 items, so fan-out reads them all with one small consistent Query):

    endpoint  PK WEBHOOKS#<user_id>  SK WHK#<webhook_id>
              GSI1PK USER#<user_id>#WEBHOOKS  GSI1SK <created_at>#<webhook_id>   (newest-first list)
    counter   PK WEBHOOKS#<user_id>  SK COUNT   n = endpoints the account has
    log head  PK WHK#<webhook_id>       SK HEAD    owner_id
              GSI1PK WHK#<webhook_id>#DLV  GSI1SK ~   (first in the newest-first delivery log)

Creating and deleting an endpoint move the counter in the same transaction, so "at most N
endpoints per account" holds under concurrent requests. They write and delete the log head
with it: the head sorts above every delivery in the log's index partition, so the log's first
page is one Query that also says whose it is (storage/webhook_deliveries.py). Endpoints created
before the head existed (2026-12) have none; their log is checked against the endpoint item.
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from .table import HEAD_SORT_KEY, ConditionFailed, PageResult, Store, TransactionFailed


class EndpointLimitReached(Exception):
    pass


class EndpointMissing(Exception):
    pass


def endpoint_key(user_id: str, webhook_id: str) -> dict[str, str]:
    return {"PK": f"WEBHOOKS#{user_id}", "SK": f"WHK#{webhook_id}"}


def counter_key(user_id: str) -> dict[str, str]:
    return {"PK": f"WEBHOOKS#{user_id}", "SK": "COUNT"}


LOG_HEAD_ENTITY = "delivery_log"


def log_head_key(webhook_id: str) -> dict[str, str]:
    return {"PK": f"WHK#{webhook_id}", "SK": "HEAD"}


def log_index_pk(webhook_id: str) -> str:
    return f"WHK#{webhook_id}#DLV"


def _log_head(user_id: str, webhook_id: str) -> dict[str, str]:
    return {**log_head_key(webhook_id), "entity": LOG_HEAD_ENTITY, "owner_id": user_id,
            "webhook_id": webhook_id, "GSI1PK": log_index_pk(webhook_id),
            "GSI1SK": HEAD_SORT_KEY}


class EndpointRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, endpoint: dict[str, Any], max_endpoints: int) -> None:
        user_id, webhook_id = endpoint["user_id"], endpoint["id"]
        try:
            self.store.transact([
                ("count", {"Update": {
                    "Key": counter_key(user_id),
                    "UpdateExpression": "SET n = if_not_exists(n, :zero) + :one",
                    "ConditionExpression": "attribute_not_exists(n) OR n < :max",
                    "ExpressionAttributeValues": {":zero": 0, ":one": 1, ":max": max_endpoints},
                }}),
                {"Put": {"Item": {
                    **endpoint_key(user_id, webhook_id), **endpoint, "entity": "webhook",
                    "GSI1PK": f"USER#{user_id}#WEBHOOKS",
                    "GSI1SK": f"{endpoint['created_at']}#{webhook_id}",
                }, "ConditionExpression": "attribute_not_exists(PK)"}},
                {"Put": {"Item": _log_head(user_id, webhook_id)}},
            ])
        except TransactionFailed as exc:
            if exc.refused("count"):
                raise EndpointLimitReached(user_id) from None
            raise

    def get(self, user_id: str, webhook_id: str) -> dict[str, Any] | None:
        return self.store.get(endpoint_key(user_id, webhook_id))

    def page(self, user_id: str, *, limit: int, cursor: str | None) -> PageResult:
        return self.store.page(
            f"webhooks:{user_id}", Key("GSI1PK").eq(f"USER#{user_id}#WEBHOOKS"),
            limit=limit, cursor=cursor, index="GSI1", forward=False)

    def for_user(self, user_id: str) -> list[dict[str, Any]]:
        """Every endpoint of the account (fan-out); at most `max_endpoints` items."""
        return list(self.store.query_all(
            Key("PK").eq(f"WEBHOOKS#{user_id}") & Key("SK").begins_with("WHK#"),
            ConsistentRead=True))

    def update(self, user_id: str, webhook_id: str, sets: dict[str, Any],
               removes: tuple[str, ...] = ()) -> dict[str, Any]:
        """Set (and remove) top-level attributes of an existing endpoint; returns it after."""
        names = {f"#s{i}": name for i, name in enumerate(sets)}
        names.update({f"#r{i}": name for i, name in enumerate(removes)})
        expression = "SET " + ", ".join(f"#s{i} = :s{i}" for i in range(len(sets)))
        if removes:
            expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes)))
        try:
            return self.store.update(
                endpoint_key(user_id, webhook_id), expression, names=names,
                values={f":s{i}": value for i, value in enumerate(sets.values())},
                condition="attribute_exists(PK)")
        except ConditionFailed:
            raise EndpointMissing(webhook_id) from None

    def delete(self, user_id: str, webhook_id: str) -> None:
        try:
            self.store.transact([
                ("endpoint", {"Delete": {"Key": endpoint_key(user_id, webhook_id),
                                         "ConditionExpression": "attribute_exists(PK)"}}),
                {"Update": {"Key": counter_key(user_id),
                            "UpdateExpression": "SET n = n - :one",
                            "ConditionExpression": "n > :zero",
                            "ExpressionAttributeValues": {":one": 1, ":zero": 0}}},
                {"Delete": {"Key": log_head_key(webhook_id)}},
            ])
        except TransactionFailed as exc:
            if exc.refused("endpoint"):
                raise EndpointMissing(webhook_id) from None
            raise

    # delivery health ---------------------------------------------------------------------
    def record_failure(self, user_id: str, webhook_id: str, now: str) -> dict[str, Any] | None:
        """Remember when the current run of failures began; None if the endpoint is gone."""
        try:
            return self.store.update(
                endpoint_key(user_id, webhook_id),
                "SET failing_since = if_not_exists(failing_since, :now), last_failure_at = :now",
                values={":now": now}, condition="attribute_exists(PK)")
        except ConditionFailed:
            return None

    def record_success(self, user_id: str, webhook_id: str) -> None:
        try:
            self.store.update(endpoint_key(user_id, webhook_id), "REMOVE failing_since",
                              condition="attribute_exists(failing_since)", return_values="NONE")
        except ConditionFailed:
            pass

    def disable_if_failing_since(self, user_id: str, webhook_id: str, cutoff: str,
                                 now: str) -> bool:
        """Disable an enabled endpoint whose failures began at or before `cutoff`."""
        try:
            self.store.update(
                endpoint_key(user_id, webhook_id),
                "SET #status = :disabled, disabled_reason = :reason, updated_at = :now",
                names={"#status": "status"},
                values={":disabled": "disabled", ":enabled": "enabled", ":reason": "failing",
                        ":cutoff": cutoff, ":now": now},
                condition="#status = :enabled AND failing_since <= :cutoff",
                return_values="NONE")
            return True
        except ConditionFailed:
            return False
