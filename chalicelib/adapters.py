"""The adapters the services are built on: everything that talks to AWS or stands in for an
outside system. One boto3 session per container; its clients (with the settings some need,
aws.py); the table, the store and every repository over it (storage/); the queues, workflows,
keys and payment processor the services call. `wiring.Container` builds the services on top.
Nothing here calls AWS before a property is read; modules `import app` does not load are
imported where used, as in wiring.py.
"""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable

import boto3
from botocore.config import Config

from .auth.key_pools import KeyPools
from .auth.tokens import KeySet
from .aws import FAIL_FAST, SIGV4, per_thread
from .config import Settings
from .services.payments.workflows import Workflows
from .storage.aggregates import AggregateRepository  # loaded by storage/users.py anyway
from .storage.cursors import CursorCodec
from .storage.disputes import DisputeRepository
from .storage.payments import PaymentRepository
from .storage.ratelimits import RateCounters
from .storage.table import Store
from .storage.users import UserRepository

if TYPE_CHECKING:
    from .services.match_requests import MatchRequests
    from .services.payments.processor import PaymentProcessor
    from .storage.activities import ActivityRepository
    from .storage.conversations import ConversationRepository
    from .storage.engagements import EngagementRepository
    from .storage.event_feed import EventFeedRepository
    from .storage.legacy_api_keys import LegacyApiKeys
    from .storage.matches import MatchRepository
    from .storage.opportunities import OpportunityRepository
    from .storage.opportunity_browse import OpenOpportunityBrowser
    from .storage.outbox import OutboxRepository
    from .storage.party_data import PartyData
    from .storage.preferences import PreferencesRepository
    from .storage.reports import ExportRepository, ReportRepository
    from .storage.teams import TeamRepository
    from .storage.webhook_deliveries import DeliveryRepository
    from .storage.webhooks import EndpointRepository


class Adapters:
    # clients and the table -----------------------------------------------------------------
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = boto3.session.Session()

    def client(self, service: str, config: Config | None = None) -> Any:
        return self.session.client(service, config=config)

    def new_table(self, config: Config | None = None) -> Any:
        return self.session.resource("dynamodb", config=config).Table(self.settings.table_name)

    @cached_property
    def kms(self) -> Any:
        return self.client("kms")

    @cached_property
    def s3(self) -> Any:
        return self.client("s3", SIGV4)

    @cached_property
    def table(self) -> Any:
        return self.new_table()

    @cached_property
    def cursors(self) -> CursorCodec:
        def read_secret() -> bytes:
            secret = self.client("secretsmanager").get_secret_value(
                SecretId=self.settings.app_secret_arn)
            return str(secret["SecretString"]).encode()
        return CursorCodec(read_secret)

    @cached_property
    def store(self) -> Store:
        return Store(self.table, self.cursors)

    @cached_property
    def rate_counters(self) -> RateCounters:
        return RateCounters(self.new_table(FAIL_FAST))

    # repositories (storage/) ---------------------------------------------------------------
    @cached_property
    def users_repo(self) -> UserRepository:
        return UserRepository(self.store)

    @cached_property
    def team_repo(self) -> TeamRepository:
        from .storage.teams import TeamRepository
        return TeamRepository(self.store)

    @cached_property
    def legacy_api_keys(self) -> LegacyApiKeys:
        from .storage.legacy_api_keys import LegacyApiKeys
        return LegacyApiKeys(self.store)

    @cached_property
    def payments_repo(self) -> PaymentRepository:
        return PaymentRepository(self.store)

    @cached_property
    def disputes_repo(self) -> DisputeRepository:
        return DisputeRepository(self.store)

    @cached_property
    def conversations_repo(self) -> ConversationRepository:
        from .storage.conversations import ConversationRepository
        return ConversationRepository(self.store)

    @cached_property
    def preferences_repo(self) -> PreferencesRepository:
        from .storage.preferences import PreferencesRepository
        return PreferencesRepository(self.store)

    @cached_property
    def opportunities_repo(self) -> OpportunityRepository:
        from .storage.opportunities import OpportunityRepository
        return OpportunityRepository(self.store)

    @cached_property
    def open_opportunities(self) -> OpenOpportunityBrowser:
        from .storage.opportunity_browse import OpenOpportunityBrowser
        return OpenOpportunityBrowser(self.store)

    @cached_property
    def matches_repo(self) -> MatchRepository:
        from .storage.matches import MatchRepository
        return MatchRepository(self.store)

    @cached_property
    def engagements_repo(self) -> EngagementRepository:
        from .storage.engagements import EngagementRepository
        return EngagementRepository(self.store)

    @cached_property
    def activities_repo(self) -> ActivityRepository:
        from .storage.activities import ActivityRepository
        return ActivityRepository(self.store)

    @cached_property
    def aggregates(self) -> AggregateRepository:
        return AggregateRepository(self.store)

    @cached_property
    def party_data(self) -> PartyData:
        from .storage.party_data import PartyData
        return PartyData(self.store)

    @cached_property
    def reports_repo(self) -> ReportRepository:
        from .storage.reports import ReportRepository
        return ReportRepository(self.store, self.s3, self.settings.export_bucket)

    @cached_property
    def exports_repo(self) -> ExportRepository:
        from .storage.reports import ExportRepository
        return ExportRepository(self.store)

    @cached_property
    def webhook_endpoints(self) -> EndpointRepository:
        from .storage.webhooks import EndpointRepository
        return EndpointRepository(self.store)

    @cached_property
    def webhook_deliveries(self) -> DeliveryRepository:
        from .storage.webhook_deliveries import DeliveryRepository
        return DeliveryRepository(self.store)

    def webhook_repositories_per_thread(
            self) -> Callable[[], tuple[EndpointRepository, DeliveryRepository]]:
        """The endpoint and delivery repositories of the calling thread, for the delivery pool:
        each thread gets a table of its own (aws.per_thread says why)."""
        from .storage.webhook_deliveries import DeliveryRepository
        from .storage.webhooks import EndpointRepository

        def build() -> tuple[EndpointRepository, DeliveryRepository]:
            store = Store(self.new_table(), self.cursors)
            return EndpointRepository(store), DeliveryRepository(store)
        return per_thread(build)

    @cached_property
    def outbox_repo(self) -> OutboxRepository:
        from .storage.outbox import OutboxRepository
        return OutboxRepository(self.store)

    @cached_property
    def event_feed_repo(self) -> EventFeedRepository:
        from .storage.event_feed import EventFeedRepository
        return EventFeedRepository(self.store)

    # the services' other adapters ----------------------------------------------------------
    @cached_property
    def keys(self) -> KeySet:
        from .storage.signing_keys import SigningKeyCache
        return KeySet(self.settings.token_signing_key_ids, kms=lambda: self.kms,
                      cache=SigningKeyCache(self.store))

    @cached_property
    def key_pools(self) -> KeyPools:
        return KeyPools(self.settings.stage, self.settings.api_key_pool_slots)

    @cached_property
    def workflows(self) -> Workflows:
        return Workflows(self.client("stepfunctions"), self.settings.state_machine_arns)

    @cached_property
    def match_requests(self) -> MatchRequests:
        from .services.match_requests import MatchRequests
        return MatchRequests(self.client("sqs"), self.settings.queue_urls.get("matching"))

    @cached_property
    def payment_processor(self) -> PaymentProcessor:
        from .services.payments.processor import SandboxProcessor
        if not self.settings.payments.sandbox:  # test cards must never pass in production
            raise RuntimeError("No live payment processor is configured for this stage.")
        return SandboxProcessor()
