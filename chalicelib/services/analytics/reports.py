"""Custom reports: documented metrics, grouped by period, engagement, sales pro or activity
type, over at most a year, computed from the aggregates when requested and saved.

Account-wide reports read the caller's day items (one Query per report). Reports narrowed to
engagements (a filter, or grouping by engagement or sales pro) read the caller's engagement list
and one day-item Query per engagement — O(engagements × days), still never an activity.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Sequence

from ...auth.caller import Caller
from ...clock import Clock, sortable
from ...errors import InvalidParameter, not_found
from ...ids import new_id
from ...models.analytics import Report, ReportCreate, ReportListItem
from ...models.common import ListParams, Page
from ...storage.aggregates import AggregateRepository
from ...storage.commit_riders import answer_in_commit
from ...storage.party_data import PartyData
from ...storage.reports import ReportRepository
from ..access import require_party
from .metrics import ACTIVITY_TYPES, METRICS, Metric, count, metric_value
from .periods import DayRange, bounded_range, bucket, buckets

TIME_GROUPS = ("day", "week", "month")
GROUP_COLUMN = {"day": "date", "week": "week_start", "month": "month",
                "engagement": "engagement_id", "sales_pro": "sales_pro_id",
                "activity_type": "activity_type"}
DaySource = tuple[str, dict[str, dict[str, Any]]]  # (group label, day → aggregate item)
# Spelled here: inside ReportService, `list` is the method of that name.
Sources = list[DaySource]
Metrics = list[Metric]
Rows = list[list[Any]]


class ReportService:
    def __init__(self, aggregates: AggregateRepository, party_data: PartyData,
                 reports: ReportRepository, clock: Clock) -> None:
        self._aggregates, self._party_data = aggregates, party_data
        self._reports, self._clock = reports, clock

    def create(self, caller: Caller, body: ReportCreate) -> Report:
        metrics = self._metrics(body)
        days = bounded_range(body.from_, body.to, self._clock.now().date())
        filters = body.filters
        sources = self._sources(caller, body, days)
        if body.group_by == "activity_type":
            kinds: Sequence[str] = filters.activity_types or ACTIVITY_TYPES
            rows = [[kind, sum(count(item, f"act_{kind}") for _, items in sources
                               for item in items.values())] for kind in kinds]
        else:
            rows = self._grouped(body.group_by, sources, metrics, filters.currency,
                                 filters.activity_types, days)
        report = {"id": new_id("rpt"), "status": "completed",
                  "metrics": [m.name for m in metrics], "group_by": body.group_by,
                  "filters": filters.model_dump(exclude_none=True), "from": days.first_key,
                  "to": days.last_key, "columns": [GROUP_COLUMN[body.group_by],
                                                   *(m.name for m in metrics)],
                  "rows": rows, "row_count": len(rows), "created_at": sortable(self._clock.now())}
        answer = Report.model_validate(report)
        with answer_in_commit(answer):
            self._reports.create(caller.user_id, report)
        return answer

    def get(self, caller: Caller, report_id: str) -> Report:
        item = self._reports.get(caller.user_id, report_id)
        if item is None:
            raise not_found("report", report_id)
        return Report.model_validate(item)

    def list(self, caller: Caller, params: ListParams) -> Page[ReportListItem]:
        result = self._reports.page(caller.user_id, params.limit, params.cursor)
        return Page[ReportListItem](data=[ReportListItem.model_validate(i) for i in result.items],
                                    has_more=result.has_more, next_cursor=result.next_cursor)

    # ------------------------------------------------------------------ rules
    @staticmethod
    def _metrics(body: ReportCreate) -> Metrics:
        unknown = [name for name in body.metrics if name not in METRICS]
        if unknown:
            raise InvalidParameter(
                f"Unknown metric '{unknown[0]}'. Known metrics: {', '.join(METRICS)}.",
                param="metrics")
        metrics = [METRICS[name] for name in dict.fromkeys(body.metrics)]
        if body.group_by == "activity_type" and [m.name for m in metrics] != ["activities"]:
            raise InvalidParameter("Grouped by 'activity_type', the only metric is "
                                   "'activities'.", param="metrics")
        if _engagement_scoped(body):
            account_only = [m.name for m in metrics if m.account_only]
            if account_only:
                raise InvalidParameter(
                    f"The metric '{account_only[0]}' is account-wide: it cannot be grouped by "
                    "engagement or sales pro, nor filtered by engagement or party.",
                    param="metrics")
        return metrics

    def _sources(self, caller: Caller, body: ReportCreate, days: DayRange) -> Sources:
        if not _engagement_scoped(body):
            return [("", self._aggregates.account_days(caller.user_id, days.first_key,
                                                       days.last_key))]
        sources = []
        for eng in self._engagements(caller, body, days):
            label = eng["sales_pro_id"] if body.group_by == "sales_pro" else eng["id"]
            sources.append((label, self._aggregates.engagement_days(eng["id"], days.first_key,
                                                                    days.last_key)))
        return sources

    def _engagements(self, caller: Caller, body: ReportCreate,
                     days: DayRange) -> Iterable[dict[str, Any]]:
        """The caller's engagements matching the filters (a filter naming an engagement the
        caller is not a party to is a 404, as everywhere)."""
        filters = body.filters
        if filters.engagement_id:
            eng = require_party(caller, self._party_data.engagement(filters.engagement_id),
                                "engagement", filters.engagement_id, param="filters.engagement_id")
            candidates: Iterable[dict[str, Any]] = [eng]
        else:
            candidates = self._party_data.engagements(caller.user_id, caller.user_type,
                                                      days.last_key)
        for eng in candidates:
            if all(getattr(filters, party) in (None, eng.get(party))
                   for party in ("client_id", "sales_pro_id")):
                yield eng

    @staticmethod
    def _grouped(group_by: str, sources: Sources, metrics: Metrics, currency: str,
                 activity_types: Sequence[str] | None, days: DayRange) -> Rows:
        """One row per period (every period of the range, empty ones as zeros) or per
        engagement/sales pro (every matching one), in order."""
        width = len(metrics)
        totals: dict[str, list[int]] = {label: [0] * width for label in (
            buckets(days, group_by) if group_by in TIME_GROUPS else [])}
        for label, items in sources:
            if group_by not in TIME_GROUPS:
                totals.setdefault(label, [0] * width)
            for day, item in items.items():
                row = totals[bucket(date.fromisoformat(day), group_by)] \
                    if group_by in TIME_GROUPS else totals[label]
                for n, metric in enumerate(metrics):
                    row[n] += metric_value(item, metric, currency, activity_types)
        return [[label, *values] for label, values in totals.items()]


def _engagement_scoped(body: ReportCreate) -> bool:
    f = body.filters
    return body.group_by in ("engagement", "sales_pro") or bool(
        f.engagement_id or f.sales_pro_id or f.client_id)
