"""The documented error format for every kind of bad request."""
from __future__ import annotations


def assert_error(answer, status, code, param=None):
    assert answer.status == status, answer.body
    error = answer.error
    assert set(error) == {"code", "message", "param", "doc_url"}
    assert error["code"] == code and error["param"] == param and error["message"]
    assert error["doc_url"] == f"https://docs.leadnod.com/errors/{code}"
    assert answer.headers["x-request-id"]
    assert answer.headers["content-type"].startswith("application/json")


def test_malformed_json(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, body="{oops",
                       headers={"Content-Type": "application/json"})
    assert_error(answer, 400, "invalid_json")


def test_body_that_is_not_an_object(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, body="[1, 2]",
                       headers={"Content-Type": "application/json"})
    assert_error(answer, 400, "invalid_json")


def test_body_without_content_type_is_415(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, body='{"name": 5}')
    assert_error(answer, 415, "unsupported_media_type", "Content-Type")


def test_wrong_content_type(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, body="name=x",
                       headers={"Content-Type": "text/plain"})
    assert_error(answer, 415, "unsupported_media_type", "Content-Type")


def test_body_over_the_size_limit(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token,
                       json_body={"profile": {"bio": "x" * 1_100_000}})
    assert_error(answer, 413, "request_too_large")


def test_unknown_route_is_404_with_or_without_token(api, client_account):
    assert_error(api.get("/v1/nothing-here"), 404, "not_found")
    assert_error(api.get("/v1/nothing-here", token=client_account.token), 404, "not_found")


def test_wrong_method_is_405_with_allow(api, client_account):
    answer = api.delete("/v1/users/me", token=client_account.token)
    assert_error(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["allow"]


def test_invalid_limit_and_cursor(api, client_account):
    assert_error(api.get("/v1/users/search?limit=0", token=client_account.token),
                 400, "invalid_parameter", "limit")
    assert_error(api.get("/v1/users/search?limit=101", token=client_account.token),
                 400, "invalid_parameter", "limit")
    assert_error(api.get("/v1/users/search?cursor=abc.def", token=client_account.token),
                 400, "invalid_cursor", "cursor")
    # A non-ASCII signature was a 500 (Schemathesis): hmac.compare_digest refuses such text.
    for path in ("/v1/payments/disputes", "/v1/users/search", "/v1/opportunities"):
        assert_error(api.get(f"{path}?cursor=.%F2%AC%85%9DMG%C2%B1", token=client_account.token),
                     400, "invalid_cursor", "cursor")
    assert_error(api.get("/v1/users/search?colour=blue", token=client_account.token),
                 400, "invalid_parameter", "colour")


def test_internal_errors_are_generic_and_logged(api, client_account, monkeypatch, services):
    def boom(*_a, **_k):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(services.users, "me", boom)
    answer = api.get("/v1/users/me", token=client_account.token)
    assert_error(answer, 500, "internal_error")
    assert "secret internals" not in answer.body.decode()
    assert answer.headers["x-request-id"] in answer.error["message"]
