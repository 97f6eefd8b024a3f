"""What the engagement lifecycle triggers: auto-release after completion, refund on termination.
The engagements branch calls these entry points at merge time; here they are called directly
(review period: 1 s, dispute re-check: 1 s)."""
from __future__ import annotations

import pytest

from support.service_calls import read_caller
from support.waiting import wait_until

from .conftest import audit, events_of, execution_of, wait_execution, wait_payment
from .test_disputes import open_dispute


def test_completion_releases_the_remaining_escrow_after_the_review_period(make_deal, pay):
    deal = make_deal(fresh=True)
    deal.fund(8_000)
    deal.release(1_000)
    engagement = set_completed(deal)
    arn = pay.escrow.on_engagement_completed(engagement)
    assert arn.endswith(f":execution:leadnod-dev-escrow-auto-release:autorelease-{deal.id}")
    assert pay.escrow.on_engagement_completed(engagement) == arn  # once per engagement
    assert wait_execution(pay, arn, timeout=15) == "SUCCEEDED"
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 8_000,
                              "released": 8_000, "refunded": 0, "in_dispute": 0,
                              "available": 0}
    automatic = [e["data"] for e in events_of(pay, deal.pro.user_id, "payment.released")
                 if e["data"]["trigger"] == "auto_release"]
    assert [e["amount"] for e in automatic] == [7_000]
    payment = pay.payment_queries.get(read_caller(deal.client), automatic[0]["payment_id"])
    assert (payment.status, execution_of(pay, payment.id)) == ("succeeded", arn)
    assert audit(pay, engagement_id=deal.id).ok


def test_an_open_dispute_holds_the_auto_release_until_it_is_resolved(make_deal, pay):
    deal = make_deal()
    deal.fund(5_000)
    dispute = open_dispute(deal, 2_000)
    arn = pay.escrow.on_engagement_completed(set_completed(deal))
    # Past the review period the execution keeps re-checking: nothing moves while disputed.
    wait_until(lambda: any(e.get("stateEnteredEventDetails", {}).get("name") == "DisputeOpen"
                           for e in history(pay, arn)), timeout=10)
    assert deal.balance()["available"] == 3_000
    assert pay.workflows.status(arn) == "RUNNING"
    pay.disputes.resolve(dispute["id"], 500, 1_500)
    assert wait_execution(pay, arn, timeout=15) == "SUCCEEDED"
    balance = deal.balance()
    assert (balance["released"], balance["refunded"], balance["available"]) == (3_500, 1_500, 0)
    assert audit(pay, engagement_id=deal.id).ok


def test_a_refund_between_plan_and_write_cancels_the_auto_release_which_plans_again(make_deal,
                                                                                    pay):
    """Auto-release pins the balance it read: if money moved meanwhile, its write is cancelled
    and it plans again with the new balance."""
    deal = make_deal()
    deal.fund(3_000)
    engagement = set_completed(deal)
    plan = pay.payments_worker.auto_release_plan(deal.id, "arn:test")
    assert (plan["action"], plan["amount"]) == ("release", 3_000)
    pay.store.transact(pay.movements.payout(refund_payment(pay, deal, 1_000)))
    dynamodb = pay.client("dynamodb")  # the plan is low-level JSON, as Step Functions sends it
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=plan["items"])  # stale: cannot write
    arn = pay.escrow.on_engagement_completed(engagement)
    assert wait_execution(pay, arn, timeout=15) == "SUCCEEDED"
    assert deal.balance()["released"] == 2_000
    assert audit(pay, engagement_id=deal.id).ok


def test_termination_refunds_the_available_escrow_once(make_deal, pay):
    deal = make_deal()
    deal.fund(6_000)
    deal.release(2_500)
    deal.set_status("terminated")
    engagement = pay.payments_repo.engagement(deal.id)
    refund = pay.escrow.on_engagement_terminated(engagement)
    assert (refund.type, refund.amount) == ("escrow_refund", 3_500)
    assert wait_payment(pay, refund.id)["status"] == "succeeded"
    again = pay.escrow.on_engagement_terminated(engagement)  # a redelivered stream record
    assert again is None or again.id == refund.id
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 6_000,
                              "released": 2_500, "refunded": 3_500, "in_dispute": 0,
                              "available": 0}
    assert pay.escrow.on_engagement_terminated(pay.payments_repo.engagement(
        make_deal(status="terminated").id)) is None  # nothing in escrow: nothing to do
    assert audit(pay, engagement_id=deal.id).ok


# ------------------------------------------------------------------ helpers
def set_completed(deal):
    deal.set_status("completed")
    return deal.services.payments_repo.engagement(deal.id)


def history(pay, arn):
    return pay.workflows._sfn.get_execution_history(executionArn=arn)["events"]


def refund_payment(pay, deal, amount):
    """A refund payment row, created as the API would (for driving a transfer by hand)."""
    engagement = pay.payments_repo.engagement(deal.id)
    payment = pay.escrow._new_payment("pay_" + "z" * 18 + deal.id[-4:], "escrow_refund",
                                      engagement, amount, "usd")
    pay.payments_repo.create(payment, statuses=(engagement["status"],))
    return payment
