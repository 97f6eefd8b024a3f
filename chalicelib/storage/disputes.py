"""Dispute and evidence items (docs/data-model.md "Ledger, payments, disputes")."""
from __future__ import annotations

import secrets
from typing import Any, cast

from boto3.dynamodb.conditions import Attr, Key

from .keys import engagement_key, engagement_list_pk
from .ledger import escrow_key, wire_keys
from .payments import EngagementRefused, EscrowRefused
from .records import DisputeRecord, EngagementRecord, LedgerAccountRecord, Resolution
from .table import (Action, ConditionFailed, PageResult, Refused, Store, TransactionFailed,
                    key_name)

DISPUTE_INDEX = {"client": "GSI1", "sales_pro": "GSI2"}
MAX_EVIDENCE = 50


class DisputeClosed(Refused[DisputeRecord]):
    """Evidence refused: the dispute is resolved, the caller is not a party, or it is full."""


class DisputeExists(Refused[DisputeRecord]):
    """A dispute with this id was already opened (a retried request): `item` is that dispute."""


class DisputeDecided(Refused[DisputeRecord]):
    """Another decision was recorded first (or there is no such dispute: `item` None)."""


def dispute_key(dispute_id: str) -> dict[str, str]:
    return {"PK": f"DSP#{dispute_id}", "SK": "DSP"}


def workflow_keys(dispute_id: str) -> dict[str, Any]:
    """The keys a dispute's state machine reads and writes, in DynamoDB's low-level JSON."""
    return wire_keys({"dispute": dispute_key(dispute_id)})


def no_open_dispute_check(engagement_id: str) -> Action:
    """Auto-release's guard: the engagement is completed with no dispute open."""
    return {"ConditionCheck": {
        "Key": engagement_key(engagement_id),
        "ConditionExpression": "#status = :completed AND "
                               "(attribute_not_exists(open_disputes) OR open_disputes = :zero)",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":completed": "completed", ":zero": 0}}}


def dispute_item(dispute: DisputeRecord) -> dict[str, Any]:
    sort = f"{dispute['created_at']}#{dispute['id']}"
    return {**dispute_key(dispute["id"]), "entity": "dispute", **dispute,
            "GSI1PK": f"USER#{dispute['client_id']}#DSPS", "GSI1SK": sort,
            "GSI2PK": f"USER#{dispute['sales_pro_id']}#DSPS", "GSI2SK": sort,
            "GSI3PK": engagement_list_pk(dispute["engagement_id"], "DSPS"), "GSI3SK": sort}


def _count_open(dispute: DisputeRecord, statuses: tuple[str, ...]) -> Action:
    """The engagement's open-dispute count, which auto-release checks; also the party and
    status check."""
    values: dict[str, Any] = {f":s{i}": s for i, s in enumerate(statuses)}
    allowed = ", ".join(values)
    values.update({":one": 1, ":me": dispute["opened_by"]})
    return {"Update": {"Key": engagement_key(dispute["engagement_id"]),
                       "UpdateExpression": "ADD open_disputes :one",
                       "ConditionExpression": f"#status IN ({allowed}) AND "
                                              "(client_id = :me OR sales_pro_id = :me)",
                       "ExpressionAttributeNames": {"#status": "status"},
                       "ExpressionAttributeValues": values}}


def settle_actions(dispute: DisputeRecord, now: str) -> list[dict[str, Any]]:
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


def new_evidence(dispute_id: str, user_id: str, text: str, now: str) -> dict[str, Any]:
    """An evidence item (its own sort key under the dispute, oldest first)."""
    return {"PK": f"DSP#{dispute_id}", "SK": f"EVIDENCE#{now}#{secrets.token_hex(4)}",
            "entity": "dispute_evidence", "submitted_by": user_id, "text": text,
            "created_at": now}


class DisputeRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, dispute_id: str, consistent: bool = False) -> DisputeRecord | None:
        return cast(DisputeRecord | None,
                    self.store.get(dispute_key(dispute_id), consistent=consistent))

    def open(self, dispute: DisputeRecord, statuses: tuple[str, ...],
             hold: list[Action]) -> None:
        """The dispute (once), the engagement's open count (while in `statuses`, the opener a
        party) and `hold`, the movement freezing its amount, all or nothing. Raises
        DisputeExists, EngagementRefused or EscrowRefused with the item that refused, or
        TransactionFailed when another write got there first."""
        try:
            self.store.transact([
                ("dispute", {"Put": {"Item": dispute_item(dispute),
                                     "ConditionExpression": "attribute_not_exists(PK)"}}),
                ("engagement", _count_open(dispute, statuses)),
                *hold])
        except TransactionFailed as exc:
            escrow = key_name(escrow_key(dispute["engagement_id"]))
            if exc.refused("dispute"):
                raise DisputeExists(cast(DisputeRecord, exc.item("dispute"))) from None
            if exc.refused("engagement"):
                raise EngagementRefused(cast(EngagementRecord, exc.item("engagement"))) from None
            if exc.refused(escrow):
                raise EscrowRefused(cast(LedgerAccountRecord, exc.item(escrow))) from None
            raise

    def write_settlement(self, dispute_id: str, actions: list[Action]) -> None:
        """Write a decided settlement (`settle_actions` + its movement) unless it already was."""
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if not exc.refused_key(dispute_key(dispute_id)):  # refused there: already resolved
                raise

    def get_with_evidence(self, dispute_id: str) -> tuple[DisputeRecord | None, list[dict]]:
        """The dispute and its evidence, oldest first, in one Query of its partition."""
        items = list(self.store.query_all(Key("PK").eq(f"DSP#{dispute_id}"), ConsistentRead=True))
        dispute = cast(DisputeRecord | None, next((i for i in items if i["SK"] == "DSP"), None))
        return dispute, [i for i in items if i["SK"].startswith("EVIDENCE#")]

    def add_evidence(self, dispute_id: str, user_id: str, text: str, now: str,
                     evidence_item: dict[str, Any] | None = None) -> None:
        """Evidence from a party while unresolved (≤ MAX_EVIDENCE); the first moves the
        dispute to `under_review`. `evidence_item` is `new_evidence(...)` if the caller built
        it already (to state its answer)."""
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
        evidence = {"Put": {"Item": evidence_item or new_evidence(dispute_id, user_id, text, now),
                            "ConditionExpression": "attribute_not_exists(PK)"}}
        try:
            self.store.transact([("dispute", counter), evidence])
        except TransactionFailed as exc:
            current = (cast(DisputeRecord | None, exc.item("dispute")) if exc.refused("dispute")
                       else self.get(dispute_id, consistent=True))  # a conflict: look again
            raise DisputeClosed(current) from None

    def claim_resolution(self, dispute_id: str, resolution: Resolution, now: str,
                         conceding_party: str | None = None,
                         current: DisputeRecord | None = None) -> DisputeRecord:
        """Record the decision once (operator, or the party who did not open it conceding).
        Raises DisputeDecided with the dispute as it was when another decision exists. Given
        the dispute as read (`current`), it is written as a transaction (which can carry the
        request's answer, commit_riders.py) and the result stated from it."""
        condition = ("attribute_exists(PK) AND #status <> :resolved "
                     "AND attribute_not_exists(resolution)")
        values: dict[str, Any] = {":r": resolution, ":resolved": "resolved", ":now": now}
        if conceding_party:
            condition += " AND opened_by <> :me AND (client_id = :me OR sales_pro_id = :me)"
            values[":me"] = conceding_party
        try:
            if current is None:
                return cast(DisputeRecord, self.store.update(
                    dispute_key(dispute_id), "SET resolution = :r, updated_at = :now",
                    values=values, names={"#status": "status"}, condition=condition))
            self.store.transact([("dispute", {"Update": {
                "Key": dispute_key(dispute_id),
                "UpdateExpression": "SET resolution = :r, updated_at = :now",
                "ConditionExpression": condition, "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": values}})])
            return cast(DisputeRecord, {**current, "resolution": resolution, "updated_at": now})
        except ConditionFailed as exc:
            raise DisputeDecided(cast(DisputeRecord | None, exc.item)) from None
        except TransactionFailed as exc:
            if exc.refused("dispute"):
                raise DisputeDecided(cast(DisputeRecord | None, exc.item("dispute"))) from None
            raise

    def page(self, *, scope: str, owner: tuple[str, str] | None, engagement_id: str | None,
             status: str | None, limit: int, cursor: str | None) -> PageResult:
        if engagement_id:
            index, pk = "GSI3", engagement_list_pk(engagement_id, "DSPS")
        else:
            user_id, user_type = owner  # type: ignore[misc]
            index, pk = DISPUTE_INDEX[user_type], f"USER#{user_id}#DSPS"
        extra: dict[str, Any] = {"FilterExpression": Attr("status").eq(status)} if status else {}
        return self.store.page(scope, Key(f"{index}PK").eq(pk), limit=limit, cursor=cursor,
                               index=index, forward=False, **extra)
