"""`/v1/webhooks`: the caller's webhook endpoints, their deliveries, retries and test pings."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.common import ListParams
from ..models.webhooks import DeliveryListParams, WebhookCreate, WebhookUpdate
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/webhooks", methods=["POST"], authorizer=AUTH)
def create_webhook() -> Response:
    request = bp.current_request
    body = parse_body(request, WebhookCreate)
    return respond(container().webhooks.register(current_caller(request).user_id, body), 201)


@bp.route("/v1/webhooks", methods=["GET"], authorizer=AUTH)
def list_webhooks() -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().webhooks.list(current_caller(request).user_id, params))


@bp.route("/v1/webhooks/{webhook_id}", methods=["GET"], authorizer=AUTH)
def get_webhook(webhook_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().webhooks.get(caller.user_id, webhook_id))


@bp.route("/v1/webhooks/{webhook_id}", methods=["PATCH"], authorizer=AUTH)
def update_webhook(webhook_id: str) -> Response:
    request = bp.current_request
    body = parse_body(request, WebhookUpdate)
    return respond(container().webhooks.update(current_caller(request).user_id, webhook_id, body))


@bp.route("/v1/webhooks/{webhook_id}", methods=["DELETE"], authorizer=AUTH)
def delete_webhook(webhook_id: str) -> Response:
    container().webhooks.delete(current_caller(bp.current_request).user_id, webhook_id)
    return respond(None, 204)


@bp.route("/v1/webhooks/{webhook_id}/deliveries", methods=["GET"], authorizer=AUTH)
def list_deliveries(webhook_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, DeliveryListParams)
    return respond(container().webhooks.deliveries(current_caller(request).user_id, webhook_id,
                                                   params))


@bp.route("/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", methods=["POST"],
          authorizer=AUTH)
def retry_delivery(webhook_id: str, delivery_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().webhooks.retry(caller.user_id, webhook_id, delivery_id), 202)


@bp.route("/v1/webhooks/{webhook_id}/test", methods=["POST"], authorizer=AUTH)
def test_webhook(webhook_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().webhooks.test(caller.user_id, webhook_id), 202)
