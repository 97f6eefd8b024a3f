"""Analytics over an account with 100,000 activities: a summary and a one-year daily report read
O(days) aggregate items; recomputing the same from the activities reads every one of them.
In-process moto, so absolute times include moto's Python overhead; the DynamoDB calls and items
read are what DynamoDB would see.

How the data is built: 100,000 activity items (20 engagements, one client, 10 sales pros, spread
over the last 365 days) are written as the engagements feature writes them. Their aggregates
are built from the same 100,000 `activity.logged` events, folded through the aggregator's own
counter rules (`event_plans.plan_for`) in memory and written as day/total items directly —
applying 100,000 events one transaction at a time would take moto most of an hour. The cost of
that live path is measured separately on 500 events through `AnalyticsAggregator.apply`.
"""
from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

from ._support import CallCounter, moto_stack, timed

ACTIVITIES, ENGAGEMENTS, PROS = 100_000, 20, 10
KINDS = ["call"] * 40 + ["email"] * 30 + ["meeting"] * 12 + ["demo"] * 8 + ["proposal"] * 6 \
    + ["deal_closed"] * 2 + ["note"] * 2


class ItemsRead:
    """Items returned by GetItem/Query/BatchGetItem through a client (what RCUs are paid on)."""

    def __init__(self, client) -> None:
        self.count = 0
        client.meta.events.register("after-call.dynamodb.*", self._add)

    def _add(self, parsed, **_) -> None:
        self.count += parsed.get("Count", 0) + (1 if "Item" in parsed else 0) + sum(
            len(v) for v in (parsed.get("Responses") or {}).values())


def build(services, rng: random.Random) -> tuple[str, str, list[dict]]:
    from chalicelib.clock import sortable
    from chalicelib.services.analytics.event_plans import plan_for
    from chalicelib.storage.aggregates import (COUNTERS, FROM_START, account_pk, day_key,
                                               engagement_pk, running_key)

    client, today = "usr_benchclient0000000000", datetime.now(timezone.utc)
    pros = [f"usr_benchpro{n:013d}" for n in range(PROS)]
    engagements = []
    counters: dict[tuple[str, str], Counter] = defaultdict(Counter)
    with services.table.batch_writer() as batch:
        for n in range(ENGAGEMENTS):
            created = sortable(today - timedelta(days=366))
            eng = {"id": f"eng_bench{n:017d}", "client_id": client,
                   "sales_pro_id": pros[n % PROS], "status": "active", "currency": "usd",
                   "terms": {"commission_rate": "0.1"}, "created_at": created}
            engagements.append(eng)
            batch.put_item(Item={"PK": f"ENG#{eng['id']}", "SK": "ENG", "entity": "engagement",
                                 **eng, "GSI1PK": f"USER#{client}#ENGS",
                                 "GSI1SK": f"{created}#{eng['id']}",
                                 "GSI2PK": f"USER#{eng['sales_pro_id']}#ENGS",
                                 "GSI2SK": f"{created}#{eng['id']}"})
        by_id = {e["id"]: e for e in engagements}
        for n in range(ACTIVITIES):
            eng, kind = rng.choice(engagements), rng.choice(KINDS)
            occurred = sortable(today - timedelta(days=rng.randrange(365),
                                                  seconds=rng.randrange(86_400)))
            value = rng.randrange(1_000, 50_000) * 100 if kind == "deal_closed" else None
            act_id = f"act_bench{n:017d}"
            batch.put_item(Item={"PK": f"ENG#{eng['id']}", "SK": f"ACT#{occurred}#{act_id}",
                                 "entity": "activity", "id": act_id, "engagement_id": eng["id"],
                                 "type": kind, "occurred_at": occurred, "value": value,
                                 "description": "Bench activity", "logged_by": eng["sales_pro_id"]})
            plan = plan_for({"id": f"evt_{n}", "type": "activity.logged", "data": {
                "engagement_id": eng["id"], "client_id": client, "sales_pro_id":
                eng["sales_pro_id"], "type": kind, "value": value, "occurred_at": occurred}},
                by_id.get)
            for pk in (*(account_pk(p) for p in plan.parties), engagement_pk(eng["id"])):
                for key in (day_key(pk, plan.day), running_key(pk)):
                    counters[(key["PK"], key["SK"])].update(plan.flows)
        accounts = {tuple(running_key(account_pk(user)).values()) for user in (client, *pros)}
        for (pk, sk), counts in counters.items():
            # The accounts' totals as sign-up opened them: counted from the start.
            opened = {COUNTERS: FROM_START} if (pk, sk) in accounts else {}
            batch.put_item(Item={"PK": pk, "SK": sk, "entity": "analytics_day", **counts,
                                 **opened})
    return client, pros[0], engagements


