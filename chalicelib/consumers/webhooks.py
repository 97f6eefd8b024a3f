"""The webhook pipeline's Lambda handlers: outbox stream → fan-out (the table stream's
consumer, consumers/stream.py, plus a sweeper on a schedule for anything it missed) → webhook
queue → signed delivery.

Event sources are declared at import, so their names come from the environment that
`chalice deploy` loads the app with (the stage's config.json, filled from the infra stack).
"""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from ..wiring import container
from . import queue_name

bp = Blueprint(__name__)
WEBHOOK_QUEUE = queue_name("webhooks")


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="webhook_outbox_sweeper",
             description="Fan out webhook outbox items the stream consumer missed.")
def outbox_sweeper(event: Any) -> None:
    container().webhook_fanout.sweep()


@bp.on_sqs_message(queue=WEBHOOK_QUEUE, batch_size=10, name="webhook_deliveries")
def deliver_webhooks(event: Any) -> dict[str, Any]:
    return container().webhook_dispatcher.handle(event.to_dict(), event.context)
