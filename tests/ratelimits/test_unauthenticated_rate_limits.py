"""Requests without an account that reach the API (the token endpoint, the public documents,
405 answers) are counted per source address, with the same rate-limit headers and a 429 past
the limit; what API Gateway answers itself carries none (docs/rate-limits.md)."""
from __future__ import annotations

import uuid

import pytest

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                "ratelimit-policy", "ratelimit")


def new_address() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # documentation prefix


@pytest.fixture
def from_address(api, monkeypatch):
    """Requests from one address of the test's own, at 3 unauthenticated requests a minute."""
    from chalice.local import LambdaEventConverter

    from chalicelib import wiring

    monkeypatch.setenv("UNAUTHENTICATED_RATE_PER_MINUTE", "3")
    monkeypatch.setenv("UNAUTHENTICATED_RATE_PER_DAY", "1000")
    wiring.reset()

    def use(address: str) -> None:  # API Gateway's requestContext.identity.sourceIp
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)
    use(new_address())
    return use


def token_request(api):
    return api.post("/oauth/token", json_body={"grant_type": "client_credentials",
                                               "client_id": "cli_unknown",
                                               "client_secret": "lns_wrong"})


def test_the_token_endpoint_is_counted_per_source_address(api, from_address, make_account):
    answers = [token_request(api) for _ in range(4)]

    assert [a.status for a in answers] == [401, 401, 401, 429]
    for answer in answers:
        assert all(name in answer.headers for name in RATE_HEADERS), answer.headers
        assert answer.headers["x-ratelimit-limit"] == "3"
        assert answer.headers["ratelimit-policy"] == '"minute";q=3;w=60, "day";q=1000;w=86400'
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert refused.json()["error"] == "rate_limit_exceeded"  # RFC 6749's shape here
    assert "from one address" in refused.json()["error_description"]
    # A full minute waits for the next minute's window to carry few enough of it: up to
    # 60 s + 60 s / limit (services/sliding_window.ms_until_allowed), 80 s for 3 a minute.
    assert 1 <= int(refused.headers["retry-after"]) <= 60 + 60 // 3 + 1
    assert refused.headers["cache-control"] == "no-store"

    jwks = api.get("/.well-known/jwks.json")  # same address, another public route
    assert jwks.status == 429 and jwks.error["code"] == "rate_limit_exceeded"
    account = make_account("client")  # an account's requests count against the account
    me = api.get("/v1/users/me", token=account.token)
    assert me.status == 200 and me.headers["x-ratelimit-limit"] == "60"

    from_address(new_address())
    other = api.get("/.well-known/jwks.json")
    assert other.status == 200 and other.headers["x-ratelimit-remaining"] == "2"


def test_public_documents_and_405_answers_carry_the_headers(api, from_address):
    for answer in (api.get("/v1/openapi.json"), api.delete("/oauth/token")):
        assert answer.status in (200, 405), answer.body
        assert all(name in answer.headers for name in RATE_HEADERS), answer.headers


def test_what_the_gateway_answers_itself_is_neither_counted_nor_headed(api, from_address):
    """No token, a token the authorizer refuses, an unknown route: API Gateway answers these
    from the template's gateway responses before any Lambda runs (static headers only)."""
    gateway_answers = [api.get("/v1/users/me"), api.get("/v1/users/me", token="not-a-token"),
                       api.get("/v1/no-such-route"), api.post("/nowhere")]

    assert [a.status for a in gateway_answers] == [401, 401, 404, 404]
    for answer in gateway_answers:
        assert not any(name in answer.headers for name in RATE_HEADERS), answer.headers
    assert api.get("/.well-known/jwks.json").headers["x-ratelimit-remaining"] == "2"


def test_the_openapi_document_lists_the_headers_and_429_on_public_operations(api):
    paths = api.get("/v1/openapi.json").json()["paths"]
    for path, method in (("/oauth/token", "post"), ("/.well-known/jwks.json", "get"),
                         ("/v1/openapi.json", "get")):
        responses = paths[path][method]["responses"]
        assert "429" in responses, path
        for status in ("200", "429"):
            assert set(responses[status]["headers"]) >= {
                "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "RateLimit-Policy", "RateLimit"}, (path, status)
