"""Disputes: freeze an amount of escrow, gather evidence, settle the decided split.

Opening is synchronous (the dispute exists exactly when its amount is frozen), then a dispute
execution stores its task token on the dispute and waits. A decision (operator, or the other
party conceding) is claimed once on the dispute item and answered to that token; the execution
then writes the settlement. Whichever of "store the token" and "claim the decision" comes
second sees the other (both are conditional writes on the dispute), so when no execution is
waiting the decider writes the same settlement itself.
"""
from __future__ import annotations

from typing import Any, Sequence


from ...auth.caller import Caller
from ...clock import Clock, sortable
from ...errors import (Conflict, Forbidden, InvalidParameter, idempotency_key_reused,
                        not_found)
from ...ids import derived_id, request_object_id
from ...models.common import Page
from ...models.payments import (Dispute, DisputeEvidence, DisputeListParams, DisputeSummary,
                                OpenDispute)
from ...storage import ledger
from ...storage.commit_riders import answer_in_commit
from ...storage.disputes import (DisputeClosed, DisputeDecided, DisputeExists, DisputeRepository,
                                 new_evidence, workflow_keys)
from ...storage.payments import EngagementRefused, EscrowRefused, PaymentRepository
from ...storage.records import DisputeRecord, Resolution
from ...storage.table import TransactionFailed
from ..access import require_party
from .escrow import EscrowService, engagement_status_error, insufficient
from .movements import Movements, new_transfer_id
from .settings import PaymentSettings
from .workflows import Workflows

DISPUTABLE = ("active", "completed")


