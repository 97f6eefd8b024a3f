"""`client.usage`: the account's requests against its plan's rate limits."""
from __future__ import annotations

from ..models import Usage
from ._base import AsyncAPIResource


class AsyncUsageResource(AsyncAPIResource):
    async def retrieve(self) -> Usage:
        """This minute's and today's requests against the plan's limits, this request
        included (`GET /v1/usage`); for a client user, the organization's, which all its
        members share. `per_minute.remaining` is the answer's `X-RateLimit-Remaining`."""
        return await self._get("/usage", cast=Usage)
