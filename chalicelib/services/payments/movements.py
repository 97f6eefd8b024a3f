"""Each money movement as one list of DynamoDB actions: the ledger transfers, the payment or
dispute change and the events, so that all of them commit together or not at all.

Synchronous callers run the list with `Store.transact`; for Step Functions it goes through
`ledger.to_wire` into an execution's input (or a task token's answer) and is written by an
`aws-sdk:dynamodb:transactWriteItems` task. Events are built here, in the same list, so there
is exactly one `payment.received` per funding however often a step is retried.
"""
from __future__ import annotations

from typing import Any, Mapping

from ...clock import Clock, sortable
from ...ids import new_id
from ...storage import ledger
from ...storage.disputes import no_open_dispute_check, settle_actions
from ...storage.payments import put_payment, settle_payment
from ...storage.records import DisputeRecord, EngagementRecord, Number, PaymentRecord
from ..events import EventRecorder

Actions = list[dict[str, Any]]


def parties(item: Mapping[str, Any]) -> list[str]:
    return [item["client_id"], item["sales_pro_id"]]


def payment_event(payment: PaymentRecord, **extra: Any) -> dict[str, Any]:
    return {"payment_id": payment["id"], "type": payment["type"],
            "engagement_id": payment["engagement_id"], "amount": int(payment["amount"]),
            "currency": payment["currency"], "client_id": payment["client_id"],
            "sales_pro_id": payment["sales_pro_id"], **extra}


def dispute_event(dispute: DisputeRecord, status: str, **extra: Any) -> dict[str, Any]:
    return {"dispute_id": dispute["id"], "engagement_id": dispute["engagement_id"],
            "client_id": dispute["client_id"], "sales_pro_id": dispute["sales_pro_id"],
            "amount": int(dispute["amount"]), "currency": dispute["currency"],
            "opened_by": dispute["opened_by"], "status": status, **extra}


