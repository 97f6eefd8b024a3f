"""Funding escrow: the Fund state machine charges through the payments queue, then credits."""
from __future__ import annotations

import json
import threading
from dataclasses import replace

from support.streams import StreamTap
from support.waiting import wait_until

from .conftest import audit, events_of, execution_of, wait_payment


def test_fund_charges_then_credits_escrow_once(make_deal, http):
    deal = make_deal(fresh=True)
    answer = deal.post("/v1/payments/escrow/fund", {"engagement_id": deal.id, "amount": 25_000})
    assert answer.status in (201, 202)
    first = answer.json()
    assert first["id"].startswith("pay_") and first["type"] == "escrow_fund"
    assert first["status"] in ("processing", "succeeded")
    assert (answer.status == 202) == (first["status"] == "processing")
    assert first["payment_method"] == "pm_card_visa"  # the sandbox default
    assert "execution_arn" not in first  # internal: stored, never answered
    assert ":execution:leadnod-dev-escrow-fund:fund-" in execution_of(deal.services, first["id"])

    payment = wait_payment(deal.services, first["id"])
    assert payment["status"] == "succeeded" and payment["charge_id"].startswith("ch_")
    view = http.get(f"/v1/payments/{first['id']}", token=deal.pro.token).json()
    assert view["status"] == "succeeded" and view["failure_code"] is None
    assert "execution_arn" not in view and "arn:aws" not in json.dumps(view)
    assert {view["client_id"], view["sales_pro_id"]} == {deal.client.user_id, deal.pro.user_id}
    assert view["amount"] == 25_000 and view["currency"] == "usd"
    expected = {"engagement_id": deal.id, "currency": "usd", "funded": 25_000, "released": 0,
                "refunded": 0, "in_dispute": 0, "available": 25_000}
    assert deal.balance() == deal.balance(as_=deal.pro) == expected
    totals = http.get("/v1/payments/balance", token=deal.client.token).json()
    assert totals == {**expected, "engagement_id": None}

    for party in (deal.client, deal.pro):  # both parties hear of it, exactly once
        for event_type in ("payment.received", "escrow.funded"):
            events = [e for e in events_of(deal.services, party.user_id, event_type)
                      if e["data"]["payment_id"] == first["id"]]
            assert len(events) == 1, (party.type, event_type)
            assert events[0]["data"]["amount"] == 25_000
    assert deal.services.workflows.status(execution_of(deal.services, first["id"])) == "SUCCEEDED"
    assert audit(deal.services, engagement_id=deal.id).ok


def failure_events(deal, payment_id):
    return {party.user_id: [e["data"] for e in events_of(deal.services, party.user_id,
                                                         "payment.failed")
                            if e["data"]["payment_id"] == payment_id]
            for party in (deal.client, deal.pro)}


def test_a_declined_card_fails_the_payment_and_moves_nothing(deal, pay):
    stream = StreamTap(pay, "escrow_followups")
    payment = deal.fund(5_000, payment_method="pm_card_declined")
    assert payment["status"] == "failed"
    assert payment["failure_code"] == "card_declined"
    assert "declined" in payment["failure_message"]
    assert "generic_decline" in payment["failure_message"]
    assert deal.balance()["funded"] == 0
    assert not [e for e in events_of(deal.services, deal.client.user_id, "payment.received")
                if e["data"]["payment_id"] == payment["id"]]
    # The transfer id was chosen with the payment and never written:
    assert deal.services.store.get({"PK": f"TXF#{payment['transfer_id']}", "SK": "TXF"}) is None
    assert audit(deal.services, engagement_id=deal.id).ok
    # Beyond the docs' events: the decline is announced to both parties, once.
    for party in (deal.client, deal.pro):
        [failed] = [e for e in events_of(deal.services, party.user_id, "payment.failed")
                    if e["data"]["payment_id"] == payment["id"]]
        assert failed["data"]["failure_code"] == "card_declined"
        assert failed["data"]["amount"] == 5_000
    # Written with the failure by the payments worker: the stream follow-up adds none.
    stream.deliver()
    assert [len(found) for found in failure_events(deal, payment["id"]).values()] == [1, 1]


def test_unknown_test_cards_fail_clearly(deal):
    payment = deal.fund(100, payment_method="pm_card_unknown")
    assert payment["failure_code"] == "invalid_payment_method"
    assert "pm_card_visa" in payment["failure_message"]


def test_escrow_keeps_the_currency_of_its_first_funding(deal):
    assert deal.fund(1_000, currency="EUR")["currency"] == "eur"
    answer = deal.post("/v1/payments/escrow/fund",
                       {"engagement_id": deal.id, "amount": 1_000, "currency": "usd"})
    assert answer.status == 400
    assert (answer.error["code"], answer.error["param"]) == ("currency_mismatch", "currency")
    assert "eur" in answer.error["message"]
    assert deal.balance()["currency"] == "eur"


def test_zero_decimal_currencies_count_whole_units(make_deal):
    deal = make_deal()
    deal.fund(5_000, currency="jpy")
    answer = deal.post("/v1/payments/escrow/release", {"engagement_id": deal.id, "amount": 6_000})
    assert answer.error["code"] == "insufficient_escrow_balance"
    assert "6,000 JPY" in answer.error["message"] and "5,000 JPY" in answer.error["message"]


def test_only_pending_or_active_engagements_take_funds(make_deal):
    assert make_deal(status="pending").fund(100)["status"] == "succeeded"
    for status in ("completed", "terminated"):
        deal = make_deal(status=status)
        answer = deal.post("/v1/payments/escrow/fund", {"engagement_id": deal.id, "amount": 100})
        assert answer.status == 409, status
        assert answer.error["code"] == "invalid_engagement_status"
        assert status in answer.error["message"]


def test_a_charge_timeout_fails_the_payment_and_a_late_charge_is_refunded(deal, pay, monkeypatch):
    """The processor answers after the Fund machine stopped waiting: the payment is failed
    and the money is given back, never credited."""
    processor = pay.payment_processor
    monkeypatch.setattr(pay, "payment_settings", replace(pay.payment_settings,
                                                         charge_timeout_seconds=1))
    monkeypatch.setattr(pay.escrow, "_settings", pay.payment_settings)
    charged = threading.Event()
    real_charge = processor.charge

    def slow_charge(**kwargs):
        wait_payment(pay, kwargs["idempotency_key"], timeout=10)  # until the timeout hit
        charged.set()
        return real_charge(**kwargs)

    monkeypatch.setattr(processor, "charge", slow_charge)
    stream = StreamTap(pay, "escrow_followups")
    payment = deal.fund(700)
    assert (payment["status"], payment["failure_code"]) == ("failed", "charge_timeout")
    # The machine's MarkFailed wrote the payment alone; the stream gives both parties its
    # payment.failed event, once however often the record comes.
    stream.deliver()
    stream.redeliver()
    for found in failure_events(deal, payment["id"]).values():
        assert [(e["failure_code"], e["amount"]) for e in found] == [("charge_timeout", 700)]
    assert charged.wait(10)
    charge_id = processor.charge_id(payment["id"])
    wait_until(lambda: ("refund", charge_id) in processor.log)
    assert ("charge", charge_id) in processor.log
    assert deal.balance()["funded"] == 0
    assert wait_payment(pay, payment["id"])["status"] == "failed"
    assert audit(pay, engagement_id=deal.id).ok
