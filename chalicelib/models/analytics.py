"""Requests and responses of `/v1/analytics` (docs/analytics.md)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WithJsonSchema

from ..services.analytics.metrics import METRICS
from .common import ApiModel, QueryParams, RequestBody, Timestamp
from .money import CurrencyCode
from .times import Day

ActivityType = Literal["call", "email", "meeting", "demo", "proposal", "deal_closed", "note"]
GroupBy = Literal["day", "week", "month", "engagement", "sales_pro", "activity_type"]
IdText = Annotated[str, Field(min_length=1, max_length=64)]


class RangeParams(QueryParams):
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


class SummaryParams(RangeParams):
    currency: CurrencyCode = "usd"


class ExportParams(RangeParams):
    format: Literal["csv", "json"] = "csv"
    dataset: Literal["engagements", "activities", "payments", "all"] = "all"


class ExportRequest(RequestBody):
    """`POST /v1/analytics/export`: what `GET` takes in its query string."""
    format: Literal["csv", "json"] = "csv"
    dataset: Literal["engagements", "activities", "payments", "all"] = "all"
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


class ReportFilters(RequestBody):
    engagement_id: IdText | None = None
    sales_pro_id: IdText | None = None
    client_id: IdText | None = None
    activity_types: list[ActivityType] | None = Field(None, min_length=1, max_length=7)
    currency: CurrencyCode = "usd"


class ReportCreate(RequestBody):
    # The service names the unknown metric and lists the known ones; the document lists them.
    metrics: list[Annotated[str, Field(max_length=64), WithJsonSchema(
        {"type": "string", "enum": list(METRICS)})]] = Field(min_length=1, max_length=20)
    group_by: GroupBy = "day"
    filters: ReportFilters = Field(default_factory=ReportFilters)
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


class AnalyticsModel(ApiModel):
    model_config = ConfigDict(from_attributes=True, serialize_by_alias=True,
                              populate_by_name=True)


class ActivityCounts(AnalyticsModel):
    total: int
    by_type: dict[str, int]


class SummaryBase(AnalyticsModel):
    account_type: str
    from_: date | None = Field(None, alias="from")
    to: date
    currency: str
    engagements_by_status: dict[str, int]
    engagements_created: int
    activities: ActivityCounts
    deals_closed: int
    revenue_generated: int


class Commission(AnalyticsModel):
    earned: int
    paid: int
    owed: int


class Escrow(AnalyticsModel):
    funded: int
    released: int
    available: int


class ClientSummary(SummaryBase):
    opportunities_by_status: dict[str, int]
    opportunities_created: int
    commission: Commission
    escrow: Escrow
    active_sales_pros: int


class Earnings(AnalyticsModel):
    commission_earned: int
    released: int
    pending: int


class SalesProSummary(SummaryBase):
    earnings: Earnings
    interests_sent: int
    interest_to_engagement_conversion: float | None


class DailyPoint(AnalyticsModel):
    date: str
    activities: int
    deals_closed: int
    revenue: int


class WeeklyPoint(AnalyticsModel):
    week_start: str
    activities: int
    deals_closed: int
    revenue: int


class FunnelStage(AnalyticsModel):
    stage: str
    count: int
    conversion_rate: float | None


class PaymentEntry(AnalyticsModel):
    id: str
    type: str
    status: str
    amount: int
    currency: str
    created_at: Timestamp
    updated_at: Timestamp | None = None


class EngagementAnalytics(AnalyticsModel):
    engagement_id: str
    status: str
    currency: str
    from_: date = Field(alias="from")
    to: date
    totals: dict[str, Any]
    daily: list[DailyPoint]
    weekly: list[WeeklyPoint]
    funnel: list[FunnelStage]
    overall_conversion_rate: float | None
    payments: list[PaymentEntry]


class ReportListItem(AnalyticsModel):
    id: str
    status: str
    metrics: list[str]
    group_by: str
    filters: dict[str, Any]
    from_: date = Field(alias="from")
    to: date
    row_count: int
    created_at: Timestamp


class Report(ReportListItem):
    columns: list[str]
    rows: list[list[Any]]


class Export(AnalyticsModel):
    id: str
    status: Literal["processing", "completed", "failed"]
    format: str
    dataset: str
    from_: date | None = Field(None, alias="from")
    to: date
    rows_written: int
    row_count: int | None = None
    size: int | None = None
    download_url: str | None = None
    expires_at: Timestamp | None = None
    error: str | None = None
    created_at: Timestamp
    completed_at: Timestamp | None = None
