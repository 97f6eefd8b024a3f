"""`GET /v1/analytics/summary` and `GET /v1/analytics/engagement/{id}`, from the aggregates.

A summary reads the account's running totals and escrow totals (one BatchGetItem) and, for a
range, its day items (one Query of ≤ 366 small items per year) — never an activity. Status
breakdowns, escrow available and active sales pros are "now"; everything else counts what
happened in the range. Totals written before `active_sales_pros`/`interests_sent` were kept
lack them until backfilled; for those the two figures are counted as before (one Query more).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

from ...auth.caller import Caller
from ...clock import Clock
from ...models.analytics import (ActivityCounts, ClientSummary, Commission, DailyPoint, Earnings,
                                 EngagementAnalytics, Escrow, FunnelStage, PaymentEntry,
                                 RangeParams, SalesProSummary, SummaryParams, WeeklyPoint)
from ...storage.aggregates import (ACTIVE_SALES_PROS, INTERESTS_SENT, PAYMENT_ENTRIES_FLAG,
                                   AggregateRepository, exact_counters)
from ...storage.party_data import PartyData
from ..access import require_party
from .metrics import (ACTIVITY_TYPES, ENGAGEMENT_STATUSES, FUNNEL, OPPORTUNITY_STATUSES, count,
                      rate, sum_items)
from .periods import MAX_RANGE_DAYS, bounded_range, open_range, week_start


def activity_counts(flows: Mapping[str, Any]) -> ActivityCounts:
    return ActivityCounts(total=count(flows, "activities"),
                          by_type={kind: count(flows, f"act_{kind}") for kind in ACTIVITY_TYPES})


class SummaryService:
    def __init__(self, aggregates: AggregateRepository, party_data: PartyData,
                 clock: Clock) -> None:
        self._aggregates, self._party_data, self._clock = aggregates, party_data, clock

    def summary(self, caller: Caller, params: SummaryParams) -> ClientSummary | SalesProSummary:
        currency = params.currency
        running, ledger = self._aggregates.totals_and_escrow(caller.user_id, currency)
        days = open_range(params.from_, params.to, self._clock.now().date())
        ranged = params.from_ is not None or params.to is not None
        flows = sum_items(self._aggregates.account_days(
            caller.user_id, days.first_key, days.last_key).values()) if ranged else running
        funded, released = count(flows, f"escrow_funded_{currency}"), \
            count(flows, f"escrow_released_{currency}")
        held = (count(ledger, "available") + count(ledger, "in_dispute")) if ledger else max(
            count(running, f"escrow_funded_{currency}")
            - count(running, f"escrow_released_{currency}"), 0)  # escrow not deployed yet
        common = {
            "account_type": caller.user_type, "from": days.first, "to": days.last,
            "currency": currency,
            "engagements_by_status": {s: count(running, f"eng_status_{s}")
                                      for s in ENGAGEMENT_STATUSES},
            "engagements_created": count(flows, "engs_created"),
            "activities": activity_counts(flows), "deals_closed": count(flows, "act_deal_closed"),
            "revenue_generated": count(flows, f"revenue_{currency}")}
        commission = count(flows, f"commission_{currency}")
        if caller.is_client:
            return ClientSummary(
                **common, opportunities_created=count(flows, "opps_created"),
                opportunities_by_status={s: count(running, f"opp_status_{s}")
                                         for s in OPPORTUNITY_STATUSES},
                commission=Commission(earned=commission, paid=released,
                                      owed=max(commission - released, 0)),
                escrow=Escrow(funded=funded, released=released,
                              available=count(ledger, "available") if ledger else held),
                active_sales_pros=self._active_sales_pros(caller.user_id, running))
        interests = count(flows, INTERESTS_SENT) if exact_counters(running) else \
            self._party_data.interests_sent(caller.user_id, days.first_key,
                                            days.last_key if ranged else None)
        return SalesProSummary(
            **common, earnings=Earnings(commission_earned=commission, released=released,
                                        pending=held),
            interests_sent=interests,
            interest_to_engagement_conversion=rate(count(flows, "engs_created"), interests))

    def _active_sales_pros(self, client_id: str, running: dict[str, Any]) -> int:
        # No totals at all is exact too: pair items are only ever written with the client's
        # totals, so a client without totals has no active pair.
        if exact_counters(running) or not running:
            return count(running, ACTIVE_SALES_PROS)
        return self._aggregates.active_sales_pros(client_id)

    def engagement(self, caller: Caller, eng_id: str, params: RangeParams) -> EngagementAnalytics:
        """Parties only (anyone else gets 404). Defaults to the engagement's lifetime, up to
        the last year of it."""
        readings = self._aggregates.engagement_with_days(
            eng_id, params.from_.isoformat() if params.from_ else None)
        eng, stored_days = require_party(caller, readings.engagement, "engagement",
                                         eng_id), readings.days
        today = self._clock.now().date()
        ended = eng.get("completed_at") or eng.get("terminated_at")
        last = params.to or (date.fromisoformat(ended[:10]) if ended else today)
        first = params.from_ or max(date.fromisoformat(eng["created_at"][:10]),
                                    last - timedelta(days=MAX_RANGE_DAYS - 1))
        days = bounded_range(first if params.from_ else min(first, last), last, today)
        currency = eng.get("currency", "usd")
        items = {day: item for day, item in stored_days.items()
                 if (days.first_key or "") <= day <= days.last_key}
        daily = [self._point(items.get(day.isoformat(), {}), currency) | {"date": day.isoformat()}
                 for day in days.days()]
        weekly: dict[str, dict[str, Any]] = {}
        for point in daily:
            week = weekly.setdefault(week_start(date.fromisoformat(point["date"])).isoformat(),
                                     {"activities": 0, "deals_closed": 0, "revenue": 0})
            for name in week:
                week[name] += point[name]
        totals = sum_items(items.values())
        funnel = [FunnelStage(stage=stage, count=count(totals, f"act_{kind}"),
                              conversion_rate=None if n == 0 else rate(
                                  count(totals, f"act_{kind}"),
                                  count(totals, f"act_{FUNNEL[n - 1][1]}")))
                  for n, (stage, kind) in enumerate(FUNNEL)]
        # Engagements from before 2026-12 have no payment entries: their payments are a Query.
        payments = readings.payment_entries if eng.get(PAYMENT_ENTRIES_FLAG) else sorted(
            self._party_data.engagement_payments(eng_id), key=lambda p: p.get("created_at", ""))
        return EngagementAnalytics(
            engagement_id=eng_id, status=eng.get("status", "pending"), currency=currency,
            **{"from": days.first}, to=days.last,
            totals={"activities": activity_counts(totals).model_dump(),
                    "deals_closed": count(totals, "act_deal_closed"),
                    "revenue": count(totals, f"revenue_{currency}"),
                    "commission": count(totals, f"commission_{currency}"),
                    "escrow_funded": count(totals, f"escrow_funded_{currency}"),
                    "escrow_released": count(totals, f"escrow_released_{currency}")},
            daily=[DailyPoint(**p) for p in daily],
            weekly=[WeeklyPoint(week_start=w, **v) for w, v in weekly.items()],
            funnel=funnel,
            overall_conversion_rate=rate(count(totals, "act_deal_closed"),
                                         count(totals, "act_call")),
            payments=[PaymentEntry.model_validate(p) for p in payments])

    @staticmethod
    def _point(item: Mapping[str, Any], currency: str) -> dict[str, Any]:
        return {"activities": count(item, "activities"),
                "deals_closed": count(item, "act_deal_closed"),
                "revenue": count(item, f"revenue_{currency}")}
