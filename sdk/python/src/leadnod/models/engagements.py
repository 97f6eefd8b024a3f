"""Engagements, their activities and metrics."""
from __future__ import annotations

from datetime import datetime
from typing import Dict, Optional

from ._base import LeadNodModel
from .opportunities import SalaryRange


class Terms(LeadNodModel):
    compensation_model: Optional[str] = None
    commission_rate: Optional[float] = None
    base_salary_range: Optional[SalaryRange] = None


class Engagement(LeadNodModel):
    id: str
    opportunity_id: str
    opportunity_title: Optional[str] = None
    client_id: str
    sales_pro_id: str
    status: str  # pending | active | completed | terminated
    terms: Terms
    currency: str
    termination_reason: Optional[str] = None
    terminated_by: Optional[str] = None
    created_at: datetime
    updated_at: datetime
    started_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    terminated_at: Optional[datetime] = None


class Activity(LeadNodModel):
    id: str
    engagement_id: str
    type: str  # call | email | meeting | demo | proposal | deal_closed | note
    description: Optional[str] = None
    occurred_at: datetime
    outcome: Optional[str] = None
    value: Optional[int] = None  # deal value in minor units (deal_closed only)
    logged_by: str
    created_at: datetime


class EscrowFigures(LeadNodModel):
    """Minor units of `currency`: available = funded - released - refunded - in_dispute."""
    currency: str = "usd"
    funded: int = 0
    released: int = 0
    refunded: int = 0
    in_dispute: int = 0
    available: int = 0


class Metrics(LeadNodModel):
    engagement_id: str
    currency: str
    activities_total: int
    activity_counts: Dict[str, int]
    deals_closed: int
    revenue: int
    commission_rate: Optional[float] = None
    commission_earned: int
    first_activity_at: Optional[datetime] = None
    time_to_first_activity_seconds: Optional[int] = None
    activities_per_week: float
    escrow: Optional[EscrowFigures] = None
