"""Composition root: builds clients, repositories and services once per process, lazily.

Nothing here runs at import time, so importing `app` never touches AWS (cold start, tests).
Tests call `reset()` after pointing the environment at fresh moto resources.
"""
from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

from .auth.tokens import KeySet, TokenIssuer, TokenVerifier
from .clock import Clock
from .config import Settings, get_settings
from .services.accounts import AccountAdmin, ApiKeys
from .services.analytics.aggregator import AnalyticsAggregator
from .services.analytics.exports import ExportService
from .services.analytics.reports import ReportService
from .services.analytics.summary import SummaryService
from .services.events import EventRecorder
from .services.oauth import OAuthService
from .services.search import SearchService
from .services.users import UserService
from .storage.aggregates import AggregateRepository
from .storage.cursors import CursorCodec
from .storage.party_data import PartyData
from .storage.reports import ExportRepository, ReportRepository
from .storage.table import Store
from .storage.users import UserRepository


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

    # ------------------------------------------------------------------ analytics
    @cached_property
    def s3(self) -> Any:
        # SigV4 presigned URLs: S3 refuses SigV2 on new buckets and on KMS-encrypted objects.
        return self.session.client("s3", config=Config(signature_version="s3v4"))

    @cached_property
    def aggregates(self) -> AggregateRepository:
        return AggregateRepository(self.store)

    @cached_property
    def party_data(self) -> PartyData:
        return PartyData(self.store)

    @cached_property
    def analytics_aggregator(self) -> AnalyticsAggregator:
        return AnalyticsAggregator(self.aggregates, self.party_data, self.clock)

    @cached_property
    def analytics_summary(self) -> SummaryService:
        return SummaryService(self.aggregates, self.party_data, self.clock)

    @cached_property
    def analytics_reports(self) -> ReportService:
        reports = ReportRepository(self.store, self.s3, self.settings.export_bucket)
        return ReportService(self.aggregates, self.party_data, reports, self.clock)

    @cached_property
    def analytics_exports(self) -> ExportService:
        return ExportService(ExportRepository(self.store), self.party_data, self.s3,
                             self.settings.export_bucket, self.client("sqs"),
                             self.settings.queue_urls.get("exports", ""), self.clock)


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
