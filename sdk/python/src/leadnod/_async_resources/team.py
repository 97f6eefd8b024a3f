"""`client.team`: the members of a client's organization, their roles, and its ownership.
Client accounts only (a sales professional gets `PermissionDeniedError`); every member may
list the team, only the owner and admins change it."""
from __future__ import annotations

from typing import Optional

from .._pagination import AsyncPage
from .._types import body, path_id
from ..models import AddedMember, RotatedCredentials, User
from ._base import AsyncAPIResource

TEAM = "/users/me/team"


def _path(user_id: str, tail: str = "") -> str:
    return f"{TEAM}/{path_id(user_id, 'user_id')}{tail}"


class AsyncTeam(AsyncAPIResource):
    def list(self) -> AsyncPage[User]:
        """The members of the caller's organization, oldest first, each with its `role`
        (owner, admin or member) (`GET /v1/users/me/team`)."""
        return self._list(TEAM, cast=User)

    async def add(self, *, name: str, email: str, role: str,
                  idempotency_key: Optional[str] = None) -> AddedMember:
        """Add a member with `role` "admin" or "member" (`POST /v1/users/me/team`; owner or
        admin). The answer's `credentials` are the member's own client id and secret: the
        secret is shown this once."""
        return await self._post(TEAM, cast=AddedMember, body=body(
            name=name, email=email, role=role), idempotency_key=idempotency_key)

    async def update(self, user_id: str, *, role: str) -> User:
        """Change a member's role to "admin" or "member"
        (`PATCH /v1/users/me/team/{user_id}`; owner or admin). The owner's role changes only
        by `transfer_ownership`."""
        return await self._patch(_path(user_id), cast=User, body=body(role=role))

    async def remove(self, user_id: str) -> None:
        """Remove a member (`DELETE /v1/users/me/team/{user_id}`; owner or admin): its
        credentials and tokens stop working. The owner cannot be removed."""
        await self._delete(_path(user_id))

    async def transfer_ownership(self, user_id: str) -> User:
        """Make a member the owner; the caller, the owner until now, becomes an admin
        (`POST /v1/users/me/team/{user_id}/transfer`; the owner only). Answers the new
        owner."""
        return await self._post(_path(user_id, "/transfer"), cast=User)

    async def rotate_credentials(self, user_id: str, *, grace_seconds: Optional[int] = None,
                                 idempotency_key: Optional[str] = None) -> RotatedCredentials:
        """A new client secret for a member's credentials
        (`POST /v1/users/me/team/{user_id}/credentials/rotate`; owner or admin), shown this
        once; the member's previous secret keeps working for `grace_seconds` (0-86400, the
        API's default 3600; 0 refuses it at once)."""
        return await self._post(_path(user_id, "/credentials/rotate"),
                                cast=RotatedCredentials, body=body(grace_seconds=grace_seconds),
                                idempotency_key=idempotency_key)
