"""`Idempotency-Key` on every authenticated POST (not only the money ones): a retry with the
same key gets the first answer replayed instead of a second object, so the SDK's automatic
retries of a POST are safe."""
from __future__ import annotations

import uuid

from support.marketplace import DOCS_OPPORTUNITY


def post(market, path, account, key, body=None):
    return market.api.post(path, token=account.token, json_body=body if body is not None else {},
                           headers={"Idempotency-Key": key})


def opportunity_count(market, account):
    return len(market.api.get("/v1/opportunities?limit=100", token=account.token).json()["data"])


def test_a_retried_create_replays_the_first_answer_and_creates_one_object(market):
    client = market.account("client")
    key = str(uuid.uuid4())
    first = post(market, "/v1/opportunities", client, key, DOCS_OPPORTUNITY)
    again = post(market, "/v1/opportunities", client, key, DOCS_OPPORTUNITY)
    assert first.status == again.status == 201, again.json()
    assert again.json() == first.json()
    assert again.body == first.body  # the same text: the fields in the docs' order, not sorted
    assert list(again.json()) != sorted(again.json())
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert opportunity_count(market, client) == 1


def test_the_same_key_on_another_request_is_refused(market):
    client = market.account("client")
    key = str(uuid.uuid4())
    assert post(market, "/v1/opportunities", client, key, DOCS_OPPORTUNITY).status == 201
    other_body = post(market, "/v1/opportunities", client, key, {**DOCS_OPPORTUNITY, "title": "x"})
    other_route = post(market, "/v1/webhooks", client, key,
                       {"url": "http://127.0.0.1:9/hook", "events": ["*"]})
    for answer in (other_body, other_route):
        assert answer.status == 422
        assert answer.error["code"] == "idempotency_key_reused"
        assert answer.error["param"] == "Idempotency-Key"
    assert opportunity_count(market, client) == 1


def test_keys_belong_to_their_account(market):
    first, second = market.account("client"), market.account("client")
    key = str(uuid.uuid4())
    one = post(market, "/v1/opportunities", first, key, DOCS_OPPORTUNITY)
    two = post(market, "/v1/opportunities", second, key, DOCS_OPPORTUNITY)
    assert one.status == two.status == 201
    assert one.json()["id"] != two.json()["id"]
    assert "idempotent-replayed" not in two.headers


def test_a_refused_request_is_not_remembered(market):
    client = market.account("client")
    key = str(uuid.uuid4())
    missing = post(market, "/v1/engagements", client, key,
                   {"opportunity_id": "opp_" + "0" * 22, "sales_pro_id": market.pro.user_id})
    assert missing.status == 404
    opp = market.opportunity(client)
    made = post(market, "/v1/engagements", client, key,
                {"opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id})
    assert made.status == 201, made.json()


def test_a_retried_transition_replays_instead_of_conflicting(market):
    client = market.account("client")
    opp = market.opportunity(client)
    engagement = market.api.post("/v1/engagements", token=client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id}).json()
    path = f"/v1/engagements/{engagement['id']}/start"
    key = str(uuid.uuid4())
    first, again = post(market, path, market.pro, key), post(market, path, market.pro, key)
    assert first.status == again.status == 200 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    unkeyed = market.api.post(path, token=market.pro.token)
    assert unkeyed.status == 409  # without a key, a second start is a state conflict


def test_a_malformed_key_is_refused(market):
    client = market.account("client")
    answer = post(market, "/v1/opportunities", client, "bad key\n", DOCS_OPPORTUNITY)
    assert answer.status == 400 and answer.error["param"] == "Idempotency-Key"
    assert opportunity_count(market, client) == 0
