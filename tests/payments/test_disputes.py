"""Disputes: freeze, evidence, concede or operator decision, settlement by the Dispute machine."""
from __future__ import annotations

from argparse import Namespace

import pytest

from chalicelib.admin import commands
from chalicelib.errors import ApiError
from support.waiting import wait_until

from .conftest import audit, events_of, execution_of, wait_execution


def open_dispute(deal, amount, by=None, reason="The meetings never happened", key=None):
    answer = deal.post("/v1/payments/escrow/dispute",
                       {"engagement_id": deal.id, "amount": amount, "reason": reason},
                       as_=by or deal.client, key=key)
    assert answer.status == 201, answer.body
    return answer.json()


def resolved(deal, dispute_id):
    return wait_until(lambda: (d := deal.services.disputes_repo.get(dispute_id, consistent=True))
                      and d["status"] == "resolved" and d)


def test_opening_freezes_the_amount_and_tells_both_parties(make_deal, http):
    deal = make_deal(fresh=True)
    deal.fund(10_000)
    dispute = open_dispute(deal, 3_000, by=deal.pro, reason="Invoice 7 unpaid")
    assert dispute["id"].startswith("dsp_")
    assert (dispute["status"], dispute["amount"], dispute["currency"]) == ("open", 3_000, "usd")
    assert (dispute["opened_by"], dispute["evidence"], dispute["resolution"]) == (
        deal.pro.user_id, [], None)
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 10_000,
                              "released": 0, "refunded": 0, "in_dispute": 3_000,
                              "available": 7_000}
    engagement = deal.services.payments_repo.engagement(deal.id)
    assert engagement["open_disputes"] == 1
    for party in (deal.client, deal.pro):
        events = events_of(deal.services, party.user_id, "escrow.dispute")
        assert [e["data"]["status"] for e in events] == ["open"]
        assert events[0]["data"]["reason"] == "Invoice 7 unpaid"
        listed = http.get("/v1/payments/disputes", token=party.token).json()["data"]
        assert [d["id"] for d in listed] == [dispute["id"]]
        assert "evidence" not in listed[0] and listed[0]["evidence_count"] == 0
    # The execution stores its task token on the dispute and waits there.
    wait_until(lambda: deal.services.disputes_repo.get(dispute["id"], True).get("task_token"))
    assert deal.services.workflows.status(execution_of(deal.services, dispute["id"])) == "RUNNING"
    shown = http.get(f"/v1/payments/disputes/{dispute['id']}", token=deal.client.token).json()
    assert not {"task_token", "execution_arn"} & set(shown) and "execution_arn" not in dispute
    assert audit(deal.services, engagement_id=deal.id).ok
    deal.services.disputes.resolve(dispute["id"], 3_000, 0)  # leave nothing running


def test_only_available_escrow_can_be_disputed(make_deal):
    deal = make_deal()
    deal.fund(1_000)
    answer = deal.post("/v1/payments/escrow/dispute",
                       {"engagement_id": deal.id, "amount": 1_001, "reason": "x"})
    assert (answer.status, answer.error["code"]) == (400, "insufficient_escrow_balance")
    deal.set_status("pending")
    answer = deal.post("/v1/payments/escrow/dispute",
                       {"engagement_id": deal.id, "amount": 10, "reason": "x"})
    assert (answer.status, answer.error["code"]) == (409, "invalid_engagement_status")


def test_evidence_from_the_parties_moves_a_dispute_under_review(deal, http, people):
    deal.fund(2_000)
    dispute = open_dispute(deal, 500)
    path = f"/v1/payments/disputes/{dispute['id']}/evidence"
    first = deal.post(path, {"text": "Call log attached: zero calls in March."})
    assert first.status == 201
    assert (first.json()["status"], first.json()["evidence_count"]) == ("under_review", 1)
    second = deal.post(path, {"text": "Calls were logged in our CRM; export attached."},
                       as_=deal.pro)
    evidence = second.json()["evidence"]
    assert [e["submitted_by"] for e in evidence] == [deal.client.user_id, deal.pro.user_id]
    assert deal.post(path, {"text": ""}).status == 400
    assert deal.post(path, {"text": "x" * 5001}).error["param"] == "text"
    assert deal.post(path, {"text": "hi"}, as_=people.stranger).status == 404
    assert http.get(f"/v1/payments/disputes/{dispute['id']}",
                    token=people.stranger.token).status == 404
    filtered = http.get("/v1/payments/disputes?status=under_review&engagement_id=" + deal.id,
                        token=deal.pro.token).json()["data"]
    assert [d["id"] for d in filtered] == [dispute["id"]]
    deal.services.disputes.resolve(dispute["id"], 0, 500)


