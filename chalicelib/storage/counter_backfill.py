"""Reads and writes of the analytics counters' backfill (docs/analytics.md, "Counters kept
since #20"): accounts from GSI1 `USERS#<type>`, a client's pairs, a sales pro's interests
from GSI2 `USER#<pro>#INTERESTS` — Queries only, never a Scan. Every write is conditional on
the marker the backfill sets, so runs may stop, repeat and overlap.
"""
from __future__ import annotations

import random
import time
from collections import Counter
from typing import Any, Iterator

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from .aggregates import (ACTIVE_SALES_PROS, ACTIVE_SALES_PROS_VERSION, BACKFILLED, COUNTERS,
                         DAY_PREFIX, FROM_START, INTERESTS_SENT, AggregateRepository,
                         account_pk, day_key, running_key)
from .table import ConditionFailed, Store

# On a pro's day item: the interests sent that day before they were counted, as the backfill
# added them. Its presence keeps a second run from adding them again.
LEGACY_INTERESTS = "legacy_interests"
# Backfill only where no run has: no marker yet, or FROM_START (whose account could still have
# had interests or pairs written by the previous code, during a deploy).
NOT_BACKFILLED = "(attribute_not_exists(#counters) OR #counters = :from_start)"
_COMMON_NAMES = {"#entity": "entity", "#counters": COUNTERS}
CONFLICT_ATTEMPTS = 4


class AccountBusy(Exception):
    """The stream kept writing the account's items while the backfill tried to: run again."""


class CounterBackfillStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._aggregates = AggregateRepository(store)

    def accounts(self, user_type: str) -> Iterator[str]:
        """Ids of the accounts of one type. A client user who belongs to another's
        organization is not an account: its organization's is."""
        for user in self.store.query_all(Key("GSI1PK").eq(f"USERS#{user_type}"), index="GSI1"):
            if user.get("account_id", user["id"]) == user["id"]:
                yield user["id"]

    def totals(self, user_id: str) -> dict[str, Any]:
        return self._aggregates.get(running_key(account_pk(user_id)), consistent=True)

    # ---------------------------------------------------------------- clients
    def count_active_pairs(self, client_id: str) -> int:
        return self._aggregates.active_sales_pros(client_id, consistent=True)

    def set_active_sales_pros(self, client_id: str, count: int, version: Any) -> bool:
        """SET the recounted `active_sales_pros` and the marker, unless the counter moved since
        `version` was read (None: it had never moved) or a run already backfilled it."""
        values: dict[str, Any] = {":entity": "analytics_totals", ":backfilled": BACKFILLED,
                                  ":from_start": FROM_START, ":count": count}
        if version is None:
            unmoved = "attribute_not_exists(#version)"
        else:
            unmoved, values[":version"] = "#version = :version", version
        return self._update(running_key(account_pk(client_id)),
                            "SET #entity = :entity, #counters = :backfilled, #n = :count",
                            values,
                            {"#n": ACTIVE_SALES_PROS, "#version": ACTIVE_SALES_PROS_VERSION},
                            f"{NOT_BACKFILLED} AND {unmoved}")

    # ---------------------------------------------------------------- sales pros
    def uncounted_interests(self, pro_id: str) -> Counter[str]:
        """Interests written before they were counted (no `counted` flag), by the day sent."""
        days: Counter[str] = Counter()
        for item in self.store.query_all(
                Key("GSI2PK").eq(f"USER#{pro_id}#INTERESTS"), index="GSI2",
                FilterExpression=Attr("counted").not_exists(), ProjectionExpression="GSI2SK"):
            days[item["GSI2SK"][:10]] += 1
        return days

    def add_to_day(self, pro_id: str, day: str, count: int) -> None:
        """Add a day's uncounted interests to its day item, once (a repeat is refused)."""
        self._update(day_key(account_pk(pro_id), day),
                     "SET #entity = :entity, #legacy = :n ADD #sent :n",
                     {":entity": "analytics_day", ":n": count},
                     {"#legacy": LEGACY_INTERESTS, "#sent": INTERESTS_SENT},
                     "attribute_not_exists(#legacy)")

    def added_to_days(self, pro_id: str) -> int:
        """What the backfill added to the pro's day items, by this run or an interrupted one."""
        condition = Key("PK").eq(account_pk(pro_id)) & Key("SK").begins_with(DAY_PREFIX)
        return sum(int(item[LEGACY_INTERESTS]) for item in self.store.query_all(
            condition, ConsistentRead=True, FilterExpression=Attr(LEGACY_INTERESTS).exists(),
            ProjectionExpression=LEGACY_INTERESTS))

    def add_to_total(self, pro_id: str, count: int) -> bool:
        """Add the uncounted interests to the running total and set the marker, once."""
        return self._update(running_key(account_pk(pro_id)),
                            "SET #entity = :entity, #counters = :backfilled ADD #sent :n",
                            {":entity": "analytics_totals", ":backfilled": BACKFILLED,
                             ":from_start": FROM_START, ":n": count},
                            {"#sent": INTERESTS_SENT}, NOT_BACKFILLED)

    def _update(self, key: dict[str, str], expression: str, values: dict[str, Any],
                names: dict[str, str], condition: str) -> bool:
        """A conditional UpdateItem; False when the condition refused it."""
        # Only the names the expressions use: DynamoDB refuses unused ones.
        names = {alias: name for alias, name in {**names, **_COMMON_NAMES}.items()
                 if alias in expression or alias in condition}
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self.store.update(key, expression, values, names, condition,
                                  return_values="NONE")
                return True
            except ConditionFailed:
                return False
            except ClientError as exc:  # the stream's transaction on the same item, in flight
                if exc.response["Error"]["Code"] != "TransactionConflictException":
                    raise
                time.sleep(random.uniform(0, 0.05 * 2 ** attempt))
        raise AccountBusy(key["PK"])
