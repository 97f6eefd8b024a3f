"""RS256 access tokens signed by KMS, verified with pyjwt against the published JWKS.

The private key never leaves KMS: we assemble the JWT signing input and ask KMS to sign it
(`MessageType=RAW`, RSASSA_PKCS1_V1_5_SHA_256 — exactly JWS RS256).
"""
from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ..clock import Clock

if TYPE_CHECKING:
    from ..storage.signing_keys import SigningKeyCache

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
    """The stage's signing keys (first = active). Their public halves are read once per
    process: from the table (`SigningKeyCache`), else from KMS (and then kept in the table)."""

    REFRESH_SECONDS = 60  # an unknown kid re-reads KMS at most this often (an alias re-pointed)

    def __init__(self, key_ids: tuple[str, ...], *, kms: Callable[[], Any],
                 cache: SigningKeyCache | None = None) -> None:
        self._kms, self._key_ids, self._cache = kms, key_ids, cache
        self._lock = threading.Lock()
        self._public: dict[str, Any] | None = None
        self._active_kid: str | None = None
        self._read_kms_at = float("-inf")

    def _load(self, from_kms: bool = False) -> dict[str, Any]:
        with self._lock:
            if self._public is None or from_kms:
                from cryptography.hazmat.primitives.serialization import load_der_public_key

                stored = {} if from_kms or self._cache is None else self._cache.load(
                    self._key_ids)
                public: dict[str, Any] = {}
                for index, key_id in enumerate(self._key_ids):
                    kid, der = stored.get(key_id) or self._from_kms(key_id)
                    public[kid] = load_der_public_key(der)
                    if index == 0:
                        self._active_kid = kid
                self._public = public
            return self._public

    def _from_kms(self, key_id: str) -> tuple[str, bytes]:
        self._read_kms_at = time.monotonic()
        answer = self._kms().get_public_key(KeyId=key_id)
        kid, der = answer["KeyId"].rsplit("/", 1)[-1], answer["PublicKey"]
        if self._cache is not None:
            self._cache.save(key_id, kid, der)
        return kid, der

    @property
    def active(self) -> tuple[str, str]:
        """(kid, KMS key id) of the signing key. The signer asks KMS once per process, never the
        table: a kid must name the key KMS will sign with, even after an alias moved."""
        self._load(from_kms=self._first_read())
        return self._active_kid or "", self._key_ids[0]

    def _first_read(self) -> bool:
        """Whether this process has not asked KMS yet."""
        return self._read_kms_at == float("-inf")

    def public_key(self, kid: str) -> Any:
        key = self._load().get(kid)
        if key is None and time.monotonic() - self._read_kms_at > self.REFRESH_SECONDS:
            key = self._load(from_kms=True).get(kid)  # a key id's alias may point elsewhere now
        if key is None:
            raise InvalidToken(f"unknown kid {kid!r}")
        return key

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """What others verify with: asked of KMS once per process, like the signer's kid."""
        from jwt.algorithms import RSAAlgorithm

        keys = []
        for kid, key in self._load(from_kms=self._first_read()).items():
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

