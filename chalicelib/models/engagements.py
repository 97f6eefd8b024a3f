"""Engagements, their activities and metrics."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .common import ApiModel, CompensationModel, ListParams, Rate, RequestBody, Timestamp
from .opportunities import SalaryRange
from .payments import EscrowFigures
from .text import TEXT_NOT_BLANK, Text
from .times import Instant

EngagementStatus = Literal["pending", "active", "completed", "terminated"]
ActivityType = Literal["call", "email", "meeting", "demo", "proposal", "deal_closed", "note"]
ACTIVITY_TYPES: tuple[str, ...] = ActivityType.__args__  # type: ignore[attr-defined]
MAX_DEAL_VALUE = 10**13  # minor units; 100 billion in a two-decimal currency
ObjectId = Field(min_length=1, max_length=64)


class TermsUpdate(RequestBody):
    """Terms that differ from the opportunity's; anything not sent is copied from it."""
    compensation_model: CompensationModel | None = None
    commission_rate: Rate | None = None
    base_salary_range: SalaryRange | None = None


class EngagementCreate(RequestBody):
    opportunity_id: str = ObjectId
    sales_pro_id: str = ObjectId
    terms: TermsUpdate | None = None


class TerminateBody(RequestBody):
    reason: Text = Field(min_length=1, max_length=1000,
                         json_schema_extra={"pattern": TEXT_NOT_BLANK})

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The 'reason' field must not be blank")
        return value.strip()


class EngagementListParams(ListParams):
    status: EngagementStatus | None = None
    opportunity_id: str | None = Field(None, max_length=64)


class Terms(ApiModel):
    compensation_model: CompensationModel | None = None
    commission_rate: float | None = None
    base_salary_range: dict[str, int] | None = None


class Engagement(ApiModel):
    id: str
    opportunity_id: str
    opportunity_title: str | None = None
    client_id: str
    sales_pro_id: str
    status: EngagementStatus
    terms: Terms
    currency: str
    termination_reason: str | None = None
    terminated_by: str | None = None
    created_at: Timestamp
    updated_at: Timestamp
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    terminated_at: Timestamp | None = None


class ActivityCreate(RequestBody):
    type: ActivityType
    description: Text | None = Field(None, max_length=5000)
    occurred_at: Instant | None = None
    outcome: Text | None = Field(None, max_length=1000)
    value: int | None = Field(None, ge=0, le=MAX_DEAL_VALUE)

    @model_validator(mode="after")
    def _value_for_deals(self) -> "ActivityCreate":
        if self.value is not None and self.type != "deal_closed":
            raise PydanticCustomError(
                "value_for_deals", "The '{param}' field applies to 'deal_closed' activities only",
                {"param": "value"})
        return self


class Activity(ApiModel):
    id: str
    engagement_id: str
    type: ActivityType
    description: str | None = None
    occurred_at: Timestamp
    outcome: str | None = None
    value: int | None = None
    logged_by: str
    created_at: Timestamp


class Metrics(ApiModel):
    engagement_id: str
    currency: str
    activities_total: int
    activity_counts: dict[str, int]
    deals_closed: int
    revenue: int
    commission_rate: float | None = None
    commission_earned: int
    first_activity_at: Timestamp | None = None
    time_to_first_activity_seconds: int | None = None
    activities_per_week: float
    escrow: EscrowFigures | None = None
