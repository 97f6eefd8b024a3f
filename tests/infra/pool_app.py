"""A small Chalice app the local stack's worker pool serves in tests/infra/test_lambda_pool.py:
it says which process answered and when that process imported it."""
from __future__ import annotations

import os
import time

from chalice import Chalice

IMPORTED_AT = time.time()
app = Chalice(app_name="pool-test")


@app.route("/who")
def who() -> dict:
    request = app.current_request  # one request at a time per process: safe here
    return {"pid": os.getpid(), "imported_at": IMPORTED_AT,
            "source_ip": request.context["identity"]["sourceIp"],
            "request_id": request.context.get("requestId"),
            "remaining_ms": request.lambda_context.get_remaining_time_in_millis()}


@app.route("/sleep/{ms}")
def sleep(ms: str) -> dict:
    time.sleep(int(ms) / 1000)
    return {"pid": os.getpid()}


@app.route("/exit")
def exit_now() -> dict:
    os._exit(3)  # a crash that takes the execution environment with it


@app.route("/raise")
def fail() -> dict:
    raise RuntimeError("a bug")
