"""User accounts and profiles."""
from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, JsonValue, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .common import (ApiModel, Availability, CompensationModel, Industry, ListParams, Plan,
                     RequestBody, Timestamp, UserType, not_null)
from .text import LINE_NOT_BLANK, Line, Text

# Neither whitespace nor a control character. Python's `\s` is wider than ECMA-262's only by
# control characters, so the same text is the document's pattern (no flags there).
_SPACE = r"\s\x00-\x1f\x7f-\x9f"
EMAIL = re.compile(rf"^[^@{_SPACE}]{{1,64}}@[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
HTTP_URL = re.compile(rf"^https?://[^{_SPACE}/$.?#][^{_SPACE}]*$", re.IGNORECASE)
EMAIL_SCHEMA = {"pattern": EMAIL.pattern, "description": "An email address."}
URL_SCHEMA: dict[str, JsonValue] = {"pattern": f"^[Hh][Tt][Tt][Pp][Ss]?://[^{_SPACE}/$.?#][^{_SPACE}]*$",
              "description": "An absolute http(s) URL."}
SHORT_ITEMS: dict[str, JsonValue] = {"items": {"type": "string", "minLength": 1, "maxLength": 50,
                         "pattern": LINE_NOT_BLANK}}
PROTECTED_FIELDS = ("id", "type", "created_at", "updated_at", "plan", "scopes", "scope")
SALES_PRO_FIELDS = ("headline", "skills", "years_experience", "location", "languages",
                    "availability", "compensation_models")

ShortText = Field(None, min_length=1, max_length=200)


def check_email(value: str) -> str:
    if len(value) > 254 or not EMAIL.match(value):
        raise ValueError("The 'email' field must be a valid email address")
    return value


def check_url(value: str | None, field: str) -> str | None:
    if value is not None and (len(value) > 2048 or not HTTP_URL.match(value)):
        raise ValueError(f"The '{field}' field must be an absolute http(s) URL")
    return value


class Profile(ApiModel):
    avatar_url: str | None = None
    bio: str | None = None
    website: str | None = None


class SalesProProfile(Profile):
    headline: str | None = None
    skills: list[str] = []
    years_experience: int | None = None
    location: str | None = None
    languages: list[str] = []
    availability: Availability = "available"
    compensation_models: list[CompensationModel] = []


class PublicUser(ApiModel):
    """What anyone may see of a user (`GET /v1/users/{id}`, search results)."""
    id: str
    type: UserType
    name: str
    company: str | None = None
    industry: Industry | None = None
    created_at: Timestamp
    profile: SalesProProfile | Profile

    @model_validator(mode="before")
    @classmethod
    def _profile_by_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("profile"), dict):
            model = SalesProProfile if data.get("type") == "sales_pro" else Profile
            data = {**data, "profile": model.model_validate(data["profile"])}
        return data


Role = Literal["owner", "admin", "member"]
MemberRole = Literal["admin", "member"]


class User(PublicUser):
    """The account owner's own view (`GET /v1/users/me`), and a team member's."""
    email: str
    plan: Plan
    verified: bool = False
    updated_at: Timestamp
    organization_id: str | None = Field(
        None, description="Client users: the organization (company) the user belongs to.")
    role: Role | None = Field(None, description="Client users: the role in the organization.")


class NewMember(RequestBody):
    """`POST /v1/users/me/team`: a new member of the caller's organization."""
    name: Line = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254, json_schema_extra=dict(EMAIL_SCHEMA))
    role: MemberRole

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)


class RoleChange(RequestBody):
    role: MemberRole


SHOWN_ONCE = ("Shown once; store it securely. Null in an answer replayed for the same "
              "Idempotency-Key: secrets are not kept (rotate again if it was lost).")


class MemberCredentials(ApiModel):
    client_id: str
    client_secret: str | None = Field(description=SHOWN_ONCE)


class UsageWindow(ApiModel):
    limit: int
    used: int = Field(description="Requests counted in the window (this one included).")
    remaining: int
    resets_at: Timestamp = Field(description="Per minute: when more requests fit again (the "
                                             "window slides); per day: midnight UTC.")


class Usage(ApiModel):
    """`GET /v1/usage`: the account's (a client user's: the organization's) requests against
    its plan's limits, the figures of the `X-RateLimit-*` headers."""
    plan: Plan
    organization_id: str | None = None
    per_minute: UsageWindow
    per_day: UsageWindow


class RotateSecret(RequestBody):
    grace_seconds: int = Field(3600, ge=0, le=86400, description=(
        "How long the previous secret keeps working; 0 refuses it at once."))


class RotatedCredentials(ApiModel):
    client_id: str
    client_secret: str | None = Field(description=SHOWN_ONCE)
    previous_secret_expires_at: Timestamp


class AddedMember(ApiModel):
    user: User
    credentials: MemberCredentials


class ProfileUpdate(RequestBody):
    avatar_url: str | None = Field(None, max_length=2048, json_schema_extra=URL_SCHEMA)
    bio: Text | None = Field(None, max_length=5000)
    website: str | None = Field(None, max_length=2048, json_schema_extra=URL_SCHEMA)
    headline: Line | None = Field(None, max_length=200)
    skills: list[Line] | None = Field(None, max_length=15, json_schema_extra=SHORT_ITEMS)
    years_experience: int | None = Field(None, ge=0, le=70)
    location: Line | None = Field(None, min_length=1, max_length=100)
    languages: list[Line] | None = Field(None, max_length=20, json_schema_extra=SHORT_ITEMS)
    availability: Availability | None = None
    compensation_models: list[CompensationModel] | None = Field(None, max_length=3)

    @field_validator("avatar_url", "website")
    @classmethod
    def _urls(cls, value: str | None, info: Any) -> str | None:
        return check_url(value, f"profile.{info.field_name}")

    @field_validator("skills", "languages")
    @classmethod
    def _short_items(cls, value: list[str] | None, info: Any) -> list[str] | None:
        if value is None:
            return None
        cleaned = [item.strip() for item in value]
        if any(not item or len(item) > 50 for item in cleaned):
            raise ValueError(f"Each entry of 'profile.{info.field_name}' must be 1-50 characters")
        return list(dict.fromkeys(cleaned))


class UserUpdate(RequestBody):
    # Never null (the service refuses it).
    name: Line | None = Field(None, min_length=1, max_length=100,
                              json_schema_extra=not_null(pattern=LINE_NOT_BLANK))
    email: str | None = Field(None, max_length=254, json_schema_extra=not_null(**EMAIL_SCHEMA))
    company: Line | None = Field(None, max_length=200)
    industry: Industry | None = None
    profile: ProfileUpdate | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_protected(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in PROTECTED_FIELDS:
                if name in data:
                    raise PydanticCustomError(
                        "protected_field", "The '{param}' field cannot be changed", {"param": name})
        return data

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else check_email(value)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("The 'name' field must not be blank")
        return value


class UserSearchParams(ListParams):
    industry: Industry | None = None
    skills: str | None = Field(None, max_length=500, description="Comma-separated, any of")
    min_experience: int | None = Field(None, ge=0, le=70)
    location: str | None = Field(None, max_length=100)
    availability: Availability | None = None
    compensation_model: CompensationModel | None = None
    q: str | None = Field(None, max_length=200)

    def skill_list(self) -> list[str]:
        return [s.strip() for s in (self.skills or "").split(",") if s.strip()]
