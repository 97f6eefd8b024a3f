"""Races: concurrent movements of the same money, from threads against the in-process moto
(whose DynamoDB calls are atomic, as in AWS). Exactly one spend of the same money may win.

Requests run through the services, not the HTTP test client: Chalice keeps the current request
in one attribute of the app, so a threaded test client (or `chalice local`) can hand one thread
another's body. In Lambda each invocation has the process to itself."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib.auth.caller import Caller
from chalicelib.errors import ApiError
from chalicelib.ids import new_id
from chalicelib.models.payments import FundEscrow, OpenDispute, RefundEscrow, ReleaseEscrow

from .conftest import audit, execution_of, wait_execution, wait_payment

REQUESTS = {"fund": FundEscrow, "release": ReleaseEscrow, "refund": RefundEscrow,
            "dispute": OpenDispute}


def attempt(deal, kind, amount, account):
    """Run one request; 'won', or the code it lost with (at once, or in its execution)."""
    services = deal.services
    caller = Caller(account.user_id, account.type, "professional", frozenset({"write"}), "")
    fields = {"engagement_id": deal.id, "amount": amount}
    try:
        if kind == "dispute":
            _, dispute = services.disputes.open(caller, OpenDispute(**fields, reason="Not done"),
                                                new_id("dsp"))
            return "won", dispute
        _, payment = getattr(services.escrow, kind)(caller, REQUESTS[kind](**fields),
                                                    new_id("pay"))
    except ApiError as refused:
        return refused.code, None
    final = wait_payment(services, payment.id)
    return ("won" if final["status"] == "succeeded" else final["failure_code"]), payment


def race(deal, requests):
    """Run (kind, amount, account) requests at once; return [(outcome, object)]."""
    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: attempt(deal, *r), requests))


def test_eight_concurrent_releases_of_the_full_balance_release_it_once(make_deal):
    deal = make_deal(fresh=True)
    deal.fund(10_000)
    outcomes = [o for o, _ in race(deal, [("release", 10_000, deal.client)] * 8)]
    assert outcomes.count("won") == 1, outcomes
    assert set(outcomes) == {"won", "insufficient_escrow_balance"}
    assert deal.balance() == {"engagement_id": deal.id, "currency": "usd", "funded": 10_000,
                              "released": 10_000, "refunded": 0, "in_dispute": 0,
                              "available": 0}
    payable = deal.services.store.get({"PK": f"USER#{deal.pro.user_id}",
                                       "SK": "ACCOUNT#payable#usd"})
    assert int(payable["balance"]) == 10_000
    report = audit(deal.services, engagement_id=deal.id)
    assert report.ok, report.discrepancies


def test_release_dispute_and_refund_racing_for_the_same_money_one_wins(make_deal):
    for _ in range(3):
        deal = make_deal()
        deal.fund(5_000)
        results = race(deal, [("release", 5_000, deal.client), ("dispute", 5_000, deal.pro),
                              ("refund", 5_000, deal.client), ("release", 5_000, deal.client)])
        outcomes = [o for o, _ in results]
        assert outcomes.count("won") == 1, outcomes
        assert set(outcomes) <= {"won", "insufficient_escrow_balance"}
        balance = deal.balance()
        assert balance["available"] == 0
        assert balance["released"] + balance["refunded"] + balance["in_dispute"] == 5_000
        for result, created in results:  # settle a winning dispute: leave nothing waiting
            if result == "won" and created.id.startswith("dsp_"):
                deal.services.disputes.resolve(created.id, 2_500, 2_500)
                arn = execution_of(deal.services, created.id)
                assert wait_execution(deal.services, arn) == "SUCCEEDED"
        report = audit(deal.services, engagement_id=deal.id)
        assert report.ok, report.discrepancies


def test_funding_and_spending_concurrently_never_lose_a_credit(make_deal):
    """Credits and debits of one escrow interleave; every succeeded one is counted once."""
    deal = make_deal()
    deal.fund(1_000)
    results = race(deal, [("fund", 1_000, deal.client), ("release", 700, deal.client)] * 3)
    won = {"fund": 0, "release": 0}
    for result, payment in results:
        if result == "won":
            won["fund" if payment.type == "escrow_fund" else "release"] += 1
    assert won["fund"] == 3  # funding never loses
    balance = deal.balance()
    assert balance["funded"] == 4_000 and balance["released"] == 700 * won["release"]
    assert balance["available"] == 4_000 - 700 * won["release"] >= 0
    assert audit(deal.services, engagement_id=deal.id).ok
