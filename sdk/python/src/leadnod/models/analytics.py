"""Analytics: summaries, engagement analytics, reports and exports."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, List, Optional, Union

from pydantic import Field

from ._base import LeadNodModel


class ActivityCounts(LeadNodModel):
    total: int
    by_type: Dict[str, int]


class Commission(LeadNodModel):
    earned: int
    paid: int
    owed: int


class EscrowTotals(LeadNodModel):
    funded: int
    released: int
    available: int


class Earnings(LeadNodModel):
    commission_earned: int
    released: int
    pending: int


class _Summary(LeadNodModel):
    account_type: str
    from_: Optional[date] = Field(None, alias="from")
    to: date
    currency: str
    engagements_by_status: Dict[str, int]
    engagements_created: int
    activities: ActivityCounts
    deals_closed: int
    revenue_generated: int


class ClientSummary(_Summary):
    opportunities_by_status: Dict[str, int]
    opportunities_created: int
    commission: Commission
    escrow: EscrowTotals
    active_sales_pros: int


class SalesProSummary(_Summary):
    earnings: Earnings
    interests_sent: int
    interest_to_engagement_conversion: Optional[float] = None


Summary = Union[ClientSummary, SalesProSummary]


def parse_summary(data: Any) -> Summary:
    """A client's or a sales professional's summary, by `account_type`."""
    if isinstance(data, dict) and data.get("account_type") == "sales_pro":
        return SalesProSummary.model_validate(data)
    return ClientSummary.model_validate(data)


class DailyPoint(LeadNodModel):
    date: str
    activities: int
    deals_closed: int
    revenue: int


class WeeklyPoint(LeadNodModel):
    week_start: str
    activities: int
    deals_closed: int
    revenue: int


class FunnelStage(LeadNodModel):
    stage: str
    count: int
    conversion_rate: Optional[float] = None


class PaymentEntry(LeadNodModel):
    id: str
    type: str
    status: str
    amount: int
    currency: str
    created_at: datetime
    updated_at: Optional[datetime] = None


class EngagementAnalytics(LeadNodModel):
    engagement_id: str
    status: str
    currency: str
    from_: date = Field(alias="from")
    to: date
    totals: Dict[str, Any]
    daily: List[DailyPoint]
    weekly: List[WeeklyPoint]
    funnel: List[FunnelStage]
    overall_conversion_rate: Optional[float] = None
    payments: List[PaymentEntry]


class Report(LeadNodModel):
    """A custom report. Lists leave out `columns` and `rows`."""
    id: str
    status: str
    metrics: List[str]
    group_by: str
    filters: Dict[str, Any]
    from_: date = Field(alias="from")
    to: date
    row_count: int
    created_at: datetime
    columns: Optional[List[str]] = None
    rows: Optional[List[List[Any]]] = None


class Export(LeadNodModel):
    id: str
    status: str  # processing | completed | failed
    format: str
    dataset: str
    from_: Optional[date] = Field(None, alias="from")
    to: date
    rows_written: int
    row_count: Optional[int] = None
    size: Optional[int] = None
    download_url: Optional[str] = None
    expires_at: Optional[datetime] = None
    error: Optional[str] = None
    created_at: datetime
    completed_at: Optional[datetime] = None
