"""What each event type does to the aggregates (the data contract is docs/events.md).

A `Plan` names the day the event counts on, the accounts (and engagement) whose counters move,
the counters (`flows`), and an optional status move for the status breakdowns.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from .metrics import ACTIVITY_TYPES, ENGAGEMENT_STATUSES, OPPORTUNITY_STATUSES

# Statuses only move forward; completed and terminated are both final.
ENGAGEMENT_ORDER = {"pending": "0", "active": "1", "completed": "2", "terminated": "2"}
OPPORTUNITY_CLOSED_RANK = {"open": "0", "paused": "0", "closed": "1"}
ENGAGEMENT_VERBS = {"engagement.created": "created", "engagement.started": "started",
                    "engagement.completed": "completed", "engagement.terminated": "terminated"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"^[a-z]{3}$")

EngagementLookup = Callable[[str], "dict[str, Any] | None"]


class UnusableEvent(Exception):
    """The event lacks what the contract promises; it is logged and skipped, never retried."""


@dataclass
class StatusMove:
    kind: str  # "eng" | "opp"
    object_id: str
    status: str
    order: str  # later events sort higher


@dataclass
class Plan:
    day: str
    parties: tuple[str, ...]  # (client, sales pro) or (client,)
    engagement_id: str | None
    flows: Counter[str]
    move: StatusMove | None = None


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise UnusableEvent(f"'{name}' is missing")
    return value


def _amount(data: dict[str, Any], name: str = "amount") -> int:
    value = data.get(name)
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool) \
            or value != int(value) or value < 0:
        raise UnusableEvent(f"'{name}' is not a non-negative integer")
    return int(value)


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise UnusableEvent(f"currency {value!r} is not a lower-case ISO-4217 code")
    return value


def _day(value: Any) -> str:
    if not isinstance(value, str) or not _DAY.match(value):
        raise UnusableEvent(f"time {value!r} is not ISO-8601")
    return value[:10]


def _parties(data: dict[str, Any], engagement: dict[str, Any] | None) -> tuple[str, str]:
    """Both parties from the event, falling back on the engagement item (older producers)."""
    source = data if data.get("client_id") and data.get("sales_pro_id") else (engagement or {})
    return _text(source, "client_id"), _text(source, "sales_pro_id")


def plan_for(event: dict[str, Any], engagement_of: EngagementLookup) -> Plan | None:
    kind, data = event.get("type"), event.get("data") or {}
    if not isinstance(event.get("id"), str):
        raise UnusableEvent("the event has no id")
    if kind == "activity.logged":
        return _activity(data, engagement_of)
    if kind in ENGAGEMENT_VERBS:
        return _engagement(event, data, engagement_of)
    if kind in ("opportunity.created", "opportunity.updated", "opportunity.closed"):
        return _opportunity(event, data)
    if kind in ("escrow.funded", "payment.released", "escrow.dispute"):
        return _money(event, data, engagement_of)
    # Not aggregated: user.*, opportunity.matched, messages, and payment.received (the same
    # funding as escrow.funded, which is the one counted).
    return None


def _activity(data: dict[str, Any], engagement_of: EngagementLookup) -> Plan:
    eng_id, activity_type = _text(data, "engagement_id"), _text(data, "type")
    if activity_type not in ACTIVITY_TYPES:
        raise UnusableEvent(f"unknown activity type {activity_type!r}")
    deal = activity_type == "deal_closed"
    engagement = engagement_of(eng_id) if deal or not (
        data.get("client_id") and data.get("sales_pro_id")) else None
    flows = Counter({"activities": 1, f"act_{activity_type}": 1})
    if deal:  # revenue in the engagement's currency; commission at its agreed rate
        value = _amount(data, "value") if data.get("value") is not None else 0
        currency = _currency((engagement or {}).get("currency", "usd"))
        commission_rate = ((engagement or {}).get("terms") or {}).get("commission_rate") or 0
        flows[f"revenue_{currency}"] += value
        flows[f"commission_{currency}"] += int((Decimal(value) * Decimal(str(commission_rate)))
                                               .quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Plan(day=_day(data.get("occurred_at")), parties=_parties(data, engagement),
                engagement_id=eng_id, flows=flows)


def _engagement(event: dict[str, Any], data: dict[str, Any],
                engagement_of: EngagementLookup) -> Plan:
    eng_id, status = _text(data, "engagement_id"), _text(data, "status")
    if status not in ENGAGEMENT_STATUSES:
        raise UnusableEvent(f"unknown engagement status {status!r}")
    parties = _parties(data, None if data.get("client_id") and data.get("sales_pro_id")
                       else engagement_of(eng_id))
    return Plan(day=_day(event.get("created")), parties=parties, engagement_id=eng_id,
                flows=Counter({f"engs_{ENGAGEMENT_VERBS[event['type']]}": 1}),
                move=StatusMove("eng", eng_id, status, ENGAGEMENT_ORDER[status]))


def _opportunity(event: dict[str, Any], data: dict[str, Any]) -> Plan:
    opp_id, status = _text(data, "opportunity_id"), _text(data, "status")
    if status not in OPPORTUNITY_STATUSES:
        raise UnusableEvent(f"unknown opportunity status {status!r}")
    created = _text(event, "created")
    flows = Counter({"opps_created": 1}) if event["type"] == "opportunity.created" else Counter()
    # Open and paused alternate, so order by event time; within one second, closed wins.
    order = f"{created}#{OPPORTUNITY_CLOSED_RANK[status]}"
    return Plan(day=_day(created), parties=(_text(data, "client_id"),), engagement_id=None,
                flows=flows, move=StatusMove("opp", opp_id, status, order))


def _money(event: dict[str, Any], data: dict[str, Any], engagement_of: EngagementLookup) -> Plan:
    eng_id = _text(data, "engagement_id")
    amount, currency = _amount(data), _currency(data.get("currency"))
    parties = _parties(data, None if data.get("client_id") and data.get("sales_pro_id")
                       else engagement_of(eng_id))
    flows: Counter[str] = Counter()
    if event["type"] == "escrow.funded":
        flows[f"escrow_funded_{currency}"] = amount
    elif event["type"] == "payment.released":
        flows[f"escrow_released_{currency}"] = amount
    else:
        flows.update({"disputes_opened": 1, f"disputed_{currency}": amount})
    return Plan(day=_day(event.get("created")), parties=parties, engagement_id=eng_id,
                flows=flows)
