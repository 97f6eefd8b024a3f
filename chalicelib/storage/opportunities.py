"""Opportunity and interest items (keys: docs/data-model.md, "Opportunities").

An opportunity is `OPP#<opp>` / `OPP`. It is listed for its owner through GSI1 and, only
while open, for every sales pro through GSI2 (`OPPS#OPEN#<shard>`) and, when it has an
industry, GSI3 (`OPPS#OPEN#IND#<industry>`): pausing, closing or deleting removes those keys,
so browse lists never need a status filter.

Its interests list (GSI1 `OPP#<opp>#INTERESTS`, newest first) starts with a head written and
deleted with the opportunity: `OPP#<opp>` / `LIST#INTERESTS`, GSI1SK `~` (above every
interest), naming the owner, so the list's first page is one Query that says whose it is.
Opportunities created before it (2026-12) have none; their owner is read from the item.
"""
from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any, Iterable

from boto3.dynamodb.conditions import Attr, Key

from .aggregates import interest_counter_actions
from .table import (HEAD_SORT_KEY, Action, ConditionFailed, NamedAction, PageResult,
                    Store, TransactionFailed)

OPEN_OPP_SHARDS = 4
OPEN_INDEX_ATTRS = ("GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK")
# The opportunity item's own partition also holds its interests, engagement claims and
# stored matches; these are the SKs they use (see storage/matches.py for MATCH#).
OPP_SK, INTEREST_PREFIX = "OPP", "INTEREST#"
INTERESTS_HEAD_SK, INTERESTS_HEAD_ENTITY = "LIST#INTERESTS", "interest_list"


class VersionConflict(Exception):
    """The opportunity changed (or vanished) since it was read."""


class NotOpen(Exception):
    """The opportunity is missing or not open (interest refused)."""


class AlreadyInterested(Exception):
    pass


def opp_key(opp_id: str) -> dict[str, str]:
    return {"PK": f"OPP#{opp_id}", "SK": OPP_SK}


def interest_key(opp_id: str, sales_pro_id: str) -> dict[str, str]:
    return {"PK": f"OPP#{opp_id}", "SK": f"{INTEREST_PREFIX}{sales_pro_id}"}


def interests_pk(opp_id: str) -> str:
    return f"OPP#{opp_id}#INTERESTS"


def interests_head_key(opp_id: str) -> dict[str, str]:
    return {"PK": f"OPP#{opp_id}", "SK": INTERESTS_HEAD_SK}


def shard_of(opp_id: str) -> int:
    return zlib.crc32(opp_id.encode()) % OPEN_OPP_SHARDS


