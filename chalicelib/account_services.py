"""The accounts-and-tokens part of the composition root (wiring.py's `Container` extends it):
tokens, users and teams, credentials, OAuth, search, rate limits and usage, and the operators'
account administration. Same rules as wiring.py: built on first use, lazy imports for what a
cold start rarely needs."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .adapters import Adapters
from .auth.tokens import TokenIssuer, TokenVerifier
from .clock import Clock
from .services.events import EventRecorder
from .services.oauth import OAuthService
from .services.ratelimit import ClientAuthGuard, RateLimiter
from .services.sliding_window import SlidingWindow
from .services.users import UserService

if TYPE_CHECKING:
    from .services.accounts import AccountAdmin
    from .services.api_key_retirement import ApiKeyRetirement
    from .services.credentials import CredentialService
    from .services.search import SearchService
    from .services.teams import TeamService
    from .services.usage import UsageService


class AccountServices(Adapters):
    clock: Clock  # Container's

    @cached_property
    def events(self) -> EventRecorder:
        return EventRecorder(self.settings, self.clock)

    # accounts and tokens -------------------------------------------------------------------
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
    def users(self) -> UserService:
        # The matching queue's client is built on the first profile change, not for every
        # read of a user (a cold GET /v1/users/me made an SQS client it never used).
        return UserService(self.users_repo, self.events, self.clock,
                           on_change=lambda before, after: self.match_requests.sales_pro_changed(
                               before, after))

    @cached_property
    def team(self) -> TeamService:
        from .services.teams import TeamService
        return TeamService(self.users, self.users_repo, self.team_repo, self.events, self.clock)

    @cached_property
    def search(self) -> SearchService:
        from .services.search import SearchService
        return SearchService(self.users_repo, self.cursors)

    @cached_property
    def accounts(self) -> AccountAdmin:
        from .services.accounts import AccountAdmin
        return AccountAdmin(self.users, self.users_repo, self.legacy_api_keys, self.events,
                            self.clock)

    @cached_property
    def api_key_retirement(self) -> ApiKeyRetirement:
        """The operator's clean-up of per-account API keys (admin retire-api-keys)."""
        from .aws import PATIENT
        from .services.api_key_retirement import ApiKeyRetirement
        return ApiKeyRetirement(self.legacy_api_keys, self.client("apigateway", PATIENT),
                                self.clock)

    @cached_property
    def oauth(self) -> OAuthService:
        return OAuthService(self.users_repo, self.token_issuer, self.clock, self.auth_guard)

    @cached_property
    def rate_window(self) -> SlidingWindow:
        return SlidingWindow(self.rate_counters, self.clock)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(self.rate_window)

    @cached_property
    def auth_guard(self) -> ClientAuthGuard:
        return ClientAuthGuard(self.rate_window)

    @cached_property
    def credentials(self) -> CredentialService:
        from .services.credentials import CredentialService
        return CredentialService(self.users_repo, self.oauth, self.team, self.events, self.clock)

    @cached_property
    def usage(self) -> UsageService:
        from .services.usage import UsageService
        return UsageService(self.rate_limiter)
