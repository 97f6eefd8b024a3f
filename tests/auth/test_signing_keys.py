"""The signing keys' public halves kept in the table (storage/signing_keys.py): a new
environment verifies tokens without a KMS client; KMS is asked when the table has nothing, when
a token names a kid the table does not (an alias moved), and by every process that signs."""
from __future__ import annotations

import base64
import json
import secrets

import jwt
import pytest

from chalicelib.auth.tokens import InvalidToken, KeySet, TokenIssuer, TokenVerifier
from chalicelib.storage.signing_keys import SigningKeyCache


class CountingKms:
    def __init__(self, kms):
        self.kms, self.public_key_reads = kms, 0

    def __call__(self):
        return self

    def get_public_key(self, **kwargs):
        self.public_key_reads += 1
        return self.kms.get_public_key(**kwargs)

    def sign(self, **kwargs):
        return self.kms.sign(**kwargs)


@pytest.fixture
def alias(services):
    """A key of its own behind an alias, with nothing in the table yet."""
    kms = services.kms
    name = f"alias/test-signing-{secrets.token_hex(4)}"
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    return name, key_id


def tools(services, alias_name, kms):
    """(issuer, verifier) of one process, sharing its KeySet. `kms` is the process's client
    factory: a CountingKms (which is also the client the issuer signs with), or, for a process
    that only verifies, a function that fails if called (the issuer then has no client)."""
    keys = KeySet((alias_name,), kms=kms, cache=SigningKeyCache(services.store))
    s = services.settings
    issuer = TokenIssuer(kms if isinstance(kms, CountingKms) else None, keys,
                         issuer=s.token_issuer, audience=s.token_audience, ttl_seconds=3600,
                         clock=services.clock)
    verifier = TokenVerifier(keys, issuer=s.token_issuer, audience=s.token_audience,
                             clock=services.clock)
    return issuer, verifier


def test_a_new_environment_verifies_from_the_table_without_kms(services, alias):
    signer_kms = CountingKms(services.kms)
    issuer, _ = tools(services, alias[0], signer_kms)
    token = issuer.issue(user_id="usr_a", client_id="cli_a", scopes=["read"])
    assert signer_kms.public_key_reads == 1  # the signer asked KMS, and kept the answer

    def no_kms():
        raise AssertionError("a verifier with the keys in the table built a KMS client")
    _, verifier = tools(services, alias[0], no_kms)
    assert verifier.verify(token).user_id == "usr_a"


def test_keys_missing_from_the_table_come_from_kms_once_and_are_kept(services, alias):
    kms = CountingKms(services.kms)
    token = tools(services, alias[0], kms)[0].issue(user_id="usr_b", client_id="cli_b",
                                                     scopes=["read"])
    services.table.delete_item(Key={"PK": f"SIGNKEY#{alias[0]}", "SK": "SIGNKEY"})
    first = CountingKms(services.kms)
    _, verifier = tools(services, alias[0], first)
    assert verifier.verify(token).user_id == "usr_b"
    assert verifier.verify(token).user_id == "usr_b"
    assert first.public_key_reads == 1
    assert services.table.get_item(Key={"PK": f"SIGNKEY#{alias[0]}", "SK": "SIGNKEY"})["Item"][
        "kid"] == alias[1]


def test_a_moved_alias_signs_with_the_new_kid_and_verifiers_read_it_again(services, alias):
    name, old_key = alias
    old_verifier = tools(services, name, CountingKms(services.kms))[1]
    old_verifier.verify(tools(services, name, CountingKms(services.kms))[0].issue(
        user_id="usr_c", client_id="cli_c", scopes=["read"]))  # loaded: the table names old_key
    new_key = services.kms.create_key(KeySpec="RSA_2048",
                                      KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    services.kms.update_alias(AliasName=name, TargetKeyId=new_key)

    token = tools(services, name, CountingKms(services.kms))[0].issue(
        user_id="usr_c", client_id="cli_c", scopes=["read"])
    assert jwt.get_unverified_header(token)["kid"] == new_key  # not the table's old kid
    old_verifier._keys._read_kms_at = float("-inf")  # its last KMS read is past the minute
    assert old_verifier.verify(token).user_id == "usr_c"

    # A new process's JWKS names the key the alias points at now, whatever the table held.
    services.table.put_item(Item={**services.table.get_item(Key={
        "PK": f"SIGNKEY#{name}", "SK": "SIGNKEY"})["Item"], "kid": old_key})
    published = KeySet((name,), kms=lambda: services.kms,
                       cache=SigningKeyCache(services.store)).jwks()
    assert [key["kid"] for key in published["keys"]] == [new_key]


def test_an_unknown_kid_asks_kms_at_most_once_a_minute(services, alias):
    kms = CountingKms(services.kms)
    issuer, verifier = tools(services, alias[0], kms)
    token = issuer.issue(user_id="usr_d", client_id="cli_d", scopes=["read"])
    rest = token.split(".", 1)[1]
    forged = base64.urlsafe_b64encode(json.dumps(
        {"alg": "RS256", "typ": "JWT", "kid": "made-up"}).encode()).rstrip(b"=").decode()
    reads = kms.public_key_reads
    for _ in range(5):
        with pytest.raises(InvalidToken):
            verifier.verify(f"{forged}.{rest}")
    assert kms.public_key_reads == reads  # the signer read KMS just now: no refresh yet
