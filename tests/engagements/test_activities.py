"""/v1/engagements/{id}/activities and /metrics: logging on active engagements, time order,
and counters maintained with each activity (the metrics read is one GetItem)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.auth.caller import Caller


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


HOUR = timedelta(hours=1)


@pytest.fixture
def engagement(market):
    """An engagement between market.client and market.pro (10% commission), created two
    hours ago and started one hour ago (times moved in the table, so activities can be
    back-dated into it)."""
    from chalicelib.clock import sortable
    from chalicelib.storage.engagements import metrics_key
    from chalicelib.storage.keys import engagement_key

    opp = market.opportunity(market.client)
    eng = market.api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id}).json()
    answer = market.api.post(f"/v1/engagements/{eng['id']}/start", token=market.pro.token)
    assert answer.status == 200
    now, store = datetime.now(timezone.utc), market.services.store
    created, started = sortable(now - 2 * HOUR), sortable(now - HOUR)
    store.update(engagement_key(eng["id"]), "SET created_at = :c, started_at = :s",
                 values={":c": created, ":s": started})
    store.update(metrics_key(eng["id"]), "SET started_at = :s", values={":s": started})
    return market.api.get(f"/v1/engagements/{eng['id']}", token=market.client.token).json()


def log(market, eng, account=None, **body):
    account = account or market.pro
    return market.api.post(f"/v1/engagements/{eng['id']}/activities", token=account.token,
                           json_body=body)


def test_both_parties_log_activities_that_emit_activity_logged(market, engagement):
    answer = log(market, engagement, type="call", description="Discovery call",
                 outcome="Demo booked")
    assert answer.status == 201, answer.json()
    activity = answer.json()
    assert activity["id"].startswith("act_") and activity["engagement_id"] == engagement["id"]
    assert activity["type"] == "call" and activity["logged_by"] == market.pro.user_id
    assert activity["outcome"] == "Demo booked" and activity["value"] is None
    assert activity["occurred_at"] == activity["created_at"]
    by_client = log(market, engagement, account=market.client, type="note", description="Nice")
    assert by_client.status == 201 and by_client.json()["logged_by"] == market.client.user_id
    for party in (market.client, market.pro):
        assert market.event_types(party.user_id)[-1] == "activity.logged"


@pytest.mark.parametrize("body, param", [
    ({}, "type"), ({"type": "lunch"}, "type"), ({"type": "call", "value": 5}, "value"),
    ({"type": "deal_closed", "value": -1}, "value"),
    ({"type": "deal_closed", "value": 1.5}, "value"),
    ({"type": "deal_closed", "value": "100"}, "value"),
    ({"type": "call", "occurred_at": "yesterday"}, "occurred_at"),
    ({"type": "call", "occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
    ({"type": "call", "occurred_at": "1767261600"}, "occurred_at"),  # was a Unix time
    ({"type": "call", "description": "x" * 5001}, "description"),
    ({"type": "call", "outcome": "x" * 1001}, "outcome"),
    ({"type": "call", "mood": "good"}, "mood"),
])
def test_activity_fields_are_validated(market, engagement, body, param):
    answer = log(market, engagement, **body)
    assert answer.status == 400 and answer.error["param"] == param, answer.json()


def test_occurred_at_is_not_in_the_future_nor_before_the_engagement(market, engagement):
    future = log(market, engagement, type="call",
                 occurred_at=iso(datetime.now(timezone.utc) + timedelta(hours=1)))
    assert future.status == 400 and "future" in future.error["message"]
    before = log(market, engagement, type="call", occurred_at="2020-01-01T00:00:00Z")
    assert before.status == 400 and before.error["param"] == "occurred_at"
    offset = log(market, engagement, type="call", occurred_at=iso(datetime.now(timezone.utc))
                 .replace("Z", "+00:00"))
    assert offset.status == 201


def test_only_active_engagements_take_activities(market):
    opp = market.opportunity(market.client)
    eng = market.api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id}).json()
    pending = log(market, eng, type="call")
    assert pending.status == 409 and pending.error["code"] == "engagement_not_active"
    market.api.post(f"/v1/engagements/{eng['id']}/start", token=market.pro.token)
    assert log(market, eng, type="call").status == 201
    market.api.post(f"/v1/engagements/{eng['id']}/complete", token=market.client.token)
    done = log(market, eng, type="call")
    assert done.status == 409 and "completed" in done.error["message"]
    listed = market.api.get(f"/v1/engagements/{eng['id']}/activities", token=market.client.token)
    assert len(listed.json()["data"]) == 1  # still readable afterwards


def test_activities_list_in_the_order_they_happened_with_pages(market, engagement):
    now = datetime.now(timezone.utc)
    log(market, engagement, type="email", description="second",
        occurred_at=iso(now - timedelta(seconds=30)))
    log(market, engagement, type="meeting", description="third")
    log(market, engagement, type="call", description="first",
        occurred_at=iso(now - timedelta(seconds=50)))
    path = f"/v1/engagements/{engagement['id']}/activities"
    first = market.api.get(f"{path}?limit=2", token=market.client.token).json()
    assert [a["description"] for a in first["data"]] == ["first", "second"] and first["has_more"]
    rest = market.api.get(f"{path}?limit=2&cursor={first['next_cursor']}", token=market.pro.token)
    assert rest.status == 400  # a cursor belongs to whoever was given it
    rest = market.api.get(f"{path}?limit=2&cursor={first['next_cursor']}",
                          token=market.client.token).json()
    assert [a["description"] for a in rest["data"]] == ["third"] and rest["has_more"] is False


def test_metrics_are_kept_with_each_activity(market, engagement):
    now = datetime.now(timezone.utc)
    log(market, engagement, type="call")
    log(market, engagement, type="call", occurred_at=iso(now - timedelta(seconds=20)))
    log(market, engagement, type="demo")
    log(market, engagement, type="deal_closed", value=1_250_000, description="Acme renewal")
    log(market, engagement, account=market.client, type="deal_closed", value=333_333)
    log(market, engagement, type="deal_closed")
    answer = market.api.get(f"/v1/engagements/{engagement['id']}/metrics", token=market.pro.token)
    assert answer.status == 200, answer.json()
    metrics = answer.json()
    assert metrics["activity_counts"] == {"call": 2, "email": 0, "meeting": 0, "demo": 1,
                                          "proposal": 0, "deal_closed": 3, "note": 0}
    assert metrics["activities_total"] == 6 and metrics["deals_closed"] == 3
    assert metrics["revenue"] == 1_583_333 and metrics["currency"] == "usd"
    assert metrics["commission_rate"] == 0.1 and metrics["commission_earned"] == 158_333
    assert metrics["first_activity_at"] == iso(now - timedelta(seconds=20))  # back-dated
    assert 3580 - 5 <= metrics["time_to_first_activity_seconds"] <= 3580 + 5
    assert metrics["activities_per_week"] == 6.0  # under a week: counted as one week
    assert metrics["escrow"] is None
    again = market.api.get(f"/v1/engagements/{engagement['id']}/metrics",
                           token=market.client.token).json()
    assert again == metrics


def test_metrics_of_a_new_engagement_are_zero(market):
    opp = market.opportunity(market.client)
    eng = market.api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro2.user_id}).json()
    metrics = market.api.get(f"/v1/engagements/{eng['id']}/metrics",
                             token=market.pro2.token).json()
    assert metrics["activities_total"] == 0 and metrics["revenue"] == 0
    assert metrics["first_activity_at"] is None
    assert metrics["time_to_first_activity_seconds"] is None
    assert metrics["activities_per_week"] == 0


def test_reading_metrics_is_one_batchgetitem_with_the_escrow(market, engagement,
                                                            dynamodb_calls):
    caller = Caller(market.client.user_id, "client", "professional", frozenset({"read"}), "")
    dynamodb_calls.clear()
    market.services.activities.metrics(caller, engagement["id"])
    assert [name for name, _ in dynamodb_calls] == ["BatchGetItem"]


def test_activities_per_week_and_time_to_first_activity_are_derived():
    from chalicelib.services.activities import build_metrics

    item = {"engagement_id": "eng_x", "currency": "eur", "revenue": 1000, "commission_rate": 0.125,
            "activities": 9, "deals_closed": 1, "counts": {"call": 9},
            "started_at": "2026-01-01T00:00:00.000000Z",
            "first_activity_at": "2026-01-01T02:00:00.000000Z",
            "ended_at": "2026-01-22T00:00:00.000000Z"}
    escrow = {"PK": "ENG#eng_x", "SK": "ACCOUNT#escrow", "currency": "eur", "balance": 300,
              "funded": 500, "released": 200, "refunded": 0, "in_dispute": 0}
    metrics = build_metrics(item, escrow, datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert metrics.time_to_first_activity_seconds == 7200
    assert metrics.activities_per_week == 3.0  # three weeks from start to end
    assert metrics.commission_earned == 125 and metrics.escrow.available == 300


def test_activity_logged_carries_what_analytics_counts(market, engagement):
    """docs/events.md: parties, type, value and occurred_at (the aggregator counts from it)."""
    from boto3.dynamodb.conditions import Key

    log(market, engagement, type="deal_closed", value=90_000)
    items = market.services.store.query_all(
        Key("PK").eq(f"USER#{market.client.user_id}") & Key("SK").begins_with("EVT#"))
    latest = max(items, key=lambda i: i["GSI1SK"])["payload"]
    assert latest["type"] == "activity.logged"
    data = latest["data"]
    assert (data["client_id"], data["sales_pro_id"]) == (market.client.user_id,
                                                         market.pro.user_id)
    assert (data["type"], data["value"], data["engagement_id"]) == ("deal_closed", 90_000,
                                                                   engagement["id"])
    assert data["occurred_at"] and data["logged_by"] == market.pro.user_id


def activity_calls(market, dynamodb_calls, account, eng_id, **params):
    """(status, DynamoDB operations) of one list call through the service."""
    from chalicelib.models.common import ListParams
    from support.service_calls import answer_and_calls, read_caller

    return answer_and_calls(lambda: market.services.activities.list(
        read_caller(account), eng_id, ListParams(**params)), dynamodb_calls)


def test_a_party_lists_activities_in_one_query_and_strangers_still_get_404(
        market, engagement, dynamodb_calls):
    """Activities carry their engagement's parties, so a party's page is one Query; an empty
    page, or a stranger, reads the engagement as before (#20)."""
    eng_id = engagement["id"]
    assert activity_calls(market, dynamodb_calls, market.pro, eng_id) == (200, ["Query",
                                                                                 "GetItem"])
    log(market, engagement, type="call")
    for party in (market.pro, market.client):
        assert activity_calls(market, dynamodb_calls, party, eng_id) == (200, ["Query"])
    for stranger in (market.client2, market.pro2):
        assert activity_calls(market, dynamodb_calls, stranger, eng_id) == (404, ["Query",
                                                                                  "GetItem"])
        answer = market.api.get(f"/v1/engagements/{eng_id}/activities", token=stranger.token)
        assert answer.status == 404 and answer.json()["error"]["code"] == "resource_missing"
        assert activity_calls(market, dynamodb_calls, stranger, eng_id, cursor="x.y")[0] == 404


def test_activities_stored_without_parties_are_listed_after_reading_the_engagement(
        market, engagement, dynamodb_calls):
    from boto3.dynamodb.conditions import Key

    log(market, engagement, type="note", description="before the parties rode along")
    store = market.services.store
    for item in store.query_all(Key("PK").eq(f"ENG#{engagement['id']}") &
                                Key("SK").begins_with("ACT#")):
        store.update({"PK": item["PK"], "SK": item["SK"]}, "REMOVE client_id, sales_pro_id")
    status, calls = activity_calls(market, dynamodb_calls, market.client, engagement["id"])
    assert (status, calls) == (200, ["Query", "GetItem"])
    listed = market.api.get(f"/v1/engagements/{engagement['id']}/activities",
                            token=market.client.token).json()["data"]
    assert [a["description"] for a in listed] == ["before the parties rode along"]
    assert set(listed[0]) == {"id", "engagement_id", "type", "description", "occurred_at",
                              "outcome", "value", "logged_by", "created_at"}
    stranger = activity_calls(market, dynamodb_calls, market.client2, engagement["id"])
    assert stranger[0] == 404
