"""Activity items and the engagement's metrics counters (keys: docs/data-model.md).

Activities are `ENG#<eng>` / `ACT#<occurred_at>#<act>`, so a Query returns them in the order
they happened, back-dated ones included. `ENG#<eng>` / `METRICS` holds counters updated with
`ADD` in the same transaction as each activity, so reading metrics is one BatchGetItem of that
item and the engagement's escrow account (`ACCOUNT#escrow`, storage/ledger.py).
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from .engagements import metrics_key
from .keys import engagement_key, engagement_pk
from .ledger import escrow_key
from .matches import track_record_key
from .opportunities import to_dynamo
from .table import Action, ConditionFailed, NamedAction, PageResult, Store, TransactionFailed

ACTIVITY_PREFIX = "ACT#"


class NotActive(Exception):
    """The engagement is not active (or the caller is no longer a party)."""


class ActivityRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def log(self, eng: dict[str, Any], activity: dict[str, Any], actor_id: str,
            events: list[dict[str, Any]]) -> None:
        """T9: the engagement must be active and the actor a party (checked in the write);
        the activity, its counters and its event are one transaction."""
        value = int(activity.get("value") or 0)
        deal = activity["type"] == "deal_closed"
        adds = "ADD counts.#type :one, activities :one"
        values: dict[str, Any] = {":one": 1, ":occurred": activity["occurred_at"]}
        if deal:
            adds += ", deals_closed :one, revenue :value"
            values[":value"] = value
        actions: list[Action | NamedAction] = [
            ("engagement", {"ConditionCheck": {
                "Key": engagement_key(eng["id"]),
                "ConditionExpression": "#s = :active AND (client_id = :me OR sales_pro_id = :me)",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":active": "active", ":me": actor_id}}}),
            # The parties ride along (since 2026-12) so that a page of activities shows who
            # may read it without the engagement (services/activities.py, `list`).
            {"Put": {"Item": {"PK": engagement_pk(eng["id"]),
                              "SK": f"{ACTIVITY_PREFIX}{activity['occurred_at']}#{activity['id']}",
                              "entity": "activity", **to_dynamo(activity),
                              "client_id": eng["client_id"],
                              "sales_pro_id": eng["sales_pro_id"]},
                     "ConditionExpression": "attribute_not_exists(PK)"}},
            {"Update": {"Key": metrics_key(eng["id"]),
                        "UpdateExpression": f"{adds} SET first_activity_at = "
                                            "if_not_exists(first_activity_at, :occurred)",
                        "ExpressionAttributeNames": {"#type": activity["type"]},
                        "ExpressionAttributeValues": values}},
        ]
        if deal:  # the pro's track record, read by matching
            actions.append({"Update": {"Key": track_record_key(eng["sales_pro_id"]),
                                       "UpdateExpression": "ADD deals_closed :one",
                                       "ExpressionAttributeValues": {":one": 1}}})
        try:
            self.store.transact([*actions, *events])
        except TransactionFailed as exc:
            if exc.refused("engagement"):
                raise NotActive(eng["id"]) from None
            raise

    def keep_earliest(self, eng_id: str, occurred_at: str) -> None:
        """A back-dated activity may be earlier than the first one logged: lower
        `first_activity_at` only if so (a no-op write otherwise)."""
        try:
            self.store.update(metrics_key(eng_id), "SET first_activity_at = :at",
                              values={":at": occurred_at},
                              condition="first_activity_at > :at", return_values="NONE")
        except ConditionFailed:
            pass

    def list(self, eng_id: str, caller_id: str, *, limit: int, cursor: str | None) -> PageResult:
        """In the order they happened (oldest first)."""
        return self.store.page(f"acts:{eng_id}:{caller_id}",
                               Key("PK").eq(engagement_pk(eng_id)) &
                               Key("SK").begins_with(ACTIVITY_PREFIX),
                               limit=limit, cursor=cursor)

    def metrics(self, eng_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(the metrics item: counters, parties, commission rate, start/end times; the
        engagement's escrow account, None before any funding) in one BatchGetItem."""
        keys = [metrics_key(eng_id), escrow_key(eng_id)]
        found = self.store.batch_get([(k["PK"], k["SK"]) for k in keys])
        return tuple(found.get((k["PK"], k["SK"])) for k in keys)  # type: ignore[return-value]
