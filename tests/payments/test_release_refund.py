"""Release and refund (Release / Refund state machines), payment history and balances."""
from __future__ import annotations

from support.streams import StreamTap

from .conftest import audit, events_of, execution_of, wait_payment


def test_release_pays_the_pro_and_tells_both_parties_once(make_deal, http):
    deal = make_deal(fresh=True)
    deal.fund(10_000)
    answer = deal.post("/v1/payments/escrow/release", {"engagement_id": deal.id, "amount": 4_000,
                                                       "description": "Milestone 1"})
    assert answer.status in (201, 202)
    payment = wait_payment(deal.services, answer.json()["id"])
    assert (payment["type"], payment["status"]) == ("escrow_release", "succeeded")
    assert payment["description"] == "Milestone 1"
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 10_000,
                              "released": 4_000, "refunded": 0, "in_dispute": 0,
                              "available": 6_000}
    pro_totals = http.get("/v1/payments/balance?currency=usd", token=deal.pro.token).json()
    assert (pro_totals["released"], pro_totals["available"]) == (4_000, 6_000)
    payable = deal.services.store.get({"PK": f"USER#{deal.pro.user_id}",
                                       "SK": "ACCOUNT#payable#usd"})
    assert int(payable["balance"]) == 4_000
    for party in (deal.client, deal.pro):
        released = [e for e in events_of(deal.services, party.user_id, "payment.released")
                    if e["data"]["payment_id"] == payment["id"]]
        assert len(released) == 1
        assert released[0]["data"]["trigger"] == "client"
    assert audit(deal.services, engagement_id=deal.id).ok


def test_more_than_the_available_balance_is_refused_before_anything_starts(deal):
    deal.fund(1_000)
    answer = deal.post("/v1/payments/escrow/release", {"engagement_id": deal.id, "amount": 1_001})
    assert answer.status == 400
    assert (answer.error["code"], answer.error["param"]) == ("insufficient_escrow_balance",
                                                             "amount")
    assert answer.error["message"] == ("The amount 10.01 USD exceeds the available escrow "
                                       "balance of 10.00 USD.")
    history = deal.api.get(f"/v1/payments?engagement_id={deal.id}", token=deal.client.token)
    assert [p["type"] for p in history.json()["data"]] == ["escrow_fund"]


def test_a_payout_that_loses_the_race_fails_cleanly_in_the_state_machine(deal, pay):
    """The API's balance check is advice; the conditional write decides. Start a release
    directly (as if two requests had passed the check together) for more than there is."""
    from chalicelib.auth.caller import Caller
    from chalicelib.models.payments import ReleaseEscrow

    deal.fund(500)
    caller = Caller(deal.client.user_id, "client", "professional", frozenset({"write"}), "")
    original = pay.payments_repo.engagement_and_escrow

    def stale(engagement_id):  # the balance as another request saw it before spending it
        engagement, account = original(engagement_id)
        return engagement, {**account, "balance": 10_000}

    stream = StreamTap(pay, "escrow_followups")
    pay.payments_repo.engagement_and_escrow = stale
    try:
        status, payment = pay.escrow.release(caller, ReleaseEscrow(engagement_id=deal.id,
                                                                   amount=900), None)
    finally:
        pay.payments_repo.engagement_and_escrow = original
    assert status in (201, 202)
    failed = wait_payment(pay, payment.id)
    assert (failed["status"], failed["failure_code"]) == ("failed", "insufficient_escrow_balance")
    assert "Nothing was moved" in failed["failure_message"]
    assert deal.balance()["available"] == 500
    assert pay.workflows.status(execution_of(pay, payment.id)) == "SUCCEEDED"
    assert audit(pay, engagement_id=deal.id).ok
    stream.deliver()  # the machine failed it alone: its payment.failed event comes from the stream
    [event] = [e["data"] for e in events_of(pay, deal.pro.user_id, "payment.failed")
               if e["data"]["payment_id"] == payment.id]
    assert (event["type"], event["failure_code"]) == ("escrow_release",
                                                      "insufficient_escrow_balance")


