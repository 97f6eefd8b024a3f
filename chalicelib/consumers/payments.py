"""The payments queue (`leadnod-<stage>-payments`) as a Lambda event source: the Step Functions
tasks that run our code (charging, auto-release planning). Parsing and rules live in
`services/payments/worker.py`; failed messages are reported one by one for redelivery."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..wiring import container
from . import queue_name

bp = Blueprint(__name__)
# Event sources are declared at import: the stage comes from the environment `chalice deploy`
# loads the app with, as for every queue.
PAYMENTS_QUEUE = queue_name("payments")


@bp.on_sqs_message(queue=PAYMENTS_QUEUE, batch_size=10, name="payments_worker")
def payments_worker(event: Any) -> dict[str, Any]:
    records = [(record.to_dict()["messageId"], record.body) for record in event]
    failed = container().payments_worker.handle(records)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
