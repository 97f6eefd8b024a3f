"""`GET /v1/analytics/engagement/{id}`: series, funnel and payments, for the parties only."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from .builders import activity_event, apply, at, days_ago, put_engagement, put_payment


@pytest.fixture(scope="module")
def engagement(module_services, new_party):
    services = module_services
    client, pro = new_party("client"), new_party("sales_pro")
    eng = put_engagement(services, client.user_id, pro.user_id, created=days_ago(20),
                         commission_rate=0.1)
    plan = [(15, "call"), (15, "call"), (15, "call"), (15, "call"), (12, "meeting"),
            (12, "meeting"), (8, "demo"), (4, "proposal")]
    for ago, kind in plan:
        apply(services, activity_event(eng, kind, at(days_ago(ago))))
    apply(services, activity_event(eng, "deal_closed", at(days_ago(2)), value=50_000))
    put_payment(services, eng, 20_000, at(days_ago(18)))
    put_payment(services, eng, 5_000, at(days_ago(1)), kind="escrow_release")
    return {**eng, "parties": (client, pro)}


def test_parties_see_series_funnel_and_payments(api, engagement):
    for party in engagement["parties"]:
        answer = api.get(f"/v1/analytics/engagement/{engagement['id']}", token=party.token)
        assert answer.status == 200, answer.body
        body = answer.json()
        assert body["from"] == days_ago(20).isoformat() and body["to"] == days_ago(0).isoformat()
        assert len(body["daily"]) == 21  # every day, quiet ones as zeros
        by_day = {p["date"]: p for p in body["daily"]}
        assert by_day[days_ago(15).isoformat()]["activities"] == 4
        assert by_day[days_ago(2).isoformat()] == {"date": days_ago(2).isoformat(),
                                                    "activities": 1, "deals_closed": 1,
                                                    "revenue": 50_000}
        assert sum(w["activities"] for w in body["weekly"]) == 9
        assert all(w["week_start"] <= days_ago(0).isoformat() for w in body["weekly"])
        assert [(s["stage"], s["count"], s["conversion_rate"]) for s in body["funnel"]] == [
            ("calls", 4, None), ("meetings", 2, 0.5), ("demos", 1, 0.5),
            ("proposals", 1, 1.0), ("deals", 1, 1.0)]
        assert body["overall_conversion_rate"] == 0.25
        assert body["totals"]["revenue"] == 50_000 and body["totals"]["commission"] == 5_000
        assert [(p["type"], p["amount"]) for p in body["payments"]] == [
            ("escrow_fund", 20_000), ("escrow_release", 5_000)]


def test_weeks_start_on_monday(api, engagement):
    client = engagement["parties"][0]
    body = api.get(f"/v1/analytics/engagement/{engagement['id']}", token=client.token).json()
    assert all(date.fromisoformat(w["week_start"]).weekday() == 0 for w in body["weekly"])


def test_a_range_narrows_the_series(api, engagement):
    client = engagement["parties"][0]
    body = api.get(f"/v1/analytics/engagement/{engagement['id']}?from={days_ago(5)}"
                   f"&to={days_ago(1)}", token=client.token).json()
    assert len(body["daily"]) == 5 and body["totals"]["activities"]["total"] == 2
    assert body["funnel"][0] == {"stage": "calls", "count": 0, "conversion_rate": None}


@pytest.mark.parametrize("who", ["other_client", "other_pro"])
def test_anyone_else_gets_404(api, engagement, who, request):
    outsider = request.getfixturevalue(who)
    answer = api.get(f"/v1/analytics/engagement/{engagement['id']}", token=outsider.token)
    assert answer.status == 404 and answer.error["code"] == "resource_missing"


def test_unknown_engagement_is_404(api, client):
    assert api.get("/v1/analytics/engagement/eng_nope", token=client.token).status == 404


@pytest.mark.parametrize("query, param", [
    (lambda: f"from={days_ago(1)}&to={days_ago(3)}", "from"),
    (lambda: f"from={days_ago(400)}&to={days_ago(0)}", "to"),
    (lambda: "from=soon", "from"),
    (lambda: "limit=5", "limit"),
])
def test_bad_ranges_are_400(api, engagement, query, param):
    client = engagement["parties"][0]
    answer = api.get(f"/v1/analytics/engagement/{engagement['id']}?{query()}",
                     token=client.token)
    assert answer.status == 400 and answer.error["param"] == param


def test_a_long_engagement_defaults_to_its_last_year(api, services, client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id, created=days_ago(500))
    body = api.get(f"/v1/analytics/engagement/{eng['id']}", token=client.token).json()
    assert body["from"] == (days_ago(0) - timedelta(days=365)).isoformat()
    assert len(body["daily"]) == 366


def test_the_engagement_comes_with_its_days_in_one_query(api, engagement, other_client):
    """#20: the day items sort just before the engagement's own item, so one Query is the
    party check, the dates and the series. This engagement is written as those from before
    2026-12 were (no payment entries), so its payments are a second Query; a new one's are in
    the first (tests/payments/test_payment_entries.py). An outsider's 404 costs the one
    Query."""
    from chalicelib import wiring

    calls: list[str] = []

    def count(event_name: str, **_: object) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])
    events = wiring.container().table.meta.client.meta.events
    events.register("before-call.dynamodb", count)
    try:
        party = engagement["parties"][0]
        path = f"/v1/analytics/engagement/{engagement['id']}"
        for token, status in ((party.token, 200), (other_client.token, 404)):
            answer = api.get(path, token=token)
            assert answer.status == status
        table_calls = [c for c in calls if c in ("Query", "GetItem", "BatchGetItem")]
    finally:
        events.unregister("before-call.dynamodb", count)
    # Each request: the authorizer's GetItem, then the route's reads (the rate limit's
    # UpdateItem goes through its own client).
    assert table_calls == ["GetItem", "Query", "Query", "GetItem", "Query"]
