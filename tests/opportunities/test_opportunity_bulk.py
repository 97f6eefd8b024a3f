"""POST /v1/opportunities/bulk: item-order results, 201/207/400, as few writes as possible."""
from __future__ import annotations

import pytest
from support.marketplace import DOCS_OPPORTUNITY

PATH = "/v1/opportunities/bulk"


def test_all_valid_items_are_created_in_order(market):
    items = [{**DOCS_OPPORTUNITY, "title": f"AE {i}"} for i in range(3)]
    answer = market.api.post(PATH, token=market.client.token, json_body={"opportunities": items})
    assert answer.status == 201, answer.json()
    data = answer.json()["data"]
    assert [o["title"] for o in data] == ["AE 0", "AE 1", "AE 2"]
    for opp in data:
        got = market.api.get(f"/v1/opportunities/{opp['id']}", token=market.client.token)
        assert got.json() == opp and opp["client_id"] == market.client.user_id


def test_mixed_items_answer_207_with_each_error_at_its_index(market):
    items = [{**DOCS_OPPORTUNITY, "title": "Good 0"}, {**DOCS_OPPORTUNITY, "commission_rate": 3},
             {"title": "Good 2"}, "not an object", {"industry": "saas"},
             {**DOCS_OPPORTUNITY, "surprise": True}]
    answer = market.api.post(PATH, token=market.client.token, json_body={"opportunities": items})
    assert answer.status == 207, answer.json()
    data = answer.json()["data"]
    assert len(data) == len(items)
    assert data[0]["title"] == "Good 0" and data[2]["title"] == "Good 2"
    assert data[1] == {"index": 1, "error": {
        "code": "invalid_parameter", "param": "commission_rate",
        "message": "The 'commission_rate' field must be less than or equal to 1.0.",
        "doc_url": "https://docs.leadnod.com/errors/invalid_parameter"}}
    assert data[3]["index"] == 3 and data[3]["error"]["param"] == "opportunities.3"
    assert data[4]["error"]["code"] == "missing_parameter" and data[4]["error"]["param"] == "title"
    assert data[5]["error"]["message"] == "Received unknown parameter: 'surprise'."


def test_no_valid_item_is_a_400_that_still_lists_every_error(market):
    answer = market.api.post(PATH, token=market.client.token,
                             json_body={"opportunities": [{"title": ""}, {"duration": "x"}]})
    assert answer.status == 400
    body = answer.json()
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["param"] == "opportunities"
    assert [d["index"] for d in body["data"]] == [0, 1]


def test_envelope_is_validated(market):
    too_many = {"opportunities": [{"title": "x"}] * 101}
    for body, param in [(too_many, "opportunities"), ({"opportunities": []}, "opportunities"),
                        ({}, "opportunities"), ({"opportunities": {"title": "x"}}, "opportunities"),
                        ({"opportunities": [], "extra": 1}, "opportunities")]:
        answer = market.api.post(PATH, token=market.client.token, json_body=body)
        assert answer.status == 400 and answer.error["param"] in (param, "extra"), body


def test_sales_pro_cannot_bulk_create(market):
    answer = market.api.post(PATH, token=market.pro.token,
                             json_body={"opportunities": [{"title": "x"}]})
    assert answer.status == 403


def test_a_hundred_items_take_five_transactions_and_ten_queue_sends(market, monkeypatch):
    """What goes to AWS, recorded rather than executed: moto copies the whole table for every
    action of a transaction, which would make this test slow, not more convincing (the
    smaller tests above write for real)."""
    from chalicelib import wiring

    services = wiring.container()
    transactions: list[list[dict]] = []
    sends: list[int] = []
    monkeypatch.setattr(services.store, "transact", transactions.append)
    monkeypatch.setattr(services.match_requests._sqs, "send_message_batch",
                        lambda **kw: sends.append(len(kw["Entries"])) or {})
    items = [{"title": f"Bulk {i}", "industry": "media"} for i in range(100)]
    answer = market.api.post(PATH, token=market.client.token, json_body={"opportunities": items})
    assert answer.status == 201
    assert [len(actions) for actions in transactions] == [96, 96, 96, 96, 16]  # 4 per item
    written = [a[1] if isinstance(a, tuple) else a for actions in transactions for a in actions]
    puts = [a["Put"]["Item"] for a in written if a["Put"]["Item"]["SK"] == "OPP"]
    assert [p["title"] for p in puts] == [f"Bulk {i}" for i in range(100)]
    assert [o["id"] for o in answer.json()["data"]] == [p["id"] for p in puts]
    assert sends == [10] * 10


def test_a_failed_transaction_is_retried_item_by_item(market, monkeypatch):
    from chalicelib import wiring
    from chalicelib.storage.table import TransactionFailed

    store = wiring.container().store
    transact, calls = store.transact, []

    def conflict_on_whole_chunks(actions):
        calls.append(len(actions))
        if len(actions) > 4:  # the chunk's transaction is cancelled (a conflict, say)
            raise TransactionFailed({}, True, ["TransactionConflict"])
        return transact(actions)
    monkeypatch.setattr(store, "transact", conflict_on_whole_chunks)
    items = [{"title": f"Retry {i}"} for i in range(2)]
    answer = market.api.post(PATH, token=market.client.token, json_body={"opportunities": items})
    assert answer.status == 201
    assert [o["title"] for o in answer.json()["data"]] == ["Retry 0", "Retry 1"]
    assert calls == [8, 4, 4]


def test_a_cancelled_transaction_writes_nothing(market):
    """All or nothing: a chunk with one taken id leaves neither its new items nor events."""
    from chalicelib.storage.table import ConditionFailed

    services = market.services
    taken = market.opportunity(market.client)
    fresh = {**taken, "id": "opp_" + "F" * 22, "title": "Never written"}
    with pytest.raises(ConditionFailed):
        services.opportunities_repo.create(
            [fresh, taken], [*services.opportunities.created_events(fresh)])
    assert services.opportunities_repo.get(fresh["id"]) is None
    assert services.opportunities_repo.get(taken["id"])["title"] == taken["title"]
