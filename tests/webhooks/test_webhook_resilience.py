"""Webhook delivery when things go wrong: retries not yet due, timeouts, DNS rebinding,
endpoints failing for days, unreadable messages, a lost stream consumer; and its speed-ups
(parallel POSTs over reused connections)."""
from __future__ import annotations

import json
import os
import threading
import time

from chalicelib.services.webhooks.queue import DeliveryMessage
from devstack.pollers import (SchedulePoller, StreamPoller, lambda_context, sqs_event,
                              streams_client)
from support.clock import MovableClock
from support.webhooks import deliveries, fake_dns, newest_event, register, rename

DAY = 86400


def webhook_item(hooks, account, webhook) -> dict:
    return hooks.services.webhook_endpoints.get(account.user_id, webhook["id"])


def test_a_retry_received_before_it_is_due_is_hidden_until_then(api, hooks, receiver,
                                                                client_account, monkeypatch):
    hooks.reconfigure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="3600")
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(1)
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)
    hooks.pump()

    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("pending", 1)
    assert delivery["next_retry_at"] > delivery["last_attempt_at"]
    assert hooks.visible() == 0  # the retry waits in SQS (DelaySeconds is at most 15 minutes)

    # The retry arriving after 15 minutes, still 45 minutes early: hidden again, not POSTed.
    early = DeliveryMessage(delivery_id=delivery["id"], webhook_id=webhook["id"],
                            user_id=client_account.user_id, attempt=2, due=time.time() + 2700)
    hooks.sqs.send_message(QueueUrl=hooks.queue_url, MessageBody=early.model_dump_json())
    [message] = hooks.sqs.receive_message(QueueUrl=hooks.queue_url, WaitTimeSeconds=0,
                                          AttributeNames=["All"])["Messages"]
    from app import app
    answer = app.handler_map["webhook_deliveries"](
        sqs_event([message], "arn:aws:sqs:us-east-1:123456789012:q"), lambda_context("t"))

    assert answer == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert len(receiver.received) == 1
    assert hooks.sqs.receive_message(QueueUrl=hooks.queue_url, WaitTimeSeconds=0
                                     ).get("Messages") is None  # invisible for ~45 minutes


def test_a_receiver_that_times_out_is_a_failed_attempt(api, hooks, receiver, client_account,
                                                       monkeypatch):
    hooks.reconfigure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="", WEBHOOK_TIMEOUT_SECONDS="0.3")
    receiver.hang_seconds = 1.0
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)

    hooks.pump()

    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["last_error"]) == ("failed", "timed out")
    assert delivery["last_response_status"] is None


def test_a_host_that_rebinds_to_a_private_address_is_refused_at_delivery(
        api, hooks, receiver, client_account, monkeypatch):
    hooks.reconfigure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="")
    fake_dns(monkeypatch, {"hooks.example.com": "93.184.216.34"})
    webhook = register(api, client_account, "https://hooks.example.com/leadnod")
    fake_dns(monkeypatch, {"hooks.example.com": "10.0.0.8"})
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)

    hooks.pump()

    [delivery] = deliveries(api, client_account, webhook["id"])
    assert delivery["status"] == "failed" and delivery["last_response_status"] is None
    assert "private, loopback" in delivery["last_error"]


def test_an_endpoint_failing_for_days_is_disabled(api, hooks, receiver, client_account,
                                                  monkeypatch):
    clock = MovableClock()
    hooks.reconfigure(monkeypatch, clock, WEBHOOK_RETRY_SCHEDULE="")
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(100)

    def event_fails(name: str) -> None:
        rename(api, client_account, name)
        hooks.fan_out_for(client_account.user_id)
        hooks.pump()

    event_fails("First Failure")
    first = webhook_item(hooks, client_account, webhook)
    assert first["status"] == "enabled" and first["failing_since"]
    clock.advance(4 * DAY)
    event_fails("Still Failing")
    assert webhook_item(hooks, client_account, webhook)["failing_since"] == first["failing_since"]
    assert webhook_item(hooks, client_account, webhook)["status"] == "enabled"
    clock.advance(DAY + 1)
    event_fails("Five Days Later")

    shown = api.get(f"/v1/webhooks/{webhook['id']}", token=client_account.token).json()
    assert (shown["status"], shown["disabled_reason"]) == ("disabled", "failing")
    rename(api, client_account, "Nobody Listens")
    assert hooks.fan_out_for(client_account.user_id) == 0  # disabled endpoints get nothing
    assert len(receiver.received) == 3

    enabled = api.patch(f"/v1/webhooks/{webhook['id']}", token=client_account.token,
                        json_body={"status": "enabled"}).json()
    assert (enabled["status"], enabled["disabled_reason"]) == ("enabled", None)
    assert "failing_since" not in webhook_item(hooks, client_account, webhook)


