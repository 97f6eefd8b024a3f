"""`/v1/opportunities`: create (one or in bulk), browse, read, change, delete; interests and
matches of one opportunity."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.common import ListParams
from ..models.matching import MatchListParams
from ..models.opportunities import (BulkCreate, InterestCreate, OpportunityCreate,
                                    OpportunityListParams, OpportunityUpdate)
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/opportunities", methods=["POST"], authorizer=AUTH)
def create_opportunity() -> Response:
    request = bp.current_request
    body = parse_body(request, OpportunityCreate)
    return respond(container().opportunities.create(current_caller(request), body), status=201)


@bp.route("/v1/opportunities", methods=["GET"], authorizer=AUTH)
def list_opportunities() -> Response:
    request = bp.current_request
    params = parse_query(request, OpportunityListParams)
    return respond(container().opportunities.list(current_caller(request), params))


@bp.route("/v1/opportunities/bulk", methods=["POST"], authorizer=AUTH)
def bulk_create_opportunities() -> Response:
    request = bp.current_request
    body = parse_body(request, BulkCreate)
    status, answer = container().bulk_opportunities.create(current_caller(request),
                                                           body.opportunities)
    return respond(answer, status=status)


@bp.route("/v1/opportunities/{opportunity_id}", methods=["GET"], authorizer=AUTH)
def get_opportunity(opportunity_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().opportunities.get(caller, opportunity_id))


@bp.route("/v1/opportunities/{opportunity_id}", methods=["PATCH", "PUT"], authorizer=AUTH)
def update_opportunity(opportunity_id: str) -> Response:
    request = bp.current_request
    update = parse_body(request, OpportunityUpdate)
    return respond(container().opportunities.update(current_caller(request), opportunity_id,
                                                    update))


@bp.route("/v1/opportunities/{opportunity_id}", methods=["DELETE"], authorizer=AUTH)
def delete_opportunity(opportunity_id: str) -> Response:
    container().opportunities.delete(current_caller(bp.current_request), opportunity_id)
    return respond(None, status=204)


@bp.route("/v1/opportunities/{opportunity_id}/interest", methods=["POST"], authorizer=AUTH)
def express_interest(opportunity_id: str) -> Response:
    request = bp.current_request
    body = parse_body(request, InterestCreate)
    return respond(container().interests.express(current_caller(request), opportunity_id, body),
                   status=201)


@bp.route("/v1/opportunities/{opportunity_id}/interests", methods=["GET"], authorizer=AUTH)
def list_interests(opportunity_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().interests.list(current_caller(request), opportunity_id, params))


@bp.route("/v1/opportunities/{opportunity_id}/matches", methods=["GET"], authorizer=AUTH)
def list_matches(opportunity_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, MatchListParams)
    return respond(container().matching.matches(current_caller(request), opportunity_id, params))
