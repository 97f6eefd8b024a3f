"""Engagement items and their lifecycle writes (keys: docs/data-model.md, "Engagements").

`ENG#<eng>` / `ENG` is listed for the client (GSI1), the sales pro (GSI2) and under its
opportunity (GSI3). `OPP#<opp>` / `ENGAGED#<pro>` claims "one open engagement per pro and
opportunity"; it is released when the engagement completes or is terminated.
`ENG#<eng>` / `METRICS` is created with the engagement (storage/activities.py updates it).
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from .aggregates import PAYMENT_ENTRIES_FLAG
from .keys import engagement_key, engagement_pk
from .matches import track_record_key
from .opportunities import opp_key, to_dynamo
from .table import Action, NamedAction, PageResult, Store, TransactionFailed
from .users import user_key

ACTIVITY_COUNTERS = ("call", "email", "meeting", "demo", "proposal", "deal_closed", "note")


class OpportunityUnavailable(Exception):
    """The opportunity vanished, changed owner or closed since it was read."""


class NotASalesPro(Exception):
    pass


class AlreadyEngaged(Exception):
    pass


class TransitionRefused(Exception):
    """The engagement was not in the expected state (a racing call won)."""


def metrics_key(eng_id: str) -> dict[str, str]:
    return {"PK": engagement_pk(eng_id), "SK": "METRICS"}


def claim_key(opp_id: str, sales_pro_id: str) -> dict[str, str]:
    return {"PK": f"OPP#{opp_id}", "SK": f"ENGAGED#{sales_pro_id}"}


def _new(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


class EngagementRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, eng_id: str, consistent: bool = False) -> dict[str, Any] | None:
        """The engagement item: id, client_id, sales_pro_id, opportunity_id, status, terms,
        currency, timestamps, version."""
        return self.store.get(engagement_key(eng_id), consistent=consistent)

    def create(self, eng: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """T7. The opportunity (still the caller's, not closed) and the pro (an active sales
        pro) are re-checked inside the transaction."""
        sort = f"{eng['created_at']}#{eng['id']}"
        item = {**to_dynamo(eng), **engagement_key(eng["id"]), "entity": "engagement",
                "GSI1PK": f"USER#{eng['client_id']}#ENGS", "GSI1SK": sort,
                "GSI2PK": f"USER#{eng['sales_pro_id']}#ENGS", "GSI2SK": sort,
                "GSI3PK": f"OPP#{eng['opportunity_id']}#ENGS", "GSI3SK": sort,
                PAYMENT_ENTRIES_FLAG: True}  # its payments get entries from the start
        metrics = {**metrics_key(eng["id"]), "entity": "metrics", "engagement_id": eng["id"],
                   "client_id": eng["client_id"], "sales_pro_id": eng["sales_pro_id"],
                   "currency": eng["currency"], "created_at": eng["created_at"],
                   "counts": {name: 0 for name in ACTIVITY_COUNTERS}, "activities": 0,
                   "deals_closed": 0, "revenue": 0,
                   **to_dynamo({"commission_rate": eng["terms"].get("commission_rate")})}
        try:
            self.store.transact([
                ("opportunity", {"ConditionCheck": {
                    "Key": opp_key(eng["opportunity_id"]),
                    "ConditionExpression": "client_id = :me AND #s <> :closed",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":me": eng["client_id"], ":closed": "closed"}}}),
                ("sales_pro", {"ConditionCheck": {
                    "Key": user_key(eng["sales_pro_id"]),
                    "ConditionExpression": "#t = :pro AND #s = :active",
                    "ExpressionAttributeNames": {"#t": "type", "#s": "status"},
                    "ExpressionAttributeValues": {":pro": "sales_pro", ":active": "active"}}}),
                ("claim", _new({**claim_key(eng["opportunity_id"], eng["sales_pro_id"]),
                                "entity": "engagement_claim", "engagement_id": eng["id"]})),
                _new(item), _new(metrics), *events])
        except TransactionFailed as exc:
            if exc.refused("opportunity"):
                raise OpportunityUnavailable(eng["opportunity_id"]) from None
            if exc.refused("sales_pro"):
                raise NotASalesPro(eng["sales_pro_id"]) from None
            if exc.refused("claim"):
                raise AlreadyEngaged(eng["opportunity_id"]) from None
            raise

    def opportunity_and_user(self, opp_id: str, user_id: str
                             ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """What an engagement is made from, in one BatchGetItem: the opportunity and the
        sales pro's user item (either None when missing)."""
        opp, user = opp_key(opp_id), user_key(user_id)
        found = self.store.batch_get([(opp["PK"], opp["SK"]), (user["PK"], user["SK"])])
        return found.get((opp["PK"], opp["SK"])), found.get((user["PK"], user["SK"]))

    def transition(self, eng: dict[str, Any], *, to: str, allowed_from: tuple[str, ...],
                   actor_attr: str, actor_id: str, changes: dict[str, Any],
                   events: list[dict[str, Any]]) -> dict[str, Any]:
        """T8: move the status if it is still one of `allowed_from` and `actor_attr` (client_id
        or sales_pro_id) is the caller: of two racing calls exactly one wins. Ending an
        engagement releases the pro's claim on the opportunity; completing one adds to the
        pro's track record."""
        names = {"#s": "status", **{f"#c{i}": k for i, k in enumerate(changes)},
                 "#actor": actor_attr}
        values = {":to": to, ":me": actor_id, ":read": eng["version"], ":next": eng["version"] + 1,
                  **{f":c{i}": v for i, v in enumerate(changes.values())},
                  **{f":from{i}": s for i, s in enumerate(allowed_from)}}
        sets = ", ".join(f"#c{i} = :c{i}" for i in range(len(changes)))
        states = ", ".join(f":from{i}" for i in range(len(allowed_from)))
        actions: list[Action | NamedAction] = [("engagement", {"Update": {
            "Key": engagement_key(eng["id"]),
            "UpdateExpression": f"SET #s = :to, version = :next, {sets}",
            "ConditionExpression": f"#s IN ({states}) AND #actor = :me",
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}})]
        metric_time = {"active": "started_at"}.get(to, "ended_at")
        actions.append({"Update": {"Key": metrics_key(eng["id"]),
                                   "UpdateExpression": f"SET {metric_time} = :at",
                                   "ExpressionAttributeValues": {":at": changes["updated_at"]}}})
        if to in ("completed", "terminated"):
            actions.append({"Delete": {"Key": claim_key(eng["opportunity_id"], eng["sales_pro_id"]),
                                       "ConditionExpression": "attribute_not_exists(PK) OR "
                                                              "engagement_id = :eng",
                                       "ExpressionAttributeValues": {":eng": eng["id"]}}})
        if to == "completed":
            actions.append({"Update": {"Key": track_record_key(eng["sales_pro_id"]),
                                       "UpdateExpression": "ADD engs_completed_lifetime :one",
                                       "ExpressionAttributeValues": {":one": 1}}})
        try:
            self.store.transact([*actions, *events])
        except TransactionFailed as exc:
            if exc.refused("engagement"):
                raise TransitionRefused(eng["id"]) from None
            raise
        return {**eng, **changes, "status": to, "version": eng["version"] + 1}

    def list_for(self, party_index: str, user_id: str, status: str | None, *, limit: int,
                 cursor: str | None) -> PageResult:
        """A party's engagements, newest first: GSI1 for clients, GSI2 for sales pros."""
        extra = {"FilterExpression": Attr("status").eq(status)} if status else {}
        return self.store.page(f"engs:{user_id}:status={status or ''}",
                               Key(f"{party_index}PK").eq(f"USER#{user_id}#ENGS"),
                               index=party_index, forward=False, limit=limit, cursor=cursor,
                               **extra)

    def list_for_opportunity(self, opp_id: str, party_attr: str, user_id: str,
                             status: str | None, *, limit: int, cursor: str | None) -> PageResult:
        """Engagements made from one opportunity that the caller is a party to."""
        condition = Attr(party_attr).eq(user_id)
        if status:
            condition = condition & Attr("status").eq(status)
        return self.store.page(f"engs:{user_id}:opportunity_id={opp_id}:status={status or ''}",
                               Key("GSI3PK").eq(f"OPP#{opp_id}#ENGS"), index="GSI3",
                               forward=False, limit=limit, cursor=cursor,
                               FilterExpression=condition)