def test_an_endpoint_that_recovers_starts_counting_again(api, hooks, receiver, client_account,
                                                        monkeypatch):
    clock = MovableClock()
    hooks.reconfigure(monkeypatch, clock, WEBHOOK_RETRY_SCHEDULE="")
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(1)
    rename(api, client_account, "Fails Once")
    hooks.fan_out_for(client_account.user_id)
    hooks.pump()
    rename(api, client_account, "Then Works")
    hooks.fan_out_for(client_account.user_id)
    hooks.pump()
    assert "failing_since" not in webhook_item(hooks, client_account, webhook)

    clock.advance(6 * DAY)
    receiver.fail_next(1)
    rename(api, client_account, "Fails Again")
    hooks.fan_out_for(client_account.user_id)
    hooks.pump()

    assert webhook_item(hooks, client_account, webhook)["status"] == "enabled"


def test_a_batch_is_posted_in_parallel_over_reused_connections(api, hooks, receiver,
                                                              client_account):
    register(api, client_account, receiver.url())
    receiver.hang_seconds = 0.1
    events = hooks.services.events
    outbox = [events.record("user.updated", {"user_id": client_account.user_id,
                                             "changed": [f"field_{n}"]},
                            [client_account.user_id])[-1]["Put"]["Item"] for n in range(15)]
    assert sum(hooks.services.webhook_fanout.fan_out(item) for item in outbox) == 15

    hooks.pump()

    received = receiver.wait_for(15)
    assert len({r.headers["webhook-id"] for r in received}) == 15
    assert receiver.max_in_flight > 1
    assert len(receiver.connections) <= 10  # the second batch reused the first one's


def test_an_unreadable_message_goes_to_the_dead_letter_queue(hooks):
    hooks.sqs.send_message(QueueUrl=hooks.queue_url, MessageBody="not json")

    hooks.pump()

    [dead] = hooks.dead_letters()
    assert dead["Body"] == "not json"
    assert dead["MessageAttributes"]["reason"]["StringValue"] == "unreadable message"
    assert hooks.visible() == 0


def test_the_stream_consumer_fans_out_what_the_outbox_receives(api, hooks, receiver,
                                                               client_account):
    from app import app
    poller = StreamPoller(streams_client(hooks.services.session), os.environ["TABLE_STREAM_ARN"],
                          app.handler_map["table_stream"], 100, "LATEST",
                          threading.Event())
    register(api, client_account, receiver.url())
    rename(api, client_account)

    while poller.poll_once():
        pass
    hooks.pump()

    [request] = receiver.wait_for(1)
    event_id = request.headers["webhook-id"]
    assert request.json()["type"] == "user.updated"
    assert hooks.services.store.get({"PK": f"OUTBOX#{event_id}", "SK": "OUTBOX"}) is None


def test_the_sweeper_delivers_what_the_stream_consumer_missed(api, hooks, receiver,
                                                             client_account, monkeypatch):
    hooks.reconfigure(monkeypatch, WEBHOOK_SWEEP_AFTER_SECONDS="0")
    from app import app
    sweeper = SchedulePoller("webhook_outbox_sweeper",
                             app.handler_map["webhook_outbox_sweeper"], 60, threading.Event())
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    event = newest_event(api, client_account, "user.updated")
    outbox_key = {"PK": f"OUTBOX#{event['id']}", "SK": "OUTBOX"}

    for _ in range(10):  # other tests leave outbox items behind; it takes them oldest first
        sweeper.run_once()
        if hooks.services.store.get(outbox_key, consistent=True) is None:
            break

    assert hooks.services.store.get(outbox_key, consistent=True) is None
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert delivery["event_id"] == event["id"] and delivery["status"] == "pending"
    messages = hooks.sqs.receive_message(QueueUrl=hooks.queue_url, MaxNumberOfMessages=10,
                                         WaitTimeSeconds=0)["Messages"]
    assert delivery["id"] in {json.loads(m["Body"])["delivery_id"] for m in messages}
