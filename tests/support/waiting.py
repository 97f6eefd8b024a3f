"""Waiting for work other threads do (consumers, Step Functions under moto)."""
from __future__ import annotations

import time
from typing import Any


def wait_until(check: Any, timeout: float = 10.0) -> Any:
    """Poll `check` until it returns something truthy; back off from 20 ms to 200 ms (every
    poll is a moto call competing for the same interpreter as the work it waits for)."""
    deadline, interval = time.monotonic() + timeout, 0.02
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.2)
