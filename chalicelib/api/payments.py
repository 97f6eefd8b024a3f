"""`/v1/payments`: fund, release and refund escrow, payment history, balances."""
from __future__ import annotations

from typing import Any, Callable

from chalice import Blueprint, Response
from pydantic import BaseModel

from ..auth.caller import Caller, current_caller
from ..http import parse_body, parse_query, respond
from ..models.payments import (BalanceParams, FundEscrow, PaymentListParams, RefundEscrow,
                               ReleaseEscrow)
from ..services.payments.escrow import request_object_id
from ..services.payments.idempotency import Answer
from ..wiring import Container, container
from .routing import AUTH

bp = Blueprint(__name__)
Move = Callable[[Container, Caller, Any, str], tuple[int, BaseModel]]


def money_post(blueprint: Blueprint, route: str, model: type[BaseModel], prefix: str,
               move: Move) -> Response:
    """A POST that moves money: validate, then run once per Idempotency-Key (the created
    object's id derives from the key, so even a retry after a crash finds the same one)."""
    request = blueprint.current_request
    body, caller, services = parse_body(request, model), current_caller(request), container()
    key = (request.headers or {}).get("idempotency-key")

    def action() -> Answer:
        object_id = request_object_id(prefix, caller.user_id, route, key)
        status, result = move(services, caller, body, object_id)
        return Answer(status, result.model_dump(mode="json"))

    answer = services.idempotency.run(user_id=caller.user_id, route=route, key=key,
                                      body=body.model_dump(mode="json"), action=action,
                                      lambda_context=blueprint.lambda_context)
    return respond(answer.body, status=answer.status,
                   headers={"Idempotent-Replayed": "true"} if answer.replayed else None)


@bp.route("/v1/payments/escrow/fund", methods=["POST"], authorizer=AUTH)
def fund_escrow() -> Response:
    return money_post(bp, "fund", FundEscrow, "pay",
                      lambda services, caller, body, pid: services.escrow.fund(caller, body,
                                                                               pid))


@bp.route("/v1/payments/escrow/release", methods=["POST"], authorizer=AUTH)
def release_escrow() -> Response:
    return money_post(bp, "release", ReleaseEscrow, "pay",
                      lambda services, caller, body, pid: services.escrow.release(caller, body,
                                                                                  pid))


@bp.route("/v1/payments/escrow/refund", methods=["POST"], authorizer=AUTH)
def refund_escrow() -> Response:
    return money_post(bp, "refund", RefundEscrow, "pay",
                      lambda services, caller, body, pid: services.escrow.refund(caller, body,
                                                                                 pid))


@bp.route("/v1/payments", methods=["GET"], authorizer=AUTH)
def list_payments() -> Response:
    request = bp.current_request
    params = parse_query(request, PaymentListParams)
    return respond(container().payment_queries.history(current_caller(request), params))


@bp.route("/v1/payments/balance", methods=["GET"], authorizer=AUTH)
def escrow_balance() -> Response:
    request = bp.current_request
    params = parse_query(request, BalanceParams)
    return respond(container().payment_queries.balance(current_caller(request), params))


@bp.route("/v1/payments/{payment_id}", methods=["GET"], authorizer=AUTH)
def get_payment(payment_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().payment_queries.get(caller, payment_id))
