"""`/v1/payments`: fund, release and refund escrow, payment history, balances."""
from __future__ import annotations

from typing import Callable

from chalice import Blueprint, Response
from pydantic import BaseModel

from ..auth.caller import Caller
from ..http import respond
from ..models.common import Page
from ..models.payments import (BalanceParams, EscrowBalance, FundEscrow, Payment,
                               PaymentListParams, RefundEscrow, ReleaseEscrow)
from ..services.payments.escrow import request_object_id
from ..wiring import Container, container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Payments"
Move = Callable[[Container, str], tuple[int, BaseModel]]


def money_post(caller: Caller, idempotency_key: str | None, route: str, prefix: str,
               move: Move) -> Response:
    """A POST that moves money: the created object's id derives from the Idempotency-Key, so
    even a retry after a crash finds the same one (`@operation` runs the request once per key
    and replays its answer). `move(services, id)` answers (status, object)."""
    status, result = move(container(), request_object_id(prefix, caller.user_id, route,
                                                         idempotency_key))
    return respond(result, status=status)


@operation(bp, "POST", "/v1/payments/escrow/fund", body=FundEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG,
           provides={"payment_id": "/id", "engagement_id": "/engagement_id"},
           summary="Fund an engagement's escrow")
def fund_escrow(caller: Caller, body: FundEscrow, idempotency_key: str | None) -> Response:
    """The client charges its payment method into the engagement's escrow: 202 while the
    charge runs (follow the payment), 201 if it has already finished."""
    return money_post(caller, idempotency_key, "fund", "pay",
                      lambda services, pid: services.escrow.fund(caller, body, pid))


@operation(bp, "POST", "/v1/payments/escrow/release", body=ReleaseEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG,
           provides={"payment_id": "/id"},
           summary="Release escrow to the sales professional")
def release_escrow(caller: Caller, body: ReleaseEscrow, idempotency_key: str | None) -> Response:
    return money_post(caller, idempotency_key, "release", "pay",
                      lambda services, pid: services.escrow.release(caller, body, pid))


@operation(bp, "POST", "/v1/payments/escrow/refund", body=RefundEscrow, returns=Payment,
           status=(202, 201), idempotent=True, errors=(404, 409), tag=TAG,
           provides={"payment_id": "/id"},
           summary="Refund escrow to the client")
def refund_escrow(caller: Caller, body: RefundEscrow, idempotency_key: str | None) -> Response:
    return money_post(caller, idempotency_key, "refund", "pay",
                      lambda services, pid: services.escrow.refund(caller, body, pid))


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
