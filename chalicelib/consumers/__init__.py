"""Event-source handlers (streams, schedules, queues): parse the event, call a service.

Event sources are declared at import, so their names come from the environment `chalice
deploy` loads the app with (`LEADNOD_STAGE`, and the stage's config.json filled from the infra
stack); the local stack and the tests set the same variables.
"""
from __future__ import annotations

import os

STAGE = os.environ.get("LEADNOD_STAGE", "dev")
# The fallback only keeps the import working where no table exists (unit tests of other parts).
TABLE_STREAM_ARN = os.environ.get("TABLE_STREAM_ARN") or (
    f"arn:aws:dynamodb:us-east-1:000000000000:table/leadnod-{STAGE}/stream/unknown")


def queue_name(kind: str) -> str:
    """The stage's queue for `kind` (`webhooks`, `matching`, `payments`, `exports`), as named
    in infra/template.yaml."""
    return f"leadnod-{STAGE}-{kind}"
