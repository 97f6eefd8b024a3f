"""`client.webhooks`: webhook endpoints, their deliveries, retries and test pings. To check
the requests LeadNod sends, see `leadnod.webhooks.verify` / `construct_event`."""
from __future__ import annotations

from typing import Optional, Sequence

from .._pagination import AsyncPage
from .._types import NOT_GIVEN, Omittable, body, path_id, query
from ..models import Delivery, Webhook
from ._base import AsyncAPIResource


def _path(webhook_id: str, tail: str = "") -> str:
    return f"/webhooks/{path_id(webhook_id, 'webhook_id')}{tail}"


class AsyncWebhooks(AsyncAPIResource):
    async def create(self, *, url: str, events: Sequence[str], secret: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Webhook:
        """Register an endpoint for `events` (event types, or `["*"]` for all;
        `POST /v1/webhooks`). Without `secret` one is generated; the answer's `secret` is
        the only time it is shown."""
        return await self._post("/webhooks", cast=Webhook, body=body(
            url=url, events=events, secret=secret), idempotency_key=idempotency_key)

    def list(self, *, limit: Optional[int] = None) -> AsyncPage[Webhook]:
        """The caller's endpoints (`GET /v1/webhooks`)."""
        return self._list("/webhooks", cast=Webhook, params=query(limit=limit))

    async def retrieve(self, webhook_id: str) -> Webhook:
        """One endpoint (`GET /v1/webhooks/{id}`)."""
        return await self._get(_path(webhook_id), cast=Webhook)

    async def update(self, webhook_id: str, *, url: Omittable[str] = NOT_GIVEN,
                     events: Omittable[Sequence[str]] = NOT_GIVEN,
                     status: Omittable[str] = NOT_GIVEN, secret: Omittable[str] = NOT_GIVEN,
                     rotate_secret: Omittable[bool] = NOT_GIVEN) -> Webhook:
        """Change an endpoint (`PATCH /v1/webhooks/{id}`): `status` enabled or disabled;
        a new `secret`, or `rotate_secret=True` for a generated one (shown in the answer)."""
        return await self._patch(_path(webhook_id), cast=Webhook, body=body(
            url=url, events=events, status=status, secret=secret, rotate_secret=rotate_secret))

    async def delete(self, webhook_id: str) -> None:
        """Remove an endpoint (`DELETE /v1/webhooks/{id}`)."""
        await self._delete(_path(webhook_id))

    def deliveries(self, webhook_id: str, *, status: Optional[str] = None,
                   limit: Optional[int] = None) -> AsyncPage[Delivery]:
        """The endpoint's deliveries, newest first (`GET /v1/webhooks/{id}/deliveries`).
        `status`: pending, succeeded or failed."""
        return self._list(_path(webhook_id, "/deliveries"), cast=Delivery,
                          params=query(status=status, limit=limit))

    async def retry_delivery(self, webhook_id: str, delivery_id: str) -> Delivery:
        """Deliver an event again now, once
        (`POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry`)."""
        tail = f"/deliveries/{path_id(delivery_id, 'delivery_id')}/retry"
        return await self._post(_path(webhook_id, tail), cast=Delivery)

    async def test(self, webhook_id: str) -> Delivery:
        """Send a `ping` event to this endpoint (`POST /v1/webhooks/{id}/test`)."""
        return await self._post(_path(webhook_id, "/test"), cast=Delivery)
