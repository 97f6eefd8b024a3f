"""What the end of an engagement starts in escrow, driven by the table stream.

Completing or terminating an engagement commits the new status and its event (the outbox item,
`engagement.completed` / `engagement.terminated`) in one transaction. The stream's INSERT of
that outbox item is the durable record that a follow-up is owed: it exists exactly when the
transition does, exactly once per engagement (the end states are final), and it stays in the
stream for 24 hours whatever happens to the process that committed it. From it:

- completed: the auto-release timer starts (execution `autorelease-<eng>`, one per engagement);
- terminated: the available escrow is refunded (payment id derived from the engagement).

The same stream also starts the execution of every payment created `processing` (fund, release,
refund) and every dispute created: the API starts it right after its commit, and answers from
that commit (the Idempotency-Key record is written with it, so a client's retry is replayed and
would not start it); should the process die in between, the stream still does. Names derive from
the payment or dispute, so the usual second start is a no-op. Likewise a dispute's decision (its
`resolution` newly set, not yet settled) is settled again from the stream: the settlement's ids
derive from the dispute, so it is written once.

A payment its state machine failed (a charge that timed out, a processing error, a transfer that
kept conflicting: MarkFailed writes the payment alone, from the machine) gets its
`payment.failed` event from the stream: the MODIFY that set its `failure_code` without
`failure_event_recorded`. A declined charge's failure is written with its event and the mark by
the payments worker, so the stream has nothing to add.

All of these are idempotent, so a redelivered record, a retried batch or a replay does nothing
twice.
A failure raises: Lambda retries the batch (bisecting it), then sends the record's description
to the stream DLQ (docs/deploy.md).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, cast

from ...storage.payments import FAILURE_RECORDED, PaymentRepository
from ...storage.records import DisputeRecord, PaymentRecord
from ...storage.stream_records import inserted, newly_set, outbox_payloads
from .disputes import DisputeService
from .escrow import EscrowService
from .movements import Movements

log = logging.getLogger(__name__)
# The events that owe a follow-up; infra/stack.yaml filters the stream to these (FilterCriteria).
FOLLOWED_EVENTS = ("engagement.completed", "engagement.terminated")


class EscrowFollowUps:
    def __init__(self, payments: PaymentRepository, escrow: EscrowService,
                 disputes: DisputeService, movements: Movements) -> None:
        self._payments, self._escrow, self._disputes = payments, escrow, disputes
        self._movements = movements

    def from_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Run the follow-up of every engagement end, and start the execution of every new
        payment or dispute, in a stream batch; returns how many."""
        records = list(records)
        ends = [event for event in outbox_payloads(records) if event["type"] in FOLLOWED_EVENTS]
        for event in ends:
            self.follow_up(event)
        started = [item for item in inserted(records, "payment") if item["status"] == "processing"]
        for payment in started:
            self._escrow.start(cast(PaymentRecord, payment))
        disputes = list(inserted(records, "dispute"))
        for dispute in disputes:
            self._disputes.start(dispute["id"])
        decided = [item for item in newly_set(records, "dispute", "resolution")
                   if item.get("status") != "resolved"]
        for dispute in decided:
            self._disputes.settle(cast(DisputeRecord, dispute))
        failed = [item for item in newly_set(records, "payment", "failure_code")
                  if item.get("status") == "failed" and FAILURE_RECORDED not in item]
        for payment in failed:
            self.record_failure(cast(PaymentRecord, payment))
        return len(ends) + len(started) + len(disputes) + len(decided) + len(failed)

    def record_failure(self, payment: PaymentRecord) -> None:
        """The `payment.failed` event of a payment failed without it, once."""
        self._payments.record_failure(payment["id"], self._movements.failed(
            payment, payment["failure_code"], payment["failure_message"]))

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
