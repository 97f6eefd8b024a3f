"""`/v1/usage` and the self-service credential routes (docs/auth.md, docs/teams.md)."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.users import RotatedCredentials, RotateSecret, Usage
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Users"


@operation(bp, "GET", "/v1/usage", returns=Usage, tag=TAG, summary="Get the account's usage")
def get_usage(caller: Caller) -> Usage:
    """This minute's and today's requests against the plan's limits (for client users: the
    organization's, which all its members share)."""
    return container().usage.of(caller)


@operation(bp, "POST", "/v1/users/me/credentials/rotate", body=RotateSecret,
           returns=RotatedCredentials, shown_once=("client_secret",), tag=TAG,
           summary="Rotate your client secret", answer_in_commit=True)
def rotate_my_secret(caller: Caller, body: RotateSecret) -> RotatedCredentials:
    """A new secret for the credential this token was issued to, shown once; the previous one
    keeps working for `grace_seconds` (default 3600, 0 refuses it at once)."""
    return container().credentials.rotate_own(caller, body)


@operation(bp, "POST", "/v1/users/me/team/{user_id}/credentials/rotate", body=RotateSecret,
           returns=RotatedCredentials, errors=(403,), shown_once=("client_secret",), tag=TAG,
           summary="Rotate a team member's client secret", answer_in_commit=True)
def rotate_member_secret(caller: Caller, user_id: str, body: RotateSecret) -> RotatedCredentials:
    """Owner or admin: a new secret for a member's credential, shown once."""
    return container().credentials.rotate_member(caller, user_id, body)
