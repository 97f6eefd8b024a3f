"""Idempotency-Key on the POSTs that move money (Powertools Idempotency on the single table)."""
from __future__ import annotations

import threading

import pytest

from chalicelib.errors import Conflict, Unprocessable
from chalicelib.services.idempotency import Answer
from support.service_calls import read_caller

from .conftest import wait_payment


def test_the_same_key_and_body_replays_the_first_answer_and_moves_money_once(make_deal, pay):
    deal = make_deal(fresh=True)
    body = {"engagement_id": deal.id, "amount": 2_500}
    first = deal.post("/v1/payments/escrow/fund", body, key="fund-order-42")
    assert first.status in (201, 202) and "idempotent-replayed" not in first.headers
    wait_payment(pay, first.json()["id"])
    again = deal.post("/v1/payments/escrow/fund", body, key="fund-order-42")
    assert again.status == first.status
    assert again.json() == first.json()  # the first answer, as it was (status included)
    assert again.headers["idempotent-replayed"] == "true"
    assert deal.balance()["funded"] == 2_500
    from chalicelib.services.idempotency import record_key

    record = pay.store.get(record_key(deal.client.user_id, "fund-order-42"))
    assert record["status"] == "COMPLETED" and int(record["ttl"]) > 0


def test_the_same_key_with_another_body_or_endpoint_is_refused(deal):
    deal.fund(3_000)
    body = {"engagement_id": deal.id, "amount": 100}
    assert deal.post("/v1/payments/escrow/release", body, key="k-1").status in (201, 202)
    changed = deal.post("/v1/payments/escrow/release", {**body, "amount": 101}, key="k-1")
    assert changed.status == 422
    assert (changed.error["code"], changed.error["param"]) == ("idempotency_key_reused",
                                                               "Idempotency-Key")
    elsewhere = deal.post("/v1/payments/escrow/refund", body, key="k-1")
    assert (elsewhere.status, elsewhere.error["code"]) == (422, "idempotency_key_reused")
    # Keys belong to the caller: another account may use the same key for its own request.
    other = deal.post("/v1/payments/escrow/dispute", {**body, "reason": "x"}, as_=deal.pro,
                      key="k-1")
    assert other.status == 201
    deal.services.disputes.resolve(other.json()["id"], 100, 0)


def test_a_refused_request_is_not_remembered(deal):
    body = {"engagement_id": deal.id, "amount": 400}
    refused = deal.post("/v1/payments/escrow/release", body, key="release-after-funding")
    assert refused.error["code"] == "insufficient_escrow_balance"
    deal.fund(400)
    retried = deal.post("/v1/payments/escrow/release", body, key="release-after-funding")
    assert retried.status in (201, 202)
    assert wait_payment(deal.services, retried.json()["id"])["status"] == "succeeded"


def test_a_concurrent_duplicate_gets_409_while_the_first_runs(pay, people):
    inside, release = threading.Event(), threading.Event()

    def slow() -> Answer:
        inside.set()
        release.wait(5)
        return Answer(202, {"id": "pay_slow"})

    first: list[Answer] = []
    runner = threading.Thread(target=lambda: first.append(pay.idempotency.run(
        user_id=people.client.user_id, route="fund", key="dup-1", body={"amount": 1},
        action=slow)))
    runner.start()
    assert inside.wait(5)
    with pytest.raises(Conflict) as busy:
        pay.idempotency.run(user_id=people.client.user_id, route="fund", key="dup-1",
                            body={"amount": 1}, action=lambda: Answer(202, {"id": "pay_other"}))
    assert busy.value.code == "idempotency_key_in_use" and busy.value.status == 409
    release.set()
    runner.join(5)
    assert first == [Answer(202, {"id": "pay_slow"})]
    replay = pay.idempotency.run(user_id=people.client.user_id, route="fund", key="dup-1",
                                 body={"amount": 1}, action=lambda: Answer(500, {}))
    assert replay == Answer(202, {"id": "pay_slow"}, replayed=True)
    with pytest.raises(Unprocessable):
        pay.idempotency.run(user_id=people.client.user_id, route="fund", key="dup-1",
                            body={"amount": 2}, action=lambda: Answer(500, {}))


def test_a_crash_between_creating_and_starting_is_resumed_by_the_stream(deal, pay, monkeypatch):
    """The payment and the request's record commit together, so a retry after a crash before
    the execution started is replayed (it cannot start it); the payment's INSERT on the table
    stream starts it (escrow_followups), once."""
    from support.streams import StreamTap

    def crash(*_args):
        raise RuntimeError("Lambda timed out")

    deal.fund(800)
    stream = StreamTap(pay, "escrow_followups")
    monkeypatch.setattr(pay.workflows, "start", crash)
    body = {"engagement_id": deal.id, "amount": 800}
    crashed = deal.post("/v1/payments/escrow/release", body, key="crash-1")
    assert (crashed.status, crashed.error["code"]) == (500, "internal_error")
    monkeypatch.undo()
    stuck = [p for p in pay.payment_queries.history(
        read_caller(deal.client), _params(deal.id)).data if p.type == "escrow_release"]
    assert [p.status for p in stuck] == ["processing"]
    retried = deal.post("/v1/payments/escrow/release", body, key="crash-1")
    assert (retried.status, retried.headers["idempotent-replayed"]) == (202, "true")
    assert retried.json()["id"] == stuck[0].id
    assert stream.deliver() > 0
    assert wait_payment(pay, stuck[0].id)["status"] == "succeeded"
    stream.redeliver()  # a second start of the same payment is a no-op
    assert deal.balance()["released"] == 800


# ------------------------------------------------------------------ helpers


def _params(engagement_id):
    from chalicelib.models.payments import PaymentListParams

    return PaymentListParams(engagement_id=engagement_id)
