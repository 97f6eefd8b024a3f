"""`GET /v1/events`: the caller's own events of the last 30 days, filtered and paged."""
from __future__ import annotations

from support.webhooks import rename


def test_events_are_the_callers_own_newest_first_and_one_by_id(api, client_account, sales_pro):
    rename(api, client_account)
    rename(api, client_account)

    answer = api.get("/v1/events", token=client_account.token)

    assert answer.status == 200
    events = answer.json()["data"]
    assert [e["type"] for e in events] == ["user.updated", "user.updated", "user.created"]
    assert events[0]["created"] >= events[1]["created"] >= events[2]["created"]
    assert all(e["data"]["user_id"] == client_account.user_id for e in events)
    assert set(events[0]) == {"id", "type", "created", "api_version", "environment", "data"}
    theirs = api.get("/v1/events", token=sales_pro.token).json()["data"]
    assert [(e["type"], e["data"]["user_id"]) for e in theirs] == [
        ("user.created", sales_pro.user_id)]

    mine = api.get(f"/v1/events/{events[0]['id']}", token=client_account.token)
    assert mine.status == 200 and mine.json() == events[0]
    for event_id, token in ((events[0]["id"], sales_pro.token),
                            ("evt_missing", client_account.token),
                            ("usr_0000000000000000000000", client_account.token)):
        refused = api.get(f"/v1/events/{event_id}", token=token)
        assert refused.status == 404 and refused.error["code"] == "resource_missing"


def test_events_filter_by_type_and_page_with_a_cursor(api, client_account, sales_pro):
    for _ in range(3):
        rename(api, client_account)
    token = client_account.token

    first = api.get("/v1/events?type=user.updated&limit=2", token=token).json()
    second = api.get(f"/v1/events?type=user.updated&limit=2&cursor={first['next_cursor']}",
                     token=token).json()

    assert first["has_more"] and not second["has_more"]
    assert len({e["id"] for e in first["data"] + second["data"]}) == 3
    assert {e["type"] for e in first["data"] + second["data"]} == {"user.updated"}
    assert api.get("/v1/events?type=user.verified", token=token).json() == {
        "data": [], "has_more": False, "next_cursor": None}
    # A cursor is bound to its list and its owner.
    for path, other_token in ((f"/v1/events?cursor={first['next_cursor']}", token),
                              (f"/v1/events?type=user.updated&cursor={first['next_cursor']}",
                               sales_pro.token)):
        refused = api.get(path, token=other_token)
        assert refused.status == 400 and refused.error["code"] == "invalid_cursor"
    for query, param in (("type=user.deleted", "type"), ("limit=0", "limit"),
                         ("limit=101", "limit"), ("since=yesterday", "since")):
        refused = api.get(f"/v1/events?{query}", token=token)
        assert refused.status == 400 and refused.error["param"] == param, query
