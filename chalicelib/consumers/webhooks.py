"""The webhook pipeline's Lambda handlers: outbox stream → fan-out (plus a sweeper on a
schedule for anything the stream consumer missed) → webhook queue → signed delivery.

Event sources are declared at import, so their names come from the environment that
`chalice deploy` loads the app with (the stage's config.json, filled from the infra stack).
"""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from ..wiring import container
from . import TABLE_STREAM_ARN, queue_name

bp = Blueprint(__name__)
WEBHOOK_QUEUE = queue_name("webhooks")


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, batch_size=100, name="webhook_outbox_stream")
def outbox_stream(event: Any) -> None:
    container().webhook_fanout.from_stream(event.to_dict().get("Records", []))


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="webhook_outbox_sweeper",
             description="Fan out webhook outbox items the stream consumer missed.")
def outbox_sweeper(event: Any) -> None:
    container().webhook_fanout.sweep()


@bp.on_sqs_message(queue=WEBHOOK_QUEUE, batch_size=10, name="webhook_deliveries")
def deliver_webhooks(event: Any) -> dict[str, Any]:
    return container().webhook_dispatcher.handle(event.to_dict(), event.context)
