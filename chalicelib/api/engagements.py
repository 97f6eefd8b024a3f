"""`/v1/engagements`: create, list, read, lifecycle, activities and metrics."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.common import ListParams
from ..models.engagements import (ActivityCreate, EngagementCreate, EngagementListParams, NoBody,
                                  TerminateBody)
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/engagements", methods=["POST"], authorizer=AUTH)
def create_engagement() -> Response:
    request = bp.current_request
    body = parse_body(request, EngagementCreate)
    return respond(container().engagements.create(current_caller(request), body), status=201)


@bp.route("/v1/engagements", methods=["GET"], authorizer=AUTH)
def list_engagements() -> Response:
    request = bp.current_request
    params = parse_query(request, EngagementListParams)
    return respond(container().engagements.list(current_caller(request), params))


@bp.route("/v1/engagements/{engagement_id}", methods=["GET"], authorizer=AUTH)
def get_engagement(engagement_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().engagements.get(caller, engagement_id))


@bp.route("/v1/engagements/{engagement_id}/start", methods=["POST"], authorizer=AUTH)
def start_engagement(engagement_id: str) -> Response:
    request = bp.current_request
    parse_body(request, NoBody)
    return respond(container().engagements.transition(current_caller(request), engagement_id,
                                                      "start"))


@bp.route("/v1/engagements/{engagement_id}/complete", methods=["POST"], authorizer=AUTH)
def complete_engagement(engagement_id: str) -> Response:
    request = bp.current_request
    parse_body(request, NoBody)
    return respond(container().engagements.transition(current_caller(request), engagement_id,
                                                      "complete"))


@bp.route("/v1/engagements/{engagement_id}/terminate", methods=["POST"], authorizer=AUTH)
def terminate_engagement(engagement_id: str) -> Response:
    request = bp.current_request
    body = parse_body(request, TerminateBody)
    return respond(container().engagements.transition(current_caller(request), engagement_id,
                                                      "terminate", reason=body.reason))


@bp.route("/v1/engagements/{engagement_id}/activities", methods=["POST"], authorizer=AUTH)
def log_activity(engagement_id: str) -> Response:
    request = bp.current_request
    body = parse_body(request, ActivityCreate)
    return respond(container().activities.log(current_caller(request), engagement_id, body),
                   status=201)


@bp.route("/v1/engagements/{engagement_id}/activities", methods=["GET"], authorizer=AUTH)
def list_activities(engagement_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().activities.list(current_caller(request), engagement_id, params))


@bp.route("/v1/engagements/{engagement_id}/metrics", methods=["GET"], authorizer=AUTH)
def engagement_metrics(engagement_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().activities.metrics(caller, engagement_id))
