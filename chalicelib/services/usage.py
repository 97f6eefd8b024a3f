"""`GET /v1/usage`: the account's requests this minute and today against its plan's limits,
read from the same counters the rate limiter writes (docs/rate-limits.md), so the figures are
the ones the `X-RateLimit-*` headers report. For client users the account is the organization."""
from __future__ import annotations

from datetime import datetime, timezone

from ..auth.caller import Caller
from ..models.users import Usage, UsageWindow
from .ratelimit import RateLimiter, limits_for
from .sliding_window import carried


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).replace(microsecond=0)


class UsageService:
    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    def of(self, caller: Caller) -> Usage:
        limits = limits_for(caller.plan, caller.rate_per_minute, caller.rate_per_day)
        decision, counts = self._limiter.usage(caller.user_id, limits)
        window = decision.window
        minute_used = counts.current + carried(counts.previous, window.elapsed_ms)
        return Usage(
            plan=caller.plan, organization_id=caller.organization_id,
            per_minute=UsageWindow(limit=limits.per_minute, used=minute_used,
                                   remaining=decision.minute_remaining,
                                   resets_at=_at(window.now_ms + decision.minute_reset_ms)),
            per_day=UsageWindow(limit=limits.per_day, used=counts.day,
                                remaining=decision.day_remaining,
                                resets_at=_at(window.day_end_ms)))
