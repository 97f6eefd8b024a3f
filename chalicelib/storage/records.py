"""The money records as stored (docs/data-model.md "Ledger, payments, disputes"), typed so that
mypy checks every key name the escrow and dispute code reads or writes. `total=False`: an item
read back may lack optional attributes, and the key attributes (PK, SK, GSI*) are storage's.
Numbers come back from DynamoDB as Decimal, hence `int | Decimal` where it matters."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

Number = int | Decimal


class EngagementRecord(TypedDict, total=False):
    id: str
    client_id: str
    sales_pro_id: str
    opportunity_id: str
    status: str
    terms: dict[str, Any]
    currency: str
    created_at: str
    updated_at: str
    started_at: str
    completed_at: str
    ended_at: str
    version: Number
    open_disputes: Number


class PaymentRecord(TypedDict, total=False):
    id: str
    type: str               # escrow_fund | escrow_release | escrow_refund
    status: str             # processing | succeeded | failed
    amount: Number
    currency: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    transfer_id: str
    execution_arn: str | None
    payment_method: str
    description: str
    dispute_id: str
    charge_id: str
    failure_code: str
    failure_message: str
    trigger: str            # refunds: client | termination (payment.refunded)
    created_at: str
    updated_at: str
    version: Number


class Resolution(TypedDict, total=False):
    release: Number
    refund: Number
    method: str             # accepted | operator
    decided_by: str
    decided_at: str
    release_payment_id: str
    release_transfer_id: str
    refund_payment_id: str
    refund_transfer_id: str


class DisputeRecord(TypedDict, total=False):
    id: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    opened_by: str
    amount: Number
    currency: str
    reason: str
    status: str             # open | under_review | resolved
    evidence_count: Number
    hold_transfer_id: str
    execution_arn: str
    task_token: str
    resolution: Resolution
    resolved_at: str
    created_at: str
    updated_at: str
    version: Number


class LedgerAccountRecord(TypedDict, total=False):
    account: str            # escrow:<eng>, hold:<eng>, payable:<pro>:<cur>, ...
    kind: str
    currency: str
    balance: Number
    entries: Number
    funded: Number
    released: Number
    refunded: Number
    in_dispute: Number
    last_transfer_id: str
