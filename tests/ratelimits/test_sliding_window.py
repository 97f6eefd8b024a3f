"""The limiter on its own, with a frozen clock: limits at their boundaries, window roll-over,
the daily quota, midnight, several processes, and what it costs in DynamoDB calls."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.services.ratelimit import PLAN_LIMITS, Limits, RateLimiter
from chalicelib.services.sliding_window import SlidingWindow, Window, ms_until_allowed
from chalicelib.storage.ratelimits import RateCounters, account_subject, counter_key


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:22]}"

PROFESSIONAL, ENTERPRISE = PLAN_LIMITS["professional"], PLAN_LIMITS["enterprise"]
MINUTE_START = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    return FrozenClock(MINUTE_START)


@pytest.fixture
def services(aws_env, clock):
    from chalicelib import wiring

    yield wiring.reset(clock)
    wiring.reset()  # later tests in this process must not inherit a clock stopped in March


@pytest.fixture
def limiter(services):
    return services.rate_limiter


def hits(limiter, user_id, count, limits=PROFESSIONAL):
    return [limiter.hit(user_id, limits) for _ in range(count)]


def test_59th_60th_and_61st_request(limiter):
    user = unique("usr_")
    decisions = hits(limiter, user, 61)
    assert all(d.allowed for d in decisions[:60])
    assert [d.minute_remaining for d in decisions[57:60]] == [2, 1, 0]
    refused = decisions[60]
    assert not refused.allowed and refused.code == "rate_limit_exceeded"
    headers = refused.headers()
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Limit"] == "60"
    # Sent at 10:00:00: one more fits at 10:01:01, when 59/60 of this minute is still counted.
    assert headers["Retry-After"] == "61"
    assert headers["X-RateLimit-Reset"] == str(int(MINUTE_START.timestamp()) + 61)


def test_refused_requests_are_not_counted(limiter, services, clock):
    user = unique("usr_")
    hits(limiter, user, 70)
    item = services.table.get_item(Key=counter_key(account_subject(user), MINUTE_START.date()))
    assert item["Item"]["m1000"] == 60 and item["Item"]["d"] == 60
    clock.advance(61)  # exactly one request has slid out of the window
    assert [d.allowed for d in hits(limiter, user, 3)] == [True, False, False]


def test_no_double_burst_at_the_window_boundary(limiter, clock):
    user = unique("usr_")
    clock.advance(59)
    assert all(d.allowed for d in hits(limiter, user, 60))
    clock.advance(1)  # 10:01:00, a new fixed window: a fixed-window counter would allow 60 more
    assert not any(d.allowed for d in hits(limiter, user, 60))
    clock.advance(30)  # half of the previous minute has slid out
    assert sum(d.allowed for d in hits(limiter, user, 60)) == 30


def test_a_client_sending_too_fast_gets_the_limit_per_minute(limiter, clock):
    user, limits = unique("usr_"), Limits(per_minute=6, per_day=1000)
    allowed = []
    for second in range(0, 180, 2):  # three minutes at 30 requests a minute
        allowed += [second] * hits(limiter, user, 1, limits)[0].allowed
        clock.advance(2)
    assert allowed == [0, 2, 4, 6, 8, 10,            # the burst the limit allows
                       70, 80, 90, 100, 110, 120,    # then one every 10 seconds, as the
                       132, 144, 156, 168]           # previous minute slides out
    # Never more than the limit in any 60 seconds, across both minute boundaries.
    assert max(sum(start <= t < start + 60 for t in allowed) for start in range(0, 180)) == 6


def test_daily_quota_then_reset_at_midnight(limiter, services, clock):
    user = unique("usr_")
    services.table.put_item(Item={**counter_key(account_subject(user), MINUTE_START.date()),
                                  "d": PROFESSIONAL.per_day - 1})
    last = limiter.hit(user, PROFESSIONAL)
    assert last.allowed and last.headers()["X-RateLimit-Remaining"] == "0"
    refused = limiter.hit(user, PROFESSIONAL)
    assert not refused.allowed and refused.code == "daily_quota_exceeded"
    seconds_to_midnight = 14 * 3600
    assert refused.headers()["Retry-After"] == str(seconds_to_midnight)
    assert refused.headers()["X-RateLimit-Reset"] == str(int(MINUTE_START.timestamp()) + 14 * 3600)
    assert '"day";r=0' in refused.headers()["RateLimit"]
    clock.advance(seconds_to_midnight)
    assert limiter.hit(user, PROFESSIONAL).allowed


def test_previous_minute_is_read_across_midnight(limiter, clock):
    user = unique("usr_")
    clock.advance(14 * 3600 - 30)  # 23:59:30
    assert all(d.allowed for d in hits(limiter, user, 60))
    clock.advance(40)  # 00:00:10 the next day: 5/6 of yesterday's last minute still counts
    assert sum(d.allowed for d in hits(limiter, user, 20)) == 10


def test_accounts_are_counted_separately(limiter):
    first, second = unique("usr_"), unique("usr_")
    hits(limiter, first, 60)
    assert not limiter.hit(first, PROFESSIONAL).allowed
    assert limiter.hit(second, PROFESSIONAL).minute_remaining == 59


def test_enterprise_allows_300_a_minute(limiter):
    decisions = hits(limiter, unique("usr_"), 301, ENTERPRISE)
    assert all(d.allowed for d in decisions[:300]) and not decisions[300].allowed
    assert decisions[0].headers()["X-RateLimit-Limit"] == "300"


def test_custom_limits(limiter):
    custom = Limits(per_minute=3, per_day=4)
    user = unique("usr_")
    assert [d.allowed for d in hits(limiter, user, 4, custom)] == [True, True, True, False]
    assert hits(limiter, user, 1, custom)[0].code == "rate_limit_exceeded"


def test_a_process_that_missed_the_previous_minute_still_refuses(services, clock):
    """Another Lambda container has not seen this account's last minute: the count it gets
    back decides, and from then on it knows the previous minute exactly."""
    user = unique("usr_")
    hits(services.rate_limiter, user, 60)
    clock.advance(60)
    other = RateLimiter(SlidingWindow(RateCounters(services.table), clock))
    first = other.hit(user, PROFESSIONAL)
    assert not first.allowed and first.code == "rate_limit_exceeded"
    second = other.hit(user, PROFESSIONAL)
    assert not second.allowed
    item = services.table.get_item(Key=counter_key(account_subject(user), MINUTE_START.date()))
    assert item["Item"]["m1001"] == 1  # only the first, unknowing refusal was counted


def test_one_conditional_update_per_request(services, limiter, clock):
    calls = []
    client = services.rate_counters.table.meta.client
    client.meta.events.register("before-call.dynamodb.*",
                                lambda model, **_: calls.append(model.name))
    clock.advance(30)
    hits(limiter, unique("usr_"), 5)
    assert calls == ["UpdateItem"] * 5


def test_first_minute_of_the_day_reads_yesterday_once(services, limiter, clock):
    calls = []
    client = services.rate_counters.table.meta.client
    client.meta.events.register("before-call.dynamodb.*",
                                lambda model, **_: calls.append(model.name))
    clock.advance(14 * 3600)  # 00:00:00
    hits(limiter, unique("usr_"), 3)
    assert calls == ["GetItem", "UpdateItem", "UpdateItem", "UpdateItem"]


def test_counter_items_expire_and_stay_small(services, limiter, clock):
    user = unique("usr_")
    for _ in range(24):  # a request every 5 minutes for two hours
        limiter.hit(user, PROFESSIONAL)
        clock.advance(300)
    key = counter_key(account_subject(user), MINUTE_START.date())
    item = services.table.get_item(Key=key)["Item"]
    # Only the last two requests' minutes are left: each write removes the stale minutes
    # the previous one returned.
    assert sorted(k for k in item if k.startswith("m")) == ["m1150", "m1155"]
    assert item["ttl"] == int(datetime(2026, 3, 5, tzinfo=timezone.utc).timestamp())


def test_retry_after_is_when_one_more_request_fits():
    window = Window(int(MINUTE_START.timestamp() * 1000) + 15_000)
    # 30 this minute and 60 the last, of which 45 still count: one more fits once only 29 of
    # them do, at 0:31.
    assert ms_until_allowed(60, 30, 60, window) == 16_000
    assert ms_until_allowed(60, 60, 0, window) == 46_000
    assert ms_until_allowed(60, 10, 0, window) == 0
