"""What the rate limiter costs a `/v1` request: its DynamoDB calls, and the latency it adds.

In-process moto, through `chalice.test.Client` (authorizer, middleware, route): the same
`GET /v1/users/me` with the limiter and with it switched off, interleaved. DynamoDB calls are
counted with a botocore `before-call` hook on each client. moto's latency is not AWS's
(an in-region UpdateItem takes a few ms); the call count is what carries over.

    python -m bench.ratelimit [--requests N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from typing import Iterator

from ._support import CallCounter, moto_stack


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

    with moto_stack() as services:
        from app import app
        from chalicelib.services.ratelimit import Limits

        created = services.accounts.create_account(
            user_type="client", name="Bench", email="bench@example.com", company="Bench Inc",
            industry="saas")
        # High custom limits: the bench measures counting, not refusing.
        services.accounts.set_plan(created.user.id, "custom", per_minute=10**6, per_day=10**8)
        token = services.token_issuer.issue(user_id=created.user.id,
                                            client_id=created.client_id, scopes=["read"])
        limiter_calls = CallCounter(services.rate_counters.table.meta.client)
        other_calls = CallCounter(services.table.meta.client)
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
        limiter_calls.reset()
        other_calls.reset()
        for _ in range(requests):
            timed()
        calls = {"limiter": per_request(limiter_calls, requests),
                 "everything else (authorizer, route)": per_request(other_calls, requests)}
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

    report(requests, calls, {"with limiter": with_limiter, "without": without,
                             "limiter alone": alone, "a GetItem": get_item})


def per_request(counter: CallCounter, requests: int) -> str:
    return ", ".join(f"{op} {n / requests:.2f}" for op, n in sorted(counter.calls.items())) \
        or "none"


def report(requests: int, calls: dict[str, str], timings: dict[str, list[float]]) -> None:
    print(f"GET /v1/users/me, {requests} requests per variant, in-process moto")
    for who, counted in calls.items():
        print(f"DynamoDB calls per request by {who}: {counted}")
    print(f"{'':16}{'median ms':>10}{'p95 ms':>10}   (moto parses update expressions "
          "slowly: compare with a GetItem here)")
    for name, values in timings.items():
        print(f"{name:16}{statistics.median(values):>10.2f}{percentile(values, 0.95):>10.2f}")
    added = statistics.median(timings["with limiter"]) - statistics.median(timings["without"])
    print(f"added by the limiter (median): {added:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratelimit")
    parser.add_argument("--requests", type=int, default=300)
    run(parser.parse_args(argv or []).requests)


if __name__ == "__main__":
    main(sys.argv[1:])
