"""Users: `GET /v1/users/me`, `/v1/users/{id}`, `/v1/users/search`, `/v1/users/me/team`,
credential rotation and `GET /v1/usage`."""
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
    """The account owner's own view (`users.me()`), and a team member's (`team.list()`)."""
    email: str
    plan: str  # professional | enterprise | custom
    verified: bool = False
    organization_id: Optional[str] = None  # client users: their organization (company)
    role: Optional[str] = None  # client users: owner | admin | member
    updated_at: datetime


class MemberCredentials(LeadNodModel):
    """A new team member's own API credentials; `client_secret` is shown only once."""
    client_id: str
    client_secret: Optional[str] = None  # None in a replayed answer: not kept


class AddedMember(LeadNodModel):
    """The answer to `team.add()`: the member, and its credentials."""
    user: User
    credentials: MemberCredentials


class RotatedCredentials(LeadNodModel):
    """The answer to `users.rotate_credentials()` and `team.rotate_credentials()`: the new
    secret, shown once; the previous one works until `previous_secret_expires_at`.
    `client_secret` is `None` in the answer to a retried request that the API had already run
    (a replay): the first answer held it, and the API keeps no copy."""
    client_id: str
    client_secret: Optional[str] = None
    previous_secret_expires_at: datetime


class UsageWindow(LeadNodModel):
    """One rate-limit window of `Usage`: requests counted (`used`, this one included) against
    `limit`, what is left, and when more fit again."""
    limit: int
    used: int
    remaining: int
    resets_at: datetime


class Usage(LeadNodModel):
    """`usage.retrieve()`: the account's requests against its plan's limits (a client user's:
    the organization's, which all its members share)."""
    plan: str  # professional | enterprise | custom
    organization_id: Optional[str] = None
    per_minute: UsageWindow
    per_day: UsageWindow
