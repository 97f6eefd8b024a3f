"""`/v1/events`: the caller's events of the last 30 days (what webhooks delivered, or missed)."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_query, respond
from ..models.webhooks import EventListParams
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/events", methods=["GET"], authorizer=AUTH)
def list_events() -> Response:
    request = bp.current_request
    params = parse_query(request, EventListParams)
    return respond(container().event_feed.list(current_caller(request).user_id, params))


@bp.route("/v1/events/{event_id}", methods=["GET"], authorizer=AUTH)
def get_event(event_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().event_feed.get(caller.user_id, event_id))
