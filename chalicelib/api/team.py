"""`/v1/users/me/team`: the members of a client's organization (docs/teams.md)."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import NoBody, Page
from ..models.users import AddedMember, NewMember, RoleChange, User
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Users"  # the docs: "the Users API ... manage team members for Client accounts"
TEAM = "/v1/users/me/team"
MEMBER = TEAM + "/{user_id}"


@operation(bp, "GET", TEAM, returns=Page[User], errors=(403,),
           provides={"user_id": "/data/0/id"}, tag=TAG, summary="List team members")
def list_team(caller: Caller) -> Page[User]:
    """The members of the caller's organization, oldest first, each with its `role`. Client
    accounts only (a sales professional gets 403)."""
    return container().team.members(caller)


@operation(bp, "POST", TEAM, body=NewMember, returns=AddedMember, status=201,
           errors=(403, 409), provides={"user_id": "/user/id"}, tag=TAG,
           shown_once=("credentials.client_secret",), summary="Add a team member",
           answer_in_commit=True)
def add_team_member(caller: Caller, body: NewMember) -> AddedMember:
    """Owner or admin. The answer holds the member's own API credentials; the secret is shown
    once (it is stored hashed)."""
    return container().team.add(caller, body)


@operation(bp, "PATCH", MEMBER, body=RoleChange, returns=User, errors=(403, 409), tag=TAG,
           summary="Change a member's role")
def change_team_member_role(caller: Caller, user_id: str, body: RoleChange) -> User:
    """Owner or admin; the owner's role changes only by a transfer."""
    return container().team.change_role(caller, user_id, body)


@operation(bp, "DELETE", MEMBER, returns=None, status=204, errors=(403, 409), tag=TAG,
           summary="Remove a team member")
def remove_team_member(caller: Caller, user_id: str) -> None:
    """Owner or admin. The member's credentials stop working at once and its tokens are refused
    (docs/teams.md: within the authorizer's cache time on AWS)."""
    container().team.remove(caller, user_id)


@operation(bp, "POST", MEMBER + "/transfer", body=NoBody, returns=User, errors=(403, 409),
           tag=TAG, summary="Transfer ownership", answer_in_commit=True)
def transfer_team_ownership(caller: Caller, user_id: str, body: NoBody) -> User:
    """The owner makes a member the owner and becomes an admin."""
    return container().team.transfer_ownership(caller, user_id)
