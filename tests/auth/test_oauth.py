"""POST /oauth/token: the docs' JSON body, RFC 6749 form bodies, Basic auth, and its errors."""
from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import jwt
import pytest


def test_docs_json_body_returns_documented_token(api, client_account):
    answer = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret})
    assert answer.status == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "read write"
    assert answer.headers["cache-control"] == "no-store"
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["kid"]
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == client_account.user_id
    assert claims["client_id"] == client_account.client_id
    assert claims["iss"] == "http://127.0.0.1:8000" and claims["aud"] == "http://127.0.0.1:8000/v1"
    assert claims["exp"] - claims["iat"] == 3600


def test_token_works_on_users_me(api, client_account):
    token = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret}).json()["access_token"]
    me = api.get("/v1/users/me", token=token)
    assert me.status == 200 and me.json()["id"] == client_account.user_id


def test_form_encoded_body_and_basic_auth(api, client_account):
    form = api.post("/oauth/token", body=urlencode({
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 200
    basic = base64.b64encode(
        f"{client_account.client_id}:{client_account.client_secret}".encode()).decode()
    answer = api.post("/oauth/token", body="grant_type=client_credentials",
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "Authorization": f"Basic {basic}"})
    assert answer.status == 200


def test_scope_can_narrow_to_read(api, client_account):
    answer = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret, "scope": "read"})
    assert answer.json()["scope"] == "read"


@pytest.mark.parametrize("body,error,status", [
    ({"client_id": "x", "client_secret": "y"}, "invalid_request", 400),
    ({"grant_type": "password", "client_id": "x", "client_secret": "y"},
     "unsupported_grant_type", 400),
    ({"grant_type": "client_credentials"}, "invalid_request", 400),
    ({"grant_type": "client_credentials", "client_id": "cli_nope", "client_secret": "nope"},
     "invalid_client", 401),
])
def test_rfc6749_errors(api, body, error, status):
    answer = api.post("/oauth/token", json_body=body)
    assert answer.status == status
    assert answer.json()["error"] == error and answer.json()["error_description"]
    assert answer.headers["cache-control"] == "no-store"


def test_wrong_secret_and_unknown_scope(api, client_account):
    wrong = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret + "x"})
    assert wrong.status == 401 and wrong.json()["error"] == "invalid_client"
    scope = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret, "scope": "admin"})
    assert scope.status == 400 and scope.json()["error"] == "invalid_scope"


def test_malformed_json_is_invalid_request(api):
    answer = api.post("/oauth/token", body="{not json",
                      headers={"Content-Type": "application/json"})
    assert answer.status == 400 and answer.json()["error"] == "invalid_request"


def test_secret_is_stored_hashed(services, client_account):
    credential = services.users_repo.get_credential(client_account.client_id)
    stored = str(credential)
    assert client_account.client_secret not in stored
    assert credential["secrets"][0]["hash"].startswith("scrypt$")


def test_rotation_keeps_old_secret_during_grace_then_expires(services, client_account):
    from chalicelib.clock import FrozenClock

    oauth = services.oauth
    new_secret = oauth.rotate_secret(client_account.client_id, grace_seconds=60)
    assert oauth.authenticate(client_account.client_id, client_account.client_secret)
    assert oauth.authenticate(client_account.client_id, new_secret)
    later = FrozenClock()
    later._at = services.clock.now().replace(microsecond=0)
    later.advance(120)
    oauth._clock = later
    assert oauth.authenticate(client_account.client_id, client_account.client_secret) is None
    assert oauth.authenticate(client_account.client_id, new_secret) == client_account.user_id


def test_rotation_without_grace_revokes_at_once(services, client_account):
    new_secret = services.oauth.rotate_secret(client_account.client_id, grace_seconds=0)
    assert services.oauth.authenticate(client_account.client_id,
                                       client_account.client_secret) is None
    assert services.oauth.authenticate(client_account.client_id, new_secret)


def test_jwks_publishes_the_signing_key(api, client_account):
    token = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret}).json()["access_token"]
    jwks = api.get("/.well-known/jwks.json").json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key=key.key, algorithms=["RS256"],
                        audience="http://127.0.0.1:8000/v1")
    assert claims["sub"] == client_account.user_id


def credentials(account):
    return {"grant_type": "client_credentials", "client_id": account.client_id,
            "client_secret": account.client_secret}


@pytest.mark.parametrize("content_type", [None, "*/*", "text/plain",
                                          "application/json; charset=utf-16"])
def test_a_body_of_another_media_type_is_415_in_the_oauth_shape(api, client_account,
                                                                content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = api.post("/oauth/token", body=json.dumps(credentials(client_account)),
                      headers=headers)
    assert answer.status == 415, answer.body
    assert set(answer.json()) == {"error", "error_description"}
    assert answer.json()["error"] == "invalid_request"
    assert "Content-Type" in answer.json()["error_description"]
    assert answer.headers["cache-control"] == "no-store"


def test_form_and_json_with_a_utf8_charset_are_accepted(api, client_account):
    form = api.post("/oauth/token", body=urlencode(credentials(client_account)), headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    as_json = api.post("/oauth/token", body=json.dumps(credentials(client_account)),
                       headers={"Content-Type": "application/json; charset=utf-8"})
    assert (form.status, as_json.status) == (200, 200), (form.body, as_json.body)


@pytest.mark.parametrize("failing", ["token_issuer.issue", "users_repo.get_credential"])
def test_an_unexpected_failure_is_a_500_in_the_oauth_shape(api, services, client_account,
                                                           monkeypatch, failing):
    """A KMS or DynamoDB outage while issuing: RFC 6749's `server_error`, nothing internal."""
    owner, method = failing.split(".")

    def outage(*args, **kwargs):
        raise RuntimeError("arn:aws:kms:eu-west-1:123456789012:key/secret-internal-detail")

    services.oauth  # built before the dependency fails
    monkeypatch.setattr(getattr(services, owner), method, outage)
    answer = api.post("/oauth/token", json_body=credentials(client_account))
    assert answer.status == 500, answer.body
    body = answer.json()
    assert set(body) == {"error", "error_description"} and body["error"] == "server_error"
    assert "arn:aws" not in answer.body.decode() and "support" in body["error_description"]
    assert answer.headers["cache-control"] == "no-store" and answer.headers["x-request-id"]
