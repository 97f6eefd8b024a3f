"""`client.users`: the caller's account, its client secret, public profiles,
sales-professional search."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .._pagination import AsyncPage
from .._types import NOT_GIVEN, Omittable, body, path_id, query
from ..models import PublicUser, RotatedCredentials, User
from ._base import AsyncAPIResource


class AsyncUsers(AsyncAPIResource):
    async def me(self) -> User:
        """The account the credentials belong to (`GET /v1/users/me`)."""
        return await self._get("/users/me", cast=User)

    async def update_me(self, *, name: Omittable[str] = NOT_GIVEN,
                        email: Omittable[str] = NOT_GIVEN,
                        company: Omittable[Optional[str]] = NOT_GIVEN,
                        industry: Omittable[Optional[str]] = NOT_GIVEN,
                        profile: Omittable[Dict[str, Any]] = NOT_GIVEN) -> User:
        """Change the caller's account (`PATCH /v1/users/me`); only the arguments given
        change. `profile` is a partial profile, e.g. `{"website": "https://acme.com"}`
        (sales professionals also have `headline`, `skills`, `years_experience`,
        `location`, `languages`, `availability`, `compensation_models`)."""
        return await self._patch("/users/me", cast=User, body=body(
            omit_none=False, name=name, email=email, company=company, industry=industry,
            profile=profile))

    async def rotate_credentials(self, *, grace_seconds: Optional[int] = None,
                                 idempotency_key: Optional[str] = None) -> RotatedCredentials:
        """A new client secret for the credentials this client signed in with
        (`POST /v1/users/me/credentials/rotate`; a `write` token). The answer's `client_secret`
        is shown this once; the previous secret keeps working for `grace_seconds` (0-86400,
        the API's default 3600; 0 refuses it at once). Tokens already issued stay valid until
        they expire, so this client keeps working; build the next one with the new secret."""
        return await self._post("/users/me/credentials/rotate", cast=RotatedCredentials,
                                body=body(grace_seconds=grace_seconds),
                                idempotency_key=idempotency_key)

    async def retrieve(self, user_id: str) -> PublicUser:
        """Anyone's public profile (`GET /v1/users/{id}`); no email or plan."""
        return await self._get(f"/users/{path_id(user_id, 'user_id')}", cast=PublicUser)

    def search(self, *, industry: Optional[str] = None,
               skills: Union[str, List[str], None] = None,
               min_experience: Optional[int] = None, location: Optional[str] = None,
               availability: Optional[str] = None, compensation_model: Optional[str] = None,
               q: Optional[str] = None, limit: Optional[int] = None) -> AsyncPage[PublicUser]:
        """Search sales professionals (`GET /v1/users/search`). `skills` matches any of the
        given skills; `q` is free text over name, headline and skills; `limit` is the page
        size (1-100). Iterating the answer pages through every result."""
        return self._list("/users/search", cast=PublicUser, params=query(
            industry=industry, skills=skills, min_experience=min_experience, location=location,
            availability=availability, compensation_model=compensation_model, q=q, limit=limit))
