"""`/v1/webhooks`: the caller's webhook endpoints, their deliveries, retries and test pings."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import ListParams, Page
from ..models.webhooks import (Delivery, DeliveryListParams, Webhook, WebhookCreate,
                               WebhookUpdate, WebhookWithSecret)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Webhooks"
ONE = "/v1/webhooks/{webhook_id}"


@operation(bp, "POST", "/v1/webhooks", body=WebhookCreate, returns=WebhookWithSecret,
           status=201, errors=(409,), provides={"webhook_id": "/id"}, tag=TAG,
           summary="Create a webhook endpoint", answer_in_commit=True)
def create_webhook(caller: Caller, body: WebhookCreate) -> WebhookWithSecret:
    """The answer is the only time the signing `secret` is shown."""
    return container().webhooks.register(caller, body)


@operation(bp, "GET", "/v1/webhooks", query=ListParams, returns=Page[Webhook],
           provides={"webhook_id": "/data/0/id"}, tag=TAG, summary="List webhook endpoints")
def list_webhooks(caller: Caller, query: ListParams) -> Page[Webhook]:
    return container().webhooks.list(caller, query)


@operation(bp, "GET", ONE, returns=Webhook, tag=TAG, summary="Get a webhook endpoint")
def get_webhook(caller: Caller, webhook_id: str) -> Webhook:
    return container().webhooks.get(caller, webhook_id)


@operation(bp, "PATCH", ONE, body=WebhookUpdate, returns=(Webhook, WebhookWithSecret), tag=TAG,
           summary="Update a webhook endpoint")
def update_webhook(caller: Caller, webhook_id: str, body: WebhookUpdate) -> Webhook:
    """With `rotate_secret: true` the answer carries the new `secret`, shown this once."""
    return container().webhooks.update(caller, webhook_id, body)


@operation(bp, "DELETE", ONE, status=204, tag=TAG, summary="Delete a webhook endpoint")
def delete_webhook(caller: Caller, webhook_id: str) -> None:
    container().webhooks.delete(caller, webhook_id)


@operation(bp, "GET", ONE + "/deliveries", query=DeliveryListParams, returns=Page[Delivery],
           provides={"webhook_id": "/data/0/webhook_id", "delivery_id": "/data/0/id"}, tag=TAG,
           summary="List a webhook endpoint's deliveries")
def list_deliveries(caller: Caller, webhook_id: str, query: DeliveryListParams) -> Page[Delivery]:
    return container().webhooks.deliveries(caller, webhook_id, query)


@operation(bp, "POST", ONE + "/deliveries/{delivery_id}/retry", returns=Delivery, status=202,
           errors=(409,), tag=TAG, summary="Retry a delivery", answer_in_commit=True)
def retry_delivery(caller: Caller, webhook_id: str, delivery_id: str) -> Delivery:
    """Delivers the event again now, once, whatever the delivery's state."""
    return container().webhooks.retry(caller, webhook_id, delivery_id)


@operation(bp, "POST", ONE + "/test", returns=Delivery, status=202, errors=(409,),
           provides={"webhook_id": "/webhook_id", "delivery_id": "/id"}, tag=TAG,
           summary="Send a test ping", answer_in_commit=True)
def test_webhook(caller: Caller, webhook_id: str) -> Delivery:
    """Sends a `ping` event to this endpoint only (one attempt; not in the event feed)."""
    return container().webhooks.test(caller, webhook_id)
