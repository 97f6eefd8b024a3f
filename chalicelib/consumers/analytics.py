"""The analytics Lambda handler of the exports queue, which writes export files. (The
aggregates are kept by the table stream's consumer: consumers/stream.py.)

Event sources are declared at import, so their names come from the environment that
`chalice deploy` loads the app with (the stage's config.json, filled from the infra stack).
"""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from ..wiring import container
from . import queue_name
from .sqs import process_records

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
EXPORTS_QUEUE = queue_name("exports")


# One export per invocation: an export is a long job and fails or succeeds on its own.
@bp.on_sqs_message(queue=EXPORTS_QUEUE, batch_size=1, name="analytics_exports")
def write_exports(event: SQSEvent) -> dict[str, Any]:
    exports = container().analytics_exports
    # A failed attempt raises unlogged (the service logs only the last one): `log` records it.
    return process_records(event, lambda record: exports.handle_messages([record.raw_event]),
                           log=log)
