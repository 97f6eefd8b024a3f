"""Lambda's execution model for the local API: a pool of worker processes, each an execution
environment that imports the app once (its cold start) and then serves one request at a time.

API Gateway hands each in-flight request to an environment of its own and Lambda starts new
ones as concurrency grows; so does `LambdaPool.invoke`: an idle worker takes the request, else
a new one is started while the pool is under its limit (`LOCAL_CONCURRENCY`), else the request
waits for a worker to come free. Nothing of a request is shared with another in flight: each
worker is its own interpreter with its own app, clients and caches, as on AWS.

Choices, all written down in docs/local-stack.md:
- At the limit, requests queue rather than fail. Deployed, Lambda scales to the account's
  concurrency (1,000 by default), far past any local limit, so a 429 here would be an error no
  integrator sees in production. A request that waits longer than API Gateway's integration
  timeout (29 s) in all is answered 504, as the gateway would.
- A worker that dies mid-request (a crash, an `os._exit`) answers 502, like a Lambda that
  failed, and is replaced by the next cold start; one that runs past the 29 s is killed.
- Workers are started with `spawn`, so each import is a real cold start and no state of the
  stack's own process (moto, pollers, locks) leaks into them.
"""
from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 10  # a new AWS account's Lambda concurrency quota
INTEGRATION_TIMEOUT = 29.0  # API Gateway's maximum, seconds


@dataclass
class Invocation:
    """One HTTP request, as the front server hands it on."""
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    source_ip: str
    request_id: str


@dataclass
class Answer:
    """What came back: the status, headers (lists for repeated ones) and body; `failure`
    names a gateway-level failure (`timeout`, `crashed`, `throttled`) the front renders."""
    status: int
    headers: dict[str, Any] = field(default_factory=dict)
    body: bytes | None = None
    failure: str | None = None


class WorkerFailed(Exception):
    def __init__(self, failure: str) -> None:
        super().__init__(failure)
        self.failure = failure


class Worker:
    """One execution environment: a process and the pipe it is driven over."""

    def __init__(self, context: Any, lambda_settings: LambdaSettings, app_module: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, lambda_settings, app_module),
                                       daemon=True,
                                       name="leadnod-lambda")
        self.process.start()
        child.close()
        self.served = 0
        self.init_ms: float | None = None

    def call(self, invocation: Invocation, timeout: float) -> Answer:
        if self.init_ms is None:  # the cold start: wait for the import to finish
            self.init_ms = self._receive(timeout)
            log.info("cold start: execution environment %s imported the app in %.0f ms",
                     self.process.pid, self.init_ms)
        self.conn.send(invocation)
        answer = self._receive(timeout)
        self.served += 1
        return answer

    def _receive(self, timeout: float) -> Any:
        try:
            ready = self.conn.poll(max(timeout, 0.0))
            if not ready:
                self.stop()
                raise WorkerFailed("timeout")
            return self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise WorkerFailed("crashed") from None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


@dataclass(frozen=True)
class LambdaSettings:
    """What `chalice.local.LocalGateway` reads of the stage's config (the Lambda context)."""
    function_name: str
    lambda_memory_size: int
    lambda_timeout: int

    @classmethod
    def of(cls, config: Any) -> LambdaSettings:
        return cls(config.function_name, config.lambda_memory_size, config.lambda_timeout)


class LambdaPool:
    """Up to `limit` workers, started on demand, each serving one request at a time. The
    environment variables the function needs must be in `os.environ` before the first
    request: workers inherit them when they start."""

    def __init__(self, limit: int, lambda_settings: LambdaSettings, *, app_module: str = "app",
                 timeout: float = INTEGRATION_TIMEOUT) -> None:
        if limit < 1:
            raise ValueError("LOCAL_CONCURRENCY must be at least 1")
        self.limit, self.lambda_settings, self.timeout = limit, lambda_settings, timeout
        self.app_module = app_module  # the module whose `app` the workers serve
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[Worker] = []
        self._running = 0  # workers alive: idle, busy or starting
        self._changed = threading.Condition()
        self._closed = False
        self.cold_starts = 0

    @classmethod
    def from_environment(cls, lambda_settings: LambdaSettings) -> LambdaPool:
        return cls(int(os.environ.get("LOCAL_CONCURRENCY") or DEFAULT_CONCURRENCY),
                   lambda_settings)

    def invoke(self, invocation: Invocation) -> Answer:
        deadline = time.monotonic() + self.timeout
        worker = self._acquire(deadline)
        if worker is None:
            return Answer(504, failure="throttled")
        try:
            answer = worker.call(invocation, deadline - time.monotonic())
        except WorkerFailed as failed:
            self._forget()
            return Answer(504 if failed.failure == "timeout" else 502, failure=failed.failure)
        except BaseException:
            worker.stop()
            self._forget()
            raise
        self._release(worker)
        return answer

    def _acquire(self, deadline: float) -> Worker | None:
        with self._changed:
            while not self._idle and self._running >= self.limit:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return None
                self._changed.wait(remaining)
            if self._idle:
                return self._idle.pop()  # the most recently used: warm caches, as Lambda does
            self._running += 1
            self.cold_starts += 1
        try:
            # outside the lock: other requests go on meanwhile
            return Worker(self._context, self.lambda_settings, self.app_module)
        except BaseException:
            self._forget()
            raise

    def _release(self, worker: Worker) -> None:
        with self._changed:
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._changed.notify()

    def _forget(self) -> None:
        with self._changed:
            self._running -= 1
            self._changed.notify()

    @property
    def size(self) -> int:
        with self._changed:
            return self._running

    def close(self) -> None:
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            self._running -= len(idle)
            self._changed.notify_all()
        for worker in idle:
            worker.stop()


def serve(conn: Connection, lambda_settings: LambdaSettings, app_module: str) -> None:
    """A worker's life: import the app (the cold start), then answer invocations until the
    pipe closes. Runs in the child process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the stack stops us
    started = time.perf_counter()
    from devstack.lambda_runtime import Runtime

    runtime = Runtime(lambda_settings, importlib.import_module(app_module).app)
    conn.send((time.perf_counter() - started) * 1000)
    while True:
        try:
            invocation = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        conn.send(runtime.handle(invocation))
