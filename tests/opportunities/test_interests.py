"""POST /v1/opportunities/{id}/interest and GET /v1/opportunities/{id}/interests."""
from __future__ import annotations


def test_sales_pro_expresses_interest_once(market):
    api = market.api
    opp = market.opportunity(market.client)
    path = f"/v1/opportunities/{opp['id']}/interest"
    answer = api.post(path, token=market.pro.token,
                      json_body={"message": "I closed 40 such deals."})
    assert answer.status == 201, answer.json()
    interest = answer.json()
    assert interest["id"].startswith("int_") and interest["sales_pro_id"] == market.pro.user_id
    assert interest["opportunity_id"] == opp["id"]
    assert interest["message"] == "I closed 40 such deals."
    repeat = api.post(path, token=market.pro.token, json_body={})
    assert repeat.status == 409 and repeat.error["code"] == "already_interested"
    assert interest["id"] in repeat.error["message"]
    without_message = api.post(path, token=market.pro2.token)
    assert without_message.status == 201 and without_message.json()["message"] is None
    got = api.get(f"/v1/opportunities/{opp['id']}", token=market.client.token).json()
    assert got["interest_count"] == 2


def test_clients_cannot_express_interest(market):
    opp = market.opportunity(market.client)
    for client in (market.client, market.client2):
        answer = market.api.post(f"/v1/opportunities/{opp['id']}/interest", token=client.token)
        assert answer.status == 403


def test_interest_needs_an_open_opportunity_the_pro_can_see(market):
    api = market.api
    opp = market.opportunity(market.client)
    api.patch(f"/v1/opportunities/{opp['id']}", token=market.client.token,
              json_body={"status": "paused"})
    paused = api.post(f"/v1/opportunities/{opp['id']}/interest", token=market.pro.token)
    assert paused.status == 404 and paused.error["code"] == "resource_missing"
    missing = api.post("/v1/opportunities/opp_nope/interest", token=market.pro.token)
    assert missing.status == 404


def test_interest_message_is_validated(market):
    opp = market.opportunity(market.client)
    path = f"/v1/opportunities/{opp['id']}/interest"
    for body, param in [({"message": "x" * 2001}, "message"), ({"message": 5}, "message"),
                        ({"note": "hi"}, "note")]:
        answer = market.api.post(path, token=market.pro.token, json_body=body)
        assert answer.status == 400 and answer.error["param"] == param


def test_owner_lists_interests_newest_first_with_pages(market):
    api = market.api
    opp = market.opportunity(market.client)
    pros = [market.pro, market.pro2, market.account("sales_pro")]
    for i, pro in enumerate(pros):
        api.post(f"/v1/opportunities/{opp['id']}/interest", token=pro.token,
                 json_body={"message": f"hello {i}"})
    first = api.get(f"/v1/opportunities/{opp['id']}/interests?limit=2",
                    token=market.client.token).json()
    assert [i["message"] for i in first["data"]] == ["hello 2", "hello 1"] and first["has_more"]
    rest = api.get(f"/v1/opportunities/{opp['id']}/interests?limit=2&cursor={first['next_cursor']}",
                   token=market.client.token).json()
    assert [i["sales_pro_id"] for i in rest["data"]] == [market.pro.user_id]
    assert rest["has_more"] is False
    assert set(rest["data"][0]) == {"id", "opportunity_id", "sales_pro_id", "message", "created_at"}


def test_only_the_owner_sees_interests(market):
    opp = market.opportunity(market.client)
    path = f"/v1/opportunities/{opp['id']}/interests"
    assert market.api.get(path, token=market.pro.token).status == 403  # can see the opportunity
    assert market.api.get(path, token=market.client2.token).status == 404
