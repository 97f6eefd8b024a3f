"""The table stream's one consumer: every record goes to each part that acts on it.

One event source mapping reads each shard (DynamoDB advises at most two readers per shard;
three consumers each with its own mapping were throttled polls waiting to happen:
docs/capacity.md). The parts, in order:

- `webhook_fanout`: new outbox items to the subscribed endpoints, and manual deliveries to the
  webhook queue (services/webhooks/fanout.py; what fails there stays in the outbox for the
  sweeper);
- `escrow_followups`: an engagement's end, new payments and disputes, decided disputes and
  payments the state machine failed (services/payments/followups.py);
- `analytics_aggregates`: every outbox event into the counters (services/analytics);
- `payment_entries`: new, settled and failed payments into their engagement's partition, for
  engagement analytics (services/analytics/payment_entries.py);
- `matching_cleanup`: a deleted opportunity's matches and interests, asked of the matching
  worker (services/match_requests.py);
- `participant_names`: a renamed user's new name onto the conversation memberships that show
  it (services/participant_names.py).

Each part is idempotent, because stream records come again. A part that raises does not stop
the others; the batch then fails, Lambda retries it (bisecting down to the record that fails)
and every part sees it again, doing nothing twice; after 5 retries or 6 hours the record's
description goes to the stream DLQ (docs/deploy.md).

`TRIM_HORIZON`: when the mapping is first created (the deploy that replaced the three
consumers), the 24 hours of records already in the stream are read too, so nothing committed
while the old mappings were being removed is missed. infra/stack.yaml filters the records to
those some part acts on (FilterCriteria); the local stack does not filter, and each part
ignores what is not its own.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from chalice import Blueprint

from ..wiring import container
from . import TABLE_STREAM_ARN

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
Records = list[dict[str, Any]]

PARTS: dict[str, Callable[[Records], Any]] = {
    "webhook_fanout": lambda records: container().webhook_fanout.from_stream(records),
    "escrow_followups": lambda records: container().escrow_followups.from_stream(records),
    "analytics_aggregates": lambda records: container().analytics_aggregator.from_stream(records),
    "payment_entries": lambda records: container().payment_entries.from_stream(records),
    "matching_cleanup": lambda records: container().match_requests.removed_opportunities(records),
    "participant_names": lambda records: container().participant_names.from_stream(records),
}


def dispatch(records: Records, parts: dict[str, Callable[[Records], Any]] = PARTS) -> None:
    """Hand the batch to every part; then raise the first failure, if any."""
    failures: list[Exception] = []
    for name, part in parts.items():
        try:
            part(records)
        except Exception as exc:  # noqa: BLE001 - the batch is retried after the other parts
            log.exception("table stream part %s failed on a batch of %d", name, len(records))
            failures.append(exc)
    if failures:
        raise failures[0]


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, batch_size=100,
                       starting_position="TRIM_HORIZON", name="table_stream")
def table_stream(event: Any) -> None:
    dispatch(event.to_dict().get("Records", []))


def part_handler(name: str) -> Callable[[dict[str, Any], Any], None]:
    """One part alone, in the Lambda handler's shape: for the tests and benches of one part."""
    def handle(event: dict[str, Any], context: Any) -> None:
        dispatch(event.get("Records", []), {name: PARTS[name]})
    return handle
