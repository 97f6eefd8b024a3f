"""Engagement analytics lists an engagement's payments from entries in its own partition, which
the table stream's `payment_entries` part keeps (services/analytics/payment_entries.py): one
Query reads the engagement, its days and its payments."""
from __future__ import annotations

from typing import Any

from chalicelib.storage.payment_entries import PaymentEntryRepository
from support.service_calls import table_operations
from support.streams import StreamTap


def new_deal(make_deal: Any, pay: Any) -> Any:
    """An engagement made as the API makes them now: with the entries flag."""
    deal = make_deal(fresh=True)
    pay.table.update_item(Key={"PK": f"ENG#{deal.id}", "SK": "ENG"},
                          UpdateExpression="SET payment_entries = :yes",
                          ExpressionAttributeValues={":yes": True})
    return deal


def analytics_payments(deal: Any, as_: Any) -> list[tuple[str, str, int]]:
    answer = deal.api.get(f"/v1/analytics/engagement/{deal.id}", token=as_.token)
    assert answer.status == 200, answer.body
    return [(p["type"], p["status"], p["amount"]) for p in answer.json()["payments"]]


def table_reads(pay: Any, call: Any) -> list[str]:
    with table_operations(pay) as seen:
        call()
    return [name for name in seen if name in ("GetItem", "Query", "BatchGetItem")]


def test_payments_reach_analytics_through_their_entries_in_one_query(make_deal, pay):
    deal = new_deal(make_deal, pay)
    stream = StreamTap(pay, "payment_entries")
    deal.fund(6_000)
    deal.release(2_500)
    assert stream.deliver() > 0
    expected = [("escrow_fund", "succeeded", 6_000), ("escrow_release", "succeeded", 2_500)]
    for party in (deal.client, deal.pro):
        assert analytics_payments(deal, party) == expected
    # The authorizer's GetItem, then the one Query: no GSI3 Query for the payments.
    reads = table_reads(pay, lambda: analytics_payments(deal, deal.client))
    assert reads == ["GetItem", "Query"]


def test_an_entry_follows_its_payment_and_replays_cannot_move_it_back(make_deal, pay):
    deal = new_deal(make_deal, pay)
    stream = StreamTap(pay, "payment_entries")
    deal.fund(3_000)
    stream.deliver()
    assert analytics_payments(deal, deal.client) == [("escrow_fund", "succeeded", 3_000)]
    # Every batch again, newest first (a replay in the wrong order): the entry stays settled.
    for batch in reversed(stream.batches):
        stream.handler(batch, None)
    assert analytics_payments(deal, deal.client) == [("escrow_fund", "succeeded", 3_000)]


def test_a_processing_image_never_overwrites_a_settled_entry(pay):
    entries = PaymentEntryRepository(pay.store)
    payment = {"id": "pay_x", "engagement_id": "eng_entries", "type": "escrow_fund",
               "amount": 100, "currency": "usd", "created_at": "2026-12-03T10:00:00.000000Z"}
    assert entries.record({**payment, "status": "processing"})
    assert entries.record({**payment, "status": "failed"})
    assert not entries.record({**payment, "status": "processing"}), "a late INSERT image"
    assert not entries.record({**payment, "status": "failed"}), "settled already: no write"
    stored = pay.table.get_item(Key={"PK": "ENG#eng_entries",
                                     "SK": "AGG#PAY#2026-12-03T10:00:00.000000Z#pay_x"})["Item"]
    assert stored["status"] == "failed"


def test_engagements_from_before_list_their_payments_as_before(make_deal, pay):
    """No flag: entries may be missing (payments older than the part), so GSI3 is read."""
    deal = make_deal(fresh=True)
    deal.fund(1_500)
    assert analytics_payments(deal, deal.client) == [("escrow_fund", "succeeded", 1_500)]
    reads = table_reads(pay, lambda: analytics_payments(deal, deal.client))
    assert reads == ["GetItem", "Query", "Query"]


def test_strangers_get_404_and_no_payments(make_deal, pay, people):
    deal = new_deal(make_deal, pay)
    stream = StreamTap(pay, "payment_entries")
    deal.fund(2_000)
    stream.deliver()
    for stranger in (people.stranger, people.new("sales_pro")):
        answer = deal.api.get(f"/v1/analytics/engagement/{deal.id}", token=stranger.token)
        assert answer.status == 404, answer.body
        assert answer.json()["error"]["code"] == "resource_missing"
        assert "payments" not in answer.json()
