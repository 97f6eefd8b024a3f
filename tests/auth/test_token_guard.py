"""POST /oauth/token: at most 10 failed client authentications a minute per client id."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from botocore.exceptions import EndpointConnectionError

from chalicelib.clock import FrozenClock
from chalicelib.services import oauth


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc))


@pytest.fixture
def services(aws_env, clock):
    from chalicelib import wiring

    yield wiring.reset(clock)
    wiring.reset()  # later tests in this process must not inherit a stopped clock


def token(api, client_id, secret):
    return api.post("/oauth/token", json_body={"grant_type": "client_credentials",
                                               "client_id": client_id, "client_secret": secret})


def fail(api, client_id, times):
    return [token(api, client_id, "lns_wrong").status for _ in range(times)]


def test_eleventh_failure_in_a_minute_is_refused_even_with_the_right_secret(api, client_account):
    assert fail(api, client_account.client_id, 10) == [401] * 10
    refused = token(api, client_account.client_id, client_account.client_secret)
    assert refused.status == 429
    assert refused.json() == {
        "error": "rate_limit_exceeded",
        "error_description": "Too many failed client authentications for this client_id. "
                             "Retry after 66 seconds."}
    # All ten failures at 10:00:00: one more fits once 9 of them still count, at 10:01:06.
    assert refused.headers["retry-after"] == "66"
    assert refused.headers["cache-control"] == "no-store"


def test_refused_attempts_skip_the_secret_check(api, client_account, monkeypatch):
    fail(api, client_account.client_id, 10)
    checks = []
    monkeypatch.setattr(oauth, "verify_secret", lambda *a: checks.append(a) or False)
    monkeypatch.setattr(oauth, "burn_equivalent_time", lambda *a: checks.append(a))
    assert fail(api, client_account.client_id, 3) == [429] * 3
    assert checks == []


def test_only_failures_count(api, client_account):
    assert fail(api, client_account.client_id, 9) == [401] * 9
    for _ in range(3):  # would be the 10th to 12th attempts if successes counted
        assert token(api, client_account.client_id, client_account.client_secret).status == 200
    assert fail(api, client_account.client_id, 2) == [401, 429]


def test_a_success_is_not_carried_into_the_next_minute(api, client_account, clock):
    clock.advance(50)
    assert fail(api, client_account.client_id, 9) == [401] * 9
    assert token(api, client_account.client_id, client_account.client_secret).status == 200
    clock.advance(15)  # 10:01:05: 9 failures, of which ceil(9 * 55/60) = 9 still count
    assert fail(api, client_account.client_id, 2) == [401, 429]


def test_guard_is_per_client_id_and_slides(api, make_account, clock):
    attacked, bystander = make_account("client"), make_account("client")
    fail(api, attacked.client_id, 11)
    assert token(api, bystander.client_id, bystander.client_secret).status == 200
    clock.advance(65)
    assert token(api, attacked.client_id, attacked.client_secret).status == 429
    clock.advance(1)
    assert token(api, attacked.client_id, attacked.client_secret).status == 200


def test_unknown_client_ids_are_guarded_too(api):
    assert fail(api, "cli_doesnotexist00000000", 11) == [401] * 10 + [429]


def test_guard_fails_open(api, services, client_account, monkeypatch, caplog):
    def broken(**_kwargs):
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    monkeypatch.setattr(services.rate_counters.table, "update_item", broken)
    with caplog.at_level(logging.WARNING, logger="chalicelib.services.ratelimit"):
        assert fail(api, client_account.client_id, 11) == [401] * 11
        assert token(api, client_account.client_id, client_account.client_secret).status == 200
    assert any("guard unavailable" in r.getMessage() for r in caplog.records)
