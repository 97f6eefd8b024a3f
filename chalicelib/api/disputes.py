"""`/v1/payments/escrow/dispute` and `/v1/payments/disputes`: open, read, evidence, accept."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.common import RequestBody
from ..models.payments import DisputeEvidence, DisputeListParams, OpenDispute
from ..wiring import container
from .payments import money_post
from .routing import AUTH

bp = Blueprint(__name__)


class NoBody(RequestBody):
    """`accept` takes no fields (an empty body or `{}`)."""


@bp.route("/v1/payments/escrow/dispute", methods=["POST"], authorizer=AUTH)
def open_dispute() -> Response:
    return money_post(bp, "dispute", OpenDispute, "dsp",
                      lambda services, caller, body, dsp: services.disputes.open(caller, body, dsp))


@bp.route("/v1/payments/disputes", methods=["GET"], authorizer=AUTH)
def list_disputes() -> Response:
    request = bp.current_request
    params = parse_query(request, DisputeListParams)
    return respond(container().disputes.list(current_caller(request), params))


@bp.route("/v1/payments/disputes/{dispute_id}", methods=["GET"], authorizer=AUTH)
def get_dispute(dispute_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().disputes.get(caller, dispute_id))


@bp.route("/v1/payments/disputes/{dispute_id}/evidence", methods=["POST"], authorizer=AUTH)
def add_evidence(dispute_id: str) -> Response:
    request = bp.current_request
    evidence = parse_body(request, DisputeEvidence)
    return respond(container().disputes.add_evidence(current_caller(request), dispute_id,
                                                     evidence), status=201)


@bp.route("/v1/payments/disputes/{dispute_id}/accept", methods=["POST"], authorizer=AUTH)
def accept_dispute(dispute_id: str) -> Response:
    return money_post(bp, f"accept:{dispute_id}", NoBody, "dsp",
                      lambda services, caller, _body, _id: services.disputes.accept(caller,
                                                                                    dispute_id))