def test_the_other_party_concedes_by_accepting(make_deal, http):
    deal = make_deal(fresh=True)
    deal.fund(4_000)
    dispute = open_dispute(deal, 1_500)  # the client wants 1,500 back
    wait_until(lambda: deal.services.disputes_repo.get(dispute["id"], True).get("task_token"))
    path = f"/v1/payments/disputes/{dispute['id']}/accept"
    own = deal.post(path, as_=deal.client)
    assert (own.status, own.error["code"]) == (403, "forbidden")
    accepted = deal.post(path, as_=deal.pro)
    assert accepted.status in (200, 202)
    assert accepted.json()["resolution"]["method"] == "accepted"
    assert accepted.json()["resolution"]["decided_by"] == deal.pro.user_id
    final = resolved(deal, dispute["id"])
    assert (int(final["resolution"]["release"]), int(final["resolution"]["refund"])) == (0, 1_500)
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 4_000,
                              "released": 0, "refunded": 1_500, "in_dispute": 0,
                              "available": 2_500}
    assert deal.services.payments_repo.engagement(deal.id)["open_disputes"] == 0
    refund = http.get(f"/v1/payments/{final['resolution']['refund_payment_id']}",
                      token=deal.client.token).json()
    assert (refund["type"], refund["status"], refund["dispute_id"]) == (
        "escrow_refund", "succeeded", dispute["id"])
    assert wait_execution(deal.services, execution_of(deal.services, dispute["id"])) == "SUCCEEDED"
    again = deal.post(path, as_=deal.pro)  # the same concession again: nothing moves twice
    assert (again.status, again.json()["status"]) == (200, "resolved")
    assert deal.balance()["refunded"] == 1_500
    with pytest.raises(ApiError, match="already been decided"):
        deal.services.disputes.resolve(dispute["id"], 1_500, 0)
    evidence = deal.post(f"/v1/payments/disputes/{dispute['id']}/evidence", {"text": "late"})
    assert (evidence.status, evidence.error["code"]) == (409, "dispute_closed")
    statuses = [e["data"]["status"] for e in events_of(deal.services, deal.pro.user_id,
                                                       "escrow.dispute")]
    assert sorted(statuses) == ["open", "resolved"]
    assert audit(deal.services, engagement_id=deal.id).ok


def test_an_operator_splits_the_disputed_amount(make_deal, http):
    deal = make_deal(fresh=True)
    deal.fund(10_000)
    dispute = open_dispute(deal, 6_000, by=deal.pro)
    wait_until(lambda: deal.services.disputes_repo.get(dispute["id"], True).get("task_token"))
    with pytest.raises(ApiError, match="add up to the disputed amount, 6000"):
        commands.resolve_dispute(deal.services, Namespace(dispute_id=dispute["id"],
                                                          release=4_000, refund=1_000, wait=0))
    result = commands.resolve_dispute(deal.services, Namespace(
        dispute_id=dispute["id"], release=4_000, refund=2_000, wait=10))
    assert result["status"] == "resolved"
    assert (result["resolution"]["release"], result["resolution"]["refund"]) == (4_000, 2_000)
    assert result["resolution"]["method"] == "operator"
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 10_000,
                              "released": 4_000, "refunded": 2_000, "in_dispute": 0,
                              "available": 4_000}
    for party in (deal.client, deal.pro):
        released = [e for e in events_of(deal.services, party.user_id, "payment.released")
                    if e["data"].get("dispute_id") == dispute["id"]]
        assert len(released) == 1 and released[0]["data"]["amount"] == 4_000
        assert released[0]["data"]["trigger"] == "dispute_resolution"
    assert wait_execution(deal.services, execution_of(deal.services, dispute["id"])) == "SUCCEEDED"
    with pytest.raises(ApiError, match="already been decided"):
        deal.services.disputes.resolve(dispute["id"], 0, 6_000)
    # The same decision again is harmless (an operator retrying after a timeout).
    deal.services.disputes.resolve(dispute["id"], 4_000, 2_000)
    assert deal.balance()["released"] == 4_000
    assert audit(deal.services, engagement_id=deal.id).ok


def test_a_decision_before_the_execution_waits_is_settled_by_the_decider(deal, pay, monkeypatch):
    """If the execution has not stored its token (or never started), deciding writes the
    settlement directly; the execution then finds the decision and stops."""
    deal.fund(900)
    starts = []
    monkeypatch.setattr(pay.workflows, "start", lambda *args: starts.append(args) or "arn")
    dispute = open_dispute(deal, 900)
    assert starts and starts[0][0] == "dispute"
    pay.disputes.resolve(dispute["id"], 300, 600)
    assert pay.disputes_repo.get(dispute["id"], True)["status"] == "resolved"
    monkeypatch.undo()
    machine, name, payload = starts[0]
    arn = pay.workflows.start(machine, name, payload)  # the late start
    assert wait_execution(pay, arn) == "SUCCEEDED"
    history = pay.workflows._sfn.get_execution_history(executionArn=arn)["events"]
    assert any(e.get("stateEnteredEventDetails", {}).get("name") == "DecidedElsewhere"
               for e in history)
    balance = deal.balance()
    assert (balance["released"], balance["refunded"], balance["in_dispute"]) == (300, 600, 0)
    assert audit(pay, engagement_id=deal.id).ok
