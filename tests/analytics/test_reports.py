"""`POST/GET /v1/analytics/reports`: metrics × grouping × filters over at most a year."""
from __future__ import annotations

import pytest

from chalicelib.storage import reports as report_storage

from .builders import (activity_event, apply, at, days_ago, engagement_event, money_event,
                       put_engagement)


@pytest.fixture(scope="module")
def book(module_services, new_party):
    """`client` works with two pros; `pro` has two engagements with `client`."""
    services = module_services
    client, pro, other_pro = new_party("client"), new_party("sales_pro"), new_party("sales_pro")
    first = put_engagement(services, client.user_id, pro.user_id, created=days_ago(60))
    second = put_engagement(services, client.user_id, pro.user_id, created=days_ago(60))
    third = put_engagement(services, client.user_id, other_pro.user_id, created=days_ago(60))
    for eng, kinds in ((first, ["call", "call", "meeting"]), (second, ["call"]),
                       (third, ["call", "demo"])):
        for n, kind in enumerate(kinds):
            apply(services, activity_event(eng, kind, at(days_ago(10 + n))))
    apply(services, activity_event(first, "deal_closed", at(days_ago(3)), value=9_000))
    apply(services, money_event(third, "escrow.funded", 4_000))
    apply(services, engagement_event(third, "started", "active"))
    return {"first": first, "second": second, "third": third, "client": client, "pro": pro,
            "other_pro": other_pro}


def report(api, party, **body):
    body.setdefault("from", days_ago(29).isoformat())
    body.setdefault("to", days_ago(0).isoformat())
    return api.post("/v1/analytics/reports", token=party.token, json_body=body)


def test_daily_report_has_a_row_for_every_day(api, book):
    client = book["client"]
    answer = report(api, client, metrics=["activities", "calls", "revenue"], group_by="day")
    assert answer.status == 201, answer.body
    body = answer.json()
    assert body["id"].startswith("rpt_") and body["status"] == "completed"
    assert body["columns"] == ["date", "activities", "calls", "revenue"]
    assert len(body["rows"]) == 30 and body["row_count"] == 30
    rows = {row[0]: row[1:] for row in body["rows"]}
    assert rows[days_ago(10).isoformat()] == [3, 3, 0]
    assert rows[days_ago(3).isoformat()] == [1, 0, 9_000]
    assert sum(r[0] for r in rows.values()) == 7


def test_weekly_and_monthly_reports_sum_the_days(api, book):
    client = book["client"]
    weekly = report(api, client, metrics=["activities"], group_by="week").json()
    monthly = report(api, client, metrics=["activities"], group_by="month").json()
    assert weekly["columns"][0] == "week_start" and monthly["columns"][0] == "month"
    assert sum(r[1] for r in weekly["rows"]) == sum(r[1] for r in monthly["rows"]) == 7
    assert 5 <= len(weekly["rows"]) <= 6 and len(monthly["rows"]) in (1, 2)


def test_grouped_by_engagement_and_by_sales_pro(api, book):
    client, pro, other_pro = book["client"], book["pro"], book["other_pro"]
    by_eng = report(api, client, metrics=["activities", "deals_closed"],
                    group_by="engagement").json()
    assert {row[0]: row[1:] for row in by_eng["rows"]} == {
        book["first"]["id"]: [4, 1], book["second"]["id"]: [1, 0], book["third"]["id"]: [2, 0]}
    by_pro = report(api, client, metrics=["activities", "escrow_funded"],
                    group_by="sales_pro").json()
    assert by_pro["columns"] == ["sales_pro_id", "activities", "escrow_funded"]
    assert {row[0]: row[1:] for row in by_pro["rows"]} == {
        pro.user_id: [5, 0], other_pro.user_id: [2, 4_000]}


def test_grouped_by_activity_type_and_filtered(api, book):
    client = book["client"]
    body = report(api, client, metrics=["activities"], group_by="activity_type",
                  filters={"activity_types": ["call", "demo"]}).json()
    assert body["rows"] == [["call", 4], ["demo", 1]]
    narrowed = report(api, client, metrics=["activities"], group_by="month",
                      filters={"engagement_id": book["third"]["id"]}).json()
    assert sum(r[1] for r in narrowed["rows"]) == 2
    calls_only = report(api, client, metrics=["activities"], group_by="month",
                        filters={"activity_types": ["call"]}).json()
    assert sum(r[1] for r in calls_only["rows"]) == 4


