"""The payments queue's consumer: the work the state machines hand to our code through
`sqs:sendMessage.waitForTaskToken`, answered with SendTaskSuccess / SendTaskFailure.

- `charge`: charge the payment method (idempotent per payment id) and answer with the ledger
  write that credits escrow, built now so its events carry the time the money arrived.
- `auto_release`: after the review period, decide what to release (the escrow balance, or wait
  while a dispute is open, or nothing) and answer with that write.

SQS delivers at least once; both handlers are safe to run twice. Unparseable messages are
dropped (logged), failures are reported per message so only those are redelivered.
"""
from __future__ import annotations

import logging
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ...clock import Clock, sortable
from ...ids import new_id
from ...storage import ledger
from ...storage.payments import PaymentRepository
from ...storage.records import PaymentRecord
from .movements import Movements, new_transfer_id
from .processor import PaymentDeclined, PaymentProcessor
from .settings import PaymentSettings
from .workflows import Workflows

log = logging.getLogger(__name__)


class ChargeMessage(BaseModel):
    kind: Literal["charge"]
    payment_id: str
    task_token: str


class AutoReleaseMessage(BaseModel):
    kind: Literal["auto_release"]
    engagement_id: str
    execution_arn: str
    task_token: str


Message = TypeAdapter(Annotated[Union[ChargeMessage, AutoReleaseMessage],
                                Field(discriminator="kind")])


class CreditPending(Exception):
    """The charge's task stopped waiting while the payment is still processing: look again
    when the message comes back."""


class PaymentsWorker:
    def __init__(self, payments: PaymentRepository, movements: Movements, workflows: Workflows,
                 processor: PaymentProcessor, settings: PaymentSettings, clock: Clock) -> None:
        self._payments, self._movements, self._workflows = payments, movements, workflows
        self._processor, self._settings, self._clock = processor, settings, clock

    def handle(self, records: list[tuple[str, str]]) -> list[str]:
        """Process (message id, body) pairs; return the ids to redeliver."""
        failed = []
        for message_id, body in records:
            try:
                message = Message.validate_json(body)
            except ValidationError:
                log.error("dropping an unreadable payments message %s", message_id)
                continue
            try:
                if isinstance(message, ChargeMessage):
                    self.charge(message)
                else:
                    self.plan_auto_release(message)
            except Exception:
                log.exception("payments message %s failed; it will be redelivered", message_id)
                failed.append(message_id)
        return failed

    def charge(self, message: ChargeMessage) -> None:
        payment = self._payments.get(message.payment_id, consistent=True)
        if payment is None or payment["status"] != "processing":
            return  # a late duplicate: the execution has moved on
        try:
            charge = self._processor.charge(
                amount=int(payment["amount"]), currency=payment["currency"],
                payment_method=payment["payment_method"], customer=payment["client_id"],
                idempotency_key=payment["id"])
        except PaymentDeclined as declined:
            # The failure and its payment.failed event first, together; the execution's own
            # MarkFailed then finds the payment failed already.
            self._payments.mark_failed(payment, declined.code, declined.message,
                                       sortable(self._clock.now()),
                                       self._movements.failed(payment, declined.code,
                                                              declined.message))
            self._workflows.reject(message.task_token, "PaymentDeclined",
                                   {"code": declined.code, "message": declined.message})
            return
        credit = ledger.to_wire(self._movements.credit(payment, charge.id),
                                self._settings.table_name)
        if self._workflows.answer(message.task_token, {"charge_id": charge.id, "items": credit}):
            return
        # The task no longer waits: another delivery answered it, or the charge timed out.
        current = self._payments.get(payment["id"], consistent=True) or {}
        if current.get("status") == "failed":  # never credited: give the money back
            self._processor.refund_charge(charge.id, reason=f"payment {payment['id']} failed")
        elif current.get("status") == "processing":
            raise CreditPending(payment["id"])

    def plan_auto_release(self, message: AutoReleaseMessage) -> None:
        self._workflows.answer(message.task_token,
                               self.auto_release_plan(message.engagement_id,
                                                      message.execution_arn))

    def auto_release_plan(self, engagement_id: str, execution_arn: str) -> dict[str, Any]:
        """`release` (with the write), `wait` (a dispute is open) or `done`."""
        engagement = self._payments.engagement(engagement_id)
        if engagement is None or engagement["status"] != "completed":
            return {"action": "done", "reason": "engagement_not_completed"}
        if int(engagement.get("open_disputes") or 0) > 0:
            return {"action": "wait", "reason": "dispute_open"}
        account = self._payments.escrow_account(engagement_id) or {}
        balance = int(account.get("balance", 0))
        if balance <= 0:
            return {"action": "done", "reason": "nothing_to_release"}
        now = sortable(self._clock.now())
        payment: PaymentRecord = {
            "id": new_id("pay"), "type": "escrow_release", "status": "succeeded",
            "amount": balance, "currency": account["currency"], "engagement_id": engagement_id,
            "client_id": engagement["client_id"], "sales_pro_id": engagement["sales_pro_id"],
            "transfer_id": new_transfer_id(), "execution_arn": execution_arn,
            "description": "Released automatically after the review period.",
            "created_at": now, "updated_at": now, "version": 1}
        items = ledger.to_wire(self._movements.auto_release(engagement, payment, balance),
                               self._settings.table_name)
        return {"action": "release", "payment_id": payment["id"], "amount": balance,
                "items": items}
