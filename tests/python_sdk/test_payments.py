"""Escrow, payments and disputes through the SDK, sync and async, with the Step Functions
machines executing on moto and the payments consumer running."""
from __future__ import annotations

import uuid

import pytest

import leadnod
from leadnod.models import Dispute, EscrowBalance, Payment

from support.waiting import wait_until

from .conftest import active_engagement


def settled(sdk, client, payment_id):
    """The payment once its state machine has finished with it."""
    def done():
        payment = sdk.run(client.payments.retrieve(payment_id))
        return payment if payment.status != "processing" else None
    return wait_until(done, timeout=15)


def test_fund_release_refund_dispute_and_history(sdk, people):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    engagement = active_engagement(sdk, client, pro, people.pro.user_id)

    funding = sdk.run(client.payments.escrow.fund(engagement_id=engagement.id, amount=10000,
                                                  currency="usd"))
    assert isinstance(funding, Payment) and funding.type == "escrow_fund"
    assert funding.payment_method == "pm_card_visa"
    assert settled(sdk, client, funding.id).status == "succeeded"
    release = sdk.run(client.payments.escrow.release(engagement_id=engagement.id, amount=4000,
                                                     description="Milestone 1"))
    refund = sdk.run(client.payments.escrow.refund(engagement_id=engagement.id, amount=1000,
                                                   reason="Scope cut"))
    assert settled(sdk, client, release.id).status == "succeeded"
    assert settled(sdk, client, refund.id).status == "succeeded"

    balance = sdk.run(pro.payments.balance(engagement_id=engagement.id))
    assert isinstance(balance, EscrowBalance)
    assert (balance.funded, balance.released, balance.refunded, balance.available) == (
        10000, 4000, 1000, 5000)

    dispute = sdk.run(pro.payments.escrow.dispute(engagement_id=engagement.id, amount=1000,
                                                  reason="Invoice 2 unpaid"))
    assert isinstance(dispute, Dispute) and dispute.status == "open"
    with_evidence = sdk.run(pro.payments.disputes.add_evidence(
        dispute.id, text="Signed timesheet for week 2."))
    assert [e.text for e in with_evidence.evidence] == ["Signed timesheet for week 2."]
    listed = sdk.all(client.payments.disputes.list(engagement_id=engagement.id))
    assert [(d.id, d.evidence_count) for d in listed] == [(dispute.id, 1)]
    assert sdk.run(client.payments.balance(engagement_id=engagement.id)).in_dispute == 1000

    sdk.run(client.payments.disputes.accept(dispute.id))  # the client concedes in full
    resolved = wait_until(lambda: (lambda d: d if d.status == "resolved" else None)(
        sdk.run(client.payments.disputes.retrieve(dispute.id))), timeout=15)
    assert resolved.resolution.method == "accepted" and resolved.resolution.release == 1000

    history = sdk.all(client.payments.list(engagement_id=engagement.id, limit=2))
    assert {p.id for p in history} >= {funding.id, release.id, refund.id}
    assert {p.type for p in history} == {"escrow_fund", "escrow_release", "escrow_refund"}
    funds = sdk.all(client.payments.list(engagement_id=engagement.id, type="escrow_fund"))
    assert [p.id for p in funds] == [funding.id]
    totals = sdk.run(client.payments.balance())
    assert totals.engagement_id is None and totals.funded >= 10000


def test_a_lost_answer_is_retried_with_the_same_key_and_moves_money_once(sdk, people,
                                                                         no_sleep):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    engagement = active_engagement(sdk, client, pro, people.pro.user_id)
    sdk.transport.fail("/v1/payments/escrow/fund", kind="drop")  # processed, answer lost

    payment = sdk.run(client.payments.escrow.fund(engagement_id=engagement.id, amount=2500))

    first, retry = sdk.transport.sent("POST", "/v1/payments/escrow/fund")
    key = first.headers["idempotency-key"]
    assert str(uuid.UUID(key, version=4)) == key
    assert retry.headers["idempotency-key"] == key and first.body == retry.body
    assert first.status is None and retry.status in (201, 202) and len(no_sleep) == 1
    assert payment.id.startswith("pay_")
    settled(sdk, client, payment.id)
    funds = sdk.all(client.payments.list(engagement_id=engagement.id, type="escrow_fund"))
    assert [p.id for p in funds] == [payment.id]
    assert sdk.run(client.payments.balance(engagement_id=engagement.id)).funded == 2500


def test_own_idempotency_keys_are_sent_and_each_call_gets_its_own(sdk, people):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    engagement = active_engagement(sdk, client, pro, people.pro.user_id)
    key = f"order-{uuid.uuid4()}"
    first = sdk.run(client.payments.escrow.fund(engagement_id=engagement.id, amount=700,
                                                idempotency_key=key))
    again = sdk.run(client.payments.escrow.fund(engagement_id=engagement.id, amount=700,
                                                idempotency_key=key))
    assert again.id == first.id
    posts = sdk.transport.sent("POST", "/v1/")
    assert [p.headers["idempotency-key"] for p in posts[-2:]] == [key, key]
    generated = [p.headers["idempotency-key"] for p in posts[:-2]]
    assert len(generated) == len(set(generated)) == 3  # opportunity, engagement, start
    with pytest.raises(leadnod.InvalidRequestError) as reused:
        sdk.run(client.payments.escrow.fund(engagement_id=engagement.id, amount=800,
                                            idempotency_key=key))
    assert (reused.value.status, reused.value.code) == (422, "idempotency_key_reused")
