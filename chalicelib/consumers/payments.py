"""The payments queue (`leadnod-<stage>-payments`) as a Lambda event source: the Step Functions
tasks that run our code (charging, auto-release planning). Parsing and rules live in
`services/payments/worker.py`; each message is handled on its own, and failed ones are reported
for redelivery (`sqs.py`)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from ..wiring import container
from . import queue_name
from .sqs import fail_listed, process_records

bp = Blueprint(__name__)
# Event sources are declared at import: the stage comes from the environment `chalice deploy`
# loads the app with, as for every queue.
PAYMENTS_QUEUE = queue_name("payments")


@bp.on_sqs_message(queue=PAYMENTS_QUEUE, batch_size=10, name="payments_worker")
def payments_worker(event: SQSEvent) -> dict[str, Any]:
    worker = container().payments_worker
    # The worker answers the ids to redeliver among the (message id, body) pairs it is given.
    return process_records(event, lambda record: fail_listed(
        record, worker.handle([(record.message_id, record.body)])))
