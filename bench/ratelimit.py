"""What the rate limiter costs a `/v1` request: its DynamoDB calls, and the latency it adds.

In-process moto, through `chalice.test.Client` (authorizer, middleware, route): the same
`GET /v1/users/me` with the limiter and with it switched off, interleaved. DynamoDB calls are
counted with a botocore `before-call` hook on each client. moto's latency is not AWS's
(an in-region UpdateItem takes a few ms); the call count is what carries over.

    python -m bench.ratelimit [--requests N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterator

os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                  AWS_DEFAULT_REGION="us-east-1", LEADNOD_STAGE="dev",
                  POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_LOG_LEVEL="ERROR")
os.environ.pop("AWS_ENDPOINT_URL", None)


class CallCounter:
    """Counts API calls per (label, operation) through botocore's event hooks."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()

    def watch(self, label: str, client: Any) -> None:
        client.meta.events.register(
            "before-call.dynamodb.*",
            lambda model, **_: self.calls.update([(label, model.name)]))

    def per_request(self, label: str, requests: int) -> dict[str, float]:
        return {op: n / requests for (who, op), n in sorted(self.calls.items()) if who == label}


@contextmanager
def limiter_switched_off() -> Iterator[None]:
    from chalicelib import middleware

    original = middleware._rate_limit
    middleware._rate_limit = lambda request: None
    try:
        yield
    finally:
        middleware._rate_limit = original


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(requests: int) -> None:
    from chalice.test import Client
    from moto import mock_aws

    with mock_aws():
        from devstack.cfn import output_env
        from devstack.provision import provision

        os.environ.update(output_env(provision("dev")))
        from app import app
        from chalicelib import wiring
        from chalicelib.services.ratelimit import Limits

        services = wiring.reset()
        created = services.accounts.create_account(
            user_type="client", name="Bench", email="bench@example.com", company="Bench Inc",
            industry="saas")
        # High custom limits: the bench measures counting, not refusing.
        services.accounts.set_plan(created.user.id, "custom", per_minute=10**6, per_day=10**8)
        token = services.token_issuer.issue(user_id=created.user.id,
                                            client_id=created.client_id, scopes=["read"])
        counter = CallCounter()
        counter.watch("limiter", services.rate_window._counters.table.meta.client)
        counter.watch("other", services.table.meta.client)
        client = Client(app, stage_name="dev")
        headers = {"Authorization": f"Bearer {token}"}

        def timed() -> float:
            started = time.perf_counter()
            answer = client.http.get("/v1/users/me", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, answer.body
            return elapsed

        for _ in range(20):  # warm up both paths
            timed()
            with limiter_switched_off():
                timed()
        counter.calls.clear()
        for _ in range(requests):
            timed()
        limiter_calls = counter.per_request("limiter", requests)
        other_calls = counter.per_request("other", requests)
        with_limiter: list[float] = []
        without: list[float] = []
        for _ in range(requests):  # interleaved, so drift hits both alike
            with limiter_switched_off():
                without.append(timed())
            with_limiter.append(timed())
        limits = Limits(per_minute=10**6, per_day=10**8)
        alone: list[float] = []
        get_item: list[float] = []
        for _ in range(requests):
            started = time.perf_counter()
            services.rate_limiter.hit(created.user.id, limits)
            alone.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            services.users_repo.get(created.user.id)
            get_item.append((time.perf_counter() - started) * 1000)

    report(requests, limiter_calls, other_calls, with_limiter, without, alone, get_item)


def report(requests: int, limiter_calls: dict[str, float], other_calls: dict[str, float],
           with_limiter: list[float], without: list[float], alone: list[float],
           get_item: list[float]) -> None:
    print(f"GET /v1/users/me, {requests} requests per variant, in-process moto")
    print("DynamoDB calls per request by the limiter: " +
          (", ".join(f"{op} {n:.2f}" for op, n in limiter_calls.items()) or "none"))
    print("DynamoDB calls per request by everything else (authorizer, route): " +
          ", ".join(f"{op} {n:.2f}" for op, n in other_calls.items()))
    print(f"{'':16}{'median ms':>10}{'p95 ms':>10}   (moto parses update expressions "
          "slowly: compare with a GetItem here)")
    for name, values in (("with limiter", with_limiter), ("without", without),
                         ("limiter alone", alone), ("a GetItem", get_item)):
        print(f"{name:16}{statistics.median(values):>10.2f}{percentile(values, 0.95):>10.2f}")
    added = statistics.median(with_limiter) - statistics.median(without)
    print(f"added by the limiter (median): {added:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratelimit")
    parser.add_argument("--requests", type=int, default=300)
    run(parser.parse_args(argv).requests)


if __name__ == "__main__":
    main()
