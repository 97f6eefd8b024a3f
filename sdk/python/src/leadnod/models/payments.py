"""Escrow payments, balances and disputes. Amounts are integer minor units (10000 = $100.00)."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from ._base import LeadNodModel
from .engagements import EscrowFigures


class Payment(LeadNodModel):
    id: str
    type: str  # escrow_fund | escrow_release | escrow_refund
    status: str  # processing | succeeded | failed
    amount: int
    currency: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    description: Optional[str] = None
    payment_method: Optional[str] = None
    dispute_id: Optional[str] = None
    failure_code: Optional[str] = None
    failure_message: Optional[str] = None
    created_at: datetime
    updated_at: datetime


class EscrowBalance(EscrowFigures):
    """One engagement's escrow (`engagement_id` set), or the caller's totals (None)."""
    engagement_id: Optional[str] = None


class Evidence(LeadNodModel):
    submitted_by: str
    text: str
    created_at: datetime


class Resolution(LeadNodModel):
    release: int
    refund: int
    method: str  # operator | accepted
    decided_by: str
    decided_at: datetime
    release_payment_id: Optional[str] = None
    refund_payment_id: Optional[str] = None


class Dispute(LeadNodModel):
    """A dispute. Lists leave out `evidence` (see `evidence_count`)."""
    id: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    opened_by: str
    amount: int
    currency: str
    reason: str
    status: str  # open | under_review | resolved
    evidence_count: int = 0
    evidence: List[Evidence] = []
    resolution: Optional[Resolution] = None
    created_at: datetime
    updated_at: datetime
    resolved_at: Optional[datetime] = None
