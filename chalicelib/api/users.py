"""`/v1/users`: the caller's own account, public profiles and sales-pro search."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.users import UserSearchParams, UserUpdate
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/users/me", methods=["GET"], authorizer=AUTH)
def get_me() -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().users.me(caller.user_id))


@bp.route("/v1/users/me", methods=["PATCH", "PUT"], authorizer=AUTH)
def update_me() -> Response:
    request = bp.current_request
    update = parse_body(request, UserUpdate)
    return respond(container().users.update_me(current_caller(request).user_id, update))


@bp.route("/v1/users/search", methods=["GET"], authorizer=AUTH)
def search_users() -> Response:
    request = bp.current_request
    params = parse_query(request, UserSearchParams)
    return respond(container().search.search(params, current_caller(request).user_id))


@bp.route("/v1/users/{user_id}", methods=["GET"], authorizer=AUTH)
def get_user(user_id: str) -> Response:
    return respond(container().users.public_profile(user_id))
