"""Opportunities, interests, matches and bulk creation."""
from __future__ import annotations

from datetime import datetime
from typing import Any, List, Optional, Union

from pydantic import model_validator

from ._base import LeadNodModel
from .users import PublicUser


class SalaryRange(LeadNodModel):
    """Yearly base salary in whole units of the opportunity's currency."""
    min: int
    max: int


class Opportunity(LeadNodModel):
    id: str
    client_id: str
    title: str
    description: Optional[str] = None
    industry: Optional[str] = None
    compensation_model: Optional[str] = None  # commission | base | hybrid
    base_salary_range: Optional[SalaryRange] = None
    commission_rate: Optional[float] = None
    duration: Optional[str] = None  # ongoing | 1_month | 3_months | 6_months | 12_months
    requirements: List[str] = []
    currency: str = "usd"
    status: str  # open | paused | closed
    interest_count: int = 0
    created_at: datetime
    updated_at: datetime


class Interest(LeadNodModel):
    id: str
    opportunity_id: str
    sales_pro_id: str
    message: Optional[str] = None
    created_at: datetime


class MatchBreakdown(LeadNodModel):
    """Points per factor; they add up to the match's `score`."""
    industry: float
    skills: float
    experience: float
    availability: float
    compensation: float
    track_record: float
    interest: float


class Match(LeadNodModel):
    sales_pro_id: str
    score: float
    breakdown: MatchBreakdown
    sales_pro: PublicUser


class ErrorDetail(LeadNodModel):
    """The `error` object of an error answer."""
    code: str
    message: str
    param: Optional[str] = None
    doc_url: Optional[str] = None


class BulkItemError(LeadNodModel):
    """An item of a bulk creation that was not created, and why."""
    index: int
    error: ErrorDetail


class BulkCreateResult(LeadNodModel):
    """`data[i]` is the created opportunity or the error of item `i`."""
    data: List[Union[Opportunity, BulkItemError]]

    @model_validator(mode="before")
    @classmethod
    def _by_shape(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("data"), list):
            value = {**value, "data": [
                BulkItemError.model_validate(item) if isinstance(item, dict) and "error" in item
                else Opportunity.model_validate(item) for item in value["data"]]}
        return value

    @property
    def created(self) -> List[Opportunity]:
        return [item for item in self.data if isinstance(item, Opportunity)]

    @property
    def errors(self) -> List[BulkItemError]:
        return [item for item in self.data if isinstance(item, BulkItemError)]
