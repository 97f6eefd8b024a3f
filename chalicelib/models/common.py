"""Shared model pieces: strict request bodies, the list envelope, vocabularies."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Callable, Generic, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema)

from ..clock import isoformat

T = TypeVar("T")

# Serialised as `2024-01-15T10:30:00Z`, as the docs show.
Timestamp = Annotated[datetime, PlainSerializer(isoformat, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time",
                                      "examples": ["2024-01-15T10:30:00Z"]}, mode="serialization")]

Industry = Literal[
    "saas", "fintech", "healthcare", "ecommerce", "manufacturing", "real_estate", "insurance",
    "financial_services", "education", "media", "logistics", "telecom", "energy", "retail",
    "cybersecurity", "marketing", "professional_services", "other",
]
INDUSTRIES: tuple[str, ...] = Industry.__args__  # type: ignore[attr-defined]
UserType = Literal["client", "sales_pro"]
Plan = Literal["professional", "enterprise", "custom"]
Availability = Literal["available", "limited", "unavailable"]
CompensationModel = Literal["commission", "base", "hybrid"]

RATE_DIGITS = 6
# A fraction in [0, 1], kept to 6 decimal places (0.0001 %): DynamoDB numbers stop at 1e-130,
# so 5e-166 could not be stored (a 500), and no commission needs more precision.
Rate = Annotated[float, Field(ge=0, le=1), AfterValidator(lambda value: round(value, RATE_DIGITS))]


# Not blank as `str.strip()` sees it: at least one character that is neither whitespace nor a
# character Python also strips (the ASCII separators \x1c-\x1f and NEL), which JSON Schema's
# (ECMA-262's) `\s` leaves out. For `json_schema_extra`: the validators keep their messages.
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"


def not_null(**keywords: Any) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of an optional field that may be left out but not sent as null (a
    validator refuses it): the document leaves `null` out, and adds `keywords`. `X | None`
    stays the annotation, so pydantic's errors keep naming the field plainly (a
    `SkipJsonSchema[None]` union would add the union member to the error location)."""
    def edit(schema: dict[str, Any]) -> None:
        options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
        if "anyOf" in schema and len(options) == 1:
            del schema["anyOf"]
            schema.update(options[0])
        schema.update(keywords)
    return edit


class Model(BaseModel):
    """The base of every model. Validators and serializers are built on first use, not at
    import (`defer_build`): a cold start imports every route's models, and a request uses a
    few of them (bench/coldstart.py, docs/performance.md "Cold start")."""
    model_config = ConfigDict(defer_build=True)


class RequestBody(Model):
    """A JSON request body: unknown fields and lax type coercion are refused."""
    model_config = ConfigDict(extra="forbid", strict=True)


class QueryParams(Model):
    """Query strings arrive as text, so types are coerced; unknown parameters are refused."""
    model_config = ConfigDict(extra="forbid")


class NoBody(RequestBody):
    """No fields: an empty body or `{}`."""


class ListParams(QueryParams):
    limit: int = Field(20, ge=1, le=100, description="Page size.")
    cursor: str | None = Field(None, max_length=2048,
                               description="`next_cursor` of the previous page.")


class ApiModel(Model):
    # Answers always carry every field (null when unset), so the schema marks them required.
    model_config = ConfigDict(from_attributes=True,
                              json_schema_serialization_defaults_required=True)


class Page(ApiModel, Generic[T]):
    """One page of a list: pass `next_cursor` as `cursor` for the next one while `has_more`."""
    data: list[T]
    has_more: bool
    next_cursor: str | None = None
