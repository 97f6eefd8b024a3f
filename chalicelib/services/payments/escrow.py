"""Escrow movements requested through the API or by the engagement lifecycle: fund, release,
refund, auto-release after completion, refund on termination.

A request creates the payment (`processing`, its transfer id chosen now) with its checks in one
transaction, then starts the payment's state machine under a name derived from the payment id.
A retried request (same Idempotency-Key, or a crash before the start) finds the payment and
starts the same execution again, which Step Functions turns into a no-op.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from ...auth.caller import Caller
from ...clock import Clock, isoformat, sortable
from ...errors import (ApiError, Conflict, Forbidden, InvalidParameter, MissingParameter,
                       idempotency_key_reused, not_found)
from ...ids import derived_id, request_object_id
from ...models.money import format_amount
from ...models.payments import FundEscrow, Payment, RefundEscrow, ReleaseEscrow
from ...storage import ledger
from ...storage.commit_riders import answer_in_commit
from ...storage.records import EngagementRecord, Number, PaymentRecord
from ...storage.payments import (EngagementRefused, EscrowRefused, PaymentExists,
                                 PaymentRepository, workflow_keys)
from ...storage.table import TransactionFailed
from ..access import require_party, role_of
from .movements import Movements, new_transfer_id
from .settings import PaymentSettings
from .workflows import Workflows

FUNDABLE, RELEASABLE, REFUNDABLE = ("pending", "active"), ("active", "completed"), \
    ("pending", "active", "terminated")
MACHINE = {"escrow_fund": "fund", "escrow_release": "release", "escrow_refund": "refund"}


def termination_refund_id(engagement_id: str) -> str:
    """The one refund a termination makes: its id derives from the engagement."""
    return derived_id("pay", f"termination-refund:{engagement_id}")


def insufficient(amount: Number, available: int, currency: str) -> ApiError:
    return InvalidParameter(
        f"The amount {format_amount(int(amount), currency)} exceeds the available escrow "
        f"balance of {format_amount(available, currency)}.", param="amount",
        code="insufficient_escrow_balance")


def concurrent(kind: str) -> ApiError:
    return Conflict(f"The engagement changed while the {kind} was being created; retry.",
                    code="concurrent_update")


def engagement_status_error(engagement: Mapping[str, Any], action: str,
                            allowed: tuple[str, ...]) -> ApiError:
    return Conflict(f"Escrow can be {action} only while the engagement is "
                    f"{' or '.join(allowed)}; it is {engagement['status']}.",
                    param="engagement_id", code="invalid_engagement_status")


class EscrowService:
    def __init__(self, payments: PaymentRepository, movements: Movements, workflows: Workflows,
                 settings: PaymentSettings, clock: Clock) -> None:
        self._payments, self._movements, self._workflows = payments, movements, workflows
        self._settings, self._clock = settings, clock

    # ------------------------------------------------------------------ requests
    def engagement_for(self, caller: Caller, engagement_id: str) -> EngagementRecord:
        """The engagement if the caller is a party to it; anyone else gets a 404."""
        return require_party(caller, self._payments.engagement(engagement_id), "engagement",
                             engagement_id, param="engagement_id")

    def with_escrow(self, caller: Caller, engagement_id: str
                    ) -> tuple[EngagementRecord, Mapping[str, Any]]:
        """The engagement (parties only, else 404) and its escrow account ({} before any
        funding), in one read."""
        engagement, account = self._payments.engagement_and_escrow(engagement_id)
        return (require_party(caller, engagement, "engagement", engagement_id,
                              param="engagement_id"), account or {})

    def _client_engagement(self, caller: Caller, engagement_id: str, action: str,
                           engagement: EngagementRecord | None = None) -> EngagementRecord:
        engagement = engagement or self.engagement_for(caller, engagement_id)
        if role_of(caller, engagement) != "client":
            raise Forbidden(f"Only the engagement's client can {action}.")
        caller.require_manager(action)  # money moves are for the owner and admins
        return engagement

    def fund(self, caller: Caller, request: FundEscrow,
             idempotency_key: str | None) -> tuple[int, Payment]:
        payment_id = request_object_id("pay", caller.user_id, "fund", idempotency_key)
        engagement = self._client_engagement(caller, request.engagement_id, "fund its escrow")
        method = request.payment_method or self._settings.default_payment_method
        if method is None:
            raise MissingParameter("The 'payment_method' field is required.",
                                   param="payment_method")
        payment = self._new_payment(payment_id, "escrow_fund", engagement, request.amount,
                                    request.currency, payment_method=method)
        with answer_in_commit(Payment.model_validate(payment), 202):
            payment = self._create(payment, "funded", FUNDABLE, client_id=caller.user_id,
                                   claim_currency=True)
        self.start(payment)
        return self._answer(payment)

    def release(self, caller: Caller, request: ReleaseEscrow,
                idempotency_key: str | None) -> tuple[int, Payment]:
        engagement, account = self.with_escrow(caller, request.engagement_id)
        self._client_engagement(caller, request.engagement_id, "release escrow", engagement)
        payment_id = request_object_id("pay", caller.user_id, "release", idempotency_key)
        return self._payout(engagement, account, "escrow_release", request.amount, payment_id,
                            RELEASABLE, "released", description=request.description)

    def refund(self, caller: Caller, request: RefundEscrow,
               idempotency_key: str | None) -> tuple[int, Payment]:
        engagement, account = self.with_escrow(caller, request.engagement_id)
        self._client_engagement(caller, request.engagement_id, "refund escrow", engagement)
        payment_id = request_object_id("pay", caller.user_id, "refund", idempotency_key)
        return self._payout(engagement, account, "escrow_refund", request.amount, payment_id,
                            REFUNDABLE, "refunded", description=request.reason)

    def _payout(self, engagement: EngagementRecord, account: Mapping[str, Any], pay_type: str,
                amount: int, payment_id: str, allowed: tuple[str, ...], verb: str,
                **extra: Any) -> tuple[int, Payment]:
        # A friendly early answer only (from the balance read with the engagement): the state
        # machine's conditional write is the guard.
        currency, available = account.get("currency", "usd"), int(account.get("balance", 0))
        if engagement["status"] in allowed and amount > available:
            raise insufficient(amount, available, currency)
        payment = self._new_payment(payment_id, pay_type, engagement, amount, currency, **extra)
        with answer_in_commit(Payment.model_validate(payment), 202):
            payment = self._create(payment, verb, allowed, client_id=engagement["client_id"])
        self.start(payment)
        return self._answer(payment)

    def start(self, payment: PaymentRecord) -> None:
        """Start the execution of a payment created `processing`: right after its commit, and
        again from the table stream (followups.py) in case the process died in between. The
        name derives from the payment, so the second start is a no-op."""
        if payment["type"] == "escrow_fund":
            self._workflows.start("fund", self._name(payment), {
                "payment_id": payment["id"], "keys": workflow_keys(payment),
                "charge_timeout_seconds": self._settings.charge_timeout_seconds})
        else:
            self._start_payout(payment)

    def _start_payout(self, payment: PaymentRecord) -> None:
        items = ledger.to_wire(self._movements.payout(payment), self._settings.table_name)
        self._workflows.start(MACHINE[payment["type"]], self._name(payment), {
            "payment_id": payment["id"], "amount": int(payment["amount"]),
            "keys": workflow_keys(payment), "items": items, "attempt": {"n": 0}})

    # ------------------------------------------------------------------ engagement lifecycle
    def on_engagement_completed(self, engagement: Mapping[str, Any]) -> str:
        """Start the auto-release timer: after the review period the remaining escrow goes to
        the sales pro unless a dispute is open. Once per engagement (deterministic name)."""
        completed = engagement.get("completed_at")
        start = (datetime.fromisoformat(completed.replace("Z", "+00:00")) if completed
                 else self._clock.now()).astimezone(timezone.utc)
        release_at = start + timedelta(seconds=self._settings.review_period_seconds)
        return self._workflows.start("auto_release", f"autorelease-{engagement['id']}", {
            "engagement_id": engagement["id"], "release_at": isoformat(release_at),
            "recheck_seconds": self._settings.dispute_recheck_seconds, "failures": {"n": 0}})

    def on_engagement_terminated(self, engagement: Mapping[str, Any]) -> Payment | None:
        """Refund the available escrow to the client (a held dispute amount waits for its
        resolution). Once per engagement: the refund's id derives from the engagement, and a
        second call resumes the refund the first one created, as it was created (the escrow
        may have moved since: its state machine settles it against the balance it finds)."""
        account = self._payments.escrow_account(engagement["id"])
        if account is None:  # never funded
            return None
        payment_id = termination_refund_id(engagement["id"])
        available = int(account.get("balance", 0))
        if available > 0:
            payment = self._new_payment(
                payment_id, "escrow_refund", engagement, available, account["currency"],
                description="Available escrow refunded when the engagement was terminated.",
                trigger="termination")
            try:
                self._payments.create(payment, statuses=("terminated",))
            except PaymentExists as exc:  # an earlier call's refund: resume that one
                payment = exc.item or payment
        else:  # nothing left, or an earlier call created the refund and stopped before its start
            found = self._payments.get(payment_id, consistent=True)
            if found is None:
                return None
            payment = found
        if payment["status"] == "processing":
            self._start_payout(payment)
        return Payment.model_validate(payment)

    # ------------------------------------------------------------------ helpers
    def _new_payment(self, payment_id: str, pay_type: str, engagement: Mapping[str, Any],
                     amount: int, currency: str, *, payment_method: str | None = None,
                     description: str | None = None,
                     trigger: str | None = None) -> PaymentRecord:
        now = sortable(self._clock.now())
        payment: PaymentRecord = {
            "id": payment_id, "type": pay_type, "status": "processing", "amount": amount,
            "currency": currency, "engagement_id": engagement["id"],
            "client_id": engagement["client_id"], "sales_pro_id": engagement["sales_pro_id"],
            "transfer_id": new_transfer_id(), "created_at": now, "updated_at": now, "version": 1}
        if payment_method is not None:
            payment["payment_method"] = payment_method
        if description is not None:
            payment["description"] = description
        if trigger is not None:  # what made a refund (its payment.refunded event says)
            payment["trigger"] = trigger
        payment["execution_arn"] = self._workflows.execution_arn(MACHINE[pay_type],
                                                                 self._name(payment))
        return payment

    def _create(self, payment: PaymentRecord, verb: str, allowed: tuple[str, ...],
                **rules: Any) -> PaymentRecord:
        """Create the payment, or explain from the item that refused it (no second read)."""
        try:
            self._payments.create(payment, statuses=allowed, **rules)
            return payment
        except PaymentExists as exc:
            existing = exc.item
            if existing is None or any(existing.get(k) != payment.get(k) for k in (
                    "type", "engagement_id", "amount", "currency", "client_id")):
                raise idempotency_key_reused() from None
            return existing
        except EngagementRefused as exc:
            if exc.item is None:
                raise not_found("engagement", payment["engagement_id"],
                                param="engagement_id") from None
            if exc.item["status"] not in allowed:
                raise engagement_status_error(exc.item, verb, allowed) from None
            raise concurrent("payment") from None
        except EscrowRefused as exc:
            raise InvalidParameter(
                f"This engagement's escrow is held in {(exc.item or {}).get('currency', '?')}; "
                f"fund it in that currency.", param="currency", code="currency_mismatch") from None
        except TransactionFailed:
            raise concurrent("payment") from None

    @staticmethod
    def _answer(payment: PaymentRecord) -> tuple[int, Payment]:
        """The payment as written, 202 while it is processing (the answer the request's
        Idempotency-Key record keeps, written with the payment); a payment an earlier request
        created and that has finished since, as it is: 201. No read: GET follows it."""
        return (202 if payment["status"] == "processing" else 201), Payment.model_validate(payment)

    @staticmethod
    def _name(payment: PaymentRecord) -> str:
        return f"{MACHINE[payment['type']]}-{payment['id']}"
