"""`/v1/payments/escrow/dispute` and `/v1/payments/disputes`: open, read, evidence, accept."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import NoBody, Page
from ..models.payments import (Dispute, DisputeEvidence, DisputeListParams, DisputeSummary,
                               OpenDispute)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Disputes"
ONE = "/v1/payments/disputes/{dispute_id}"


@operation(bp, "POST", "/v1/payments/escrow/dispute", body=OpenDispute, returns=Dispute,
           status=201, idempotent=True, errors=(404, 409), provides={"dispute_id": "/id"},
           tag=TAG, summary="Open a dispute", answer_in_commit=True)
def open_dispute(caller: Caller, body: OpenDispute,
                 idempotency_key: str | None) -> tuple[int, Dispute]:
    """Either party; the amount is frozen in escrow at once until the dispute is decided."""
    return container().disputes.open(caller, body, idempotency_key)


@operation(bp, "GET", "/v1/payments/disputes", query=DisputeListParams,
           returns=Page[DisputeSummary], errors=(404,), provides={"dispute_id": "/data/0/id"},
           tag=TAG, summary="List disputes")
def list_disputes(caller: Caller, query: DisputeListParams) -> Page[DisputeSummary]:
    return container().disputes.list(caller, query)


@operation(bp, "GET", ONE, returns=Dispute, tag=TAG, summary="Get a dispute")
def get_dispute(caller: Caller, dispute_id: str) -> Dispute:
    return container().disputes.get(caller, dispute_id)


@operation(bp, "POST", ONE + "/evidence", body=DisputeEvidence, returns=Dispute, status=201,
           errors=(409,), tag=TAG, summary="Add evidence to a dispute", answer_in_commit=True)
def add_evidence(caller: Caller, dispute_id: str, body: DisputeEvidence) -> Dispute:
    return container().disputes.add_evidence(caller, dispute_id, body)


@operation(bp, "POST", ONE + "/accept", body=NoBody, returns=Dispute, status=(200, 202),
           idempotent=True, errors=(409,), tag=TAG, summary="Accept (concede) a dispute",
           answer_in_commit=True)
def accept_dispute(caller: Caller, dispute_id: str, body: NoBody) -> tuple[int, Dispute]:
    """The party who did not open the dispute concedes it in full: 200 once settled, 202
    while the settlement runs."""
    return container().disputes.accept(caller, dispute_id)
