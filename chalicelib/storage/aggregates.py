"""Analytics aggregates: atomic counters per account per day, per engagement per day, running
totals and the last status applied per engagement/opportunity (keys: docs/data-model.md,
"Analytics aggregates").

The aggregator writes them from the table's stream, one TransactWriteItems per event: a
per-event marker (`attribute_not_exists`, so a replayed stream record counts once) plus one
Update per affected item (`ADD` counters, one action per item as DynamoDB requires). Two
counters the summary reads are kept elsewhere too: `interests_sent` by the interest's own
transaction (T6), and `active_sales_pros` from the client-pro pair items; both are whole only
on totals that carry the `counters` marker (see `exact_counters`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

from boto3.dynamodb.conditions import Attr, Key

from .events import EVENT_RETENTION_SECONDS
from .keys import engagement_key, engagement_pk
from .ledger import totals_key as escrow_totals_key
from .table import Action, NamedAction, Store, TransactionFailed

DAY_PREFIX = "AGG#DAY#"
# An engagement's payment entries (storage/payment_entries.py), and the flag on its `ENG` item
# that says they are whole (engagements created since 2026-12-03).
PAYMENT_ENTRY_PREFIX = "AGG#PAY#"
PAYMENT_ENTRIES_FLAG = "payment_entries"
RUNNING_SK = "AGG#ALL"
PAIR_PREFIX = "AGG#PRO#"
# Markers outlive the stream's 24 h retention and the outbox/event items (30 d), so any replay
# of an event this aggregator can be handed is still recognised.
MARKER_TTL_SECONDS = EVENT_RETENTION_SECONDS + 86400

# Counters on an account's running totals (interests_sent also on its day items).
ACTIVE_SALES_PROS = "active_sales_pros"
# Bumped with every change of active_sales_pros: the backfill's recount is written only if it
# has not moved since the recount began (a count that went 1 -> 2 -> 1 would not show it).
ACTIVE_SALES_PROS_VERSION = "active_sales_pros_version"
INTERESTS_SENT = "interests_sent"
# On totals whose two counters above are whole: FROM_START when sign-up wrote them (the account
# is new), BACKFILLED once the admin backfill has counted what was written before the counters.
COUNTERS, FROM_START, BACKFILLED = "counters", "from_start", "backfilled"


@dataclass
class EngagementReadings:
    """What engagement analytics reads in one Query (`engagement_with_days`)."""
    engagement: dict[str, Any] | None
    days: dict[str, dict[str, Any]]  # by yyyy-mm-dd
    payment_entries: list[dict[str, Any]]  # by created_at; whole if the engagement says so


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
    return {"PK": account_pk(client_id), "SK": f"{PAIR_PREFIX}{pro_id}"}


def marker_key(event_id: str) -> dict[str, str]:
    return {"PK": f"AGGEVT#{event_id}", "SK": "AGGEVT"}


def exact_counters(totals: Mapping[str, Any]) -> bool:
    """Whether `active_sales_pros` and `interests_sent` on these running totals count everything.
    Totals written before the counters existed lack them (and the marker) until backfilled."""
    return COUNTERS in totals


@dataclass
class ItemChange:
    """What one event does to one item: counters to ADD, attributes to SET (`defaults` only
    where absent), a condition."""
    key: dict[str, str]
    entity: str
    adds: Counter[str] = field(default_factory=Counter)
    sets: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
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
        for n, (attr, value) in enumerate(sorted(self.defaults.items())):
            names[f"#d{n}"], values[f":d{n}"] = attr, value
            sets.append(f"#d{n} = if_not_exists(#d{n}, :d{n})")
        expression = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        body: dict[str, Any] = {
            "Key": self.key, "UpdateExpression": expression,
            "ExpressionAttributeNames": {**names, **self.condition_names},
            "ExpressionAttributeValues": {**values, **self.condition_values}}
        if self.condition:
            body["ConditionExpression"] = self.condition
        return {"Update": body}


def new_account_totals(user_id: str) -> Action:
    """Sign-up's share: the new account's running totals, marked as counted from the start.
    (An Update, which cannot refuse: the account id is new, so there is nothing to overwrite.)"""
    change = ItemChange(running_key(account_pk(user_id)), "analytics_totals",
                        defaults={COUNTERS: FROM_START})
    return change.action()


def interest_counter_actions(pro_id: str, created_at: str) -> list[NamedAction]:
    """T6's share of the aggregates: +1 `interests_sent` on the pro's running totals and on the
    day the interest was sent, in the interest's own transaction (there is no interest event)."""
    pk, one = account_pk(pro_id), Counter({INTERESTS_SENT: 1})
    return [("interests_total", ItemChange(running_key(pk), "analytics_totals", one).action()),
            ("interests_day", ItemChange(day_key(pk, created_at[:10]), "analytics_day",
                                         one).action())]


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

    def totals_and_escrow(self, user_id: str,
                          currency: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The account's running totals ({} if none) and the ledger's escrow totals in
        `currency` (None before any escrow moved): one BatchGetItem."""
        totals, escrow = running_key(account_pk(user_id)), escrow_totals_key(user_id, currency)
        found = self.store.batch_get([(totals["PK"], totals["SK"]), (escrow["PK"], escrow["SK"])])
        return (found.get((totals["PK"], totals["SK"])) or {},
                found.get((escrow["PK"], escrow["SK"])))

    def account_days(self, user_id: str, first: str | None,
                     last: str) -> dict[str, dict[str, Any]]:
        return self.days(account_pk(user_id), first, last)

    def engagement_days(self, eng_id: str, first: str | None,
                        last: str) -> dict[str, dict[str, Any]]:
        return self.days(engagement_pk(eng_id), first, last)

    def engagement_with_days(self, eng_id: str, first: str | None) -> EngagementReadings:
        """The engagement's own item (None if there is none), its day items from `first`
        (None = from the beginning) and its payment entries, in one Query: in the engagement's
        partition they sort `AGG#DAY#…`, `AGG#PAY#…` (storage/payment_entries.py), `ENG`, with
        nothing else between them."""
        low = f"{DAY_PREFIX}{first}" if first else DAY_PREFIX
        engagement = engagement_key(eng_id)
        items = list(self.store.query_all(
            Key("PK").eq(engagement["PK"]) & Key("SK").between(low, engagement["SK"])))
        found = items.pop() if items and items[-1]["SK"] == engagement["SK"] else None
        return EngagementReadings(
            found, {item["SK"][len(DAY_PREFIX):]: item for item in items
                    if item["SK"].startswith(DAY_PREFIX)},
            [item for item in items if item["SK"].startswith(PAYMENT_ENTRY_PREFIX)])

    def days(self, pk: str, first: str | None, last: str) -> dict[str, dict[str, Any]]:
        """Day items of one account or engagement, `first`..`last` inclusive (None = from the
        beginning), keyed by `yyyy-mm-dd`. One Query (≤ 366 small items fit one 1 MB page)."""
        low = f"{DAY_PREFIX}{first}" if first else DAY_PREFIX
        condition = Key("PK").eq(pk) & Key("SK").between(low, f"{DAY_PREFIX}{last}")
        return {item["SK"][len(DAY_PREFIX):]: item
                for item in self.store.query_all(condition)}

    def active_sales_pros(self, client_id: str, consistent: bool = False) -> int:
        """Sales pros with at least one active engagement with this client, counted from the
        pair items (the summary's fallback for totals without `exact_counters`, and the
        backfill's recount)."""
        condition = Key("PK").eq(account_pk(client_id)) & Key("SK").begins_with(PAIR_PREFIX)
        total, start = 0, None
        while True:
            answer = self.store.table.query(
                KeyConditionExpression=condition, FilterExpression=Attr("active").gt(0),
                Select="COUNT", ConsistentRead=consistent,
                **({"ExclusiveStartKey": start} if start else {}))
            total += answer["Count"]
            start = answer.get("LastEvaluatedKey")
            if not start:
                return total
