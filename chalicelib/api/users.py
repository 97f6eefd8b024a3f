"""`/v1/users`: the caller's own account, public profiles and sales-pro search."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import Page
from ..models.users import PublicUser, User, UserSearchParams, UserUpdate
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Users"


@operation(bp, "GET", "/v1/users/me", returns=User, tag=TAG,
           summary="Get the current user profile")
def get_me(caller: Caller) -> User:
    return container().users.me(caller)


@operation(bp, ("PATCH", "PUT"), "/v1/users/me", body=UserUpdate, returns=User, tag=TAG,
           errors=(409,), summary="Update the current user profile")
def update_me(caller: Caller, body: UserUpdate) -> User:
    """Only the fields sent change; `profile` fields merge into the stored profile. PUT is an
    alias of PATCH."""
    return container().users.update_me(caller, body)


@operation(bp, "GET", "/v1/users/search", query=UserSearchParams, returns=Page[PublicUser],
           provides={"user_id": "/data/0/id", "sales_pro_id": "/data/0/id",
                     "recipient_id": "/data/0/id"},
           tag=TAG, summary="Search sales professionals")
def search_users(caller: Caller, query: UserSearchParams) -> Page[PublicUser]:
    return container().search.search(query, caller.user_id)


@operation(bp, "GET", "/v1/users/{user_id}", returns=PublicUser, tag=TAG,
           summary="Get a user's public profile")
def get_user(user_id: str) -> PublicUser:
    return container().users.public_profile(user_id)
