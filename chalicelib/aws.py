"""How the app uses boto3, apart from what boto3 does by default: the client settings that
differ, each with its reason, and resources for thread pools. Nothing here calls AWS."""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

from botocore.config import Config

T = TypeVar("T")

# The rate-limit counters: short timeouts and one retry, so that when the counters are slow or
# down a request fails open within about a second instead of waiting on retries.
FAIL_FAST = Config(connect_timeout=1, read_timeout=1,
                   retries={"mode": "standard", "max_attempts": 2})
# Operators' bulk control-plane calls (deleting thousands of API keys): API Gateway throttles
# them at a few per second, so back off and retry rather than fail half-way.
PATIENT = Config(retries={"mode": "adaptive", "max_attempts": 10})
# Presigned URLs must be SigV4: S3 refuses SigV2 on new buckets and on KMS-encrypted objects.
SIGV4 = Config(signature_version="s3v4")


def per_thread(build: Callable[[], T]) -> Callable[[], T]:
    """`build()`, made once for each thread that asks, on its first call. For thread pools
    (webhook delivery): a boto3 resource must not be shared across threads, and a session must
    not build two at once, so `build` runs under a lock."""
    local, building = threading.local(), threading.Lock()

    def current() -> T:
        if not hasattr(local, "value"):
            with building:
                local.value = build()
        return local.value
    return current