def test_a_sales_pro_reports_on_their_own_engagements(api, book):
    pro = book["pro"]
    body = report(api, pro, metrics=["activities", "revenue"], group_by="engagement").json()
    assert {row[0] for row in body["rows"]} == {book["first"]["id"], book["second"]["id"]}
    filtered = report(api, pro, metrics=["activities"], group_by="engagement",
                      filters={"client_id": "usr_someone_else"}).json()
    assert filtered["rows"] == []


def test_someone_elses_engagement_is_404(api, other_client, book):
    answer = report(api, other_client, metrics=["activities"],
                    filters={"engagement_id": book["first"]["id"]})
    assert answer.status == 404 and answer.error["param"] == "filters.engagement_id"


@pytest.mark.parametrize("body, param", [
    ({"metrics": ["activities", "vibes"]}, "metrics"),
    ({"metrics": []}, "metrics"),
    ({"metrics": ["activities"], "group_by": "year"}, "group_by"),
    ({"metrics": ["activities"], "from": "2026-03-02", "to": "2026-03-01"}, "from"),
    ({"metrics": ["activities"], "from": "2024-01-01", "to": "2025-01-02"}, "to"),
    ({"metrics": ["revenue"], "group_by": "activity_type"}, "metrics"),
    ({"metrics": ["opportunities_created"], "group_by": "engagement"}, "metrics"),
    ({"metrics": ["activities"], "filters": {"stage": "x"}}, "filters.stage"),
    ({"metrics": ["activities"], "filters": {"activity_types": ["lunch"]}},
     "filters.activity_types.0"),
    ({"group_by": "day"}, "metrics"),
])
def test_bad_reports_are_400_naming_the_param(api, client, body, param):
    answer = api.post("/v1/analytics/reports", token=client.token, json_body=body)
    assert answer.status == 400, answer.body
    assert answer.error["param"] == param


def test_a_full_year_is_allowed(api, client):
    answer = api.post("/v1/analytics/reports", token=client.token, json_body={
        "metrics": ["activities"], "from": "2024-01-01", "to": "2024-12-31"})
    assert answer.status == 201 and len(answer.json()["rows"]) == 366


def test_saved_reports_are_listed_newest_first_and_private(api, client, other_client):
    ids = [report(api, client, metrics=["calls"]).json()["id"] for _ in range(3)]
    first = api.get("/v1/analytics/reports?limit=2", token=client.token).json()
    assert [r["id"] for r in first["data"]] == ids[::-1][:2] and first["has_more"]
    assert "rows" not in first["data"][0] and first["data"][0]["row_count"] == 30
    rest = api.get(f"/v1/analytics/reports?limit=2&cursor={first['next_cursor']}",
                   token=client.token).json()
    assert [r["id"] for r in rest["data"]] == [ids[0]] and not rest["has_more"]
    again = api.get(f"/v1/analytics/reports/{ids[1]}", token=client.token).json()
    assert len(again["rows"]) == 30 and again["columns"] == ["date", "calls"]
    assert api.get(f"/v1/analytics/reports/{ids[1]}", token=other_client.token).status == 404
    assert api.get("/v1/analytics/reports", token=other_client.token).json()["data"] == []
    stolen = api.get(f"/v1/analytics/reports?cursor={first['next_cursor']}",
                     token=other_client.token)
    assert stolen.status == 400 and stolen.error["code"] == "invalid_cursor"


def test_large_row_sets_are_kept_in_s3(api, book, monkeypatch):
    client = book["client"]
    monkeypatch.setattr(report_storage, "INLINE_ROWS_LIMIT", 100)
    created = report(api, client, metrics=["activities", "calls"]).json()
    fetched = api.get(f"/v1/analytics/reports/{created['id']}", token=client.token).json()
    assert fetched["rows"] == created["rows"] and len(fetched["rows"]) == 30
