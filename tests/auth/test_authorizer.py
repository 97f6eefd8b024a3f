"""Bearer tokens: only RS256 tokens signed by our KMS key, for our issuer and audience,
unexpired."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def claims_for(account, **overrides):
    now = int(time.time())
    claims = {"iss": "http://127.0.0.1:8000", "aud": "http://127.0.0.1:8000/v1",
              "sub": account.user_id, "iat": now, "exp": now + 600, "scope": "read write",
              "client_id": account.client_id}
    claims.update(overrides)
    return claims


def real_kid(api, account):
    return jwt.get_unverified_header(account.token)["kid"]


def assert_invalid_token(answer):
    assert answer.status == 401
    assert answer.error["code"] == "invalid_token"
    assert answer.error["doc_url"] == "https://docs.leadnod.com/errors/invalid_token"
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_missing_authorization_header_is_401_in_error_format(api):
    answer = api.get("/v1/users/me")
    assert answer.status == 401
    assert answer.error["code"] == "unauthorized"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.headers["x-request-id"]


def test_token_signed_by_another_key(api, client_account):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims_for(client_account), other, algorithm="RS256",
                       headers={"kid": real_kid(api, client_account)})
    assert_invalid_token(api.get("/v1/users/me", token=token))


def test_alg_none_is_refused(api, client_account):
    token = jwt.encode(claims_for(client_account), None, algorithm="none",
                       headers={"kid": real_kid(api, client_account)})
    assert_invalid_token(api.get("/v1/users/me", token=token))


def test_hs256_signed_with_the_public_key_is_refused(api, services, client_account):
    kid = real_kid(api, client_account)
    public_pem = services.keys.public_key(kid).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = jwt.utils.base64url_encode(
        b'{"alg":"HS256","kid":"' + kid.encode() + b'","typ":"JWT"}')
    import hashlib
    import hmac
    import json
    payload = jwt.utils.base64url_encode(json.dumps(claims_for(client_account)).encode())
    signing_input = header + b"." + payload
    signature = jwt.utils.base64url_encode(
        hmac.new(public_pem, signing_input, hashlib.sha256).digest())
    token = (signing_input + b"." + signature).decode()
    assert_invalid_token(api.get("/v1/users/me", token=token))


@pytest.mark.parametrize("override", [
    {"exp": int(time.time()) - 10},
    {"iss": "https://sandbox.api.leadnod.com"},
    {"aud": "https://api.leadnod.com/v1"},
])
def test_expired_or_foreign_tokens_signed_by_our_key(api, services, client_account, override):
    issuer = services.token_issuer
    original = (issuer.issuer, issuer.audience, issuer.ttl_seconds)
    try:
        if "exp" in override:
            issuer.ttl_seconds = -10
        issuer.issuer = override.get("iss", issuer.issuer)
        issuer.audience = override.get("aud", issuer.audience)
        token = issuer.issue(user_id=client_account.user_id, client_id=client_account.client_id,
                             scopes=["read", "write"])
    finally:
        issuer.issuer, issuer.audience, issuer.ttl_seconds = original
    assert_invalid_token(api.get("/v1/users/me", token=token))


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer a b", "token xyz",
                                    "Bearer x.y.z"])
def test_malformed_authorization_headers(api, header):
    answer = api.get("/v1/users/me", headers={"Authorization": header})
    assert answer.status == 401


def test_read_scope_cannot_write(api, make_account):
    reader = make_account("client", scopes="read")
    assert api.get("/v1/users/me", token=reader.token).status == 200
    answer = api.patch("/v1/users/me", token=reader.token, json_body={"name": "New"})
    assert answer.status == 403 and answer.error["code"] == "insufficient_scope"


def test_sandbox_token_is_refused_by_prod_settings(services, client_account):
    """Stages differ by issuer/audience (and keys): a token from one fails the other's check."""
    from chalicelib.auth.tokens import InvalidToken, TokenVerifier

    prod = TokenVerifier(services.keys, issuer="https://api.leadnod.com",
                         audience="https://api.leadnod.com/v1", clock=services.clock)
    with pytest.raises(InvalidToken):
        prod.verify(client_account.token)


def test_key_rotation_keeps_old_kids_valid_until_removed(services, client_account):
    """New key first in TOKEN_SIGNING_KEY_IDS signs; the old one still verifies; JWKS has both."""
    from chalicelib.auth.tokens import InvalidToken, KeySet, TokenIssuer, TokenVerifier

    kms = services.kms
    new_key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    old_key = services.settings.token_signing_key_ids[0]
    s = services.settings
    rotated = KeySet((new_key, old_key), kms=lambda: kms)
    issuer = TokenIssuer(kms, rotated, issuer=s.token_issuer, audience=s.token_audience,
                         ttl_seconds=3600, clock=services.clock)
    verifier = TokenVerifier(rotated, issuer=s.token_issuer, audience=s.token_audience,
                             clock=services.clock)
    new_token = issuer.issue(user_id=client_account.user_id, client_id=client_account.client_id,
                             scopes=["read"])
    assert jwt.get_unverified_header(new_token)["kid"] == new_key
    assert verifier.verify(client_account.token).user_id == client_account.user_id  # old kid
    assert verifier.verify(new_token).user_id == client_account.user_id
    assert {k["kid"] for k in rotated.jwks()["keys"]} == {new_key, jwt.get_unverified_header(
        client_account.token)["kid"]}
    retired = TokenVerifier(KeySet((new_key,), kms=lambda: kms), issuer=s.token_issuer,
                            audience=s.token_audience, clock=services.clock)
    with pytest.raises(InvalidToken):
        retired.verify(client_account.token)


def test_authorizer_answers_usage_identifier_key_and_context(services, make_account):
    """API Gateway meters usage plans by the key the authorizer returns (key source AUTHORIZER):
    a key of the account's plan's pool, which API Gateway holds in that plan."""
    from chalice.app import AuthRequest

    from chalicelib.auth.authorizer import authorize
    from chalicelib.auth.key_pools import pool_key_value, slot_index

    account = services.accounts.create_account(user_type="client", name="Keyed",
                                               email=f"keyed-{uuid.uuid4().hex[:8]}@example.com")
    token = services.token_issuer.issue(user_id=account.user.id, client_id=account.client_id,
                                        scopes=["read"])
    arn = "arn:aws:execute-api:us-east-1:123456789012:abc/api/GET/v1/users/me"
    answer = authorize(AuthRequest("TOKEN", f"Bearer {token}", arn), services.token_verifier,
                       services.users_repo.get, services.key_pools)
    slots = services.settings.api_key_pool_slots
    expected = pool_key_value("dev", "professional",
                              slots[slot_index(account.user.id, len(slots))])
    assert answer["usageIdentifierKey"] == expected
    assert answer["principalId"] == account.user.id
    assert answer["context"]["scope"] == "read" and answer["context"]["user_type"] == "client"
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    plan_keys = services.client("apigateway").get_usage_plan_keys(
        usagePlanId=services.settings.usage_plan_ids["professional"], limit=500)["items"]
    assert expected in {k["value"] for k in plan_keys}


def test_disabled_account_is_denied(services, client_account):
    from chalice.app import AuthRequest

    from chalicelib.auth.authorizer import authorize

    services.users_repo.set_attributes(client_account.user_id, status="disabled")
    arn = "arn:aws:execute-api:us-east-1:123456789012:abc/api/GET/v1/users/me"
    answer = authorize(AuthRequest("TOKEN", f"Bearer {client_account.token}", arn),
                       services.token_verifier, services.users_repo.get)
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Deny"
