"""Composition root: the services, built once per process on first use, on the adapters of
adapters.py (clients, repositories, queues). Tests call `reset()` after pointing the environment
at fresh moto resources.

Nothing runs at import, so `import app` never touches AWS. Modules `import app` loads anyway are
imported at the top, the others where used, so a cold start loads only what its request needs.
Measured 2026-12 (bench/coldstart.py, 25 runs, warm bytecode): with those at the top as well,
`import app` took 370-406 ms instead of 340-350 and the ratio to a minimal app went from
1.41-1.49x to 1.60-1.67x (target 1.5x); -X importtime puts them at ~37 ms of CPU (webhooks 9,
analytics 8, marketplace 8, Powertools idempotency 7, repositories 6).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING

from .account_services import AccountServices
from .clock import Clock
from .config import Settings, get_settings
from .services.payments.escrow import EscrowService
from .services.payments.movements import Movements
from .services.payments.settings import PaymentSettings

if TYPE_CHECKING:
    from .services.activities import ActivityService
    from .services.conversation_reader import ConversationReader
    from .services.analytics.aggregator import AnalyticsAggregator
    from .services.analytics.exports import ExportService
    from .services.analytics.payment_entries import PaymentEntries
    from .services.analytics.reports import ReportService
    from .services.analytics.summary import SummaryService
    from .services.engagements import EngagementService
    from .services.event_feed import EventFeedService
    from .services.interests import InterestService
    from .services.matching import MatchingService
    from .services.matching_worker import MatchingWorker
    from .services.messages import MessageService
    from .services.opportunities import OpportunityService
    from .services.opportunity_bulk import BulkOpportunities
    from .services.participant_names import ParticipantNames
    from .services.payments.disputes import DisputeService
    from .services.payments.followups import EscrowFollowUps
    from .services.idempotency import IdempotentRequests
    from .services.payments.queries import PaymentQueries
    from .services.payments.worker import PaymentsWorker
    from .services.preferences import PreferencesService
    from .services.webhooks.delivery import Dispatcher
    from .services.webhooks.endpoints import WebhookService
    from .services.webhooks.fanout import OutboxFanOut
    from .services.webhooks.queue import DeliveryQueue
    from .services.webhooks.settings import WebhookSettings
    from .services.webhooks.urls import UrlGuard


class Container(AccountServices):
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        super().__init__(settings)
        self.clock = clock or Clock()

    @cached_property
    def messages(self) -> MessageService:
        from .services.messages import MessageService
        return MessageService(self.conversations_repo, self.events, self.clock)

    @cached_property
    def conversation_reader(self) -> ConversationReader:
        from .services.conversation_reader import ConversationReader
        from .storage.conversation_reads import ConversationReads
        return ConversationReader(ConversationReads(self.store), self.users_repo, self.clock)

    @cached_property
    def participant_names(self) -> ParticipantNames:
        from .services.participant_names import ParticipantNames
        return ParticipantNames(self.conversations_repo, self.users_repo)

    @cached_property
    def message_preferences(self) -> PreferencesService:
        from .services.preferences import PreferencesService
        return PreferencesService(self.preferences_repo, self.clock)

    # escrow payments -----------------------------------------------------------------------
    @cached_property
    def payment_settings(self) -> PaymentSettings:
        return self.settings.payments

    @cached_property
    def idempotency(self) -> IdempotentRequests:
        # Powertools builds its boto3 client at construction: only now, never at import.
        from .services.idempotency import IdempotentRequests, persistence_layer
        return IdempotentRequests(persistence_layer(self.settings.table_name,
                                                    self.client("dynamodb")))

    @cached_property
    def movements(self) -> Movements:
        return Movements(self.events, self.clock)

    @cached_property
    def escrow(self) -> EscrowService:
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
                              self.movements, self.workflows, self.payment_settings, self.clock)

    @cached_property
    def escrow_followups(self) -> EscrowFollowUps:
        from .services.payments.followups import EscrowFollowUps
        return EscrowFollowUps(self.payments_repo, self.escrow, self.disputes, self.movements)

    @cached_property
    def payments_worker(self) -> PaymentsWorker:
        from .services.payments.worker import PaymentsWorker
        return PaymentsWorker(self.payments_repo, self.movements, self.workflows,
                              self.payment_processor, self.payment_settings, self.clock)

    # analytics -----------------------------------------------------------------------------
    @cached_property
    def analytics_aggregator(self) -> AnalyticsAggregator:
        from .services.analytics.aggregator import AnalyticsAggregator
        return AnalyticsAggregator(self.aggregates, self.party_data, self.clock)

    @cached_property
    def payment_entries(self) -> PaymentEntries:
        from .services.analytics.payment_entries import PaymentEntries
        from .storage.payment_entries import PaymentEntryRepository
        return PaymentEntries(PaymentEntryRepository(self.store))

    @cached_property
    def analytics_summary(self) -> SummaryService:
        from .services.analytics.summary import SummaryService
        return SummaryService(self.aggregates, self.party_data, self.clock)

    @cached_property
    def analytics_reports(self) -> ReportService:
        from .services.analytics.reports import ReportService
        return ReportService(self.aggregates, self.party_data, self.reports_repo, self.clock)

    @cached_property
    def analytics_exports(self) -> ExportService:
        from .services.analytics.exports import ExportService
        return ExportService(self.exports_repo, self.party_data, self.s3,
                             self.settings.export_bucket, self.client("sqs"),
                             self.settings.queue_urls.get("exports", ""), self.clock)

    # marketplace ---------------------------------------------------------------------------
    @cached_property
    def opportunities(self) -> OpportunityService:
        from .services.opportunities import OpportunityService
        return OpportunityService(self.opportunities_repo, self.open_opportunities, self.events,
                                  self.clock, self.match_requests)

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
    def matching(self) -> MatchingService:
        from .services.matching import MatchingService
        return MatchingService(self.matches_repo, self.opportunities_repo, self.users_repo,
                               self.events, self.cursors, self.clock)

    @cached_property
    def matching_worker(self) -> MatchingWorker:
        from .services.matching_worker import MatchingWorker
        return MatchingWorker(self.matching, self.opportunities_repo, self.matches_repo)

    @cached_property
    def engagements(self) -> EngagementService:
        from .services.engagements import EngagementService
        return EngagementService(self.engagements_repo, self.opportunities, self.events,
                                 self.clock)

    @cached_property
    def activities(self) -> ActivityService:
        from .services.activities import ActivityService
        return ActivityService(self.activities_repo, self.engagements, self.events, self.clock)

    # webhooks and events -------------------------------------------------------------------
    @cached_property
    def webhook_settings(self) -> WebhookSettings:
        return self.settings.webhooks

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
    def webhooks(self) -> WebhookService:
        from .services.webhooks.endpoints import WebhookService
        return WebhookService(self.webhook_endpoints, self.webhook_deliveries,
                              self.webhook_url_guard, self.webhook_settings, self.clock,
                              self.settings.environment)

    @cached_property
    def webhook_fanout(self) -> OutboxFanOut:
        from .services.webhooks.fanout import OutboxFanOut
        return OutboxFanOut(self.outbox_repo, self.webhook_endpoints, self.webhook_deliveries,
                            self.webhook_queue, self.webhook_settings, self.clock)

    @cached_property
    def webhook_dispatcher(self) -> Dispatcher:
        from .services.webhooks.delivery import Dispatcher
        from .services.webhooks.http import WebhookHttpClient
        s = self.webhook_settings
        http = WebhookHttpClient(self.webhook_url_guard, timeout_seconds=s.timeout_seconds,
                                 pool_size=s.concurrency)
        executor = ThreadPoolExecutor(max_workers=s.concurrency, thread_name_prefix="webhook")
        return Dispatcher(self.webhook_endpoints, self.webhook_deliveries,
                          self.webhook_repositories_per_thread(), self.webhook_queue, http, s,
                          self.clock, executor)

    @cached_property
    def event_feed(self) -> EventFeedService:
        from .services.event_feed import EventFeedService
        return EventFeedService(self.event_feed_repo, self.clock)


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
