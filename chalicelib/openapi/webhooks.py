"""`webhooks`: one entry per event type, the POST we send to subscribed endpoints
(chalicelib/services/webhooks/signing.py builds the headers; docs/webhooks.md)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..models.events import EVENT_DATA, TEST_EVENT_DATA, envelope_model
from ..services.events import EVENT_TYPES
from .schemas import Schemas

TAG = "Webhook events"
# name -> (header, description)
HEADERS: dict[str, tuple[str, str]] = {
    "LeadNodSignature": ("X-LeadNod-Signature",
                         "Lowercase hex HMAC-SHA256 of the raw body, keyed with the endpoint's "
                         "secret exactly as shown at creation (UTF-8, `whsec_` prefix "
                         "included)."),
    "LeadNodEvent": ("X-LeadNod-Event", "The event type."),
    "LeadNodDelivery": ("X-LeadNod-Delivery", "The delivery id (`dlv_...`): one per endpoint "
                                              "and event, the same on every retry."),
    "WebhookId": ("webhook-id", "Standard Webhooks: the event id, the receiver's dedupe key."),
    "WebhookTimestamp": ("webhook-timestamp", "Standard Webhooks: Unix seconds when this "
                                              "attempt was signed; refuse old ones (replays)."),
    "WebhookSignature": ("webhook-signature", "Standard Webhooks: `v1,` + base64 HMAC-SHA256 "
                                              "of `{webhook-id}.{webhook-timestamp}.{body}`."),
}
DESCRIPTION = ("POSTed to every enabled endpoint subscribed to `{type}` (or `*`) whose account "
               "the event concerns. Deliveries are at-least-once: dedupe on the body's `id`. "
               "Verify `X-LeadNod-Signature` over the raw body before parsing it.")


def envelopes() -> dict[str, type[BaseModel]]:
    """Every event type (the test `ping` too) -> its typed envelope model."""
    if set(EVENT_DATA) != set(EVENT_TYPES):
        raise ValueError("models/events.py EVENT_DATA must cover services/events.EVENT_TYPES")
    data = {**EVENT_DATA, **TEST_EVENT_DATA}
    return {event_type: envelope_model(event_type, data[event_type])
            for event_type in sorted(data)}


def header_parameters() -> dict[str, Any]:
    return {name: {"name": header, "in": "header", "required": True, "description": text,
                   "schema": {"type": "string"}}
            for name, (header, text) in HEADERS.items()}


def webhooks(models: dict[str, type[BaseModel]], schemas: Schemas) -> dict[str, Any]:
    parameters = [{"$ref": f"#/components/parameters/{name}"} for name in HEADERS]
    section = {}
    for event_type, model in models.items():
        test_only = event_type in TEST_EVENT_DATA
        section[event_type] = {"post": {
            "operationId": "webhook_" + event_type.replace(".", "_"),
            "summary": event_type, "tags": [TAG],
            "description": ("Sent only by `POST /v1/webhooks/{webhook_id}/test`, to that "
                            "endpoint; not in the event feed." if test_only
                            else DESCRIPTION.format(type=event_type)),
            "parameters": parameters,
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": schemas.ref(model, "serialization")}}},
            "responses": {"2XX": {"description": "Received. Answer within 10 seconds; any "
                                                 "other answer is retried for about three "
                                                 "days."}},
        }}
    return section
