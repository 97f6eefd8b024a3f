"""Composition root: builds clients, repositories and services once per process, lazily.

Nothing here runs at import time, so importing `app` never touches AWS (cold start, tests).
Tests call `reset()` after pointing the environment at fresh moto resources.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from .clock import Clock
from .config import Settings, get_settings

if TYPE_CHECKING:  # imported where used, so `import app` stays light (cold start)
    from .auth.tokens import KeySet, TokenIssuer, TokenVerifier
    from .services.accounts import AccountAdmin, ApiKeys
    from .services.activities import ActivityService
    from .services.analytics.aggregator import AnalyticsAggregator
    from .services.analytics.exports import ExportService
    from .services.analytics.reports import ReportService
    from .services.analytics.summary import SummaryService
    from .services.engagements import EngagementService
    from .services.event_feed import EventFeedService
    from .services.events import EventRecorder
    from .services.interests import InterestService
    from .services.match_requests import MatchRequests
    from .services.matching import MatchingService
    from .services.matching_worker import MatchingWorker
    from .services.messages import MessageService
    from .services.oauth import OAuthService
    from .services.opportunities import OpportunityService
    from .services.opportunity_bulk import BulkOpportunities
    from .services.payments.disputes import DisputeService
    from .services.payments.escrow import EscrowService
    from .services.payments.idempotency import IdempotentRequests, persistence_layer
    from .services.payments.movements import Movements
    from .services.payments.processor import PaymentProcessor, SandboxProcessor
    from .services.payments.queries import PaymentQueries
    from .services.payments.settings import PaymentSettings
    from .services.payments.worker import PaymentsWorker
    from .services.payments.workflows import Workflows
    from .services.preferences import PreferencesService
    from .services.ratelimit import ClientAuthGuard, RateLimiter
    from .services.search import SearchService
    from .services.sliding_window import SlidingWindow
    from .services.users import UserService
    from .services.webhooks.delivery import Dispatcher
    from .services.webhooks.endpoints import WebhookService
    from .services.webhooks.fanout import OutboxFanOut
    from .services.webhooks.http import WebhookHttpClient
    from .services.webhooks.queue import DeliveryQueue
    from .services.webhooks.settings import WebhookSettings
    from .services.webhooks.urls import UrlGuard
    from .storage.activities import ActivityRepository
    from .storage.aggregates import AggregateRepository
    from .storage.conversations import ConversationRepository, engagement_parties
    from .storage.cursors import CursorCodec
    from .storage.disputes import DisputeRepository
    from .storage.engagements import EngagementRepository
    from .storage.event_feed import EventFeedRepository
    from .storage.matches import MatchRepository
    from .storage.opportunities import OpportunityRepository
    from .storage.opportunity_browse import OpenOpportunityBrowser
    from .storage.outbox import OutboxRepository
    from .storage.party_data import PartyData
    from .storage.payments import PaymentRepository
    from .storage.preferences import PreferencesRepository
    from .storage.ratelimits import RateCounters
    from .storage.reports import ExportRepository, ReportRepository
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
        from .storage.cursors import CursorCodec
        secret = self.client("secretsmanager").get_secret_value(SecretId=self.settings.app_secret_arn)
        return CursorCodec(secret["SecretString"].encode())

    @cached_property
    def store(self) -> Store:
        from .storage.table import Store
        return Store(self.table, self.cursors)

    @cached_property
    def keys(self) -> KeySet:
        from .auth.tokens import KeySet
        return KeySet(self.kms, self.settings.token_signing_key_ids)

    @cached_property
    def token_issuer(self) -> TokenIssuer:
        from .auth.tokens import TokenIssuer
        s = self.settings
        return TokenIssuer(self.kms, self.keys, issuer=s.token_issuer, audience=s.token_audience,
                           ttl_seconds=s.token_ttl_seconds, clock=self.clock)

    @cached_property
    def token_verifier(self) -> TokenVerifier:
        from .auth.tokens import TokenVerifier
        s = self.settings
        return TokenVerifier(self.keys, issuer=s.token_issuer, audience=s.token_audience,
                             clock=self.clock)

    @cached_property
    def users_repo(self) -> UserRepository:
        from .storage.users import UserRepository
        return UserRepository(self.store)

    @cached_property
    def events(self) -> EventRecorder:
        from .services.events import EventRecorder
        return EventRecorder(self.settings, self.clock)

    @cached_property
    def users(self) -> UserService:
        from .services.users import UserService
        return UserService(self.users_repo, self.events, self.clock,
                           on_change=self.match_requests.sales_pro_changed)

    @cached_property
    def search(self) -> SearchService:
        from .services.search import SearchService
        return SearchService(self.users_repo, self.cursors)

    @cached_property
    def accounts(self) -> AccountAdmin:
        from .services.accounts import AccountAdmin, ApiKeys
        keys = ApiKeys(self.client("apigateway"), self.settings.usage_plan_ids)
        return AccountAdmin(self.users, self.users_repo, keys, self.events)

    @cached_property
    def oauth(self) -> OAuthService:
        from .services.oauth import OAuthService
        return OAuthService(self.users_repo, self.token_issuer, self.clock, self.auth_guard)

    @cached_property
    def rate_counters(self) -> RateCounters:
        # Its own client with short timeouts and one retry: when the counters are slow or
        # down, requests fail open within about a second instead of waiting on retries.
        from .storage.ratelimits import RateCounters
        config = Config(connect_timeout=1, read_timeout=1,
                        retries={"mode": "standard", "max_attempts": 2})
        return RateCounters(
            self.session.resource("dynamodb", config=config).Table(self.settings.table_name))

    @cached_property
    def rate_window(self) -> SlidingWindow:
        from .services.sliding_window import SlidingWindow
        return SlidingWindow(self.rate_counters, self.clock)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        from .services.ratelimit import RateLimiter
        return RateLimiter(self.rate_window)

    @cached_property
    def auth_guard(self) -> ClientAuthGuard:
        from .services.ratelimit import ClientAuthGuard
        return ClientAuthGuard(self.rate_window)

    @cached_property
    def messages(self) -> MessageService:
        # The engagement check reads the engagement item directly until the engagements
        # repository is merged; then pass its (client_id, sales_pro_id) lookup here instead.
        from .services.messages import MessageService
        from .storage.conversations import ConversationRepository, engagement_parties
        return MessageService(ConversationRepository(self.store), self.users_repo, self.events,
                              self.clock, engagement_parties=partial(engagement_parties, self.store))

    @cached_property
    def message_preferences(self) -> PreferencesService:
        from .services.preferences import PreferencesService
        from .storage.preferences import PreferencesRepository
        return PreferencesService(PreferencesRepository(self.store), self.clock)

    # ---------------------------------------------------------------- escrow payments
    @cached_property
    def payment_settings(self) -> PaymentSettings:
        return self.settings.payments  # read with the other settings, once

    @cached_property
    def workflows(self) -> Workflows:
        from .services.payments.workflows import Workflows
        return Workflows(self.client("stepfunctions"), self.payment_settings.machine_arns)

    @cached_property
    def payment_processor(self) -> PaymentProcessor:
        from .services.payments.processor import SandboxProcessor
        if not self.payment_settings.sandbox:  # test cards must never pass in production
            raise RuntimeError("No live payment processor is configured for this stage.")
        return SandboxProcessor()

    @cached_property
    def idempotency(self) -> IdempotentRequests:
        # Powertools builds its boto3 client at construction: only now, never at import.
        from .services.payments.idempotency import IdempotentRequests, persistence_layer
        return IdempotentRequests(persistence_layer(self.settings.table_name,
                                                    self.client("dynamodb")))

    @cached_property
    def payments_repo(self) -> PaymentRepository:
        from .storage.payments import PaymentRepository
        return PaymentRepository(self.store)

    @cached_property
    def disputes_repo(self) -> DisputeRepository:
        from .storage.disputes import DisputeRepository
        return DisputeRepository(self.store)

    @cached_property
    def movements(self) -> Movements:
        from .services.payments.movements import Movements
        return Movements(self.events, self.clock)

    @cached_property
    def escrow(self) -> EscrowService:
        from .services.payments.escrow import EscrowService
        return EscrowService(self.payments_repo, self.movements, self.workflows,
                             self.payment_settings, self.clock)

    @cached_property
    def payment_queries(self) -> PaymentQueries:
        from .services.payments.queries import PaymentQueries
        return PaymentQueries(self.payments_repo, self.escrow)

    @cached_property
    def disputes(self) -> DisputeService:
        from .services.payments.disputes import DisputeService
        return DisputeService(self.disputes_repo, self.payments_repo, self.escrow,
                              self.movements, self.workflows, self.store,
                              self.payment_settings, self.clock)

    @cached_property
    def payments_worker(self) -> PaymentsWorker:
        from .services.payments.worker import PaymentsWorker
        return PaymentsWorker(self.payments_repo, self.movements, self.workflows,
                              self.payment_processor, self.payment_settings, self.clock)

    # ------------------------------------------------------------------ analytics
    @cached_property
    def s3(self) -> Any:
        # SigV4 presigned URLs: S3 refuses SigV2 on new buckets and on KMS-encrypted objects.
        return self.session.client("s3", config=Config(signature_version="s3v4"))

    @cached_property
    def aggregates(self) -> AggregateRepository:
        from .storage.aggregates import AggregateRepository
        return AggregateRepository(self.store)

    @cached_property
    def party_data(self) -> PartyData:
        from .storage.party_data import PartyData
        return PartyData(self.store)

    @cached_property
    def analytics_aggregator(self) -> AnalyticsAggregator:
        from .services.analytics.aggregator import AnalyticsAggregator
        return AnalyticsAggregator(self.aggregates, self.party_data, self.clock)

    @cached_property
    def analytics_summary(self) -> SummaryService:
        from .services.analytics.summary import SummaryService
        return SummaryService(self.aggregates, self.party_data, self.clock)

    @cached_property
    def analytics_reports(self) -> ReportService:
        from .services.analytics.reports import ReportService
        from .storage.reports import ReportRepository
        reports = ReportRepository(self.store, self.s3, self.settings.export_bucket)
        return ReportService(self.aggregates, self.party_data, reports, self.clock)

    @cached_property
    def analytics_exports(self) -> ExportService:
        from .services.analytics.exports import ExportService
        from .storage.reports import ExportRepository
        return ExportService(ExportRepository(self.store), self.party_data, self.s3,
                             self.settings.export_bucket, self.client("sqs"),
                             self.settings.queue_urls.get("exports", ""), self.clock)

    # marketplace ----------------------------------------------------------------------------
    @cached_property
    def match_requests(self) -> MatchRequests:
        from .services.match_requests import MatchRequests
        return MatchRequests(self.client("sqs"), self.settings.queue_urls.get("matching"))

    @cached_property
    def opportunities_repo(self) -> OpportunityRepository:
        from .storage.opportunities import OpportunityRepository
        return OpportunityRepository(self.store)

    @cached_property
    def opportunities(self) -> OpportunityService:
        from .services.opportunities import OpportunityService
        from .storage.opportunity_browse import OpenOpportunityBrowser
        return OpportunityService(self.opportunities_repo, OpenOpportunityBrowser(self.store),
                                  self.events, self.clock, self.match_requests)

    @cached_property
    def bulk_opportunities(self) -> BulkOpportunities:
        from .services.opportunity_bulk import BulkOpportunities
        return BulkOpportunities(self.opportunities, self.opportunities_repo, self.match_requests)

    @cached_property
    def interests(self) -> InterestService:
        from .services.interests import InterestService
        return InterestService(self.opportunities, self.opportunities_repo, self.clock,
                               self.match_requests)

    @cached_property
    def matches_repo(self) -> MatchRepository:
        from .storage.matches import MatchRepository
        return MatchRepository(self.store)

    @cached_property
    def matching(self) -> MatchingService:
        from .services.matching import MatchingService
        return MatchingService(self.matches_repo, self.opportunities_repo, self.users_repo,
                               self.events, self.cursors, self.clock)

    @cached_property
    def matching_worker(self) -> MatchingWorker:
        from .services.matching_worker import MatchingWorker
        return MatchingWorker(self.matching, self.opportunities_repo, self.matches_repo)

    @cached_property
    def engagements_repo(self) -> EngagementRepository:
        from .storage.engagements import EngagementRepository
        return EngagementRepository(self.store)

    @cached_property
    def engagements(self) -> EngagementService:
        from .services.engagements import EngagementService
        return EngagementService(self.engagements_repo, self.opportunities, self.users_repo,
                                 self.events, self.clock, escrow=self.escrow)

    @cached_property
    def activities(self) -> ActivityService:
        from .services.activities import ActivityService
        from .storage.activities import ActivityRepository
        return ActivityService(ActivityRepository(self.store), self.engagements, self.events,
                               self.clock)
    # webhooks and events ------------------------------------------------------------------
    @cached_property
    def webhook_settings(self) -> WebhookSettings:
        from .services.webhooks.settings import WebhookSettings
        return WebhookSettings.from_env(self.settings)

    @cached_property
    def webhook_queue(self) -> DeliveryQueue:
        from .services.webhooks.queue import DeliveryQueue
        s = self.webhook_settings
        return DeliveryQueue(self.client("sqs"), s.queue_url, s.dlq_url)

    @cached_property
    def webhook_url_guard(self) -> UrlGuard:
        from .services.webhooks.urls import UrlGuard
        s = self.webhook_settings
        return UrlGuard(allow_loopback=s.allow_loopback, own_ports=s.own_ports)

    @cached_property
    def webhook_endpoints(self) -> EndpointRepository:
        from .storage.webhooks import EndpointRepository
        return EndpointRepository(self.store)

    @cached_property
    def webhook_deliveries(self) -> DeliveryRepository:
        from .storage.webhook_deliveries import DeliveryRepository
        return DeliveryRepository(self.store)

    @cached_property
    def webhooks(self) -> WebhookService:
        from .services.webhooks.endpoints import WebhookService
        return WebhookService(self.webhook_endpoints, self.webhook_deliveries, self.webhook_queue,
                              self.webhook_url_guard, self.webhook_settings, self.clock,
                              self.settings.environment)

    @cached_property
    def webhook_fanout(self) -> OutboxFanOut:
        from .services.webhooks.fanout import OutboxFanOut
        from .storage.outbox import OutboxRepository
        return OutboxFanOut(OutboxRepository(self.store), self.webhook_endpoints,
                            self.webhook_deliveries, self.webhook_queue, self.webhook_settings,
                            self.clock)

    @cached_property
    def webhook_dispatcher(self) -> Dispatcher:
        from .services.webhooks.delivery import Dispatcher
        from .services.webhooks.http import WebhookHttpClient
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
        from .storage.table import Store
        from .storage.webhook_deliveries import DeliveryRepository
        from .storage.webhooks import EndpointRepository
        local, building = threading.local(), threading.Lock()

        def current() -> tuple[EndpointRepository, DeliveryRepository]:
            from .storage.table import Store
            from .storage.webhook_deliveries import DeliveryRepository
            from .storage.webhooks import EndpointRepository
            if not hasattr(local, "repositories"):
                with building:
                    table = self.session.resource("dynamodb").Table(self.settings.table_name)
                store = Store(table, self.cursors)
                local.repositories = (EndpointRepository(store), DeliveryRepository(store))
            return local.repositories
        return current

    @cached_property
    def event_feed(self) -> EventFeedService:
        from .services.event_feed import EventFeedService
        from .storage.event_feed import EventFeedRepository
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
