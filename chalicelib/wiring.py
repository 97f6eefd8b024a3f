"""Composition root: builds clients, repositories and services once per process, lazily.

Nothing here runs at import time, so importing `app` never touches AWS (cold start, tests).
Tests call `reset()` after pointing the environment at fresh moto resources.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

import boto3

from .auth.tokens import KeySet, TokenIssuer, TokenVerifier
from .clock import Clock
from .config import Settings, get_settings
from .services.accounts import AccountAdmin, ApiKeys
from .services.event_feed import EventFeedService
from .services.events import EventRecorder
from .services.oauth import OAuthService
from .services.search import SearchService
from .services.users import UserService
from .services.webhooks.delivery import Dispatcher
from .services.webhooks.endpoints import WebhookService
from .services.webhooks.fanout import OutboxFanOut
from .services.webhooks.http import WebhookHttpClient
from .services.webhooks.queue import DeliveryQueue
from .services.webhooks.settings import WebhookSettings
from .services.webhooks.urls import UrlGuard
from .storage.cursors import CursorCodec
from .storage.event_feed import EventFeedRepository
from .storage.outbox import OutboxRepository
from .storage.table import Store
from .storage.users import UserRepository
from .storage.webhook_deliveries import DeliveryRepository
from .storage.webhooks import EndpointRepository


class Container:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.session = boto3.session.Session()

    def client(self, service: str) -> Any:
        return self.session.client(service)

    @cached_property
    def kms(self) -> Any:
        return self.client("kms")

    @cached_property
    def table(self) -> Any:
        return self.session.resource("dynamodb").Table(self.settings.table_name)

    @cached_property
    def cursors(self) -> CursorCodec:
        secret = self.client("secretsmanager").get_secret_value(SecretId=self.settings.app_secret_arn)
        return CursorCodec(secret["SecretString"].encode())

    @cached_property
    def store(self) -> Store:
        return Store(self.table, self.cursors)

    @cached_property
    def keys(self) -> KeySet:
        return KeySet(self.kms, self.settings.token_signing_key_ids)

    @cached_property
    def token_issuer(self) -> TokenIssuer:
        s = self.settings
        return TokenIssuer(self.kms, self.keys, issuer=s.token_issuer, audience=s.token_audience,
                           ttl_seconds=s.token_ttl_seconds, clock=self.clock)

    @cached_property
    def token_verifier(self) -> TokenVerifier:
        s = self.settings
        return TokenVerifier(self.keys, issuer=s.token_issuer, audience=s.token_audience,
                             clock=self.clock)

    @cached_property
    def users_repo(self) -> UserRepository:
        return UserRepository(self.store)

    @cached_property
    def events(self) -> EventRecorder:
        return EventRecorder(self.settings, self.clock)

    @cached_property
    def users(self) -> UserService:
        return UserService(self.users_repo, self.events, self.clock)

    @cached_property
    def search(self) -> SearchService:
        return SearchService(self.users_repo, self.cursors)

    @cached_property
    def accounts(self) -> AccountAdmin:
        keys = ApiKeys(self.client("apigateway"), self.settings.usage_plan_ids)
        return AccountAdmin(self.users, self.users_repo, keys, self.events)

    @cached_property
    def oauth(self) -> OAuthService:
        return OAuthService(self.users_repo, self.token_issuer, self.clock)

    # webhooks and events ------------------------------------------------------------------
    @cached_property
    def webhook_settings(self) -> WebhookSettings:
        return WebhookSettings.from_env(self.settings)

    @cached_property
    def webhook_queue(self) -> DeliveryQueue:
        s = self.webhook_settings
        return DeliveryQueue(self.client("sqs"), s.queue_url, s.dlq_url)

    @cached_property
    def webhook_url_guard(self) -> UrlGuard:
        return UrlGuard(allow_loopback=self.webhook_settings.allow_loopback)

    @cached_property
    def webhook_endpoints(self) -> EndpointRepository:
        return EndpointRepository(self.store)

    @cached_property
    def webhook_deliveries(self) -> DeliveryRepository:
        return DeliveryRepository(self.store)

    @cached_property
    def webhooks(self) -> WebhookService:
        environment = "production" if self.settings.stage == "prod" else "sandbox"
        return WebhookService(self.webhook_endpoints, self.webhook_deliveries, self.webhook_queue,
                              self.webhook_url_guard, self.webhook_settings, self.clock,
                              environment)

    @cached_property
    def webhook_fanout(self) -> OutboxFanOut:
        return OutboxFanOut(OutboxRepository(self.store), self.webhook_endpoints,
                            self.webhook_deliveries, self.webhook_queue, self.webhook_settings,
                            self.clock)

    @cached_property
    def webhook_dispatcher(self) -> Dispatcher:
        s = self.webhook_settings
        http = WebhookHttpClient(self.webhook_url_guard, timeout_seconds=s.timeout_seconds,
                                 pool_size=s.concurrency)
        executor = ThreadPoolExecutor(max_workers=s.concurrency, thread_name_prefix="webhook")
        return Dispatcher(self.webhook_endpoints, self.webhook_deliveries,
                          self._thread_webhook_repositories(), self.webhook_queue, http, s,
                          self.clock, executor)

    def _thread_webhook_repositories(self) -> Any:
        """Repositories for the delivery pool's threads, one set per thread: a boto3 resource
        must not be shared across threads, and a session must not build two at once."""
        local, building = threading.local(), threading.Lock()

        def current() -> tuple[EndpointRepository, DeliveryRepository]:
            if not hasattr(local, "repositories"):
                with building:
                    table = self.session.resource("dynamodb").Table(self.settings.table_name)
                store = Store(table, self.cursors)
                local.repositories = (EndpointRepository(store), DeliveryRepository(store))
            return local.repositories
        return current

    @cached_property
    def event_feed(self) -> EventFeedService:
        return EventFeedService(EventFeedRepository(self.store), self.clock)


_lock = threading.Lock()
_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        with _lock:
            if _container is None:
                _container = Container(get_settings())
    return _container


def reset(clock: Clock | None = None) -> Container:
    """Forget everything built so far (tests, after changing the environment)."""
    global _container
    get_settings.cache_clear()
    with _lock:
        _container = Container(get_settings(), clock)
    return _container
