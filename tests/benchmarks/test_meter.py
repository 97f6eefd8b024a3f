"""`python -m bench cost` meters our code's time as the request's time minus the time inside AWS
calls (bench/_meter.py). The meter reads each written item before and after the write, to
count its units: that reading is the meter's, so it must fall inside the call's window and
never into our code's time. On a clock that moves only when something reads, no timing."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bench import _meter
from bench._meter import Meter, Part
from bench._units import Schema

IMAGE_READ_S = 0.010  # each image read the meter makes
CALL_S = 0.002  # the call itself


@pytest.fixture()
def clock(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(_meter.time, "thread_time", lambda: now[0])
    return now


@pytest.fixture()
def meter(clock):
    """A meter with only what `_before` and `_after` use: no moto, no app."""
    meter = Meter.__new__(Meter)
    meter._current = Part("api")
    meter._pending = SimpleNamespace(call=None)
    meter._executions = set()
    meter._count = lambda *_, **__: None
    schema = Schema(("PK", "SK"), ())
    meter._schema = lambda table: schema

    def image(table, key):
        clock[0] += IMAGE_READ_S
        return {**key, "n": {"N": "1"}}
    meter._image = image
    return meter


def test_the_meters_own_image_reads_count_as_the_calls_time_not_ours(meter, clock):
    items = [{"Update": {"TableName": "t", "Key": {"PK": {"S": f"A#{n}"}, "SK": {"S": "A"}},
                         "UpdateExpression": "SET n = :n"}} for n in range(5)]
    body = json.dumps({"TransactItems": items}).encode()
    event = "before-call.dynamodb.TransactWriteItems"

    meter._before(event, params={"body": body})
    clock[0] += CALL_S
    meter._after(event.replace("before", "after"), http_response=SimpleNamespace(content=b"{}"))

    part = meter._current
    assert part.wru == 5 * 2
    # 5 items read before and after, and the call: all of it AWS's, none of it our code's.
    assert part.aws_ms == pytest.approx((10 * IMAGE_READ_S + CALL_S) * 1000)
    assert clock[0] * 1000 - part.aws_ms == pytest.approx(0)
