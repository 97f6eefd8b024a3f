"""Dispute and evidence items (docs/data-model.md "Ledger, payments, disputes")."""
from __future__ import annotations

import secrets
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from .payments import engagement_key
from .table import PageResult, Store, TransactionFailed

DISPUTE_INDEX = {"client": "GSI1", "sales_pro": "GSI2"}
MAX_EVIDENCE = 50


class DisputeClosed(Exception):
    """Evidence refused: the dispute is resolved, the caller is not a party, or it is full."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("dispute closed")
        self.current = current


def dispute_key(dispute_id: str) -> dict[str, str]:
    return {"PK": f"DSP#{dispute_id}", "SK": "DSP"}


def dispute_item(dispute: dict[str, Any]) -> dict[str, Any]:
    sort = f"{dispute['created_at']}#{dispute['id']}"
    return {**dispute_key(dispute["id"]), "entity": "dispute", **dispute,
            "GSI1PK": f"USER#{dispute['client_id']}#DSPS", "GSI1SK": sort,
            "GSI2PK": f"USER#{dispute['sales_pro_id']}#DSPS", "GSI2SK": sort,
            "GSI3PK": f"ENG#{dispute['engagement_id']}#DSPS", "GSI3SK": sort}


def open_actions(dispute: dict[str, Any], statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    """The dispute (once) and the engagement's open-dispute count, which auto-release checks.
    The engagement update is also the party and status check."""
    values: dict[str, Any] = {f":s{i}": s for i, s in enumerate(statuses)}
    allowed = ", ".join(values)
    values.update({":one": 1, ":me": dispute["opened_by"]})
    return [
        {"Put": {"Item": dispute_item(dispute), "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Update": {"Key": engagement_key(dispute["engagement_id"]),
                    "UpdateExpression": "ADD open_disputes :one",
                    "ConditionExpression": f"#status IN ({allowed}) AND "
                                           "(client_id = :me OR sales_pro_id = :me)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": values}},
    ]


def settle_actions(dispute: dict[str, Any], now: str) -> list[dict[str, Any]]:
    """Mark resolved (once) and take the dispute off the engagement's open count."""
    return [
        {"Update": {"Key": dispute_key(dispute["id"]),
                    "UpdateExpression": "SET #status = :resolved, resolved_at = :now, "
                                        "updated_at = :now REMOVE task_token",
                    "ConditionExpression": "attribute_exists(PK) AND #status <> :resolved",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":resolved": "resolved", ":now": now}}},
        {"Update": {"Key": engagement_key(dispute["engagement_id"]),
                    "UpdateExpression": "ADD open_disputes :minus",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeValues": {":minus": -1}}},
    ]


class DisputeRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, dispute_id: str, consistent: bool = False) -> dict[str, Any] | None:
        return self.store.get(dispute_key(dispute_id), consistent=consistent)

    def get_with_evidence(self, dispute_id: str) -> tuple[dict[str, Any] | None, list[dict]]:
        """The dispute and its evidence, oldest first, in one Query of its partition."""
        items = list(self.store.query_all(Key("PK").eq(f"DSP#{dispute_id}"), ConsistentRead=True))
        dispute = next((i for i in items if i["SK"] == "DSP"), None)
        return dispute, [i for i in items if i["SK"].startswith("EVIDENCE#")]

    def add_evidence(self, dispute_id: str, user_id: str, text: str, now: str) -> None:
        """Evidence from a party while unresolved (≤ MAX_EVIDENCE); the first moves the
        dispute to `under_review`."""
        counter = {"Update": {
            "Key": dispute_key(dispute_id),
            "UpdateExpression": "ADD evidence_count :one SET #status = :review, updated_at = :now",
            "ConditionExpression": "(client_id = :me OR sales_pro_id = :me) AND "
                                   "#status <> :resolved AND attribute_not_exists(resolution) "
                                   "AND (attribute_not_exists(evidence_count) "
                                   "OR evidence_count < :max)",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":one": 1, ":review": "under_review", ":now": now,
                                          ":me": user_id, ":resolved": "resolved",
                                          ":max": MAX_EVIDENCE}}}
        evidence = {"Put": {"Item": {
            "PK": f"DSP#{dispute_id}", "SK": f"EVIDENCE#{now}#{secrets.token_hex(4)}",
            "entity": "dispute_evidence", "submitted_by": user_id, "text": text,
            "created_at": now}, "ConditionExpression": "attribute_not_exists(PK)"}}
        try:
            self.store.transact([counter, evidence])
        except TransactionFailed:
            raise DisputeClosed(self.get(dispute_id, consistent=True)) from None

    def claim_resolution(self, dispute_id: str, resolution: dict[str, Any], now: str,
                         conceding_party: str | None = None) -> dict[str, Any]:
        """Record the decision once (operator, or the party who did not open it conceding).
        Raises ConditionFailed with the current item when another decision exists."""
        condition = ("attribute_exists(PK) AND #status <> :resolved "
                     "AND attribute_not_exists(resolution)")
        values: dict[str, Any] = {":r": resolution, ":resolved": "resolved", ":now": now}
        if conceding_party:
            condition += " AND opened_by <> :me AND (client_id = :me OR sales_pro_id = :me)"
            values[":me"] = conceding_party
        return self.store.update(dispute_key(dispute_id),
                                 "SET resolution = :r, updated_at = :now", values=values,
                                 names={"#status": "status"}, condition=condition)

    def page(self, *, scope: str, owner: tuple[str, str] | None, engagement_id: str | None,
             status: str | None, limit: int, cursor: str | None) -> PageResult:
        if engagement_id:
            index, pk = "GSI3", f"ENG#{engagement_id}#DSPS"
        else:
            user_id, user_type = owner  # type: ignore[misc]
            index, pk = DISPUTE_INDEX[user_type], f"USER#{user_id}#DSPS"
        extra: dict[str, Any] = {"FilterExpression": Attr("status").eq(status)} if status else {}
        return self.store.page(scope, Key(f"{index}PK").eq(pk), limit=limit, cursor=cursor,
                               index=index, forward=False, **extra)
