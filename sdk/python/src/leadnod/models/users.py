"""Users: `GET /v1/users/me`, `/v1/users/{id}`, `/v1/users/search`."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from ._base import LeadNodModel


class Profile(LeadNodModel):
    """Public profile. Sales professionals also have the fields from `headline` on."""
    avatar_url: Optional[str] = None
    bio: Optional[str] = None
    website: Optional[str] = None
    headline: Optional[str] = None
    skills: Optional[List[str]] = None
    years_experience: Optional[int] = None
    location: Optional[str] = None
    languages: Optional[List[str]] = None
    availability: Optional[str] = None  # available | limited | unavailable
    compensation_models: Optional[List[str]] = None


class PublicUser(LeadNodModel):
    """What anyone may see of a user (a profile, a search result, a match's sales pro)."""
    id: str
    type: str  # client | sales_pro
    name: str
    company: Optional[str] = None
    industry: Optional[str] = None
    created_at: datetime
    profile: Profile


class User(PublicUser):
    """The account owner's own view (`users.me()`)."""
    email: str
    plan: str  # professional | enterprise | custom
    verified: bool = False
    updated_at: datetime
