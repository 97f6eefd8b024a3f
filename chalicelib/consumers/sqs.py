"""How every SQS consumer reports partial failures: Powertools' batch processor runs a handler
per record. A record whose handler raises is answered in `batchItemFailures` and SQS delivers
it again; every other record is deleted, including one the handler skips on purpose (an
unreadable message, a late duplicate). Every SQS event source has `ReportBatchItemFailures` on
(`make deploy`), and the local stack's pollers read the answer the same way.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Collection

from chalice.app import SQSEvent

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


class MessageFailed(Exception):
    """A message its service reported as failed (having logged why): delivered again."""


def process_records(event: SQSEvent, handle_record: Callable[[SQSRecord], object], *,
                    log: logging.Logger | None = None) -> dict[str, Any]:
    """The answer to `event` once `handle_record` has run on each of its records. `log` gets
    each failed record's traceback, for services that raise without logging. A batch whose
    every record failed is answered like any other, not raised: the same records come back."""
    # Imported on first use: ~90 ms that API cold starts need not pay.
    from aws_lambda_powertools.utilities.batch import (BatchProcessor, EventType,
                                                       process_partial_response)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False,
                               logger=log)
    context: Any = event.context  # Lambda's context object, which Chalice types as a dict
    return dict(process_partial_response(event=event.to_dict(), record_handler=handle_record,
                                         processor=processor, context=context))


def fail_listed(record: SQSRecord, failed_ids: Collection[str]) -> None:
    """Raise for `record` when its service listed its message id among the failed ones."""
    if record.message_id in failed_ids:
        raise MessageFailed(record.message_id)
