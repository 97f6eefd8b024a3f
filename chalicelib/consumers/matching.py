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
from .sqs import fail_listed, process_records

bp = Blueprint(__name__)
QUEUE = queue_name("matching")


@bp.on_sqs_message(queue=QUEUE, batch_size=10)
def matching_worker(event: SQSEvent) -> dict[str, Any]:
    # The worker runs each distinct job of a batch once (ten "match opp_x" messages, one run),
    # so it takes the batch whole; the processor then reports the messages whose job failed.
    records = [(record["messageId"], record["body"]) for record in event.to_dict()["Records"]]
    failed = set(container().matching_worker.handle(records))
    return process_records(event, lambda record: fail_listed(record, failed))