class Movements:
    def __init__(self, events: EventRecorder, clock: Clock) -> None:
        self._events, self._clock = events, clock

    def _transfer(self, kind: str, source: ledger.Account, dest: ledger.Account, amount: Number,
                  item: Mapping[str, Any], transfer_id: str, **refs: str) -> ledger.Transfer:
        return ledger.Transfer(id=transfer_id, kind=kind, source=source, dest=dest,
                               amount=int(amount), engagement_id=item["engagement_id"],
                               client_id=item["client_id"], sales_pro_id=item["sales_pro_id"],
                               posted_at=sortable(self._clock.now()), **refs)

    def credit(self, payment: PaymentRecord, charge_id: str) -> Actions:
        """Funding: the charged money enters escrow (client's funding source -> escrow)."""
        cur, eng = payment["currency"], payment["engagement_id"]
        transfer = self._transfer("fund", ledger.external(payment["client_id"], cur),
                                  ledger.escrow(eng, cur), payment["amount"], payment,
                                  payment["transfer_id"], payment_id=payment["id"])
        now = sortable(self._clock.now())
        return [*ledger.movement_actions([transfer]),
                settle_payment(payment["id"], now, charge_id=charge_id),
                *self._events.record("payment.received", payment_event(payment), parties(payment)),
                *self._events.record("escrow.funded", payment_event(payment), parties(payment))]

    def payout(self, payment: PaymentRecord) -> Actions:
        """A requested release (escrow -> the pro's payable) or refund (escrow -> the client's
        refunds); the escrow balance condition is what refuses a second spend of the money."""
        cur, eng = payment["currency"], payment["engagement_id"]
        if payment["type"] == "escrow_release":
            kind, dest = "release", ledger.payable(payment["sales_pro_id"], cur)
        else:
            kind, dest = "refund", ledger.refunds(payment["client_id"], cur)
        transfer = self._transfer(kind, ledger.escrow(eng, cur), dest, payment["amount"],
                                  payment, payment["transfer_id"], payment_id=payment["id"])
        actions = [*ledger.movement_actions([transfer]),
                   settle_payment(payment["id"], sortable(self._clock.now()))]
        if kind == "release":
            actions += self._events.record("payment.released",
                                           payment_event(payment, trigger="client"),
                                           parties(payment))
        else:
            trigger = payment.get("trigger", "client")
            actions += self._events.record("payment.refunded",
                                           payment_event(payment, trigger=trigger),
                                           parties(payment))
        return actions

    def failed(self, payment: PaymentRecord, code: str, message: str) -> Actions:
        """The events of a declined charge (the payment's change is storage's)."""
        return self._events.record(
            "payment.failed", payment_event(payment, failure_code=code, failure_message=message),
            parties(payment))

    def auto_release(self, engagement: EngagementRecord, payment: PaymentRecord,
                     balance: int) -> Actions:
        """Release exactly the balance that was read, only while the engagement is completed
        with no dispute open: a dispute or refund in between cancels the whole write."""
        cur = payment["currency"]
        transfer = self._transfer("release", ledger.escrow(engagement["id"], cur),
                                  ledger.payable(payment["sales_pro_id"], cur), balance, payment,
                                  payment["transfer_id"], payment_id=payment["id"])
        return [*ledger.movement_actions([transfer], escrow_must_equal=balance),
                no_open_dispute_check(engagement["id"]),
                put_payment(payment),
                *self._events.record("payment.released",
                                     payment_event(payment, trigger="auto_release"),
                                     parties(payment))]

    def hold(self, dispute: DisputeRecord) -> Actions:
        """Opening a dispute freezes its amount: escrow -> the engagement's hold account."""
        cur, eng = dispute["currency"], dispute["engagement_id"]
        transfer = self._transfer("hold", ledger.escrow(eng, cur), ledger.hold(eng, cur),
                                  dispute["amount"], dispute, dispute["hold_transfer_id"],
                                  dispute_id=dispute["id"])
        event = dispute_event(dispute, "open", reason=dispute["reason"])
        return [*ledger.movement_actions([transfer]),
                *self._events.record("escrow.dispute", event, parties(dispute))]

    def settle(self, dispute: DisputeRecord) -> Actions:
        """The decided split leaves the hold account: `release` to the pro, `refund` to the
        client, each as a succeeded payment; the dispute is marked resolved (once)."""
        resolution, cur = dispute["resolution"], dispute["currency"]
        eng, now = dispute["engagement_id"], sortable(self._clock.now())
        transfers: list[ledger.Transfer] = []
        payments: list[PaymentRecord] = []
        for amount, payment_id, transfer_id, kind, dest, pay_type in (
                (resolution["release"], resolution.get("release_payment_id", ""),
                 resolution.get("release_transfer_id", ""), "hold_release",
                 ledger.payable(dispute["sales_pro_id"], cur), "escrow_release"),
                (resolution["refund"], resolution.get("refund_payment_id", ""),
                 resolution.get("refund_transfer_id", ""), "hold_refund",
                 ledger.refunds(dispute["client_id"], cur), "escrow_refund")):
            if not int(amount):
                continue
            payment: PaymentRecord = {
                "id": payment_id, "type": pay_type, "status": "succeeded", "amount": int(amount),
                "currency": cur, "engagement_id": eng, "client_id": dispute["client_id"],
                "sales_pro_id": dispute["sales_pro_id"], "dispute_id": dispute["id"],
                "transfer_id": transfer_id, "execution_arn": dispute.get("execution_arn"),
                "description": f"Dispute {dispute['id']} resolution",
                "created_at": now, "updated_at": now, "version": 1}
            payments.append(payment)
            transfers.append(self._transfer(kind, ledger.hold(eng, cur), dest, amount, dispute,
                                            payment["transfer_id"], payment_id=payment["id"],
                                            dispute_id=dispute["id"]))
        actions = [*settle_actions(dispute, now), *ledger.movement_actions(transfers),
                   *(put_payment(p) for p in payments)]
        for payment in payments:
            released = payment["type"] == "escrow_release"
            actions += self._events.record(
                "payment.released" if released else "payment.refunded",
                payment_event(payment, trigger="dispute_resolution", dispute_id=dispute["id"]),
                parties(payment))
        summary = {"release": int(resolution["release"]), "refund": int(resolution["refund"]),
                   "method": resolution["method"]}
        return actions + self._events.record(
            "escrow.dispute", dispute_event(dispute, "resolved", resolution=summary),
            parties(dispute))


def new_transfer_id() -> str:
    return new_id("txf")
