"""The arithmetic of `python -m bench capacity`: every AWS quota the API meets, what a load uses
of it, and the number of organizations at which it binds. No AWS, no I/O; docs/capacity.md
shows the same arithmetic and tests/capacity checks it on the two cases worked there by hand.

Load: an organization on a plan peaks at min(its per-minute limit / 60, its daily quota ×
`quota_use` × `peak_factor` / 86,400) requests a second. What a request costs downstream (write
units, events, Lambda time) is stated below with where it comes from; change a figure here and
in docs/capacity.md together.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from chalicelib.services.ratelimit import PLAN_LIMITS

PLANS = ("professional", "enterprise", "custom")
DAY = 86_400
# Per request, in AWS (ms): the API handler's mean duration (3-9 calls of a few ms each,
# docs/performance.md), a webhook POST to a customer (timeout 10 s), the authorizer's run.
API_MS, DELIVERY_MS, AUTHORIZER_MS = 60.0, 300.0, 20.0
# DynamoDB write units: a read request's rate-counter UpdateItem; a write request's counter,
# transaction (~5 items at 2 units: the object, a checked parent, the idempotency record, the
# event and the outbox item), its GSI copies, and what it causes later: the outbox fan-out and
# the analytics aggregator's transaction (docs/data-model.md).
WCU_PER_READ, WCU_PER_WRITE = 1, 35
# The OUTBOX GSI partition: an outbox item (~1.5 KB, projected ALL) is put, then deleted.
OUTBOX_WCU_PER_EVENT = 2 * math.ceil(1.5)
# An outbox record on the stream: the aggregator's consistent GetItem + transaction; the
# fan-out's Query of the recipients' webhooks, delivery Puts, SQS send and outbox Delete.
ANALYTICS_RECORD_MS, FANOUT_RECORD_MS = 15.0, 20.0
STREAM_READERS_ADVISED = 2   # DynamoDB Streams: more readers per shard are throttled
STREAM_PARALLELIZATION = 2   # infra/stack.yaml: table_stream's batches in flight per shard
MATCH_RUN_WCU = 100          # 50 match items put, the previous 50 deleted, ~1 KB each
OPEN_OPP_SHARDS, OPEN_OPP_WCU = 4, 2  # OPPS#OPEN#<shard> on GSI2; a ~2 KB opportunity copy
RETRY_WINDOW_S = 5 + 300 + 1_800 + 7_200 + 18_000 + 6 * 36_000  # webhooks' retry schedule
TRANSITIONS_PER_EXECUTION = 8
CONTAINER_LIFETIME_S = 3_600  # a warm Lambda environment's life, so a secret read an hour


@dataclass(frozen=True)
class Load:
    organizations: int = 10_000
    mix: tuple[float, float, float] = (0.90, 0.09, 0.01)  # professional, enterprise, custom
    quota_use: float = 1.0          # share of its daily quota an organization uses
    peak_factor: float = 3.0        # the busiest hour's rate / the day's mean rate
    custom_per_minute: int = 1_200  # a custom plan's limits (a typical contract)
    custom_per_day: int = 1_000_000
    write_share: float = 0.25       # requests that write, each recording one event
    escrow_share: float = 0.01      # requests that start a Step Functions execution
    opportunity_write_share: float = 0.5  # writes that rewrite an open opportunity
    deliveries_per_event: float = 0.5     # webhook deliveries an event causes
    failing_share: float = 0.02     # deliveries to endpoints that keep failing
    credentials_per_org: float = 2.0  # each gets a token an hour (the SDKs reuse it)
    pool_slots: int = 16            # ApiKeyPoolSlots (infra/template.yaml)
    stages_in_account: int = 2      # sandbox and prod in one AWS account
    stream_shards: int = 4          # a new on-demand table's partitions
    stream_readers: int = 1         # table_stream: fan-out, escrow follow-ups, analytics

    def shares(self) -> list[tuple[str, float]]:
        return list(zip(PLANS, self.mix, strict=True))

    def limits(self, plan: str) -> tuple[int, int]:
        if plan == "custom":
            return self.custom_per_minute, self.custom_per_day
        return PLAN_LIMITS[plan].per_minute, PLAN_LIMITS[plan].per_day

    def peak_rps(self, plan: str, factor: float | None = None) -> float:
        """One organization's requests a second on `plan` in the busiest hour (`factor`: the
        peak factor; 1 for the day's mean)."""
        per_minute, per_day = self.limits(plan)
        factor = self.peak_factor if factor is None else factor
        return min(per_minute / 60, per_day * self.quota_use * factor / DAY)

    @property
    def mean_events(self) -> float:
        """Events a second over the whole day: what piles up over days (waiting retries)."""
        per_org = sum(share * self.peak_rps(plan, 1.0) for plan, share in self.shares())
        return self.organizations * per_org * self.write_share

    @property
    def org_rps(self) -> float:
        """The mean organization's peak requests a second, over the plan mix."""
        return sum(share * self.peak_rps(plan) for plan, share in self.shares())

    @property
    def rps(self) -> float:
        return self.organizations * self.org_rps

    @property
    def token_rps(self) -> float:
        return self.organizations * self.credentials_per_org / 3_600

    @property
    def events(self) -> float:
        return self.rps * self.write_share

    @property
    def busiest_org_rps(self) -> float:
        return max(self.peak_rps(plan) for plan, share in self.shares() if share > 0)

    def busiest_key_rps(self) -> float:
        """The busiest pool key's requests a second: a uniform hash puts m ± 3√m of a pool's m
        organizations per key on the busiest one."""
        loads = []
        for plan, share in self.shares():
            mean = self.organizations * share / self.pool_slots
            loads.append((mean + 3 * math.sqrt(mean)) * self.peak_rps(plan) if mean else 0.0)
        return max(loads)

    def table_write_units(self) -> float:
        return (self.rps * (1 - self.write_share) + self.token_rps) * WCU_PER_READ \
            + self.events * WCU_PER_WRITE

    def shards(self) -> int:
        """The stream has a shard per table partition: at least `stream_shards`, and one per
        1,000 write units, as DynamoDB splits partitions under sustained writes."""
        return max(self.stream_shards, math.ceil(self.table_write_units() / 1_000))

    def concurrency(self) -> float:
        """Busy Lambda environments at the peak: each function's rate × its duration (the API
        handler, the authorizer once a token a minute, the stream consumers, the deliveries)."""
        return ((self.rps + self.token_rps) * API_MS
                + self.organizations * self.credentials_per_org / 60 * AUTHORIZER_MS
                + self.events * (ANALYTICS_RECORD_MS + FANOUT_RECORD_MS)
                + self.events * self.deliveries_per_event * DELIVERY_MS) / 1000


