"""A few hundred random movements, then the ledger must audit clean and every balance must equal
a model the test keeps. Each engagement's operations run in order (so the model predicts every
outcome exactly, refusals included) while the engagements run at once: they share one client
and one sales pro, so the user-level accounts and totals take concurrent writes."""
from __future__ import annotations

import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.auth.caller import Caller
from chalicelib.errors import ApiError
from chalicelib.ids import new_id
from chalicelib.models.payments import FundEscrow, OpenDispute, RefundEscrow, ReleaseEscrow

from .conftest import audit, put_engagement, wait_payment, wait_until

ENGAGEMENTS, OPERATIONS = 4, 51  # 204 operations


@dataclass
class Model:
    funded: int = 0
    released: int = 0
    refunded: int = 0
    holds: dict[str, tuple[int, str]] = field(default_factory=dict)  # dispute -> (amount, opener)

    @property
    def in_dispute(self) -> int:
        return sum(amount for amount, _ in self.holds.values())

    @property
    def available(self) -> int:
        return self.funded - self.released - self.refunded - self.in_dispute


def run_engagement(pay, engagement_id, client, pro, seed):
    rng, model, log = random.Random(seed), Model(), defaultdict(int)
    as_client, as_pro = (Caller(a.user_id, a.type, "professional", frozenset({"write"}), "")
                         for a in (client, pro))
    for _ in range(OPERATIONS):
        op = rng.choices(["fund", "release", "refund", "dispute", "decide"],
                         weights=[3, 3, 2, 2, 2])[0]
        amount = rng.randint(1, 5_000) if op == "fund" else rng.randint(1, model.available + 800)
        fields = {"engagement_id": engagement_id, "amount": amount}
        if op == "decide" and model.holds:
            dispute_id = rng.choice(sorted(model.holds))
            held, opener = model.holds.pop(dispute_id)
            if rng.random() < 0.5:  # the other party concedes in full
                other = as_pro if opener == client.user_id else as_client
                pay.disputes.accept(other, dispute_id)
                release = held if opener == pro.user_id else 0
            else:
                release = rng.randint(0, held)
                pay.disputes.resolve(dispute_id, release, held - release)
            wait_until(lambda: pay.disputes_repo.get(dispute_id, True)["status"] == "resolved")
            model.released, model.refunded = model.released + release, \
                model.refunded + held - release
        elif op == "fund":
            declined = rng.random() < 0.1
            method = "pm_card_declined" if declined else "pm_card_visa"
            _, payment = pay.escrow.fund(as_client, FundEscrow(**fields, payment_method=method),
                                         new_id("pay"))
            status = wait_payment(pay, payment.id)["status"]
            assert status == ("failed" if declined else "succeeded")
            model.funded += 0 if declined else amount
        elif op in ("release", "refund", "dispute"):
            enough = amount <= model.available
            try:
                if op == "dispute":
                    by = rng.choice([as_client, as_pro])
                    _, dispute = pay.disputes.open(by, OpenDispute(**fields, reason="r"),
                                                   new_id("dsp"))
                    model.holds[dispute.id] = (amount, by.user_id)
                else:
                    request = (ReleaseEscrow if op == "release" else RefundEscrow)(**fields)
                    _, payment = getattr(pay.escrow, op)(as_client, request, new_id("pay"))
                    assert wait_payment(pay, payment.id)["status"] == "succeeded"
                    counter = "released" if op == "release" else "refunded"
                    setattr(model, counter, getattr(model, counter) + amount)
                assert enough, f"{op} of {amount} accepted with {model.available} available"
            except ApiError as refused:
                assert not enough and refused.code == "insufficient_escrow_balance", refused
        log[op] += 1
    for dispute_id, (held, _) in sorted(model.holds.items()):  # leave nothing waiting
        pay.disputes.resolve(dispute_id, held, 0)
        wait_until(lambda: pay.disputes_repo.get(dispute_id, True)["status"] == "resolved")
        model.released += held
    model.holds.clear()
    return model, log


def test_a_few_hundred_random_movements_keep_the_ledger_exact(pay, people, http):
    client, pro = people.new("client"), people.new("sales_pro")
    engagements = [put_engagement(pay, client.user_id, pro.user_id) for _ in range(ENGAGEMENTS)]
    with ThreadPoolExecutor(ENGAGEMENTS) as pool:
        results = list(pool.map(lambda args: run_engagement(pay, *args),
                                [(e, client, pro, 7919 * i) for i, e in enumerate(engagements)]))
    assert sum(sum(log.values()) for _, log in results) == ENGAGEMENTS * OPERATIONS
    for engagement_id, (model, _) in zip(engagements, results):
        balance = http.get(f"/v1/payments/balance?engagement_id={engagement_id}",
                           token=client.token).json()
        assert balance == {"engagement_id": engagement_id, "currency": "usd",
                           "funded": model.funded, "released": model.released,
                           "refunded": model.refunded, "in_dispute": 0,
                           "available": model.available}
        assert audit(pay, engagement_id=engagement_id).ok
    totals = {k: sum(getattr(m, k) for m, _ in results) for k in ("funded", "released",
                                                                 "refunded", "available")}
    for account in (client, pro):
        mine = http.get("/v1/payments/balance", token=account.token).json()
        assert {k: mine[k] for k in totals} == totals
    accounts = {sk: int((pay.store.get({"PK": f"USER#{user}", "SK": sk}) or {}).get("balance", 0))
                for user, sk in ((client.user_id, "ACCOUNT#ext#usd"),
                                 (pro.user_id, "ACCOUNT#payable#usd"),
                                 (client.user_id, "ACCOUNT#refund#usd"))}
    assert accounts == {"ACCOUNT#ext#usd": -totals["funded"],
                        "ACCOUNT#payable#usd": totals["released"],
                        "ACCOUNT#refund#usd": totals["refunded"]}
    report = audit(pay)  # the whole ledger: everything every test wrote so far
    assert report.ok, report.discrepancies
    assert report.totals["usd"]["balances"] == 0
