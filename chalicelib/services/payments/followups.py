"""What the end of an engagement starts in escrow, driven by the table stream.

Completing or terminating an engagement commits the new status and its event (the outbox item,
`engagement.completed` / `engagement.terminated`) in one transaction. The stream's INSERT of
that outbox item is the durable record that a follow-up is owed: it exists exactly when the
transition does, exactly once per engagement (the end states are final), and it stays in the
stream for 24 hours whatever happens to the process that committed it. From it:

- completed: the auto-release timer starts (execution `autorelease-<eng>`, one per engagement);
- terminated: the available escrow is refunded (payment id derived from the engagement).

Both are idempotent, so a redelivered record, a retried batch or a replay does nothing twice.
A failure raises: Lambda retries the batch (bisecting it), then sends the record's description
to the stream DLQ (docs/deploy.md).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from ...storage.payments import PaymentRepository
from ...storage.stream_records import outbox_payloads
from .escrow import EscrowService

log = logging.getLogger(__name__)
# The events that owe a follow-up; infra/stack.yaml filters the stream to these (FilterCriteria).
FOLLOWED_EVENTS = ("engagement.completed", "engagement.terminated")


class EscrowFollowUps:
    def __init__(self, payments: PaymentRepository, escrow: EscrowService) -> None:
        self._payments, self._escrow = payments, escrow

    def from_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Run the follow-up of every engagement end in a stream batch; returns how many."""
        ends = [event for event in outbox_payloads(records) if event["type"] in FOLLOWED_EVENTS]
        for event in ends:
            self.follow_up(event)
        return len(ends)

    def follow_up(self, event: dict[str, Any]) -> None:
        """The follow-up one `engagement.completed` / `.terminated` event owes. It reads the
        engagement as committed (a consistent read: `completed_at` sets the release time)."""
        engagement_id = event["data"]["engagement_id"]
        engagement = self._payments.engagement(engagement_id)
        if engagement is None:  # engagements are never deleted: nothing to act on
            log.warning("event %s: engagement %s not found", event.get("id"), engagement_id)
            return
        if event["type"] == "engagement.completed":
            self._escrow.on_engagement_completed(engagement)
        else:
            self._escrow.on_engagement_terminated(engagement)
