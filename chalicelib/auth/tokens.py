"""RS256 access tokens signed by KMS, verified with pyjwt against the published JWKS.

The private key never leaves KMS: we assemble the JWT signing input and ask KMS to sign it
(`MessageType=RAW`, RSASSA_PKCS1_V1_5_SHA_256 — exactly JWS RS256).
"""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from typing import Any

from ..clock import Clock

# pyjwt and cryptography (~40 ms to import) are imported where used: the authorizer module
# is loaded by every Lambda of the app, and most of them never verify a token.

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "scope", "client_id"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class InvalidToken(Exception):
    """Any reason a bearer token is not accepted; the reason is logged, never returned."""


@dataclass(frozen=True)
class Claims:
    user_id: str
    client_id: str
    scopes: frozenset[str]
    expires_at: int


class KeySet:
    """The stage's signing keys (first = active). Public keys are fetched once per process."""

    def __init__(self, kms: Any, key_ids: tuple[str, ...]) -> None:
        self._kms = kms
        self._key_ids = key_ids
        self._lock = threading.Lock()
        self._public: dict[str, Any] | None = None
        self._active_kid: str | None = None

    def _load(self) -> dict[str, Any]:
        with self._lock:
            if self._public is None:
                from cryptography.hazmat.primitives.serialization import load_der_public_key

                public: dict[str, Any] = {}
                for index, key_id in enumerate(self._key_ids):
                    answer = self._kms.get_public_key(KeyId=key_id)
                    kid = answer["KeyId"].rsplit("/", 1)[-1]
                    public[kid] = load_der_public_key(answer["PublicKey"])
                    if index == 0:
                        self._active_kid = kid
                self._public = public
            return self._public

    @property
    def active(self) -> tuple[str, str]:
        """(kid, KMS key id) of the signing key."""
        self._load()
        return self._active_kid or "", self._key_ids[0]

    def public_key(self, kid: str) -> Any:
        key = self._load().get(kid)
        if key is None:
            raise InvalidToken(f"unknown kid {kid!r}")
        return key

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        from jwt.algorithms import RSAAlgorithm

        keys = []
        for kid, key in self._load().items():
            jwk = RSAAlgorithm.to_jwk(key, as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": keys}


class TokenIssuer:
    def __init__(self, kms: Any, keys: KeySet, *, issuer: str, audience: str, ttl_seconds: int,
                 clock: Clock) -> None:
        self._kms, self._keys, self._clock = kms, keys, clock
        self.issuer, self.audience, self.ttl_seconds = issuer, audience, ttl_seconds

    def issue(self, *, user_id: str, client_id: str, scopes: list[str]) -> str:
        kid, key_id = self._keys.active
        now = int(self._clock.timestamp())
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid}
        payload = {"iss": self.issuer, "aud": self.audience, "sub": user_id, "iat": now,
                   "nbf": now, "exp": now + self.ttl_seconds, "scope": " ".join(scopes),
                   "client_id": client_id}
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
        signature = self._kms.sign(KeyId=key_id, Message=signing_input.encode(), MessageType="RAW",
                                   SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["Signature"]
        return f"{signing_input}.{_b64url(signature)}"


class TokenVerifier:
    def __init__(self, keys: KeySet, *, issuer: str, audience: str, clock: Clock) -> None:
        self._keys, self._clock = keys, clock
        self.issuer, self.audience = issuer, audience

    def verify(self, token: str) -> Claims:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise InvalidToken(f"alg {header.get('alg')!r} refused")
            key = self._keys.public_key(str(header.get("kid")))
            claims = jwt.decode(
                token, key=key, algorithms=[ALGORITHM], audience=self.audience,
                issuer=self.issuer,
                # Time claims are checked below against our clock, which tests can move.
                options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_nbf": False,
                         "verify_iat": False},
            )
        except InvalidToken:
            raise
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from None
        now = self._clock.timestamp()
        if not isinstance(claims["exp"], int) or claims["exp"] <= now:
            raise InvalidToken("expired")
        if claims.get("nbf", 0) > now + 60:
            raise InvalidToken("not yet valid")
        return Claims(user_id=claims["sub"], client_id=claims["client_id"],
                      scopes=frozenset(str(claims["scope"]).split()), expires_at=claims["exp"])

