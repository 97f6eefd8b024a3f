"""`client.engagements`: create, list, read, the lifecycle (start, complete, terminate),
activities and metrics."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional, Union

from .._pagination import AsyncPage
from .._types import body, path_id, query
from ..models import Activity, Engagement, Metrics
from ._base import AsyncAPIResource


def _path(engagement_id: str, tail: str = "") -> str:
    return f"/engagements/{path_id(engagement_id, 'engagement_id')}{tail}"


class AsyncActivities(AsyncAPIResource):
    """`client.engagements.activities`: the work logged on an engagement."""

    async def log(self, engagement_id: str, *, type: str, description: Optional[str] = None,
                  occurred_at: Union[datetime, str, None] = None,
                  outcome: Optional[str] = None, value: Optional[int] = None,
                  idempotency_key: Optional[str] = None) -> Activity:
        """Log an activity on an active engagement (either party;
        `POST /v1/engagements/{id}/activities`). `type`: call, email, meeting, demo,
        proposal, deal_closed or note; `occurred_at` defaults to now (a datetime needs a
        time zone); `value` (minor units) is for deal_closed only."""
        return await self._post(_path(engagement_id, "/activities"), cast=Activity, body=body(
            type=type, description=description, occurred_at=occurred_at, outcome=outcome,
            value=value), idempotency_key=idempotency_key)

    def list(self, engagement_id: str, *, limit: Optional[int] = None) -> AsyncPage[Activity]:
        """The engagement's activities, newest first
        (`GET /v1/engagements/{id}/activities`)."""
        return self._list(_path(engagement_id, "/activities"), cast=Activity,
                          params=query(limit=limit))


class AsyncEngagements(AsyncAPIResource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.activities = AsyncActivities(client)

    async def create(self, *, opportunity_id: str, sales_pro_id: str,
                     terms: Optional[Mapping[str, Any]] = None,
                     idempotency_key: Optional[str] = None) -> Engagement:
        """Offer a sales professional an engagement on your opportunity (clients;
        `POST /v1/engagements`); it is `pending` until they start it. `terms` overrides the
        opportunity's `compensation_model`, `commission_rate` or `base_salary_range`."""
        return await self._post("/engagements", cast=Engagement, body=body(
            opportunity_id=opportunity_id, sales_pro_id=sales_pro_id, terms=terms),
            idempotency_key=idempotency_key)

    def list(self, *, status: Optional[str] = None, opportunity_id: Optional[str] = None,
             limit: Optional[int] = None) -> AsyncPage[Engagement]:
        """The caller's engagements, newest first (`GET /v1/engagements`). `status`:
        pending, active, completed or terminated."""
        return self._list("/engagements", cast=Engagement, params=query(
            status=status, opportunity_id=opportunity_id, limit=limit))

    async def retrieve(self, engagement_id: str) -> Engagement:
        """One engagement (`GET /v1/engagements/{id}`)."""
        return await self._get(_path(engagement_id), cast=Engagement)

    async def start(self, engagement_id: str) -> Engagement:
        """Accept a pending engagement: pending to active (the sales professional;
        `POST /v1/engagements/{id}/start`)."""
        return await self._post(_path(engagement_id, "/start"), cast=Engagement, body={})

    async def complete(self, engagement_id: str) -> Engagement:
        """Finish an active engagement (the client; `POST /v1/engagements/{id}/complete`)."""
        return await self._post(_path(engagement_id, "/complete"), cast=Engagement, body={})

    async def terminate(self, engagement_id: str, *, reason: str) -> Engagement:
        """End a pending or active engagement (either party;
        `POST /v1/engagements/{id}/terminate`)."""
        return await self._post(_path(engagement_id, "/terminate"), cast=Engagement,
                                body=body(reason=reason))

    async def metrics(self, engagement_id: str) -> Metrics:
        """Performance figures: activity counts, deals, revenue, commission, escrow
        (`GET /v1/engagements/{id}/metrics`)."""
        return await self._get(_path(engagement_id, "/metrics"), cast=Metrics)
