"""Opportunities and interests: request bodies, query strings, responses.

The vocabularies (industries, durations, compensation models) are documented in
docs/marketplace.md; `Industry` is shared with user profiles.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .common import (ApiModel, CompensationModel, Industry, ListParams, Rate, RequestBody,
                     Timestamp, not_null)
from .errors import ErrorBody
from .money import CurrencyCode
from .text import LINE_NOT_BLANK, Line, Text

OpportunityStatus = Literal["open", "paused", "closed"]
Duration = Literal["ongoing", "1_month", "3_months", "6_months", "12_months"]
DURATIONS: tuple[str, ...] = Duration.__args__  # type: ignore[attr-defined]
MAX_SALARY = 100_000_000
MAX_REQUIREMENTS, MAX_REQUIREMENT_LENGTH = 20, 100
BULK_LIMIT = 100
PROTECTED_FIELDS = ("id", "client_id", "created_at", "updated_at", "interest_count")


def refuse_protected(data: Any) -> Any:
    if isinstance(data, dict):
        for name in PROTECTED_FIELDS:
            if name in data:
                raise PydanticCustomError(
                    "protected_field", "The '{param}' field cannot be set", {"param": name})
    return data


class SalaryRange(RequestBody):
    """Yearly base salary in whole units of the opportunity's currency."""
    min: int = Field(ge=0, le=MAX_SALARY)
    max: int = Field(ge=0, le=MAX_SALARY)

    @model_validator(mode="after")
    def _ordered(self) -> "SalaryRange":
        if self.min > self.max:  # reported on the range, wherever it is nested
            raise ValueError("The range's 'min' must be less than or equal to its 'max'")
        return self


class OpportunityFields(RequestBody):
    """Every writable field; create and update differ in what is required."""
    title: Line | None = Field(None, min_length=1, max_length=200,
                               json_schema_extra={"pattern": LINE_NOT_BLANK})
    description: Text | None = Field(None, max_length=10_000)
    industry: Industry | None = None
    compensation_model: CompensationModel | None = None
    base_salary_range: SalaryRange | None = None
    commission_rate: Rate | None = None
    duration: Duration | None = None
    requirements: list[Line] | None = Field(None, max_length=MAX_REQUIREMENTS, json_schema_extra={
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_REQUIREMENT_LENGTH,
                  "pattern": LINE_NOT_BLANK}})
    currency: CurrencyCode | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_protected(cls, data: Any) -> Any:
        return refuse_protected(data)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("The 'title' field must not be blank")
        return value.strip() if value is not None else None

    @field_validator("requirements")
    @classmethod
    def _short_requirements(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [" ".join(item.split()) for item in value]
        if any(not item or len(item) > MAX_REQUIREMENT_LENGTH for item in cleaned):
            raise ValueError(f"Each entry of 'requirements' must be 1-{MAX_REQUIREMENT_LENGTH} "
                             "characters")
        return list(dict.fromkeys(cleaned))


class OpportunityCreate(OpportunityFields):
    title: Line = Field(min_length=1, max_length=200,
                        json_schema_extra={"pattern": LINE_NOT_BLANK})


class OpportunityUpdate(OpportunityFields):
    """Partial update (PATCH and PUT): only the fields sent change; `null` clears an optional
    field. `status` moves between open and paused, or closes for good."""
    # May be left out but never null (`_required_stay_set`).
    title: Line | None = Field(None, min_length=1, max_length=200,
                               json_schema_extra=not_null(pattern=LINE_NOT_BLANK))
    currency: CurrencyCode | None = Field(None, json_schema_extra=not_null())
    status: OpportunityStatus | None = Field(None, json_schema_extra=not_null())

    @model_validator(mode="after")
    def _required_stay_set(self) -> "OpportunityUpdate":
        for name in ("title", "status", "currency"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise PydanticCustomError(
                    "not_nullable", "The '{param}' field cannot be null", {"param": name})
        return self


class BulkCreate(RequestBody):
    """Items stay raw here: each is validated on its own so one bad item fails alone."""
    # Documented as create bodies (the OpenAPI document defines OpportunityCreate).
    opportunities: list[Any] = Field(
        min_length=1, max_length=BULK_LIMIT,
        json_schema_extra={"items": {"$ref": "#/components/schemas/OpportunityCreate"}})


class OpportunityListParams(ListParams):
    status: OpportunityStatus | None = None
    industry: Industry | None = None
    compensation_model: CompensationModel | None = None


class InterestCreate(RequestBody):
    message: Text | None = Field(None, max_length=2000)


class Opportunity(ApiModel):
    id: str
    client_id: str
    title: str
    description: str | None = None
    industry: Industry | None = None
    compensation_model: CompensationModel | None = None
    base_salary_range: dict[str, int] | None = None
    commission_rate: float | None = None
    duration: Duration | None = None
    requirements: list[str] = []
    currency: str = "usd"
    status: OpportunityStatus
    interest_count: int = 0
    created_at: Timestamp
    updated_at: Timestamp


class Interest(ApiModel):
    id: str
    opportunity_id: str
    sales_pro_id: str
    message: str | None = None
    created_at: Timestamp


class BulkItemError(ErrorBody):
    """One bulk item that was not created, by its position in the request."""
    index: int


class BulkResult(ApiModel):
    """Each item's outcome, in request order: the created opportunity or the item's error."""
    data: list[Opportunity | BulkItemError]


class BulkRejected(ErrorBody):
    """None of the items was created: the request's error, and each item's."""
    data: list[BulkItemError]
