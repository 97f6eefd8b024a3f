"""`client.analytics`: summaries, engagement analytics, custom reports and exports."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping, Optional, Sequence, Union

from .._pagination import AsyncPage
from .._types import body, path_id, query
from ..models import EngagementAnalytics, Export, Report, Summary, parse_summary
from ._base import AsyncAPIResource

Day = Union[date, datetime, str, None]


class AsyncReports(AsyncAPIResource):
    """`client.analytics.reports`."""

    async def create(self, *, metrics: Sequence[str], group_by: Optional[str] = None,
                     filters: Optional[Mapping[str, Any]] = None, from_: Day = None,
                     to: Day = None, idempotency_key: Optional[str] = None) -> Report:
        """Run and save a custom report (`POST /v1/analytics/reports`), e.g.
        `metrics=["activities", "deals_closed", "revenue"], group_by="month"`. `group_by`:
        day, week, month, engagement, sales_pro or activity_type; `filters` may hold
        `engagement_id`, `sales_pro_id`, `client_id`, `activity_types`, `currency`."""
        return await self._post("/analytics/reports", cast=Report, body=body(
            metrics=metrics, group_by=group_by, filters=filters, from_=from_,
            to=to), idempotency_key=idempotency_key)

    def list(self, *, limit: Optional[int] = None) -> AsyncPage[Report]:
        """Saved reports, newest first, without their rows (`GET /v1/analytics/reports`)."""
        return self._list("/analytics/reports", cast=Report, params=query(limit=limit))

    async def retrieve(self, report_id: str) -> Report:
        """A saved report with its rows (`GET /v1/analytics/reports/{id}`)."""
        return await self._get(f"/analytics/reports/{path_id(report_id, 'report_id')}",
                               cast=Report)


class AsyncExports(AsyncAPIResource):
    """`client.analytics.export`: bulk CSV or JSON downloads, written in the background."""

    async def request(self, *, format: Optional[str] = None, dataset: Optional[str] = None,
                      from_: Day = None, to: Day = None) -> Export:
        """Start an export (`GET /v1/analytics/export`, answered 202). `format`: csv or
        json; `dataset`: engagements, activities, payments or all. Follow it with
        `retrieve(id)` until `status` is completed; `download_url` is then valid for 15
        minutes."""
        return await self._get("/analytics/export", cast=Export, params=query(
            format=format, dataset=dataset, from_=from_, to=to))

    async def create(self, *, format: Optional[str] = None, dataset: Optional[str] = None,
                     from_: Day = None, to: Day = None,
                     idempotency_key: Optional[str] = None) -> Export:
        """Start an export with the options in a JSON body (`POST /v1/analytics/export`,
        answered 202); the same export as `request`, and retried with one
        `Idempotency-Key`, so a retry never starts a second one."""
        return await self._post("/analytics/export", cast=Export, body=body(
            format=format, dataset=dataset, from_=from_, to=to),
            idempotency_key=idempotency_key)

    async def retrieve(self, export_id: str) -> Export:
        """An export's progress (`GET /v1/analytics/export/{id}`)."""
        return await self._get(f"/analytics/export/{path_id(export_id, 'export_id')}",
                               cast=Export)


class AsyncAnalytics(AsyncAPIResource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.reports = AsyncReports(client)
        self.export = AsyncExports(client)

    async def summary(self, *, from_: Day = None, to: Day = None,
                      currency: Optional[str] = None) -> Summary:
        """The caller's figures over a period, lifetime by default
        (`GET /v1/analytics/summary`): a `ClientSummary` or a `SalesProSummary`."""
        return await self._get("/analytics/summary", cast=parse_summary, params=query(
            from_=from_, to=to, currency=currency))

    async def engagement(self, engagement_id: str, *, from_: Day = None,
                         to: Day = None) -> EngagementAnalytics:
        """One engagement's daily and weekly series, funnel and payments
        (`GET /v1/analytics/engagement/{id}`)."""
        return await self._get(
            f"/analytics/engagement/{path_id(engagement_id, 'engagement_id')}",
            cast=EngagementAnalytics, params=query(from_=from_, to=to))

