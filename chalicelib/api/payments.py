"""`/v1/payments`: fund, release and refund escrow, payment history, balances."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import Page
from ..models.payments import (BalanceParams, EscrowBalance, FundEscrow, Payment,
                               PaymentListParams, RefundEscrow, ReleaseEscrow)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Payments"


@operation(bp, "POST", "/v1/payments/escrow/fund", body=FundEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG, answer_in_commit=True,
           provides={"payment_id": "/id", "engagement_id": "/engagement_id"},
           summary="Fund an engagement's escrow")
def fund_escrow(caller: Caller, body: FundEscrow,
                idempotency_key: str | None) -> tuple[int, Payment]:
    """The client charges its payment method into the engagement's escrow: 202 while the
    charge runs (follow the payment), 201 if it has already finished."""
    return container().escrow.fund(caller, body, idempotency_key)


@operation(bp, "POST", "/v1/payments/escrow/release", body=ReleaseEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG, answer_in_commit=True,
           provides={"payment_id": "/id"},
           summary="Release escrow to the sales professional")
def release_escrow(caller: Caller, body: ReleaseEscrow,
                   idempotency_key: str | None) -> tuple[int, Payment]:
    return container().escrow.release(caller, body, idempotency_key)


@operation(bp, "POST", "/v1/payments/escrow/refund", body=RefundEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG, answer_in_commit=True,
           provides={"payment_id": "/id"},
           summary="Refund escrow to the client")
def refund_escrow(caller: Caller, body: RefundEscrow,
                  idempotency_key: str | None) -> tuple[int, Payment]:
    return container().escrow.refund(caller, body, idempotency_key)


@operation(bp, "GET", "/v1/payments", query=PaymentListParams, returns=Page[Payment],
           errors=(404,), provides={"payment_id": "/data/0/id"}, tag=TAG,
           summary="List payments")
def list_payments(caller: Caller, query: PaymentListParams) -> Page[Payment]:
    return container().payment_queries.history(caller, query)


@operation(bp, "GET", "/v1/payments/balance", query=BalanceParams, returns=EscrowBalance,
           errors=(404,), tag=TAG, summary="Get an escrow balance")
def escrow_balance(caller: Caller, query: BalanceParams) -> EscrowBalance:
    """One engagement's escrow (`engagement_id`), or the caller's totals in a currency."""
    return container().payment_queries.balance(caller, query)


@operation(bp, "GET", "/v1/payments/{payment_id}", returns=Payment, tag=TAG,
           summary="Get a payment")
def get_payment(caller: Caller, payment_id: str) -> Payment:
    return container().payment_queries.get(caller, payment_id)