@dataclass(frozen=True)
class Quota:
    name: str
    limit: float
    use: Callable[[Load], float]
    grows: bool      # True: use grows with organizations; False: per key or fixed
    beyond: str      # what the design does past it (docs/capacity.md)

    def headroom(self, load: Load) -> float:
        return 1 - self.use(load) / self.limit

    def fits_up_to(self, load: Load) -> int | None:
        """The most organizations (this mix and load) within the quota; None: never binds."""
        if not self.grows:
            return None if self.use(load) <= self.limit else 0
        low, high = 0, 1
        while self.use(replace(load, organizations=high)) <= self.limit:
            low, high = high, high * 2
            if high > 10**12:
                return None
        while high - low > 1:
            middle = (low + high) // 2
            if self.use(replace(load, organizations=middle)) <= self.limit:
                low = middle
            else:
                high = middle
        return low


QUOTAS = (
    Quota("API keys per region (hard)", 10_000,
          lambda x: 3 * x.pool_slots * x.stages_in_account, False,
          "pools: keys do not grow with customers"),
    Quota("CreateApiKey calls/s (hard)", 5, lambda x: 0.0, False,
          "no key per sign-up; pools are created by the deploy"),
    Quota("API Gateway requests/s (account)", 10_000, lambda x: x.rps + x.token_rps, True,
          "raise (adjustable); then cells"),
    Quota("Usage plan throttle, busiest pool key", 400, Load.busiest_key_rps, True,
          "more ApiKeyPoolSlots"),
    Quota("Lambda concurrency (account)", 1_000, Load.concurrency, True,
          "raise (adjustable); cap consumers' concurrency"),
    Quota("DynamoDB table write units/s (on-demand)", 40_000, Load.table_write_units, True,
          "raise the table's maximum; then cells"),
    Quota("DynamoDB partition: RATE#<org> counter", 1_000,
          lambda x: x.busiest_org_rps * WCU_PER_READ, False,
          "the gateway caps a key at 400/s; shard past 60,000/min"),
    Quota("DynamoDB partition: idempotency#<key>", 1_000, lambda x: 2.0, False,
          "one partition per key already"),
    Quota("DynamoDB partition: OUTBOX (GSI1)", 1_000,
          lambda x: x.events * OUTBOX_WCU_PER_EVENT, True, "shard: OUTBOX#<n>"),
    Quota("DynamoDB partition: USER#<org> AGG#ALL", 1_000,
          lambda x: x.busiest_org_rps * x.write_share * 2, False, "per organization: none"),
    Quota("DynamoDB partition: OPP#<opp> matching", 1_000,
          lambda x: x.busiest_org_rps * x.write_share * MATCH_RUN_WCU, False,
          "coalesce runs per opportunity"),
    Quota("DynamoDB GSI2: OPPS#OPEN#<shard> x4", 1_000 * OPEN_OPP_SHARDS,
          lambda x: x.events * x.opportunity_write_share * OPEN_OPP_WCU, True,
          "more shards (backfill)"),
    Quota("Stream: readers per shard", STREAM_READERS_ADVISED,
          lambda x: x.stream_readers, False, "one consumer (table_stream) for every part"),
    # One consumer runs every part on each record in turn: fan-out, then analytics.
    Quota("Stream: outbox records/s per shard",
          STREAM_PARALLELIZATION * 1000 / (ANALYTICS_RECORD_MS + FANOUT_RECORD_MS),
          lambda x: x.events / x.shards(), True, "ParallelizationFactor up to 10"),
    Quota("SQS in-flight messages (webhooks)", 120_000,
          lambda x: x.mean_events * x.deliveries_per_event * x.failing_share * RETRY_WINDOW_S,
          True, "keep waiting retries out of flight"),
    Quota("Step Functions StartExecution/s", 300, lambda x: x.rps * x.escrow_share, True,
          "raise (adjustable); then cells"),
    Quota("Step Functions state transitions/s", 5_000,
          lambda x: x.rps * x.escrow_share * TRANSITIONS_PER_EXECUTION, True, "raise"),
    Quota("KMS RSA Sign/s (tokens)", 500, lambda x: x.token_rps, True,
          "raise (adjustable); tokens live an hour"),
    Quota("Secrets Manager GetSecretValue/s", 10_000,
          lambda x: x.concurrency() / CONTAINER_LIFETIME_S, True, "cached per container"),
)


def first_to_bind(load: Load) -> tuple[Quota, int] | None:
    """The quota that binds at the fewest organizations (those that grow with them)."""
    sized = [(q, n) for q in QUOTAS if q.grows and (n := q.fits_up_to(load)) is not None]
    return min(sized, key=lambda pair: pair[1]) if sized else None


def seconds_to_scale(load: Load) -> float:
    """From cold, Lambda adds 1,000 environments every 10 s per function."""
    return math.ceil(load.concurrency() / 1_000) * 10
