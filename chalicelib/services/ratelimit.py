"""Per-plan rate limits for `/v1`, per-address limits for unauthenticated requests, the
rate-limit headers, and the token endpoint's guard against guessing client secrets. See
docs/rate-limits.md."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..errors import TooManyRequests
from ..storage.ratelimits import account_subject, address_subject, auth_failure_subject
from .sliding_window import Hit, SlidingWindow, Window, ms_until_allowed, remaining
from .users import PLAN_LIMITS as _PLAN_LIMITS

log = logging.getLogger(__name__)
STORE_ERRORS = (ClientError, BotoCoreError)  # throttling, timeouts, connection failures


@dataclass(frozen=True)
class Limits:
    per_minute: int
    per_day: int


PLAN_LIMITS = {plan: Limits(*limits) for plan, limits in _PLAN_LIMITS.items()}


def limits_for(plan: str, per_minute: Any = None, per_day: Any = None) -> Limits:
    """An account's limits. A custom plan carries its own (API Gateway passes authorizer
    context values as strings); one without them gets the professional limits."""
    if plan == "custom":
        try:
            limits = Limits(int(str(per_minute)), int(str(per_day)))
        except ValueError:
            limits = Limits(0, 0)
        if limits.per_minute > 0 and limits.per_day > 0:
            return limits
        log.warning("custom plan without rate limits; applying the professional limits")
    return PLAN_LIMITS.get(plan, PLAN_LIMITS["professional"])


def _seconds(ms: int) -> int:
    return -(-ms // 1000)


@dataclass(frozen=True)
class RateDecision:
    """Whether a request may run, and what the rate-limit headers say about it."""
    limits: Limits
    window: Window
    allowed: bool
    minute_remaining: int
    minute_reset_ms: int       # until more of the per-minute limit is available
    day_remaining: int
    code: str | None = None    # rate_limit_exceeded | daily_quota_exceeded when refused
    degraded: bool = False     # the counters were unavailable: allowed without counting
    anonymous: bool = False    # counted per source address, not per account

    @classmethod
    def from_hit(cls, limits: Limits, hit: Hit, anonymous: bool = False) -> RateDecision:
        w = hit.window
        left = remaining(limits.per_minute, hit.current, hit.previous, w)
        reset_ms = ms_until_allowed(limits.per_minute, hit.current, hit.previous, w) \
            if left == 0 else w.end_ms - w.now_ms
        code = None if hit.allowed else (
            "daily_quota_exceeded" if hit.over_day else "rate_limit_exceeded")
        return cls(limits, w, hit.allowed, left, reset_ms, max(0, limits.per_day - hit.day),
                   code, anonymous=anonymous)

    @classmethod
    def unmetered(cls, limits: Limits, window: Window, anonymous: bool = False) -> RateDecision:
        """Fail open: the full limits, nothing counted."""
        return cls(limits, window, True, limits.per_minute, window.end_ms - window.now_ms,
                   limits.per_day, degraded=True, anonymous=anonymous)

    @property
    def day_reset_ms(self) -> int:
        return self.window.day_end_ms - self.window.now_ms

    @property
    def wait_ms(self) -> int:
        """Until the next request can succeed (0: now)."""
        if self.day_remaining == 0 or self.code == "daily_quota_exceeded":
            return self.day_reset_ms
        return self.minute_reset_ms if self.minute_remaining == 0 else 0

    @property
    def retry_after(self) -> int:
        return max(1, _seconds(self.wait_ms))

    def headers(self) -> dict[str, str]:
        # Reset: when the next request can succeed once the limit is reached, else the end of
        # the current minute (from then on this minute's requests start sliding out).
        reset_ms = self.wait_ms or self.window.end_ms - self.window.now_ms
        headers = {
            "X-RateLimit-Limit": str(self.limits.per_minute),
            "X-RateLimit-Remaining": str(min(self.minute_remaining, self.day_remaining)),
            "X-RateLimit-Reset": str(_seconds(self.window.now_ms + reset_ms)),
            # draft-ietf-httpapi-ratelimit-headers-10: the quotas, then what is left of each.
            "RateLimit-Policy": f'"minute";q={self.limits.per_minute};w=60, '
                                f'"day";q={self.limits.per_day};w=86400',
            "RateLimit": f'"minute";r={self.minute_remaining};t={_seconds(self.minute_reset_ms)}, '
                         f'"day";r={self.day_remaining};t={_seconds(self.day_reset_ms)}',
        }
        if self.code:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def error(self) -> TooManyRequests:
        quota = "The daily quota of unauthenticated requests from your address" \
            if self.anonymous else "Your plan's daily quota"
        allows = "unauthenticated requests from one address are limited to" \
            if self.anonymous else "your plan allows"
        if self.code == "daily_quota_exceeded":
            message = (f"{quota} of {self.limits.per_day} requests is used up. "
                       f"It resets at 00:00 UTC, in {self.retry_after} seconds.")
        else:
            message = (f"Rate limit exceeded: {allows} {self.limits.per_minute} "
                       f"requests per minute. Retry after {self.retry_after} seconds.")
        return TooManyRequests(message, code=self.code, headers=self.headers())


class RateLimiter:
    """Counts every `/v1` request of an account, all of its credentials together, and every
    unauthenticated request that reaches the API per source address."""

    def __init__(self, window: SlidingWindow) -> None:
        self._window = window

    def hit(self, user_id: str, limits: Limits) -> RateDecision:
        """Count one request; refused requests are not counted and must do no work. When
        the counters cannot be reached the request is allowed (fail open) and logged."""
        return self._hit(account_subject(user_id), limits, {"user_id": user_id})

    def usage(self, user_id: str, limits: Limits) -> tuple[RateDecision, Hit]:
        """The account's counts now and what the rate-limit headers would say of them
        (`GET /v1/usage`)."""
        counts = self._window.look(account_subject(user_id))
        return RateDecision.from_hit(limits, counts), counts

    def hit_address(self, source_ip: str, limits: Limits) -> RateDecision:
        """The same for an unauthenticated request, counted against its source address."""
        return self._hit(address_subject(source_ip), limits, {"source_ip": source_ip},
                         anonymous=True)

    def _hit(self, subject: str, limits: Limits, about: dict[str, str],
             anonymous: bool = False) -> RateDecision:
        try:
            hit = self._window.hit(subject, limits.per_minute, limits.per_day)
        except STORE_ERRORS as exc:
            log.warning("rate limiter unavailable, allowing the request: %s", exc, extra=about)
            return RateDecision.unmetered(limits, self._window.now(), anonymous)
        return RateDecision.from_hit(limits, hit, anonymous)


@dataclass(frozen=True)
class AuthAttempt:
    client_id: str
    allowed: bool
    retry_after: int = 0
    hit: Hit | None = None  # None when the guard failed open or did not apply


class ClientAuthGuard:
    """At most `per_minute` failed client authentications per client id.

    The attempt is counted *before* the (deliberately slow) secret check, with a conditional
    write, so parallel guesses cannot overshoot the limit; `succeeded` takes it back, so only
    failures stay counted."""

    MAX_CLIENT_ID = 100  # longer ids are never issued; they fail without a lookup

    def __init__(self, window: SlidingWindow, per_minute: int = 10) -> None:
        self._window, self.per_minute = window, per_minute

    def attempt(self, client_id: str) -> AuthAttempt:
        if len(client_id) > self.MAX_CLIENT_ID:
            return AuthAttempt(client_id, True)
        try:
            hit = self._window.hit(auth_failure_subject(client_id), self.per_minute, None)
        except STORE_ERRORS as exc:
            log.warning("client authentication guard unavailable, allowing the attempt: %s",
                        exc, extra={"client_id": client_id})
            return AuthAttempt(client_id, True)
        if hit.allowed:
            return AuthAttempt(client_id, True, hit=hit)
        wait = ms_until_allowed(self.per_minute, hit.current, hit.previous, hit.window)
        if hit.counted:  # refused on the returned counts: this attempt must not count
            self._take_back(client_id, hit)
        return AuthAttempt(client_id, False, retry_after=max(1, _seconds(wait)))

    def succeeded(self, attempt: AuthAttempt) -> None:
        if attempt.hit is not None:
            self._take_back(attempt.client_id, attempt.hit)

    def _take_back(self, client_id: str, hit: Hit) -> None:
        try:
            self._window.take_back(auth_failure_subject(client_id), hit)
        except STORE_ERRORS as exc:
            log.warning("could not uncount a client authentication attempt: %s", exc)
