"""The custom authorizer: bearer JWT → allow with the caller's context, or deny.

Deny (not an exception) for every bad token: API Gateway turns the deny into the
ACCESS_DENIED gateway response, which `infra/` shapes as our 401 `invalid_token`.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from chalice.app import AuthRequest, AuthResponse

from .caller import Caller
from .key_pools import KeyPools
from .tokens import InvalidToken, TokenVerifier

log = logging.getLogger(__name__)


def bearer_token(header: str | None) -> str | None:
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token and " " not in token else None


def deny(request: AuthRequest, reason: str) -> dict[str, Any]:
    log.info("authorizer denied: %s", reason)
    return {
        "principalId": "anonymous",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [request.method_arn]}]},
        "context": {"reason": reason[:200]},
    }


def authorize(request: AuthRequest, verifier: TokenVerifier,
              load_account: Callable[[str], dict[str, Any] | None],
              pools: KeyPools | None = None) -> dict[str, Any]:
    """`load_account(user_id)` returns the user item (type, plan, limits) or None. A client
    user who is a member of another user's organization acts for that account: its plan,
    limits and API key are the organization's (docs/teams.md). The API key, which API Gateway's
    usage plans meter, is the organization's slot of its plan's pool (`pools`)."""
    token = bearer_token(request.token)
    if token is None:
        return deny(request, "malformed Authorization header")
    try:
        claims = verifier.verify(token)
    except InvalidToken as exc:
        return deny(request, f"invalid token: {exc}")
    person = load_account(claims.user_id)
    if person is None or person.get("status", "active") != "active":
        return deny(request, "account missing, disabled or removed from its organization")
    account = person
    if person["type"] == "client" and person.get("account_id", person["id"]) != person["id"]:
        account = load_account(person["account_id"]) or {}
        if not account or account.get("status") == "disabled":
            return deny(request, "organization missing or disabled")
    caller = Caller(user_id=account["id"], user_type=person["type"],
                    plan=account.get("plan", "professional"), scopes=claims.scopes,
                    client_id=claims.client_id, member_id=person["id"],
                    role=person.get("role", "owner") if person["type"] == "client" else "")
    context: dict[str, Any] = caller.to_context()
    for limit in ("rate_per_minute", "rate_per_day"):
        if account.get(limit) is not None:
            context[limit] = int(account[limit])
    answer = AuthResponse(routes=["*"], principal_id=caller.person_id,
                          context=context).to_dict(request)
    key = (pools or KeyPools(stage="", slots=())).usage_identifier(account)
    if key:
        # Chalice's AuthResponse has no field for it; API Gateway reads it from the dict.
        answer["usageIdentifierKey"] = key
    return answer
