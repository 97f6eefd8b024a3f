"""`client.opportunities`: create (one or in bulk), browse, read, change, delete; interests
and matches."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from .._pagination import AsyncPage
from .._types import NOT_GIVEN, Omittable, body, path_id, query
from ..models import BulkCreateResult, Interest, Match, Opportunity
from ._base import AsyncAPIResource


def _path(opportunity_id: str, tail: str = "") -> str:
    return f"/opportunities/{path_id(opportunity_id, 'opportunity_id')}{tail}"


class AsyncOpportunities(AsyncAPIResource):
    async def create(self, *, title: str, industry: Optional[str] = None,
                     description: Optional[str] = None,
                     compensation_model: Optional[str] = None,
                     base_salary_range: Optional[Mapping[str, int]] = None,
                     commission_rate: Optional[float] = None, duration: Optional[str] = None,
                     requirements: Optional[Sequence[str]] = None,
                     currency: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Opportunity:
        """Post an opportunity (clients only; `POST /v1/opportunities`).

        `compensation_model`: commission, base or hybrid; `base_salary_range`:
        `{"min": 80000, "max": 120000}` in whole currency units; `commission_rate`: 0-1;
        `duration`: ongoing, 1_month, 3_months, 6_months or 12_months."""
        return await self._post("/opportunities", cast=Opportunity, body=body(
            title=title, industry=industry, description=description,
            compensation_model=compensation_model, base_salary_range=base_salary_range,
            commission_rate=commission_rate, duration=duration, requirements=requirements,
            currency=currency), idempotency_key=idempotency_key)

    def list(self, *, status: Optional[str] = None, industry: Optional[str] = None,
             compensation_model: Optional[str] = None,
             limit: Optional[int] = None) -> AsyncPage[Opportunity]:
        """Opportunities, newest first (`GET /v1/opportunities`): a client sees its own, a
        sales professional the open ones. `limit` is the page size (1-100)."""
        return self._list("/opportunities", cast=Opportunity, params=query(
            status=status, industry=industry, compensation_model=compensation_model,
            limit=limit))

    async def retrieve(self, opportunity_id: str) -> Opportunity:
        """One opportunity (`GET /v1/opportunities/{id}`)."""
        return await self._get(_path(opportunity_id), cast=Opportunity)

    async def update(self, opportunity_id: str, *, title: Omittable[str] = NOT_GIVEN,
                     description: Omittable[Optional[str]] = NOT_GIVEN,
                     industry: Omittable[Optional[str]] = NOT_GIVEN,
                     compensation_model: Omittable[Optional[str]] = NOT_GIVEN,
                     base_salary_range: Omittable[Optional[Mapping[str, int]]] = NOT_GIVEN,
                     commission_rate: Omittable[Optional[float]] = NOT_GIVEN,
                     duration: Omittable[Optional[str]] = NOT_GIVEN,
                     requirements: Omittable[Optional[Sequence[str]]] = NOT_GIVEN,
                     currency: Omittable[str] = NOT_GIVEN,
                     status: Omittable[str] = NOT_GIVEN) -> Opportunity:
        """Change an opportunity (`PATCH /v1/opportunities/{id}`): only the arguments given
        change, and `None` clears an optional field. `status` moves between open and paused,
        or closes it for good."""
        return await self._patch(_path(opportunity_id), cast=Opportunity, body=body(
            omit_none=False, title=title, description=description, industry=industry,
            compensation_model=compensation_model, base_salary_range=base_salary_range,
            commission_rate=commission_rate, duration=duration, requirements=requirements,
            currency=currency, status=status))

    async def delete(self, opportunity_id: str) -> None:
        """Delete an opportunity (`DELETE /v1/opportunities/{id}`)."""
        await self._delete(_path(opportunity_id))

    async def bulk_create(self, *, opportunities: Sequence[Mapping[str, Any]],
                          idempotency_key: Optional[str] = None) -> BulkCreateResult:
        """Post up to 100 opportunities at once (`POST /v1/opportunities/bulk`). Each item
        takes the arguments of `create`. Items are checked one by one: the answer's
        `data[i]` is the created opportunity or the error of item `i` (`.created`,
        `.errors`). If none was created an `InvalidRequestError` is raised; its `body["data"]`
        has every item's error."""
        items: List[Dict[str, Any]] = [body(**dict(item)) for item in opportunities]
        return await self._post("/opportunities/bulk", cast=BulkCreateResult,
                                body={"opportunities": items}, idempotency_key=idempotency_key)

    def matches(self, opportunity_id: str, *,
                limit: Optional[int] = None) -> AsyncPage[Match]:
        """The best-matching sales professionals, best first, with each score's breakdown
        (`GET /v1/opportunities/{id}/matches`; the opportunity's client only). Matches are
        computed shortly after the opportunity is created or changed: the page's
        `matched_at` is None until then."""
        return self._list(_path(opportunity_id, "/matches"), cast=Match,
                          params=query(limit=limit))

    async def express_interest(self, opportunity_id: str, *, message: Optional[str] = None,
                               idempotency_key: Optional[str] = None) -> Interest:
        """Tell the client you are interested (sales professionals;
        `POST /v1/opportunities/{id}/interest`)."""
        return await self._post(_path(opportunity_id, "/interest"), cast=Interest,
                                body=body(message=message), idempotency_key=idempotency_key)

    def interests(self, opportunity_id: str, *,
                  limit: Optional[int] = None) -> AsyncPage[Interest]:
        """The interests expressed in an opportunity (its client only;
        `GET /v1/opportunities/{id}/interests`)."""
        return self._list(_path(opportunity_id, "/interests"), cast=Interest,
                          params=query(limit=limit))
