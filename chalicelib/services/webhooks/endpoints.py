"""`/v1/webhooks`: registering endpoints, their delivery log, manual retries and test pings."""
from __future__ import annotations

from typing import Any

from ...auth.caller import Caller
from ...clock import Clock, isoformat, sortable
from ...errors import Conflict, InvalidParameter, not_found
from ...ids import has_prefix, new_id
from ...models.common import ListParams, Page
from ...models.webhooks import (Delivery, DeliveryListParams, Webhook, WebhookCreate,
                                WebhookUpdate, WebhookWithSecret)
from ...storage.commit_riders import answer_in_commit
from ...storage.webhook_deliveries import (DeliveryMoved, DeliveryRepository,
                                           EndpointNotEnabled)
from ...storage.webhooks import EndpointLimitReached, EndpointMissing, EndpointRepository
from ..events import API_VERSION
from .fanout import new_delivery
from .settings import WebhookSettings
from .signing import new_secret
from .urls import UrlGuard, UrlRefused, UrlUnresolved


class WebhookService:
    def __init__(self, endpoints: EndpointRepository, deliveries: DeliveryRepository,
                 guard: UrlGuard, settings: WebhookSettings, clock: Clock,
                 environment: str) -> None:
        self._endpoints, self._deliveries = endpoints, deliveries
        self._guard, self._settings, self._clock = guard, settings, clock
        self._environment = environment

    def register(self, caller: Caller, body: WebhookCreate) -> WebhookWithSecret:
        user_id = self._managing(caller)
        self._check_url(body.url)
        now = sortable(self._clock.now())
        endpoint = {"id": new_id("whk"), "user_id": user_id, "url": body.url,
                    "events": body.events, "secret": body.secret or new_secret(),
                    "status": "enabled", "created_at": now, "updated_at": now}
        answer = WebhookWithSecret.model_validate(endpoint)
        try:
            with answer_in_commit(answer):
                self._endpoints.create(endpoint, self._settings.max_endpoints)
        except EndpointLimitReached:
            raise Conflict(f"An account can have at most {self._settings.max_endpoints} webhook "
                           "endpoints. Delete one before adding another.",
                           code="webhook_limit_reached") from None
        return answer

    def list(self, caller: Caller, params: ListParams) -> Page[Webhook]:
        user_id = caller.user_id
        page = self._endpoints.page(user_id, limit=params.limit, cursor=params.cursor)
        return Page[Webhook](data=[Webhook.model_validate(i) for i in page.items],
                             has_more=page.has_more, next_cursor=page.next_cursor)

    def get(self, caller: Caller, webhook_id: str) -> Webhook:
        user_id = caller.user_id
        return Webhook.model_validate(self._load(user_id, webhook_id))

    def update(self, caller: Caller, webhook_id: str, body: WebhookUpdate) -> Webhook:
        user_id = self._managing(caller)
        current = self._load(user_id, webhook_id)
        sets: dict[str, Any] = {}
        removes: tuple[str, ...] = ()
        if body.url is not None:
            self._check_url(body.url)
            sets["url"] = body.url
        if body.events is not None:
            sets["events"] = body.events
        if body.status == "enabled":  # a fresh start: forget the failures that disabled it
            sets["status"] = "enabled"
            removes = ("disabled_reason", "failing_since")
        elif body.status == "disabled":
            sets.update(status="disabled", disabled_reason="manual")
        rotated = new_secret() if body.rotate_secret else None
        if rotated or body.secret:
            sets["secret"] = rotated or body.secret
        if not sets:
            return Webhook.model_validate(current)
        sets["updated_at"] = sortable(self._clock.now())
        try:
            item = self._endpoints.update(user_id, webhook_id, sets, removes)
        except EndpointMissing:
            raise not_found("webhook", webhook_id) from None
        return WebhookWithSecret.model_validate(item) if rotated else Webhook.model_validate(item)

    def delete(self, caller: Caller, webhook_id: str) -> None:
        user_id = self._managing(caller)
        self._load(user_id, webhook_id)
        try:
            self._endpoints.delete(user_id, webhook_id)
        except EndpointMissing:
            raise not_found("webhook", webhook_id) from None

    def deliveries(self, caller: Caller, webhook_id: str,
                   params: DeliveryListParams) -> Page[Delivery]:
        """Newest first. One Query when the log's head or the cursor vouches for the caller;
        a head naming someone else is a 404 at once; without either the endpoint is read."""
        user_id = caller.user_id
        if not has_prefix(webhook_id, "whk"):
            raise not_found("webhook", webhook_id, param="webhook_id")
        try:
            log = self._deliveries.page(user_id, webhook_id, status=params.status,
                                        limit=params.limit, cursor=params.cursor)
        except InvalidParameter:  # a bad cursor: a stranger still gets the unknown id's 404
            self._load(user_id, webhook_id)
            raise
        if not log.checked:
            if log.owner is not None:
                raise not_found("webhook", webhook_id, param="webhook_id")
            self._load(user_id, webhook_id)
        page = log.result
        return Page[Delivery](data=[Delivery.model_validate(i) for i in page.items],
                              has_more=page.has_more, next_cursor=page.next_cursor)

    def retry(self, caller: Caller, webhook_id: str, delivery_id: str) -> Delivery:
        """Deliver again now, once, whatever the delivery's state (the event id is unchanged).
        The restart is written with the request's answer; the table stream queues it."""
        user_id = self._managing(caller)
        if not has_prefix(webhook_id, "whk"):
            raise not_found("webhook", webhook_id, param="webhook_id")
        endpoint, delivery = self._deliveries.endpoint_and_delivery(
            user_id, webhook_id, delivery_id if has_prefix(delivery_id, "dlv") else None)
        self._require_enabled(self._found(endpoint, webhook_id))
        if delivery is None:
            raise not_found("delivery", delivery_id, param="delivery_id")
        now = sortable(self._clock.now())
        restarted = {**delivery, "status": "pending", "next_attempt": 1, "mode": "manual",
                     "updated_at": now, "run": int(delivery.get("run", 1)) + 1}
        restarted.pop("next_retry_at", None)
        answer = Delivery.model_validate(restarted)
        self._start(restarted, user_id, webhook_id, answer, now)
        return answer

    def test(self, caller: Caller, webhook_id: str) -> Delivery:
        """Send a `ping` event to this endpoint only (one attempt; not in the event feed). The
        endpoint is checked in the delivery's own write; the table stream queues it."""
        user_id = self._managing(caller)
        if not has_prefix(webhook_id, "whk"):
            raise not_found("webhook", webhook_id, param="webhook_id")
        now = self._clock.now()
        event = {"id": new_id("evt"), "type": "ping", "created": isoformat(now),
                 "api_version": API_VERSION, "environment": self._environment,
                 "data": {"webhook_id": webhook_id}}
        delivery = new_delivery(event, {"id": webhook_id, "user_id": user_id}, now,
                                mode="manual")
        answer = Delivery.model_validate(delivery)
        self._start(delivery, user_id, webhook_id, answer)
        return answer

    def _start(self, delivery: dict[str, Any], user_id: str, webhook_id: str, answer: Delivery,
               restart_at: str | None = None) -> None:
        try:
            with answer_in_commit(answer):
                self._deliveries.start_manual(delivery, user_id, restart_at)
        except EndpointNotEnabled as exc:  # gone (404) or disabled (409), as it is now
            self._require_enabled(self._found(exc.item, webhook_id))
            raise Conflict("The endpoint changed while the delivery was written; retry.",
                           code="concurrent_update") from None
        except DeliveryMoved:
            raise Conflict("The delivery was retried at the same time; see its latest run.",
                           code="concurrent_update") from None

    @staticmethod
    def _managing(caller: Caller) -> str:
        """Changing endpoints is for an organization's owner and admins (docs/teams.md)."""
        caller.require_manager("manage webhooks")
        return caller.user_id

    def _load(self, user_id: str, webhook_id: str) -> dict[str, Any]:
        item = self._endpoints.get(user_id, webhook_id) if has_prefix(webhook_id, "whk") else None
        return self._found(item, webhook_id)

    @staticmethod
    def _found(item: dict[str, Any] | None, webhook_id: str) -> dict[str, Any]:
        if item is None:
            raise not_found("webhook", webhook_id, param="webhook_id")
        return item

    @staticmethod
    def _require_enabled(endpoint: dict[str, Any]) -> dict[str, Any]:
        if endpoint.get("status") != "enabled":
            raise Conflict("This webhook endpoint is disabled. Enable it with PATCH "
                           "{\"status\": \"enabled\"} first.", code="webhook_disabled")
        return endpoint

    def _check_url(self, url: str) -> None:
        """At registration: the syntax, and the addresses of a host that resolves (urls.py)."""
        try:
            self._guard.target(url)
        except UrlUnresolved:
            return  # not live yet: its deliveries fail until it resolves
        except UrlRefused as refused:
            raise InvalidParameter(str(refused), param="url") from None