class DisputeService:
    def __init__(self, disputes: DisputeRepository, payments: PaymentRepository,
                 escrow: EscrowService, movements: Movements, workflows: Workflows,
                 settings: PaymentSettings, clock: Clock) -> None:
        self._disputes, self._payments, self._escrow = disputes, payments, escrow
        self._movements, self._workflows = movements, workflows
        self._settings, self._clock = settings, clock

    def open(self, caller: Caller, request: OpenDispute,
             idempotency_key: str | None) -> tuple[int, Dispute]:
        dispute_id = request_object_id("dsp", caller.user_id, "dispute", idempotency_key)
        engagement, account = self._escrow.with_escrow(caller, request.engagement_id)
        caller.require_manager("open disputes")
        if engagement["status"] not in DISPUTABLE:
            raise engagement_status_error(engagement, "disputed", DISPUTABLE)
        currency, available = account.get("currency", "usd"), int(account.get("balance", 0))
        if request.amount > available:
            raise insufficient(request.amount, available, currency)
        now = sortable(self._clock.now())
        dispute: DisputeRecord = {"id": dispute_id, "engagement_id": engagement["id"],
                   "client_id": engagement["client_id"],
                   "sales_pro_id": engagement["sales_pro_id"], "opened_by": caller.user_id,
                   "amount": request.amount, "currency": currency, "reason": request.reason,
                   "status": "open", "evidence_count": 0, "hold_transfer_id": new_transfer_id(),
                   "execution_arn": self._workflows.execution_arn("dispute",
                                                                  f"dispute-{dispute_id}"),
                   "created_at": now, "updated_at": now, "version": 1}
        answer = Dispute.model_validate({**dispute, "evidence": []})
        with answer_in_commit(answer, 201):
            opened = self._open(dispute)
        self.start(dispute_id)
        return 201, answer if opened else self.get(caller, dispute_id)

    def start(self, dispute_id: str) -> None:
        """Start the dispute's execution: after the commit, and again from the table stream
        (followups.py) should the process die in between; the derived name makes it once."""
        self._workflows.start("dispute", f"dispute-{dispute_id}", {
            "dispute_id": dispute_id, "keys": workflow_keys(dispute_id)})

    def _open(self, dispute: DisputeRecord) -> bool:
        """Open it (True), find it opened by this request before (False), or explain from the
        item that refused (no second read)."""
        try:
            self._disputes.open(dispute, DISPUTABLE, self._movements.hold(dispute))
            return True
        except DisputeExists as exc:  # the same request again (Idempotency-Key): resume it
            existing = exc.item or {}
            if any(existing.get(k) != dispute[k] for k in ("engagement_id", "amount", "opened_by")):
                raise idempotency_key_reused() from None
            return False
        except EngagementRefused as exc:
            raise engagement_status_error(exc.item or {"status": "gone"}, "disputed",
                                          DISPUTABLE) from None
        except EscrowRefused as exc:
            raise insufficient(dispute["amount"], int((exc.item or {}).get("balance", 0)),
                               dispute["currency"]) from None
        except TransactionFailed:
            raise Conflict("The escrow changed while the dispute was being opened; retry.",
                           code="concurrent_update") from None

    # ------------------------------------------------------------------ reading
    def _party_dispute(self, caller: Caller, dispute_id: str) -> DisputeRecord:
        return require_party(caller, self._disputes.get(dispute_id, consistent=True), "dispute",
                             dispute_id)

    def get(self, caller: Caller, dispute_id: str) -> Dispute:
        dispute, evidence = self._disputes.get_with_evidence(dispute_id)
        dispute = require_party(caller, dispute, "dispute", dispute_id)
        return Dispute.model_validate({**dispute, "evidence": evidence})

    def list(self, caller: Caller, params: DisputeListParams) -> Page[DisputeSummary]:
        if params.engagement_id:
            self._escrow.engagement_for(caller, params.engagement_id)
        page = self._disputes.page(
            scope=f"dsps:{caller.user_id}:eng={params.engagement_id}:status={params.status}",
            owner=(caller.user_id, caller.user_type), engagement_id=params.engagement_id,
            status=params.status, limit=params.limit, cursor=params.cursor)
        return Page[DisputeSummary](data=[DisputeSummary.model_validate(i) for i in page.items],
                                    has_more=page.has_more, next_cursor=page.next_cursor)

    def add_evidence(self, caller: Caller, dispute_id: str, request: DisputeEvidence) -> Dispute:
        """Read with its evidence (one Query), so the answer (with this piece added) is
        written with the evidence; the transaction's conditions decide."""
        dispute, evidence = self._disputes.get_with_evidence(dispute_id)
        dispute = require_party(caller, dispute, "dispute", dispute_id)
        caller.require_manager("add dispute evidence")
        now = sortable(self._clock.now())
        added = new_evidence(dispute_id, caller.user_id, request.text, now)
        answer = Dispute.model_validate({
            **dispute, "status": "under_review", "updated_at": now,
            "evidence_count": int(dispute.get("evidence_count") or 0) + 1,
            "evidence": [*evidence, added]})
        try:
            with answer_in_commit(answer):
                self._disputes.add_evidence(dispute_id, caller.user_id, request.text, now, added)
        except DisputeClosed as exc:
            current = exc.item or {}
            if current.get("status") == "resolved" or current.get("resolution"):
                raise Conflict("This dispute has been decided; no more evidence is accepted.",
                               code="dispute_closed") from None
            raise Conflict("This dispute already has the maximum of 50 pieces of evidence.",
                           code="evidence_limit_reached") from None
        return answer

    # ------------------------------------------------------------------ deciding
    def accept(self, caller: Caller, dispute_id: str) -> tuple[int, Dispute]:
        """The party who did not open the dispute concedes it in full. The decision is written
        with the answer (202: the settlement follows, right after and again from the table
        stream); a dispute already settled this way answers 200."""
        dispute, evidence = self._disputes.get_with_evidence(dispute_id)
        dispute = require_party(caller, dispute, "dispute", dispute_id)
        caller.require_manager("accept disputes")
        if dispute["opened_by"] == caller.user_id:
            raise Forbidden("Only the other party can accept a dispute; the party who opened "
                            "it waits for their answer or for LeadNod's decision.")
        amount = int(dispute["amount"])
        client_opened = dispute["opened_by"] == dispute["client_id"]
        release, refund = (0, amount) if client_opened else (amount, 0)
        decided = self._decide(dispute, release, refund, "accepted", caller.user_id,
                               caller.user_id, evidence=evidence)
        view = Dispute.model_validate({**decided, "evidence": evidence})
        return (200 if view.status == "resolved" else 202), view

    def resolve(self, dispute_id: str, release: int, refund: int) -> DisputeRecord:
        """Operator decision: `release` to the sales pro, `refund` to the client."""
        dispute = self._disputes.get(dispute_id, consistent=True)
        if dispute is None:
            raise not_found("dispute", dispute_id)
        if release < 0 or refund < 0 or release + refund != int(dispute["amount"]):
            raise InvalidParameter(f"--release and --refund must be >= 0 and add up to the "
                                   f"disputed amount, {int(dispute['amount'])}.", param="release")
        return self._decide(dispute, release, refund, "operator", "operator")

    def _decide(self, dispute: DisputeRecord, release: int, refund: int, method: str,
                decided_by: str, conceding_party: str | None = None,
                evidence: Sequence[dict[str, Any]] | None = None) -> DisputeRecord:
        """Claim the decision, then settle. With `evidence` (a request's), the claim carries
        the request's answer: the dispute as decided, 202."""
        now, dsp = sortable(self._clock.now()), dispute["id"]
        resolution: Resolution = {"release": release, "refund": refund, "method": method,
                                  "decided_by": decided_by, "decided_at": now}
        # Ids fixed by the decision, so every settlement attempt writes the same.
        if release:
            resolution["release_payment_id"] = derived_id("pay", f"{dsp}:release")
            resolution["release_transfer_id"] = derived_id("txf", f"{dsp}:release")
        if refund:
            resolution["refund_payment_id"] = derived_id("pay", f"{dsp}:refund")
            resolution["refund_transfer_id"] = derived_id("txf", f"{dsp}:refund")
        answer = None if evidence is None else Dispute.model_validate(
            {**dispute, "resolution": resolution, "updated_at": now, "evidence": evidence})
        try:
            with answer_in_commit(answer, 202):
                decided = self._disputes.claim_resolution(
                    dsp, resolution, now, conceding_party,
                    current=dispute if evidence is not None else None)
        except DisputeDecided as exc:  # carries the dispute as it was: no second read
            decided = exc.item or {}
            previous = decided.get("resolution") or {}
            same = (int(previous.get("release", -1)), int(previous.get("refund", -1)))
            if same != (release, refund):
                raise Conflict("This dispute has already been decided.",
                               code="dispute_closed") from None
            if decided.get("status") == "resolved":
                return decided
        self.settle(decided)
        return decided

    def settle(self, dispute: DisputeRecord) -> None:
        """Settle a decided dispute: answer its waiting execution, or write the settlement.
        Run after the decision's commit and again from the table stream (followups.py): the
        settlement's ids derive from the dispute, so a second run writes nothing twice."""
        actions = self._movements.settle(dispute)
        token = dispute.get("task_token")
        wire = ledger.to_wire(actions, self._settings.table_name)
        if token and self._workflows.answer(token, {"items": wire}):
            return  # the waiting execution writes the settlement
        # no execution is waiting for this decision: write it here
        self._disputes.write_settlement(dispute["id"], actions)
