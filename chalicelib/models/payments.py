"""Escrow payments and disputes: request bodies, query strings and the objects answered."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .common import ApiModel, ListParams, QueryParams, RequestBody, Timestamp
from .money import DEFAULT_CURRENCY, Amount, Currency
from .text import Text
from .times import InstantOrDay

PaymentType = Literal["escrow_fund", "escrow_release", "escrow_refund"]
PaymentStatus = Literal["processing", "succeeded", "failed"]
DisputeStatus = Literal["open", "under_review", "resolved"]

EngagementId = Annotated[str, Field(pattern=r"^eng_[0-9A-Za-z]{22}$")]
# Processor payment-method tokens; the sandbox understands pm_card_visa, pm_card_declined, ...
PaymentMethod = Annotated[str, Field(pattern=r"^pm_[0-9A-Za-z_]{1,64}$")]
Note = Annotated[Text, Field(min_length=1, max_length=500)]


class FundEscrow(RequestBody):
    engagement_id: EngagementId
    amount: Amount
    currency: Currency = DEFAULT_CURRENCY
    payment_method: PaymentMethod | None = None


class ReleaseEscrow(RequestBody):
    engagement_id: EngagementId
    amount: Amount
    description: Note | None = None


class RefundEscrow(RequestBody):
    engagement_id: EngagementId
    amount: Amount
    reason: Note | None = None


class OpenDispute(RequestBody):
    engagement_id: EngagementId
    amount: Amount
    reason: Text = Field(min_length=1, max_length=2000)


class DisputeEvidence(RequestBody):
    text: Text = Field(min_length=1, max_length=5000)


class PaymentListParams(ListParams):
    engagement_id: EngagementId | None = None
    type: PaymentType | None = None
    status: PaymentStatus | None = None
    created_from: InstantOrDay | None = Field(None, alias="from")
    created_to: InstantOrDay | None = Field(None, alias="to")

    @model_validator(mode="after")
    def _range(self) -> "PaymentListParams":
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise PydanticCustomError("date_range", "The 'from' date must not be after the "
                                      "'to' date", {"param": "from"})
        return self


class BalanceParams(QueryParams):
    engagement_id: EngagementId | None = None
    currency: Currency | None = None


class DisputeListParams(ListParams):
    engagement_id: EngagementId | None = None
    status: DisputeStatus | None = None


# Answers leave out the internal identifiers stored with payments and disputes (execution
# ARNs, transfer and charge ids, task tokens): account ids and resource names stay ours.
class Payment(ApiModel):
    id: str
    type: PaymentType
    status: PaymentStatus
    amount: int
    currency: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    description: str | None = None
    payment_method: str | None = None
    dispute_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    created_at: Timestamp
    updated_at: Timestamp


ESCROW_FLOWS = ("funded", "released", "refunded", "in_dispute")


class EscrowFigures(ApiModel):
    """An escrow in minor units of `currency`: available = funded - released - refunded -
    in_dispute."""
    currency: str = DEFAULT_CURRENCY
    funded: int = 0
    released: int = 0
    refunded: int = 0
    in_dispute: int = 0
    available: int = 0

    @classmethod
    def from_item(cls, item: Mapping[str, Any], currency: str,
                  available_attr: str = "available") -> "EscrowFigures":
        """From a ledger item: the engagement's escrow account (available = its `balance`) or a
        user's `ESCROW#<cur>` totals (`available`)."""
        return cls(currency=item.get("currency", currency),
                   available=int(item.get(available_attr, 0)),
                   **{name: int(item.get(name, 0)) for name in ESCROW_FLOWS})


class EscrowBalance(EscrowFigures):
    """`GET /v1/payments/balance`: one engagement's escrow, or the caller's totals."""
    engagement_id: str | None = None
    currency: str


class Evidence(ApiModel):
    submitted_by: str
    text: str
    created_at: Timestamp


class Resolution(ApiModel):
    release: int
    refund: int
    method: Literal["operator", "accepted"]
    decided_by: str  # "operator", or the conceding party's user id
    decided_at: Timestamp
    release_payment_id: str | None = None
    refund_payment_id: str | None = None


class DisputeSummary(ApiModel):
    id: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    opened_by: str
    amount: int
    currency: str
    reason: str
    status: DisputeStatus
    evidence_count: int = 0
    resolution: Resolution | None = None
    created_at: Timestamp
    updated_at: Timestamp
    resolved_at: Timestamp | None = None


class Dispute(DisputeSummary):
    evidence: list[Evidence] = []
