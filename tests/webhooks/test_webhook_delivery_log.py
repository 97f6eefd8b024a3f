"""The delivery log's write per attempt: the item the consumer read, put back with the outcome
when nothing moved it meanwhile; otherwise the same answer the atomic update always gave."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest

from chalicelib.services.webhooks.fanout import new_delivery
from chalicelib.storage.webhook_deliveries import StaleDelivery
from chalicelib.storage.webhooks import endpoint_key


def outcome(attempt: int, status: str | None = "succeeded") -> dict:
    changes = {"last_response_status": 200, "last_response_ms": 12, "last_error": None,
               "next_attempt": attempt + 1, "next_retry_at": None,
               "updated_at": "2030-01-01T00:00:00.000000Z"}
    if status:
        changes["status"] = status
    return changes


@pytest.fixture
def log(services):
    deliveries = services.webhook_deliveries
    endpoint = {"id": f"whk_{uuid.uuid4().hex[:12]}", "user_id": "usr_log"}
    event = {"id": f"evt_{uuid.uuid4().hex[:12]}", "type": "user.updated",
             "created": "2030-01-01T00:00:00Z", "data": {"user_id": "usr_log", "n": 1}}
    delivery = new_delivery(event, endpoint, datetime.now(timezone.utc))
    deliveries.create(delivery)
    calls: Counter[str] = Counter()
    deliveries.store.client.meta.events.register(
        "before-call.dynamodb.*", lambda event_name, **_: calls.update([event_name.split(".")[-1]]))

    def read() -> dict:
        return deliveries.get(delivery["webhook_id"], delivery["id"])
    return deliveries, read, calls


def test_an_attempt_is_one_put_that_keeps_the_rest_of_the_item(log):
    deliveries, read, calls = log
    before = read()
    calls.clear()

    deliveries.record_attempt(before, run=1, attempt=1, changes=outcome(1))

    assert dict(calls) == {"PutItem": 1}
    after = read()
    assert (after["status"], after["attempts"], after["next_attempt"]) == ("succeeded", 1, 2)
    assert after["last_response_status"] == 200 and after["last_error"] is None
    kept = {k: v for k, v in before.items() if k not in outcome(1) and k != "attempts"}
    assert {k: after[k] for k in kept} == kept  # keys, log index, event, ttl untouched
    page = deliveries.page(before["user_id"], before["webhook_id"], status="succeeded",
                           limit=5, cursor=None)
    assert [item["id"] for item in page.result.items] == [before["id"]]


def test_a_manual_retry_after_the_read_wins(log):
    deliveries, read, _ = log
    before = read()
    endpoint = deliveries.store.table.put_item(Item={
        **endpoint_key(before["user_id"], before["webhook_id"]), "status": "enabled"})
    assert endpoint is not None
    deliveries.start_manual({**before, "run": before["run"] + 1}, before["user_id"],
                            "2030-01-01T00:00:01.000000Z")

    with pytest.raises(StaleDelivery):
        deliveries.record_attempt(before, run=1, attempt=1, changes=outcome(1))

    after = read()
    assert (after["run"], after["status"], after["attempts"], after["mode"]) == \
        (2, "pending", 0, "manual")


def test_the_same_attempt_recorded_meanwhile_makes_this_one_stale(log):
    deliveries, read, _ = log
    before = read()
    deliveries.record_attempt(read(), run=1, attempt=1, changes=outcome(1, status=None))

    with pytest.raises(StaleDelivery):
        deliveries.record_attempt(before, run=1, attempt=1, changes=outcome(1))

    assert (read()["attempts"], read()["status"]) == (1, "pending")


def test_an_earlier_attempt_recorded_meanwhile_is_counted_too(log):
    """Attempt 1 failed and queued attempt 2, but its own record failed, so its message came back:
    both run, and the log counts both whichever order they are recorded in."""
    deliveries, read, calls = log
    before = read()
    deliveries.record_attempt(read(), run=1, attempt=1, changes=outcome(1, status=None))
    calls.clear()

    deliveries.record_attempt(before, run=1, attempt=2, changes=outcome(2))

    after = read()
    assert (after["attempts"], after["next_attempt"], after["status"]) == (2, 3, "succeeded")
    assert calls["PutItem"] == 1 and calls["UpdateItem"] == 1  # the put refused, the update did
