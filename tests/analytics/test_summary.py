"""`GET /v1/analytics/summary` for clients and sales pros, from the aggregates."""
from __future__ import annotations

import pytest

from .builders import (activity_event, apply, at, days_ago, engagement_event, money_event,
                       put_engagement, put_interest)

STATUS_AFTER = {"created": "pending", "started": "active", "completed": "completed"}


@pytest.fixture(scope="module")
def history(module_services, new_party):
    """Two engagements of `client`: one active with `pro`, one completed with `other_pro`."""
    services = module_services
    client, pro, other_pro = new_party("client"), new_party("sales_pro"), new_party("sales_pro")
    active = put_engagement(services, client.user_id, pro.user_id, commission_rate=0.2)
    done = put_engagement(services, client.user_id, other_pro.user_id)
    for eng, statuses in ((active, ("created", "started")),
                          (done, ("created", "started", "completed"))):
        for verb in statuses:
            apply(services, engagement_event(eng, verb, STATUS_AFTER[verb]))
    for n, kind in enumerate(("call", "call", "meeting", "demo", "proposal")):
        apply(services, activity_event(active, kind, at(days_ago(40 - n))))
    apply(services, activity_event(active, "deal_closed", at(days_ago(5)), value=20_000))
    apply(services, money_event(active, "escrow.funded", 10_000))
    apply(services, money_event(active, "payment.released", 3_000))
    apply(services, ("opportunity.created", {
        "opportunity_id": "opp_h1", "client_id": client.user_id, "status": "open",
        "title": "AE", "industry": "saas"}, [client.user_id]))
    return {"active": active, "done": done, "client": client, "pro": pro}


def test_client_summary_counts_everything_the_client_owns(api, history):
    client = history["client"]
    answer = api.get("/v1/analytics/summary", token=client.token)
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["account_type"] == "client" and body["from"] is None and body["currency"] == "usd"
    assert body["engagements_by_status"] == {"pending": 0, "active": 1, "completed": 1,
                                             "terminated": 0}
    assert body["opportunities_by_status"] == {"open": 1, "paused": 0, "closed": 0}
    assert body["activities"]["total"] == 6
    assert body["activities"]["by_type"]["call"] == 2
    assert (body["deals_closed"], body["revenue_generated"]) == (1, 20_000)
    assert body["commission"] == {"earned": 4_000, "paid": 3_000, "owed": 1_000}
    assert body["escrow"] == {"funded": 10_000, "released": 3_000, "available": 7_000}
    assert body["active_sales_pros"] == 1 and body["engagements_created"] == 2


def test_summary_range_counts_only_days_inside_it(api, history):
    client = history["client"]
    recent = api.get(f"/v1/analytics/summary?from={days_ago(10)}", token=client.token)
    body = recent.json()
    assert body["from"] == days_ago(10).isoformat()
    assert body["activities"]["total"] == 1 and body["deals_closed"] == 1
    old = api.get(f"/v1/analytics/summary?from={days_ago(60)}&to={days_ago(30)}",
                  token=client.token).json()
    assert old["activities"]["by_type"] == {"call": 2, "email": 0, "meeting": 1, "demo": 1,
                                            "proposal": 1, "deal_closed": 0, "note": 0}
    assert old["engagements_by_status"]["active"] == 1  # statuses are always "now"


def test_sales_pro_summary_shows_earnings_and_interest_conversion(api, services, history):
    client, pro = history["client"], history["pro"]
    for n in range(4):
        put_interest(services, f"opp_i{n}", client.user_id, pro.user_id, at(days_ago(50 + n)))
    body = api.get("/v1/analytics/summary", token=pro.token).json()
    assert body["account_type"] == "sales_pro"
    assert body["engagements_by_status"]["active"] == 1 and body["engagements_created"] == 1
    assert body["earnings"] == {"commission_earned": 4_000, "released": 3_000, "pending": 7_000}
    assert (body["interests_sent"], body["interest_to_engagement_conversion"]) == (4, 0.25)
    assert "escrow" not in body and "opportunities_by_status" not in body


def test_escrow_figures_come_from_the_ledger_when_it_exists(api, services, client):
    services.table.put_item(Item={"PK": f"USER#{client.user_id}", "SK": "ESCROW#usd",
                                  "funded": 10_000, "released": 3_000, "refunded": 1_000,
                                  "in_dispute": 500, "available": 5_500})
    body = api.get("/v1/analytics/summary", token=client.token).json()
    assert body["escrow"]["available"] == 5_500


def test_another_account_sees_none_of_it(api, other_client, history):
    body = api.get("/v1/analytics/summary", token=other_client.token).json()
    assert body["activities"]["total"] == 0 and body["active_sales_pros"] == 0
    assert body["escrow"] == {"funded": 0, "released": 0, "available": 0}


@pytest.mark.parametrize("query, param", [
    ("from=2026-03-01&to=2026-02-01", "from"),
    ("from=yesterday", "from"),
    ("to=2026-13-01", "to"),
    ("currency=USD", "currency"),
    ("group_by=day", "group_by"),
])
def test_bad_summary_parameters_are_400_naming_the_param(api, client, query, param):
    answer = api.get(f"/v1/analytics/summary?{query}", token=client.token)
    assert answer.status == 400 and answer.error["param"] == param
    assert answer.error["code"] == "invalid_parameter"


def test_summary_needs_a_token(api):
    assert api.get("/v1/analytics/summary").status == 401
