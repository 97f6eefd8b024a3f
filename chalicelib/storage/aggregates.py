"""Analytics aggregates: atomic counters per account per day, per engagement per day, running
totals and the last status applied per engagement/opportunity (keys: docs/data-model.md,
"Analytics aggregates").

The aggregator writes them from the table's stream, one TransactWriteItems per event: a
per-event marker (`attribute_not_exists`, so a replayed stream record counts once) plus one
Update per affected item (`ADD` counters, one action per item as DynamoDB requires).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from .events import EVENT_RETENTION_SECONDS
from .keys import engagement_pk
from .table import Store, TransactionFailed

DAY_PREFIX = "AGG#DAY#"
RUNNING_SK = "AGG#ALL"
# Markers outlive the stream's 24 h retention and the outbox/event items (30 d), so any replay
# of an event this aggregator can be handed is still recognised.
MARKER_TTL_SECONDS = EVENT_RETENTION_SECONDS + 86400


class EventAlreadyApplied(Exception):
    """The event's marker exists: it was counted before (a stream retry or a replay)."""


class ConcurrentChange(Exception):
    """A status item moved (or a transaction conflicted) between our read and our write."""


def account_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def day_key(pk: str, day: str) -> dict[str, str]:
    return {"PK": pk, "SK": f"{DAY_PREFIX}{day}"}


def running_key(pk: str) -> dict[str, str]:
    """Running totals of an account or engagement; the engagement's also holds its status."""
    return {"PK": pk, "SK": RUNNING_SK}


def opportunity_status_key(client_id: str, opp_id: str) -> dict[str, str]:
    # Under the owner, not `OPP#<opp>`: deleting an opportunity clears its partition.
    return {"PK": account_pk(client_id), "SK": f"AGG#OPP#{opp_id}"}


def pair_key(client_id: str, pro_id: str) -> dict[str, str]:
    """A client's active-engagement count with one sales pro ("active sales pros")."""
    return {"PK": account_pk(client_id), "SK": f"AGG#PRO#{pro_id}"}


def marker_key(event_id: str) -> dict[str, str]:
    return {"PK": f"AGGEVT#{event_id}", "SK": "AGGEVT"}


@dataclass
class ItemChange:
    """What one event does to one item: counters to ADD, attributes to SET, a condition."""
    key: dict[str, str]
    entity: str
    adds: Counter[str] = field(default_factory=Counter)
    sets: dict[str, Any] = field(default_factory=dict)
    condition: str | None = None
    condition_names: dict[str, str] = field(default_factory=dict)
    condition_values: dict[str, Any] = field(default_factory=dict)

    def action(self) -> dict[str, Any]:
        names: dict[str, str] = {"#entity": "entity"}
        values: dict[str, Any] = {":entity": self.entity}
        adds, sets = [], ["#entity = :entity"]
        for n, (attr, amount) in enumerate(sorted(self.adds.items())):
            if amount:
                names[f"#a{n}"], values[f":a{n}"] = attr, amount
                adds.append(f"#a{n} :a{n}")
        for n, (attr, value) in enumerate(sorted(self.sets.items())):
            names[f"#s{n}"], values[f":s{n}"] = attr, value
            sets.append(f"#s{n} = :s{n}")
        expression = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        body: dict[str, Any] = {
            "Key": self.key, "UpdateExpression": expression,
            "ExpressionAttributeNames": {**names, **self.condition_names},
            "ExpressionAttributeValues": {**values, **self.condition_values}}
        if self.condition:
            body["ConditionExpression"] = self.condition
        return {"Update": body}


class AggregateRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ writes
    def commit(self, event: dict[str, Any], changes: list[ItemChange], now_epoch: int) -> None:
        """The marker and every change, all or nothing. Raises `EventAlreadyApplied` when the
        marker exists, `ConcurrentChange` when a status condition failed or the transaction
        conflicted with another one (the caller re-reads and retries)."""
        marker = {"Put": {"Item": {**marker_key(event["id"]), "entity": "analytics_marker",
                                   "event_type": event["type"],
                                   "ttl": now_epoch + MARKER_TTL_SECONDS},
                          "ConditionExpression": "attribute_not_exists(PK)"}}
        try:
            self.store.transact([("marker", marker), *(change.action() for change in changes)])
        except TransactionFailed as exc:
            if exc.refused("marker"):
                raise EventAlreadyApplied(event["id"]) from None
            if exc.refusals or exc.conflict:
                raise ConcurrentChange(event["id"]) from None
            raise

    # ------------------------------------------------------------------ reads
    def get(self, key: dict[str, str], consistent: bool = False) -> dict[str, Any]:
        return self.store.get(key, consistent=consistent) or {}

    def account_totals(self, user_id: str) -> dict[str, Any]:
        return self.get(running_key(account_pk(user_id)))

    def account_days(self, user_id: str, first: str | None,
                     last: str) -> dict[str, dict[str, Any]]:
        return self.days(account_pk(user_id), first, last)

    def engagement_days(self, eng_id: str, first: str | None,
                        last: str) -> dict[str, dict[str, Any]]:
        return self.days(engagement_pk(eng_id), first, last)

    def days(self, pk: str, first: str | None, last: str) -> dict[str, dict[str, Any]]:
        """Day items of one account or engagement, `first`..`last` inclusive (None = from the
        beginning), keyed by `yyyy-mm-dd`. One Query (≤ 366 small items fit one 1 MB page)."""
        low = f"{DAY_PREFIX}{first}" if first else DAY_PREFIX
        condition = Key("PK").eq(pk) & Key("SK").between(low, f"{DAY_PREFIX}{last}")
        return {item["SK"][len(DAY_PREFIX):]: item
                for item in self.store.query_all(condition)}

    def active_sales_pros(self, client_id: str) -> int:
        """Sales pros with at least one active engagement with this client."""
        condition = Key("PK").eq(account_pk(client_id)) & Key("SK").begins_with("AGG#PRO#")
        total, start = 0, None
        while True:
            answer = self.store.table.query(
                KeyConditionExpression=condition, FilterExpression=Attr("active").gt(0),
                Select="COUNT", **({"ExclusiveStartKey": start} if start else {}))
            total += answer["Count"]
            start = answer.get("LastEvaluatedKey")
            if not start:
                return total
