"""The matching queue's consumer (`leadnod-<stage>-matching`), as a Lambda event source.

The queue name is fixed when the app is packaged: `make deploy` runs `chalice deploy` with
`LEADNOD_STAGE` set, and the local stack's poller finds this handler on the app.
"""
from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from ..wiring import container
from . import queue_name

bp = Blueprint(__name__)
QUEUE = queue_name("matching")


@bp.on_sqs_message(queue=QUEUE, batch_size=10)
def matching_worker(event: SQSEvent) -> dict[str, Any]:
    records = [(record.to_dict()["messageId"], record.body) for record in event]
    failed = container().matching_worker.handle(records)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
