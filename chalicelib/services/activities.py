"""Work logged on an engagement, and the metrics maintained from it.

Metrics are counters updated in the same transaction as each activity (storage/activities.py);
reading them is one BatchGetItem: the metrics item (which carries the parties for the access
check) and the engagement's escrow account, whose flow totals the payments ledger keeps.
Derived figures (commission earned, time to first activity, activities per week) are computed
on read from those counters.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..auth.caller import Caller
from ..clock import Clock, sortable
from ..errors import Conflict, InvalidParameter
from ..ids import new_id
from ..models.common import ListParams, Page
from ..models.engagements import Activity, ActivityCreate, EscrowFigures, Metrics
from ..storage.commit_riders import answer_in_commit
from ..storage.activities import ActivityRepository, NotActive
from .access import page_names_party, require_party
from .engagements import EngagementService
from .events import EventRecorder

FUTURE_TOLERANCE = timedelta(minutes=5)  # clients' clocks drift
WEEK_SECONDS = 7 * 86400


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class ActivityService:
    def __init__(self, repo: ActivityRepository, engagements: EngagementService,
                 events: EventRecorder, clock: Clock) -> None:
        self._repo, self._engs, self._events, self._clock = repo, engagements, events, clock

    def log(self, caller: Caller, eng_id: str, body: ActivityCreate) -> Activity:
        """Either party, while the engagement is active. `occurred_at` defaults to now, may
        be back-dated to the engagement's creation, never in the future."""
        eng = self._engs.party(caller, eng_id)
        if eng["status"] != "active":
            raise _not_active(eng["status"])
        now = self._clock.now()
        occurred = body.occurred_at or now
        if occurred > now + FUTURE_TOLERANCE:
            raise InvalidParameter("The 'occurred_at' field cannot be in the future.",
                                   param="occurred_at")
        if sortable(occurred) < eng["created_at"]:
            raise InvalidParameter("The 'occurred_at' field cannot be before the engagement "
                                   "was created.", param="occurred_at")
        activity: dict[str, Any] = {
            "id": new_id("act"), "engagement_id": eng_id, "type": body.type,
            "description": body.description, "occurred_at": sortable(occurred),
            "outcome": body.outcome, "logged_by": caller.user_id, "created_at": sortable(now)}
        if body.type == "deal_closed":
            activity["value"] = body.value or 0
        events = self._events.record("activity.logged", {  # docs/events.md
            "activity_id": activity["id"], "engagement_id": eng_id,
            "client_id": eng["client_id"], "sales_pro_id": eng["sales_pro_id"],
            "type": body.type, "value": activity.get("value"),
            "occurred_at": activity["occurred_at"], "logged_by": caller.user_id},
            [eng["client_id"], eng["sales_pro_id"]])
        answer = Activity.model_validate(activity)
        try:
            with answer_in_commit(answer):
                self._repo.log(eng, activity, caller.user_id, events)
        except NotActive:  # ended between our read and the write
            current = self._engs.party(caller, eng_id)
            raise _not_active(current["status"]) from None
        if body.occurred_at is not None:
            self._repo.keep_earliest(eng_id, activity["occurred_at"])
        return answer

    def list(self, caller: Caller, eng_id: str, params: ListParams) -> Page[Activity]:
        """Parties only; in the order the activities happened. The page is read first: when
        its activities name the caller as a party, the engagement is not read (one Query for
        the list, #20's budget); an empty page, activities from before they carried the
        parties, or anyone else's request read it, and a stranger gets its 404."""
        try:
            result = self._repo.list(eng_id, caller.user_id, limit=params.limit,
                                     cursor=params.cursor)
        except InvalidParameter:  # a cursor not theirs: a stranger still learns nothing
            self._engs.party(caller, eng_id)
            raise
        if not page_names_party(caller, result.items):
            self._engs.party(caller, eng_id)
        return Page[Activity](data=[Activity.model_validate(i) for i in result.items],
                              has_more=result.has_more, next_cursor=result.next_cursor)

    def metrics(self, caller: Caller, eng_id: str) -> Metrics:
        """One BatchGetItem: the metrics item (which names the parties) and the escrow."""
        item, escrow = self._repo.metrics(eng_id)
        item = require_party(caller, item, "engagement", eng_id)
        return build_metrics(item, escrow, self._clock.now())


def build_metrics(item: dict[str, Any], escrow: dict[str, Any] | None, now: datetime) -> Metrics:
    revenue = int(item.get("revenue", 0))
    rate = item.get("commission_rate")
    commission = int((Decimal(revenue) * Decimal(str(rate or 0))).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
    started, ended = _parse(item.get("started_at")), _parse(item.get("ended_at"))
    first = _parse(item.get("first_activity_at"))
    to_first = max(int((first - started).total_seconds()), 0) if first and started else None
    activities = int(item.get("activities", 0))
    per_week = 0.0
    if started:
        weeks = max(((ended or now) - started).total_seconds() / WEEK_SECONDS, 1.0)
        per_week = round(activities / weeks, 2)
    return Metrics(
        engagement_id=item["engagement_id"], currency=item.get("currency", "usd"),
        activities_total=activities,
        activity_counts={k: int(v) for k, v in (item.get("counts") or {}).items()},
        deals_closed=int(item.get("deals_closed", 0)), revenue=revenue,
        commission_rate=float(rate) if rate is not None else None, commission_earned=commission,
        first_activity_at=first, time_to_first_activity_seconds=to_first,
        activities_per_week=per_week,
        escrow=EscrowFigures.from_item(escrow, item.get("currency", "usd"), "balance")
        if escrow else None)


def _not_active(status: str) -> Conflict:
    return Conflict(f"Activities can only be logged on active engagements; this one is {status}.",
                    code="engagement_not_active")
