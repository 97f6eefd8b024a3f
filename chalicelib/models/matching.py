"""Matching: the stored candidates as the API shows them, and the matching queue's messages."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field, TypeAdapter

from .common import ApiModel, ListParams, Model, Page, Timestamp
from .users import PublicUser


class MatchBreakdown(ApiModel):
    """Points per factor; they add up to `score`. Maxima in services/match_scoring.WEIGHTS."""
    industry: float
    skills: float
    experience: float
    availability: float
    compensation: float
    track_record: float
    interest: float


class Match(ApiModel):
    sales_pro_id: str
    score: float
    breakdown: MatchBreakdown
    sales_pro: PublicUser


class MatchListParams(ListParams):
    pass


class MatchPage(Page[Match]):
    """`matched_at` is when the published matches were computed (null: not yet)."""
    matched_at: Timestamp | None = None


class _Message(Model):
    model_config = ConfigDict(extra="ignore")


class MatchOpportunity(_Message):
    """(Re)compute an opportunity's stored matches."""
    type: Literal["match_opportunity"] = "match_opportunity"
    opportunity_id: str


class OpportunityDeleted(_Message):
    """Remove what lived under a deleted opportunity (matches, interests, claims)."""
    type: Literal["opportunity_deleted"] = "opportunity_deleted"
    opportunity_id: str


class RescoreCandidate(_Message):
    """Re-score one pro within an opportunity's published matches (they expressed interest)."""
    type: Literal["rescore_candidate"] = "rescore_candidate"
    opportunity_id: str
    sales_pro_id: str


class SalesProChanged(_Message):
    """A pro's profile changed: re-score them in the opportunities where they are matched
    and, when a scored field changed (`rescore`), in the open opportunities of their
    industries."""
    type: Literal["sales_pro_changed"] = "sales_pro_changed"
    sales_pro_id: str
    industries: list[str] = []
    rescore: bool = True


MatchMessage = Annotated[Union[MatchOpportunity, OpportunityDeleted, RescoreCandidate,
                               SalesProChanged],
                         Field(discriminator="type")]
MATCH_MESSAGE: TypeAdapter[MatchMessage] = TypeAdapter(MatchMessage,
                                                       config=ConfigDict(defer_build=True))
