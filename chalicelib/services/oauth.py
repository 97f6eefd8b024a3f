"""OAuth 2.0 client credentials grant (RFC 6749 §4.4) and client-secret rotation."""
from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Any, Callable
from urllib.parse import unquote_plus

from chalice import Response

from ..auth.secrets import burn_equivalent_time, hash_secret, new_client_secret, verify_secret
from ..auth.tokens import TokenIssuer
from ..clock import Clock, sortable
from ..errors import ApiError, not_found
from ..models.oauth import TokenRequest, TokenResponse
from ..storage.commit_riders import answer_in_commit
from ..storage.table import ConditionFailed, NamedAction
from ..storage.users import UserRepository
from .ratelimit import ClientAuthGuard

SUPPORTED_SCOPES = ("read", "write")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(ApiError):
    """RFC 6749 §5.2 error body — OAuth client libraries parse this shape, not ours."""
    status = 400

    def __init__(self, error: str, description: str, status: int = 400,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description, code=error, headers={**NO_STORE, **(headers or {})})
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "error_description": self.message}


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """`Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1)."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401,
                         {"WWW-Authenticate": 'Basic realm="leadnod"'}) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401,
                         {"WWW-Authenticate": 'Basic realm="leadnod"'})
    return unquote_plus(client_id), unquote_plus(secret)


class OAuthService:
    def __init__(self, users: UserRepository, issuer: TokenIssuer, clock: Clock,
                 guard: ClientAuthGuard) -> None:
        self._users, self._issuer, self._clock, self._guard = users, issuer, clock, guard

    def token(self, request: TokenRequest, authorization: str | None) -> TokenResponse:
        if not request.grant_type:
            raise OAuthError("invalid_request", "The 'grant_type' parameter is required.")
        if request.grant_type != "client_credentials":
            raise OAuthError("unsupported_grant_type",
                             "Only the 'client_credentials' grant type is supported.")
        basic = basic_credentials(authorization)
        if basic and (request.client_id or request.client_secret) and \
                (request.client_id, request.client_secret) != basic:
            raise OAuthError("invalid_request",
                             "Send client credentials either in the body or with HTTP Basic, "
                             "not both.")
        client_id, secret = basic or (request.client_id, request.client_secret)
        if not client_id or not secret:
            raise OAuthError("invalid_request",
                             "The 'client_id' and 'client_secret' parameters are required.")
        scopes = self._scopes(request.scope)
        attempt = self._guard.attempt(client_id)  # before the slow secret check
        if not attempt.allowed:
            raise OAuthError("rate_limit_exceeded",
                             "Too many failed client authentications for this client_id. "
                             f"Retry after {attempt.retry_after} seconds.", 429,
                             {"Retry-After": str(attempt.retry_after)})
        user_id = self.authenticate(client_id, secret)
        if user_id is None:  # the attempt stays counted
            raise OAuthError("invalid_client", "Client authentication failed.", 401,
                             {"WWW-Authenticate": 'Basic realm="leadnod"'} if basic else None)
        self._guard.succeeded(attempt)
        token = self._issuer.issue(user_id=user_id, client_id=client_id, scopes=scopes)
        return TokenResponse(access_token=token, expires_in=self._issuer.ttl_seconds,
                             scope=" ".join(scopes))

    @staticmethod
    def _scopes(requested: str | None) -> list[str]:
        if requested is None or not requested.strip():
            return list(SUPPORTED_SCOPES)
        asked = requested.split()
        if any(scope not in SUPPORTED_SCOPES for scope in asked):
            raise OAuthError("invalid_scope", "Supported scopes are 'read' and 'write'.")
        return [scope for scope in SUPPORTED_SCOPES if scope in asked]

    def authenticate(self, client_id: str, secret: str) -> str | None:
        """The user id behind valid client credentials, else None (constant-ish time)."""
        credential = self._users.get_credential(client_id) if len(client_id) < 100 else None
        if credential is None:
            burn_equivalent_time(secret)
            return None
        now = self._clock.timestamp()
        valid = [s for s in credential["secrets"]
                 if not s.get("expires_at") or s["expires_at"] > now]
        matched = False
        for stored in valid:  # check them all: timing must not reveal which one matched
            matched |= verify_secret(secret, stored["hash"])
        if not valid:
            burn_equivalent_time(secret)
        return credential["user_id"] if matched else None

    def rotate_secret(self, client_id: str, grace_seconds: int = 86400,
                      announce: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
                      *, credential: dict[str, Any] | None = None,
                      answer: Callable[[str], Any] | None = None,
                      checks: tuple[NamedAction, ...] = ()) -> str:
        """A new secret; the current ones keep working for `grace_seconds` (0 = revoke now).
        `announce(credential)` gives the events written with it (self-service rotation);
        `credential` is the item if the caller read it already, `answer(secret)` the request's
        answer (written with the commit) and `checks` conditions of the write."""
        credential = credential or self._users.get_credential(client_id)
        if credential is None:
            raise not_found("client", client_id, param="client_id")
        now = self._clock.now()
        expires = int((now + timedelta(seconds=grace_seconds)).timestamp())
        kept = [{**s, "expires_at": min(int(s.get("expires_at") or expires), expires)}
                for s in credential["secrets"]
                if grace_seconds > 0
                and (not s.get("expires_at") or s["expires_at"] > now.timestamp())]
        secret = new_client_secret()
        try:
            with answer_in_commit(answer(secret) if answer else None):
                self._users.replace_secrets(
                    credential, kept + [{"hash": hash_secret(secret), "created_at": sortable(now)}],
                    announce(credential) if announce else [], checks)
        except ConditionFailed:
            raise ApiError("The credential was rotated concurrently; retry.",
                           code="concurrent_update") from None
        return secret


def token_response(token: TokenResponse) -> Response:
    return Response(body=token.model_dump_json(), status_code=200,
                    headers={"Content-Type": "application/json", **NO_STORE})
