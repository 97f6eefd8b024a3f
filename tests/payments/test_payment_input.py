"""Money input: integers in minor units, known currencies, strict bodies; who may call what."""
from __future__ import annotations

import pytest

ENG = "eng_" + "a" * 22


@pytest.mark.parametrize("amount, message", [
    (10.5, "The 'amount' field must be an integer."),
    (10.0, "The 'amount' field must be an integer."),
    ("1000", "The 'amount' field must be an integer."),
    (True, "The 'amount' field must be an integer."),
    (None, "The 'amount' field must be an integer."),
    (0, "The 'amount' field must be greater than or equal to 1."),
    (-500, "The 'amount' field must be greater than or equal to 1."),
    (10_000_000_001, "The 'amount' field must be less than or equal to 10000000000."),
])
@pytest.mark.parametrize("path", ["/v1/payments/escrow/fund", "/v1/payments/escrow/release",
                                  "/v1/payments/escrow/refund", "/v1/payments/escrow/dispute"])
def test_amounts_must_be_positive_bounded_integers(http, people, path, amount, message):
    body = {"engagement_id": ENG, "amount": amount}
    if path.endswith("dispute"):
        body["reason"] = "Work not delivered"
    answer = http.post(path, token=people.client.token, json_body=body)
    assert answer.status == 400
    assert answer.error["code"] == "invalid_parameter"
    assert answer.error["param"] == "amount"
    assert answer.error["message"] == message


@pytest.mark.parametrize("currency", ["xyz", "us", "", "dollars", 840])
def test_unknown_currencies_are_refused(http, people, currency):
    answer = http.post("/v1/payments/escrow/fund", token=people.client.token,
                      json_body={"engagement_id": ENG, "amount": 100, "currency": currency})
    assert answer.status == 400
    assert answer.error["param"] == "currency"
    if isinstance(currency, str):
        assert "Unsupported currency" in answer.error["message"]
        assert "usd" in answer.error["message"]


@pytest.mark.parametrize("path, body, param, code", [
    ("/v1/payments/escrow/fund", {"amount": 100}, "engagement_id", "missing_parameter"),
    ("/v1/payments/escrow/fund", {"engagement_id": ENG}, "amount", "missing_parameter"),
    ("/v1/payments/escrow/fund", {"engagement_id": "eng_1", "amount": 100}, "engagement_id",
     "invalid_parameter"),
    ("/v1/payments/escrow/fund", {"engagement_id": ENG, "amount": 100, "payment_method": "visa"},
     "payment_method", "invalid_parameter"),
    ("/v1/payments/escrow/fund", {"engagement_id": ENG, "amount": 100, "tip": 5}, "tip",
     "invalid_parameter"),
    ("/v1/payments/escrow/release", {"engagement_id": ENG, "amount": 1, "description": ""},
     "description", "invalid_parameter"),
    ("/v1/payments/escrow/refund", {"engagement_id": ENG, "amount": 1, "reason": "x" * 501},
     "reason", "invalid_parameter"),
    ("/v1/payments/escrow/dispute", {"engagement_id": ENG, "amount": 1}, "reason",
     "missing_parameter"),
    ("/v1/payments/escrow/dispute", {"engagement_id": ENG, "amount": 1, "reason": ""}, "reason",
     "invalid_parameter"),
])
def test_bodies_are_strict(http, people, path, body, param, code):
    answer = http.post(path, token=people.client.token, json_body=body)
    assert answer.status == 400
    assert (answer.error["code"], answer.error["param"]) == (code, param)


def test_malformed_json_and_bad_idempotency_keys(http, people):
    answer = http.post("/v1/payments/escrow/fund", token=people.client.token, body="{nope",
                      headers={"Content-Type": "application/json"})
    assert (answer.status, answer.error["code"]) == (400, "invalid_json")
    for key in ("x" * 256, "has space", "ünïcode"):
        answer = http.post("/v1/payments/escrow/fund", token=people.client.token,
                          json_body={"engagement_id": ENG, "amount": 100},
                          headers={"Idempotency-Key": key})
        assert answer.status == 400, key
        assert answer.error["param"] == "Idempotency-Key"