def live_apply_cost(services, engagements: list[dict], rng: random.Random) -> None:
    from chalicelib.clock import sortable

    counter = CallCounter(services.table.meta.client)
    now = datetime.now(timezone.utc)
    events = [{"id": f"evt_live{n}", "type": "activity.logged", "created": "2026-01-01T00:00:00Z",
               "data": {"engagement_id": (eng := rng.choice(engagements))["id"],
                        "client_id": eng["client_id"], "sales_pro_id": eng["sales_pro_id"],
                        "type": "call", "value": None, "occurred_at": sortable(now)}}
              for n in range(500)]
    started = time.perf_counter()
    for event in events:
        services.analytics_aggregator.apply(event)
    elapsed = (time.perf_counter() - started) * 1000 / len(events)
    per_event = {k: v // len(events) for k, v in counter.calls.items()}
    print(f"live path (stream consumer): {elapsed:.1f} ms per activity.logged event, "
          f"DynamoDB calls per event {per_event}: the marker and 6 counter items (client, pro "
          "and engagement: day + totals) in one TransactWriteItems")


def main() -> None:
    from chalicelib.auth.caller import Caller
    from chalicelib.models.analytics import ReportCreate, SummaryParams

    rng = random.Random(7)
    with moto_stack() as services:
        print(f"building {ACTIVITIES:,} activities over 365 days and their aggregates...",
              flush=True)
        started = time.perf_counter()
        client_id, pro_id, engagements = build(services, rng)
        print(f"built in {time.perf_counter() - started:.0f} s")
        client = Caller(client_id, "client", "enterprise", frozenset({"read"}), "cli_bench")
        pro = Caller(pro_id, "sales_pro", "enterprise", frozenset({"read"}), "cli_benchp")
        today = date.today()
        year = {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}
        counter = CallCounter(services.table.meta.client)
        shapes = {
            "summary, client, lifetime": lambda: services.analytics_summary.summary(
                client, SummaryParams()),
            "summary, client, last 365 days": lambda: services.analytics_summary.summary(
                client, SummaryParams.model_validate(year)),
            "summary, sales pro, last 365 days": lambda: services.analytics_summary.summary(
                pro, SummaryParams.model_validate(year)),
            "report, 1 year daily, 4 metrics": lambda: services.analytics_reports.create(
                client, ReportCreate.model_validate({
                    **year, "to": (today - timedelta(days=1)).isoformat(),
                    "metrics": ["activities", "calls", "deals_closed", "revenue"]})),
            "report, 1 year by engagement": lambda: services.analytics_reports.create(
                client, ReportCreate.model_validate({
                    **year, "to": (today - timedelta(days=1)).isoformat(),
                    "metrics": ["activities"], "group_by": "engagement"})),
            "recount from activities (what we avoid)": lambda: sum(
                1 for eng in engagements
                for _ in services.party_data.activities(eng["id"], None, None)),
        }
        items_read = ItemsRead(services.table.meta.client)
        print(f"{'request':42} {'median ms':>10} {'items read':>11}  DynamoDB calls per request")
        for label, run in shapes.items():
            repeat = 1 if label.startswith("recount") else 3  # minutes in moto: once is plenty
            if repeat > 1:
                run()  # warm
            counter.reset()
            items_read.count = 0
            ms, result = timed(run, repeat=repeat)
            calls = {k: v // repeat for k, v in counter.calls.items()}
            print(f"{label:42} {ms:10.1f} {items_read.count // repeat:11,}  {calls}")
            if label.startswith("summary, client, last"):
                print(f"{'':42} {'':>10}  activities in the summary: {result.activities.total:,}")
        live_apply_cost(services, engagements, rng)


if __name__ == "__main__":
    main()
