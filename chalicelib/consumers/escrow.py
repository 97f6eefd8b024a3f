"""The escrow follow-ups of an engagement's end, from the table stream
(services/payments/followups.py).

`TRIM_HORIZON`: when the mapping is first created, the records already in the stream (24 h)
are read too, so the transitions committed while the API stopped making these calls and the
mapping did not exist yet still get theirs (the follow-ups are idempotent: reading a record
twice does nothing twice). Event sources are declared at import (chalicelib/consumers).
"""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from ..wiring import container
from . import TABLE_STREAM_ARN

bp = Blueprint(__name__)


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM_ARN, batch_size=25,
                       starting_position="TRIM_HORIZON", name="escrow_followups")
def escrow_followups(event: Any) -> None:
    """Raising fails the batch: Lambda retries it, bisecting, then gives the record to the
    stream DLQ. The follow-ups a retried batch already ran do nothing the second time."""
    container().escrow_followups.from_stream(event.to_dict().get("Records", []))
