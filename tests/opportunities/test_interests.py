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


def interest_calls(market, dynamodb_calls, account, opp_id, **params):
    """(status, DynamoDB operations) of one list call through the service."""
    from chalicelib.models.common import ListParams
    from support.service_calls import answer_and_calls, read_caller

    return answer_and_calls(lambda: market.services.interests.list(
        read_caller(account), opp_id, ListParams(**params)), dynamodb_calls)


def interested(market, opp, pros):
    for pro in pros:
        assert market.api.post(f"/v1/opportunities/{opp['id']}/interest",
                               token=pro.token).status == 201


def test_the_owners_pages_are_one_query_each(market, dynamodb_calls):
    """The interests list's head, written with the opportunity, names its owner; a later page's
    cursor is bound to the caller (#20)."""
    opp = market.opportunity(market.client)
    interested(market, opp, [market.pro, market.pro2, market.account("sales_pro")])
    assert interest_calls(market, dynamodb_calls, market.client, opp["id"],
                          limit=2) == (200, ["Query"])
    first = market.api.get(f"/v1/opportunities/{opp['id']}/interests?limit=2",
                           token=market.client.token).json()
    assert interest_calls(market, dynamodb_calls, market.client, opp["id"], limit=2,
                          cursor=first["next_cursor"]) == (200, ["Query"])
    whole = market.api.get(f"/v1/opportunities/{opp['id']}/interests?limit=3",
                           token=market.client.token).json()
    assert len(whole["data"]) == 3 and not whole["has_more"]  # the head is not counted
    assert all(i["id"].startswith("int_") for i in whole["data"])


def test_strangers_and_sales_pros_still_get_404_and_403(market, dynamodb_calls):
    opp = market.opportunity(market.client)
    interested(market, opp, [market.pro, market.pro2])
    path = f"/v1/opportunities/{opp['id']}/interests"
    cursor = market.api.get(f"{path}?limit=1", token=market.client.token).json()["next_cursor"]
    for query in ("", f"?limit=1&cursor={cursor}", "?cursor=x.y"):
        stranger = market.api.get(path + query, token=market.client2.token)
        assert stranger.status == 404 and stranger.error["code"] == "resource_missing", query
        assert market.api.get(path + query, token=market.pro.token).status == 403, query
    assert interest_calls(market, dynamodb_calls, market.client2, opp["id"]) == (
        404, ["Query", "GetItem"])
    mine = market.api.get(f"{path}?cursor=x.y", token=market.client.token)
    assert mine.status == 400 and mine.error["code"] == "invalid_cursor"


def test_a_deleted_opportunitys_interests_are_gone_at_once(market):
    opp = market.opportunity(market.client)
    interested(market, opp, [market.pro])
    assert market.api.delete(f"/v1/opportunities/{opp['id']}",
                             token=market.client.token).status == 204
    answer = market.api.get(f"/v1/opportunities/{opp['id']}/interests",
                            token=market.client.token)
    assert answer.status == 404 and answer.error["code"] == "resource_missing"


def test_an_opportunity_from_before_heads_reads_its_owner_as_before(market, dynamodb_calls):
    from chalicelib.storage.opportunities import interests_head_key

    opp = market.opportunity(market.client)
    interested(market, opp, [market.pro, market.pro2])
    market.services.table.delete_item(Key=interests_head_key(opp["id"]))

    assert interest_calls(market, dynamodb_calls, market.client, opp["id"], limit=1) == (
        200, ["Query", "GetItem"])
    first = market.api.get(f"/v1/opportunities/{opp['id']}/interests?limit=1",
                           token=market.client.token).json()
    rest = market.api.get(f"/v1/opportunities/{opp['id']}/interests?cursor={first['next_cursor']}",
                          token=market.client.token).json()
    assert len(first["data"]) == 1 and len(rest["data"]) == 1 and not rest["has_more"]
    assert market.api.get(f"/v1/opportunities/{opp['id']}/interests",
                          token=market.client2.token).status == 404


def test_bulk_created_opportunities_have_the_head_too(market, dynamodb_calls):
    from support.marketplace import DOCS_OPPORTUNITY

    answer = market.api.post("/v1/opportunities/bulk", token=market.client.token, json_body={
        "opportunities": [{**DOCS_OPPORTUNITY, "title": f"Bulk {n}"} for n in range(2)]})
    assert answer.status == 201, answer.body
    for created in answer.json()["data"]:
        assert interest_calls(market, dynamodb_calls, market.client, created["id"]) == (
            200, ["Query"])