def test_refunds_return_escrow_to_the_client(deal, http):
    deal.fund(3_000)
    answer = deal.post("/v1/payments/escrow/refund", {"engagement_id": deal.id, "amount": 1_200,
                                                      "reason": "Scope reduced"})
    refund = wait_payment(deal.services, answer.json()["id"])
    assert (refund["type"], refund["status"], refund["description"]) == (
        "escrow_refund", "succeeded", "Scope reduced")
    balance = deal.balance()
    assert (balance["refunded"], balance["available"]) == (1_200, 1_800)
    account = deal.services.store.get({"PK": f"USER#{deal.client.user_id}",
                                       "SK": "ACCOUNT#refund#usd"})
    assert int(account["balance"]) >= 1_200
    for party in (deal.client, deal.pro):  # beyond the docs' events: payment.refunded, once
        [event] = [e for e in events_of(deal.services, party.user_id, "payment.refunded")
                   if e["data"]["payment_id"] == refund["id"]]
        assert (event["data"]["amount"], event["data"]["trigger"]) == (1_200, "client")


def test_what_each_engagement_status_allows(make_deal):
    deal = make_deal()
    deal.fund(5_000)
    deal.set_status("terminated")
    release = deal.post("/v1/payments/escrow/release", {"engagement_id": deal.id, "amount": 10})
    assert (release.status, release.error["code"]) == (409, "invalid_engagement_status")
    refund = deal.post("/v1/payments/escrow/refund", {"engagement_id": deal.id, "amount": 10})
    assert refund.status in (201, 202)
    deal.set_status("completed")
    assert deal.release(10)["status"] == "succeeded"  # early release during the review period
    refund = deal.post("/v1/payments/escrow/refund", {"engagement_id": deal.id, "amount": 10})
    assert (refund.status, refund.error["code"]) == (409, "invalid_engagement_status")
    assert "pending or active or terminated" in refund.error["message"]


def test_history_pages_filters_and_is_shared_by_both_parties(make_deal, http):
    deal = make_deal(fresh=True)
    other = make_deal(client=deal.client, pro=deal.pro)
    funds = [deal.fund(1_000 + i) for i in range(3)]
    deal.fund(50, payment_method="pm_card_declined")
    release = deal.release(500)
    other.fund(70)

    def page(token, query):
        answer = http.get(f"/v1/payments?{query}", token=token)
        assert answer.status == 200, answer.body
        return answer.json()

    everything = page(deal.pro.token, "limit=100")["data"]
    assert len(everything) == 6
    assert [p["created_at"] for p in everything] == sorted(
        (p["created_at"] for p in everything), reverse=True)
    assert everything == page(deal.client.token, "limit=100")["data"]

    query = f"engagement_id={deal.id}&limit=2"
    first = page(deal.client.token, query)
    assert first["has_more"] and len(first["data"]) == 2
    second = page(deal.client.token, f"{query}&cursor={first['next_cursor']}")
    third = page(deal.client.token, f"{query}&cursor={second['next_cursor']}")
    ids = [p["id"] for p in first["data"] + second["data"] + third["data"]]
    assert len(ids) == len(set(ids)) == 5 and not third["has_more"]

    succeeded_funds = page(deal.client.token, "type=escrow_fund&status=succeeded")["data"]
    assert {p["id"] for p in succeeded_funds} == {f["id"] for f in funds} | {
        p["id"] for p in everything if p["engagement_id"] == other.id}
    failed = page(deal.client.token, "status=failed")["data"]
    assert [p["failure_code"] for p in failed] == ["card_declined"]
    releases = page(deal.pro.token, "type=escrow_release")["data"]
    assert [p["id"] for p in releases] == [release["id"]]

    since = funds[-1]["created_at"]  # stored with microseconds; `from` takes any ISO time
    recent = page(deal.client.token, f"engagement_id={deal.id}&from={since}")["data"]
    assert {p["id"] for p in recent} >= {funds[-1]["id"], release["id"]}
    assert funds[0]["id"] not in {p["id"] for p in recent}
    assert page(deal.client.token, "to=2000-01-01T00:00:00Z")["data"] == []

    bad_cursor = http.get(f"/v1/payments?cursor={first['next_cursor']}", token=deal.client.token)
    assert (bad_cursor.status, bad_cursor.error["code"]) == (400, "invalid_cursor")
