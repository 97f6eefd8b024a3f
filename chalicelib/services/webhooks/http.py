"""The HTTP client that POSTs deliveries: pooled keep-alive connections, pinned to the address
the URL guard checked, a total timeout, and no redirects (a 3xx is a failed attempt)."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import urllib3
from urllib3.exceptions import HTTPError, TimeoutError as Urllib3Timeout

from .urls import Target, UrlGuard, UrlRefused

MAX_POOLS = 256  # distinct (host, address, port) pools kept open; the least recently used closes


@dataclass(frozen=True)
class HttpResult:
    status: int | None
    elapsed_ms: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookHttpClient:
    """Thread-safe: a batch's deliveries are POSTed from a thread pool."""

    def __init__(self, guard: UrlGuard, *, timeout_seconds: float = 10.0,
                 pool_size: int = 10, ca_certs: str | None = None) -> None:
        self._guard = guard
        self._timeout = urllib3.Timeout(total=timeout_seconds)
        self._pool_size, self._ca_certs = pool_size, ca_certs
        self._pools: OrderedDict[tuple[str, str, str, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
        started = time.perf_counter()
        try:
            target = self._guard.target(url)  # resolved again: DNS may have changed since
        except UrlRefused as refused:
            return HttpResult(None, _ms(started), str(refused))
        pool = self._pool(target)
        try:
            response = pool.urlopen(
                "POST", target.path, body=body, headers={**headers, "Host": target.host_header},
                redirect=False, retries=False, timeout=self._timeout, preload_content=False,
                assert_same_host=False)
            try:
                response.drain_conn()  # read the answer so the connection can be reused
            finally:
                response.release_conn()
            return HttpResult(response.status, _ms(started))
        except Urllib3Timeout:
            return HttpResult(None, _ms(started), "timed out")
        except HTTPError as error:
            return HttpResult(None, _ms(started), f"connection failed: {type(error).__name__}")

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()

    def _pool(self, target: Target) -> Any:
        key = (target.scheme, target.host, target.address, target.port)
        with self._lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            if target.scheme == "https":
                # Connect to the checked address; verify the certificate against the name.
                pool = urllib3.HTTPSConnectionPool(
                    target.address, target.port, maxsize=self._pool_size, block=False,
                    server_hostname=target.host, assert_hostname=target.host,
                    cert_reqs="CERT_REQUIRED", ca_certs=self._ca_certs)
            else:
                pool = urllib3.HTTPConnectionPool(target.address, target.port,
                                                  maxsize=self._pool_size, block=False)
            self._pools[key] = pool
            while len(self._pools) > MAX_POOLS:
                _, oldest = self._pools.popitem(last=False)
                oldest.close()
            return pool


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
