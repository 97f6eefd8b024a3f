"""The documented metric names (docs/analytics.md) and the counters they read.

Counters live on day items and running totals (storage/aggregates.py). Money counters carry
the currency in the attribute name (`revenue_usd`), since amounts in different currencies
cannot be added; a report or summary reads one currency at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "proposal", "deal_closed", "note")
ENGAGEMENT_STATUSES = ("pending", "active", "completed", "terminated")
OPPORTUNITY_STATUSES = ("open", "paused", "closed")
FUNNEL = (("calls", "call"), ("meetings", "meeting"), ("demos", "demo"),
          ("proposals", "proposal"), ("deals", "deal_closed"))


@dataclass(frozen=True)
class Metric:
    name: str
    counter: str
    money: bool = False
    account_only: bool = False  # not kept per engagement (opportunities belong to no engagement)

    def attribute(self, currency: str) -> str:
        return f"{self.counter}_{currency}" if self.money else self.counter


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("activities", "activities"),
    Metric("calls", "act_call"),
    Metric("emails", "act_email"),
    Metric("meetings", "act_meeting"),
    Metric("demos", "act_demo"),
    Metric("proposals", "act_proposal"),
    Metric("notes", "act_note"),
    Metric("deals_closed", "act_deal_closed"),
    Metric("revenue", "revenue", money=True),
    Metric("commission", "commission", money=True),
    Metric("escrow_funded", "escrow_funded", money=True),
    Metric("escrow_released", "escrow_released", money=True),
    Metric("disputes_opened", "disputes_opened"),
    Metric("amount_disputed", "disputed", money=True),
    Metric("engagements_created", "engs_created"),
    Metric("engagements_started", "engs_started"),
    Metric("engagements_completed", "engs_completed"),
    Metric("engagements_terminated", "engs_terminated"),
    Metric("opportunities_created", "opps_created", account_only=True),
)}


def count(item: Mapping[str, Any], attribute: str) -> int:
    return int(item.get(attribute, 0) or 0)


def metric_value(item: Mapping[str, Any], metric: Metric, currency: str,
                 activity_types: Iterable[str] | None = None) -> int:
    """One metric from one aggregate item. `activity_types` narrows `activities` to those types."""
    if metric.name == "activities" and activity_types:
        return sum(count(item, f"act_{kind}") for kind in activity_types)
    return count(item, metric.attribute(currency))


def sum_items(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Add day items up, counter by counter (numbers only; keys and labels are skipped)."""
    total: dict[str, int] = {}
    for item in items:
        for name, value in item.items():
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                total[name] = total.get(name, 0) + int(value)
    return total


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None
