"""Per-plan rate limits through the API: headers on every `/v1` response, 429s, plans,
credentials of one account counted together, and failing open."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.clock import FrozenClock

NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "ratelimit-policy", "ratelimit")


@pytest.fixture
def clock():
    return FrozenClock(NOW)


@pytest.fixture
def services(aws_env, clock):
    from chalicelib import wiring

    yield wiring.reset(clock)
    wiring.reset()  # later tests in this process must not inherit a stopped clock


def me(api, account, times=1):
    return [api.get("/v1/users/me", token=account.token) for _ in range(times)]


def test_every_v1_response_carries_the_rate_limit_headers(api, make_account):
    account = make_account("client", company="Acme", industry="saas")
    read_only = make_account("client", scopes="read")
    answers = [
        me(api, account)[0],                                                    # 200
        api.get("/v1/users/usr_doesnotexist0000000000", token=account.token),    # 404
        api.patch("/v1/users/me", token=account.token, json_body={"name": 5}),  # 400
        api.patch("/v1/users/me", token=account.token, body="{oops",
                  headers={"Content-Type": "application/json"}),                # 400
    ]
    assert [a.status for a in answers] == [200, 404, 400, 400]
    for answer in answers:
        assert all(name in answer.headers for name in RATE_HEADERS), answer.headers
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["59", "58", "57", "56"]
    first = answers[0].headers
    assert first["x-ratelimit-limit"] == "60"
    assert first["x-ratelimit-reset"] == str(int(NOW.timestamp()) + 60)
    assert first["ratelimit-policy"] == '"minute";q=60;w=60, "day";q=10000;w=86400'
    assert first["ratelimit"] == '"minute";r=59;t=60, "day";r=9999;t=50400'
    forbidden = api.patch("/v1/users/me", token=read_only.token, json_body={"name": "X"})
    assert forbidden.status == 403 and forbidden.headers["x-ratelimit-remaining"] == "59"


def test_61st_request_in_a_minute_is_refused(api, client_account):
    answers = me(api, client_account, 61)
    assert [a.status for a in answers] == [200] * 60 + [429]
    assert answers[58].headers["x-ratelimit-remaining"] == "1"
    assert answers[59].headers["x-ratelimit-remaining"] == "0"
    refused = answers[60]
    assert refused.error["code"] == "rate_limit_exceeded"
    assert refused.error["doc_url"] == "https://docs.leadnod.com/errors/rate_limit_exceeded"
    assert refused.error["param"] is None and "60 requests per minute" in refused.error["message"]
    assert refused.headers["retry-after"] == "61"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-ratelimit-reset"] == str(int(NOW.timestamp()) + 61)
    assert refused.headers["x-request-id"]
    assert refused.headers["content-type"] == "application/json"


def test_a_refused_request_does_no_work(api, services, make_account, monkeypatch):
    account = make_account("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=1, per_day=100)
    assert me(api, account)[0].status == 200
    ran = []
    monkeypatch.setattr(type(services.users), "update_me",
                        lambda *args, **kwargs: ran.append(args))
    answer = api.patch("/v1/users/me", token=account.token, json_body={"name": "Later"})
    assert answer.status == 429 and ran == []


def test_all_credentials_of_an_account_count_together(api, services, make_account):
    account, other = make_account("client"), make_account("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=4, per_day=100)
    second_token = services.token_issuer.issue(user_id=account.user_id, client_id="cli_second",
                                               scopes=["read", "write"])
    for _ in range(2):
        assert me(api, account)[0].status == 200
        assert api.get("/v1/users/me", token=second_token).status == 200
    assert api.get("/v1/users/me", token=second_token).status == 429
    assert me(api, account)[0].status == 429
    assert me(api, other)[0].headers["x-ratelimit-remaining"] == "59"


def test_enterprise_plan_allows_300_a_minute(api, make_account):
    answer = me(api, make_account("client", plan="enterprise"))[0]
    assert answer.headers["x-ratelimit-limit"] == "300"
    assert answer.headers["ratelimit-policy"] == '"minute";q=300;w=60, "day";q=100000;w=86400'


def test_custom_plan_limits_apply_from_the_next_request(api, services, make_account):
    account = make_account("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=3, per_day=100)
    answers = me(api, account, 4)
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["x-ratelimit-limit"] == "3"
    assert answers[0].headers["ratelimit-policy"] == '"minute";q=3;w=60, "day";q=100;w=86400'
    services.accounts.set_plan(account.user_id, "enterprise")
    assert me(api, account)[0].headers["x-ratelimit-limit"] == "300"


def test_daily_quota_exceeded_until_midnight(api, services, make_account, clock):
    account = make_account("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=100, per_day=2)
    assert [a.status for a in me(api, account, 2)] == [200, 200]
    refused = me(api, account)[0]
    assert refused.status == 429 and refused.error["code"] == "daily_quota_exceeded"
    assert refused.headers["retry-after"] == str(14 * 3600)
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-ratelimit-reset"] == str(int(NOW.timestamp()) + 14 * 3600)
    clock.advance(14 * 3600)  # 00:00 UTC; the old token has expired meanwhile
    token = services.token_issuer.issue(user_id=account.user_id, client_id=account.client_id,
                                        scopes=["read"])
    answer = api.get("/v1/users/me", token=token)
    assert answer.status == 200 and answer.headers["ratelimit"].endswith('"day";r=1;t=86400')


def test_gateway_401s_happen_before_the_limiter_and_carry_no_rate_headers(api):
    answer = api.get("/v1/users/me")
    assert answer.status == 401
    assert not any(name in answer.headers for name in RATE_HEADERS)


@pytest.mark.parametrize("failure", [
    ClientError({"Error": {"Code": "ProvisionedThroughputExceededException",
                           "Message": "slow down"}}, "UpdateItem"),
    EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
], ids=["throttled", "unreachable"])
def test_counter_store_unavailable_fails_open(api, services, make_account, monkeypatch,
                                              caplog, failure):
    account = make_account("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=2, per_day=100)

    def broken(**_kwargs):
        raise failure

    monkeypatch.setattr(services.rate_counters.table, "update_item", broken)
    with caplog.at_level(logging.WARNING, logger="chalicelib.services.ratelimit"):
        answers = me(api, account, 4)  # twice the limit
    assert [a.status for a in answers] == [200] * 4
    assert answers[-1].headers["x-ratelimit-remaining"] == "2"
    assert answers[-1].headers["x-ratelimit-limit"] == "2"
    assert any("rate limiter unavailable" in r.getMessage() for r in caplog.records)


def test_plan_limits_from_the_authorizer_context(caplog):
    from chalicelib.services.ratelimit import Limits, limits_for

    assert limits_for("professional") == Limits(60, 10_000)
    assert limits_for("enterprise") == Limits(300, 100_000)
    # API Gateway hands authorizer context values to the function as strings.
    assert limits_for("custom", "120", "5000") == Limits(120, 5000)
    assert limits_for("custom", 120, 5000) == Limits(120, 5000)
    with caplog.at_level(logging.WARNING, logger="chalicelib.services.ratelimit"):
        assert limits_for("custom") == Limits(60, 10_000)
    assert "custom plan without rate limits" in caplog.text
    assert limits_for("custom", "0", "10") == Limits(60, 10_000)
    assert limits_for("unknown") == Limits(60, 10_000)
