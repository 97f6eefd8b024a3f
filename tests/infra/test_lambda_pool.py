"""The local stack's execution environments (devstack/lambda_pool.py): worker processes that
each import the app once and serve one request at a time, started on demand up to the limit,
queued past it, replaced when they die (issue 12; docs/local-stack.md)."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.lambda_pool import Answer, Invocation, LambdaPool, LambdaSettings

SETTINGS = LambdaSettings("pool-test", 512, 30)


def get(pool: LambdaPool, path: str, source_ip: str = "192.0.2.7") -> Answer:
    return pool.invoke(Invocation("GET", path, {"host": "local"}, None, source_ip,
                                  str(uuid.uuid4())))


def at_once(pool: LambdaPool, paths: list[str]) -> list[Answer]:
    gate = threading.Barrier(len(paths))

    def send(path: str) -> Answer:
        gate.wait(timeout=30)
        return get(pool, path)
    with ThreadPoolExecutor(len(paths)) as threads:
        return list(threads.map(send, paths))


def pid(answer: Answer) -> int:
    import json
    assert answer.status == 200, (answer.status, answer.body, answer.failure)
    return json.loads(answer.body)["pid"]


@pytest.fixture
def make_pool():
    pools = []

    def make(limit: int, **kw) -> LambdaPool:
        pools.append(LambdaPool(limit, SETTINGS, app_module="infra.pool_app", **kw))
        return pools[-1]
    yield make
    for pool in pools:
        pool.close()


def test_a_worker_imports_the_app_once_and_serves_request_after_request(make_pool):
    import json
    pool = make_pool(4)
    answers = [json.loads(get(pool, "/who").body) for _ in range(3)]
    assert len({a["pid"] for a in answers}) == 1 and len({a["imported_at"] for a in answers}) == 1
    assert (pool.size, pool.cold_starts) == (1, 1)  # sequential callers need one environment
    assert answers[0]["source_ip"] == "192.0.2.7"  # the caller's address, not chalice's 127.0.0.1
    assert answers[0]["request_id"] and answers[0]["request_id"] != answers[1]["request_id"]
    assert 0 < answers[0]["remaining_ms"] <= 30_000


def test_concurrent_requests_each_get_an_environment_of_their_own(make_pool):
    pool = make_pool(4)
    pids = [pid(a) for a in at_once(pool, ["/sleep/600"] * 4)]
    assert len(set(pids)) == 4 and pool.size == 4


def test_past_the_limit_requests_wait_for_a_free_environment(make_pool):
    pool = make_pool(2)
    pids = [pid(a) for a in at_once(pool, ["/sleep/300"] * 6)]
    assert len(set(pids)) == 2 and (pool.size, pool.cold_starts) == (2, 2)


def test_a_request_waiting_longer_than_the_gateway_timeout_is_504(make_pool):
    pool = make_pool(1, timeout=1.5)
    slow, waiting = at_once(pool, ["/sleep/1000", "/sleep/1000"])
    assert sorted([slow.status, waiting.status]) == [200, 504]
    # it either never got an environment or got one too late to finish: the same 504
    assert {slow.failure, waiting.failure} & {"throttled", "timeout"}


def test_a_function_running_past_the_timeout_is_stopped_and_replaced(make_pool):
    pool = make_pool(1, timeout=2)
    first = pid(get(pool, "/sleep/10"))
    timed_out = get(pool, "/sleep/5000")
    assert (timed_out.status, timed_out.failure) == (504, "timeout")
    assert pid(get(pool, "/sleep/10")) != first and pool.size == 1


def test_an_environment_that_dies_answers_502_and_the_next_request_gets_a_new_one(make_pool):
    pool = make_pool(1)
    first = pid(get(pool, "/who"))
    crashed = get(pool, "/exit")
    assert (crashed.status, crashed.failure) == (502, "crashed")
    assert pid(get(pool, "/who")) != first and (pool.size, pool.cold_starts) == (1, 2)


def test_an_exception_out_of_the_app_is_a_500_from_chalice_not_a_dead_worker(make_pool):
    pool = make_pool(1)
    first = pid(get(pool, "/who"))
    assert get(pool, "/raise").status == 500
    assert pid(get(pool, "/who")) == first


def test_the_limit_comes_from_local_concurrency(monkeypatch):
    monkeypatch.setenv("LOCAL_CONCURRENCY", "3")
    assert LambdaPool.from_environment(SETTINGS).limit == 3
    monkeypatch.delenv("LOCAL_CONCURRENCY")
    assert LambdaPool.from_environment(SETTINGS).limit == 10
    monkeypatch.setenv("LOCAL_CONCURRENCY", "0")
    with pytest.raises(ValueError):
        LambdaPool.from_environment(SETTINGS)