def to_dynamo(value: Any) -> Any:
    """boto3 refuses floats; numbers go in as Decimal (via str, so 0.1 stays 0.1)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [to_dynamo(v) for v in value]
    return value


def open_index_keys(opp: dict[str, Any]) -> dict[str, str]:
    """The browse-list keys an opportunity carries while (and only while) it is open."""
    if opp.get("status") != "open":
        return {}
    sort = f"{opp['created_at']}#{opp['id']}"
    keys = {"GSI2PK": f"OPPS#OPEN#{shard_of(opp['id'])}", "GSI2SK": sort}
    if opp.get("industry"):
        keys.update(GSI3PK=f"OPPS#OPEN#IND#{opp['industry']}", GSI3SK=sort)
    return keys


def opportunity_item(opp: dict[str, Any]) -> dict[str, Any]:
    return {**to_dynamo(opp), **opp_key(opp["id"]), "entity": "opportunity",
            "GSI1PK": f"USER#{opp['client_id']}#OPPS",
            "GSI1SK": f"{opp['created_at']}#{opp['id']}", **open_index_keys(opp)}


def new_opportunity_action(opp: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": opportunity_item(opp),
                    "ConditionExpression": "attribute_not_exists(PK)"}}


def interests_head_action(opp: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": {**interests_head_key(opp["id"]), "entity": INTERESTS_HEAD_ENTITY,
                             "opportunity_id": opp["id"], "client_id": opp["client_id"],
                             "GSI1PK": interests_pk(opp["id"]), "GSI1SK": HEAD_SORT_KEY}}}


class OpportunityRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, opp_id: str, consistent: bool = False) -> dict[str, Any] | None:
        return self.store.get(opp_key(opp_id), consistent=consistent)

    def create(self, opportunities: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
        """Opportunities, their interests lists' heads and their events in one transaction
        (all or nothing). Raises `ConditionFailed` when an id is already taken (the seed's
        fixed ids)."""
        try:
            self.store.transact([*((f"opportunity:{o['id']}", new_opportunity_action(o))
                                   for o in opportunities),
                                 *(interests_head_action(o) for o in opportunities), *events])
        except TransactionFailed as exc:
            if any(name.startswith("opportunity:") for name in exc.refusals):
                raise ConditionFailed() from None
            raise

    def update(self, current: dict[str, Any], changes: dict[str, Any],
               events: list[dict[str, Any]]) -> dict[str, Any]:
        """SET (or REMOVE, for None) `changes` if the owner and version still match; the
        open-list keys follow the resulting status. Returns the item as written."""
        after = {**current, **changes, "version": current["version"] + 1}
        sets = {name: to_dynamo(value) for name, value in changes.items() if value is not None}
        removes = [name for name, value in changes.items() if value is None]
        index_keys = open_index_keys(after)
        sets.update(index_keys)
        removes += [name for name in OPEN_INDEX_ATTRS if name not in index_keys]
        names = {f"#a{i}": name for i, name in enumerate([*sets, *removes])}
        by_name = {name: alias for alias, name in names.items()}
        values: dict[str, Any] = {f":v{i}": value for i, value in enumerate(sets.values())}
        expression = "SET " + ", ".join(
            [f"{by_name[name]} = :v{i}" for i, name in enumerate(sets)] + ["version = :next"])
        if removes:
            expression += " REMOVE " + ", ".join(by_name[name] for name in removes)
        values.update({":me": current["client_id"], ":read": current["version"],
                       ":next": current["version"] + 1})
        try:
            self.store.transact([("opportunity", {"Update": {
                "Key": opp_key(current["id"]), "UpdateExpression": expression,
                "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
                # Owner check repeated in the write; the version makes it read-modify-write safe.
                "ConditionExpression": "client_id = :me AND version = :read"}}), *events])
        except TransactionFailed as exc:
            if exc.refused("opportunity"):
                raise VersionConflict(current["id"]) from None
            raise
        return {k: v for k, v in after.items() if v is not None}

    def delete(self, current: dict[str, Any], events: list[dict[str, Any]]) -> None:
        try:
            self.store.transact([("opportunity", {"Delete": {
                "Key": opp_key(current["id"]),
                "ConditionExpression": "client_id = :me AND version = :read",
                "ExpressionAttributeValues": {":me": current["client_id"],
                                              ":read": current["version"]}}}),
                {"Delete": {"Key": interests_head_key(current["id"])}}, *events])
        except TransactionFailed as exc:
            if exc.refused("opportunity"):
                raise VersionConflict(current["id"]) from None
            raise

    # lists ------------------------------------------------------------------------------
    def list_for_client(self, client_id: str, filters: dict[str, str], *, limit: int,
                        cursor: str | None) -> PageResult:
        """The owner's opportunities, newest first, every status."""
        extra = filter_expression(filters)
        scope = f"opps:{client_id}:" + _describe(filters)
        return self.store.page(scope, Key("GSI1PK").eq(f"USER#{client_id}#OPPS"), index="GSI1",
                               forward=False, limit=limit, cursor=cursor, **extra)

    def list_open_in_industry(self, industry: str, filters: dict[str, str], *, limit: int,
                              cursor: str | None, scope: str) -> PageResult:
        return self.store.page(scope, Key("GSI3PK").eq(f"OPPS#OPEN#IND#{industry}"),
                               index="GSI3", forward=False, limit=limit, cursor=cursor,
                               **filter_expression(filters))

    def open_ids_in_industry(self, industry: str, limit: int) -> list[str]:
        """The newest open opportunities of an industry (ids only)."""
        items, _ = self.store.query(Key("GSI3PK").eq(f"OPPS#OPEN#IND#{industry}"), index="GSI3",
                                    forward=False, limit=limit, ProjectionExpression="id")
        return [item["id"] for item in items]

    # interests --------------------------------------------------------------------------
    def add_interest(self, opp_id: str, interest: dict[str, Any],
                     events: list[dict[str, Any]]) -> None:
        """T6: count the interest on the opportunity, which must still be open (one action
        per item, so the count update is also the status check), claim the pro's slot, and
        count it in the pro's `interests_sent` (analytics)."""
        pro_id = interest["sales_pro_id"]
        item = {**interest_key(opp_id, pro_id), **to_dynamo(interest),
                "entity": "interest",
                "GSI1PK": interests_pk(opp_id),
                "GSI1SK": f"{interest['created_at']}#{interest['id']}",
                "GSI2PK": f"USER#{pro_id}#INTERESTS",
                "GSI2SK": f"{interest['created_at']}#{interest['id']}",
                "counted": True}  # in interests_sent: the counters' backfill skips it
        actions: list[Action | NamedAction] = [
            ("opportunity", {"Update": {
                "Key": opp_key(opp_id), "UpdateExpression": "ADD interest_count :one",
                "ConditionExpression": "attribute_exists(PK) AND #s = :open",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":one": 1, ":open": "open"}}}),
            ("interest", {"Put": {"Item": item,
                                  "ConditionExpression": "attribute_not_exists(PK)"}}),
            *interest_counter_actions(pro_id, interest["created_at"]), *events]
        for attempt in range(3):
            try:
                self.store.transact(actions)
                return
            except TransactionFailed as exc:
                if exc.refused("interest"):
                    raise AlreadyInterested(pro_id) from None
                if exc.refused("opportunity"):
                    raise NotOpen(opp_id) from None
                # The pro's counters are also the analytics stream's: a transaction of its in
                # flight cancels ours, which wrote nothing, so write it again.
                if not exc.conflict or attempt == 2:
                    raise

    def get_interest(self, opp_id: str, sales_pro_id: str) -> dict[str, Any] | None:
        return self.store.get(interest_key(opp_id, sales_pro_id))

    def interested_pro_ids(self, opp_id: str) -> list[str]:
        items = self.store.query_all(
            Key("PK").eq(f"OPP#{opp_id}") & Key("SK").begins_with(INTEREST_PREFIX),
            ProjectionExpression="sales_pro_id")
        return [item["sales_pro_id"] for item in items]

    def list_interests(self, opp_id: str, caller_id: str, *, limit: int,
                       cursor: str | None) -> PageResult:
        """Newest first; a first page's `head` names the owner (None before heads). The cursor
        is bound to the caller."""
        return self.store.page(f"interests:{opp_id}:{caller_id}",
                               Key("GSI1PK").eq(interests_pk(opp_id)), index="GSI1",
                               forward=False, limit=limit, cursor=cursor,
                               head=lambda item: item.get("entity") == INTERESTS_HEAD_ENTITY)

    def children_keys(self, opp_id: str) -> Iterable[dict[str, str]]:
        """Every item of the opportunity's partition except the opportunity itself."""
        for item in self.store.query_all(Key("PK").eq(f"OPP#{opp_id}"),
                                         ProjectionExpression="PK, SK"):
            if item["SK"] != OPP_SK:
                yield {"PK": item["PK"], "SK": item["SK"]}


def filter_expression(filters: dict[str, str]) -> dict[str, Any]:
    condition = None
    for name, value in sorted(filters.items()):
        part = Attr(name).eq(value)
        condition = part if condition is None else condition & part
    return {"FilterExpression": condition} if condition is not None else {}


def _describe(filters: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(filters.items()))
