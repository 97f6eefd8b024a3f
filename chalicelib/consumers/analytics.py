"""The analytics Lambda handlers: the table stream keeps the aggregates, the exports queue
writes export files.

Event sources are declared at import, so their names come from the environment that
`chalice deploy` loads the app with (the stage's config.json, filled from the infra stack).
"""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from ..wiring import container
from . import TABLE_STREAM_ARN, queue_name
from .sqs import process_records

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
EXPORTS_QUEUE = queue_name("exports")


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, batch_size=100, name="analytics_aggregates")
def keep_aggregates(event: Any) -> None:
    """New outbox items → counters. Raising fails the batch; Lambda retries it and the
    per-event markers keep the retry from counting anything twice."""
    container().analytics_aggregator.from_stream(event.to_dict().get("Records", []))


# One export per invocation: an export is a long job and fails or succeeds on its own.
@bp.on_sqs_message(queue=EXPORTS_QUEUE, batch_size=1, name="analytics_exports")
def write_exports(event: SQSEvent) -> dict[str, Any]:
    exports = container().analytics_exports
    # A failed attempt raises unlogged (the service logs only the last one): `log` records it.
    return process_records(event, lambda record: exports.handle_messages([record.raw_event]),
                           log=log)