@pytest.mark.parametrize("query, param", [
    ("type=escrow_payout", "type"), ("status=done", "status"), ("limit=0", "limit"),
    ("limit=101", "limit"), ("from=yesterday", "from"), ("engagement_id=eng_x", "engagement_id"),
    ("sort=desc", "sort"),
    # Numbers were read as Unix times, a date-time without an offset as UTC (Schemathesis).
    ("to=0.5", "to"), ("from=1700000000", "from"), ("to=2026-01-01T00:00:00", "to"),
])
def test_history_filters_are_validated(http, people, query, param):
    answer = http.get(f"/v1/payments?{query}", token=people.client.token)
    assert answer.status == 400
    assert answer.error["param"] == param


def test_history_date_range_must_be_ordered(http, people):
    answer = http.get("/v1/payments?from=2026-02-01&to=2026-01-01", token=people.client.token)
    assert answer.status == 400
    assert "'from' date must not be after" in answer.error["message"]


def test_balance_takes_an_engagement_or_a_currency(http, people, make_deal):
    deal = make_deal(fresh=True)
    both = http.get(f"/v1/payments/balance?engagement_id={deal.id}&currency=usd",
                   token=deal.client.token)
    assert (both.status, both.error["param"]) == (400, "currency")
    unknown = http.get("/v1/payments/balance?currency=abc", token=people.client.token)
    assert (unknown.status, unknown.error["param"]) == (400, "currency")
    empty = http.get("/v1/payments/balance?currency=EUR", token=people.new("client").token)
    assert empty.status == 200
    assert empty.json() == {"engagement_id": None, "currency": "eur", "funded": 0,
                            "released": 0, "refunded": 0, "in_dispute": 0, "available": 0}


def test_only_the_client_moves_escrow(deal):
    for path in ("fund", "release", "refund"):
        answer = deal.post(f"/v1/payments/escrow/{path}", {"engagement_id": deal.id, "amount": 5},
                           as_=deal.pro)
        assert answer.status == 403, path
        assert answer.error["code"] == "forbidden"
        assert "client" in answer.error["message"]


def test_strangers_see_404_for_everything(deal, people, http):
    funded = deal.fund(1_000)
    stranger = people.stranger
    body = {"engagement_id": deal.id, "amount": 5}
    for path in ("fund", "release", "refund"):
        answer = deal.post(f"/v1/payments/escrow/{path}", body, as_=stranger)
        assert (answer.status, answer.error["code"]) == (404, "resource_missing"), path
        assert answer.error["param"] == "engagement_id"
    dispute = deal.post("/v1/payments/escrow/dispute", {**body, "reason": "x"}, as_=stranger)
    assert dispute.status == 404
    for path in (f"/v1/payments/{funded['id']}", f"/v1/payments/balance?engagement_id={deal.id}",
                 f"/v1/payments?engagement_id={deal.id}",
                 f"/v1/payments/disputes?engagement_id={deal.id}"):
        answer = http.get(path, token=stranger.token)
        assert answer.status == 404, path
    mine = http.get("/v1/payments", token=stranger.token)
    assert mine.status == 200 and mine.json()["data"] == []


def test_unknown_objects_are_404(http, people):
    for path in ("/v1/payments/pay_missing", "/v1/payments/disputes/dsp_missing"):
        answer = http.get(path, token=people.client.token)
        assert (answer.status, answer.error["code"]) == (404, "resource_missing")
    answer = http.post("/v1/payments/escrow/fund", token=people.client.token,
                      json_body={"engagement_id": ENG, "amount": 100})
    assert (answer.status, answer.error["param"]) == (404, "engagement_id")


def test_moving_money_needs_the_write_scope(http, people):
    reader = people.new("client", scopes="read")
    answer = http.post("/v1/payments/escrow/fund", token=reader.token,
                      json_body={"engagement_id": ENG, "amount": 100})
    assert (answer.status, answer.error["code"]) == (403, "insufficient_scope")
    assert http.get("/v1/payments", token=reader.token).status == 200


def test_unsupported_methods_are_405_with_allow(http, people):
    for method, path, allowed in (("GET", "/v1/payments/escrow/fund", "POST"),
                                  ("POST", "/v1/payments", "GET"),
                                  ("DELETE", "/v1/payments/disputes/dsp_x", "GET")):
        answer = http.request(method, path, token=people.client.token)
        assert (answer.status, answer.error["code"]) == (405, "method_not_allowed"), path
        assert answer.headers["allow"] == allowed
