"""Keeps the analytics aggregates as events happen.

Every state change records its event in the outbox in the same transaction as the change; the
table's stream hands each new outbox item to `AnalyticsAggregator.from_stream`, which turns the
event into counter updates (docs/analytics.md, "How the numbers are kept"). Each event is
applied in one transaction together with its marker item, so stream retries and replays count
it once. Status breakdowns ("engagements by status") need the status an item had before; the
last applied status is stored per engagement/opportunity and moved with a condition on it, and
an event older than what was applied (streams do not order events across items) moves nothing.
A client's `active_sales_pros` moves with its pair items: when a pair's active count crosses
0 <-> 1, in the same transaction, with the pair update conditional on the count read.
"""
from __future__ import annotations

import logging
import random
import time
from collections import Counter
from typing import Any, Iterable

from ...clock import Clock
from ...storage.aggregates import (ACTIVE_SALES_PROS, ACTIVE_SALES_PROS_VERSION,
                                   AggregateRepository, ConcurrentChange, EventAlreadyApplied,
                                   ItemChange, account_pk, day_key, engagement_pk,
                                   opportunity_status_key, pair_key, running_key)
from ...storage.party_data import PartyData
from ...storage.stream_records import outbox_payloads
from .event_plans import Plan, StatusMove, UnusableEvent, plan_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


class ChangeSet:
    """One `ItemChange` per item, however many counters the event touches on it."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], ItemChange] = {}

    def item(self, key: dict[str, str], entity: str) -> ItemChange:
        ident = (key["PK"], key["SK"])
        if ident not in self._items:
            self._items[ident] = ItemChange(key=key, entity=entity)
        return self._items[ident]

    def add(self, key: dict[str, str], entity: str, counters: Counter[str]) -> None:
        self.item(key, entity).adds.update(counters)

    def changes(self) -> list[ItemChange]:
        return list(self._items.values())


class AnalyticsAggregator:
    def __init__(self, repo: AggregateRepository, party_data: PartyData, clock: Clock) -> None:
        self._repo, self._party_data, self._clock = repo, party_data, clock

    def from_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Apply every outbox event of a stream batch; returns how many were counted now. An
        exception (DynamoDB unavailable) fails the batch, which Lambda retries; events already
        counted in the failed batch are recognised by their markers."""
        return sum(1 for payload in outbox_payloads(records) if self.apply(payload))

    def apply(self, event: dict[str, Any]) -> bool:
        """Count one event (the outbox/webhook payload) exactly once. True if counted by this
        call; False if the type is not aggregated, the data unusable, or it was counted before."""
        try:
            plan = plan_for(event, self._party_data.engagement)
        except UnusableEvent as exc:
            log.warning("analytics skipped event %s (%s): %s", event.get("id"),
                        event.get("type"), exc)
            return False
        if plan is None:
            return False
        for attempt in range(MAX_ATTEMPTS):
            try:
                self._repo.commit(event, self._changes(plan), int(self._clock.timestamp()))
                return True
            except EventAlreadyApplied:
                return False
            except ConcurrentChange:
                time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # jittered back-off
        raise ConcurrentChange(event["id"])

    def _changes(self, plan: Plan) -> list[ItemChange]:
        changes = ChangeSet()
        if plan.flows:
            accounts = [account_pk(p) for p in plan.parties]
            for pk in accounts:
                changes.add(day_key(pk, plan.day), "analytics_day", plan.flows)
                changes.add(running_key(pk), "analytics_totals", plan.flows)
            # An engagement keeps day items only: its analytics sum them in the Query that
            # reads them, so lifetime counters of its own would be written and never read.
            if plan.engagement_id:
                changes.add(day_key(engagement_pk(plan.engagement_id), plan.day),
                            "analytics_day", plan.flows)
        if plan.move:
            self._move_status(changes, plan, plan.move)
        return changes.changes()

    def _move_status(self, changes: ChangeSet, plan: Plan, move: StatusMove) -> None:
        """Move the item's status counters from the last applied status to this event's, unless
        a later event was applied already. The conditional SET on `status_order` makes a
        concurrent mover lose (ConcurrentChange → re-read → retry)."""
        key = (running_key(engagement_pk(move.object_id)) if move.kind == "eng"
               else opportunity_status_key(plan.parties[0], move.object_id))
        current = self._repo.get(key, consistent=True)
        previous, previous_order = current.get("status"), current.get("status_order")
        if previous_order is not None and move.order <= previous_order:
            return
        holder = changes.item(key, "analytics_totals" if move.kind == "eng" else "analytics_status")
        holder.sets.update(status=move.status, status_order=move.order)
        holder.condition_names = {"#order": "status_order"}
        if previous_order is None:
            holder.condition = "attribute_not_exists(#order)"
        else:
            holder.condition = "#order = :previous_order"
            holder.condition_values = {":previous_order": previous_order}
        if previous == move.status:
            return
        delta: Counter[str] = Counter({f"{move.kind}_status_{move.status}": 1})
        if previous:
            delta[f"{move.kind}_status_{previous}"] -= 1
        for party in plan.parties:
            changes.add(running_key(account_pk(party)), "analytics_totals", delta)
        active = (move.status == "active") - (previous == "active")
        if move.kind == "eng" and active and len(plan.parties) == 2:
            self._move_pair(changes, plan.parties[0], plan.parties[1], active)

    def _move_pair(self, changes: ChangeSet, client_id: str, pro_id: str, delta: int) -> None:
        """`active` ±1 on the client-pro pair, on condition that it still holds the count read
        (a concurrent mover of the same pair loses and retries). When the pair starts or stops
        having an active engagement, the client's `active_sales_pros` moves in the same
        transaction, so a redelivered event (refused by its marker) moves neither."""
        key = pair_key(client_id, pro_id)
        current = self._repo.get(key, consistent=True)
        before = int(current.get("active", 0))
        pair = changes.item(key, "analytics_pair")
        pair.adds["active"] += delta
        pair.condition_names = {"#active": "active"}
        if "active" in current:
            pair.condition = "#active = :previous_active"
            pair.condition_values = {":previous_active": current["active"]}
        else:
            pair.condition = "attribute_not_exists(#active)"
        if (before > 0) != (before + delta > 0):
            changes.add(running_key(account_pk(client_id)), "analytics_totals",
                        Counter({ACTIVE_SALES_PROS: delta, ACTIVE_SALES_PROS_VERSION: 1}))
