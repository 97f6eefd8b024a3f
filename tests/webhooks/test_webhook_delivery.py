"""Webhook delivery end to end: the outbox fan-out, the SQS consumer (through the local poller)
and a real HTTP receiver on 127.0.0.1 that verifies signatures the way an integrator would."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from boto3.dynamodb.conditions import Key

from support.streams import StreamTap
from support.webhooks import DOCS_SECRET, deliveries, newest_event, register, rename


def test_a_profile_change_is_delivered_signed_as_the_docs_promise(api, hooks, receiver,
                                                                   client_account):
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)

    assert hooks.fan_out_for(client_account.user_id) == 1
    hooks.pump()

    [request] = receiver.wait_for(1)
    body, headers = request.body, request.headers
    # The docs' recipe, as an integrator writes it.
    expected = hmac.new(DOCS_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-leadnod-signature"], expected)
    # The Standard Webhooks recipe: HMAC over "id.timestamp.body", base64, "v1," prefix.
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    standard = base64.b64encode(hmac.new(DOCS_SECRET.encode(), signed, hashlib.sha256).digest())
    assert headers["webhook-signature"] == "v1," + standard.decode()
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60

    event = json.loads(body)
    assert set(event) == {"id", "type", "created", "api_version", "environment", "data"}
    assert event["type"] == "user.updated" and event["id"].startswith("evt_")
    assert event["created"].endswith("Z") and len(event["created"]) == 20
    assert event["data"] == {"user_id": client_account.user_id, "changed": ["name"]}
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("LeadNod-Webhooks/")
    assert headers["x-leadnod-event"] == "user.updated"
    assert headers["webhook-id"] == event["id"]
    assert request.path == "/webhooks/leadnod"

    [delivery] = deliveries(api, client_account, webhook["id"])
    assert delivery["id"] == headers["x-leadnod-delivery"]
    assert (delivery["event_id"], delivery["event_type"]) == (event["id"], "user.updated")
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 1)
    assert delivery["last_response_status"] == 200 and delivery["last_response_ms"] >= 0
    assert delivery["next_retry_at"] is None
    # The event feed has the very same event.
    feed = api.get(f"/v1/events/{event['id']}", token=client_account.token)
    assert feed.status == 200 and feed.json() == event


def test_a_receiver_failing_twice_then_recovering_gets_the_same_event(api, hooks, receiver,
                                                                       client_account):
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(2, status=503)
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)

    hooks.pump()

    requests = receiver.wait_for(3)
    assert [r.status for r in requests] == [503, 503, 200]
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.headers["x-leadnod-delivery"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 3)
    assert hooks.dead_letters() == []


def test_another_account_never_receives_the_event(api, hooks, receiver, other_receiver,
                                                  client_account, sales_pro):
    register(api, client_account, receiver.url())
    register(api, sales_pro, other_receiver.url(), events=["*"])
    rename(api, client_account)

    hooks.fan_out_for(client_account.user_id)
    hooks.fan_out_for(sales_pro.user_id)
    hooks.pump()

    assert len(receiver.wait_for(1)) == 1
    assert other_receiver.received == []
    event_id = receiver.received[0].headers["webhook-id"]
    assert api.get(f"/v1/events/{event_id}", token=sales_pro.token).status == 404
    types = [e["type"] for e in api.get("/v1/events", token=sales_pro.token).json()["data"]]
    assert "user.updated" not in types


def test_after_the_last_attempt_the_delivery_fails_into_the_dead_letter_queue(
        api, hooks, receiver, client_account):
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(10)
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)

    hooks.pump()

    assert len(receiver.received) == 3  # the first attempt and the two retries of "0,0"
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("failed", 3)
    assert delivery["last_response_status"] == 500 and delivery["last_error"] == "HTTP 500"
    [dead] = hooks.dead_letters()
    assert json.loads(dead["Body"])["delivery_id"] == delivery["id"]
    assert dead["MessageAttributes"]["reason"]["StringValue"] == "HTTP 500"
    assert hooks.visible() == 0


def test_redirects_are_not_followed_and_count_as_failures(api, hooks, receiver, client_account):
    webhook = register(api, client_account, receiver.url())
    receiver.fail_next(1, status=302)
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)

    hooks.pump()

    assert [r.status for r in receiver.wait_for(2)] == [302, 200]
    assert deliveries(api, client_account, webhook["id"])[0]["attempts"] == 2


def test_manual_retry_and_test_ping_are_signed_single_attempts(api, hooks, receiver,
                                                              client_account):
    """Both are written with the request's answer; the table stream queues them."""
    stream = StreamTap(hooks.services, "webhook_fanout")
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)
    hooks.pump()
    [delivery] = deliveries(api, client_account, webhook["id"])

    retried = api.post(f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}/retry",
                       token=client_account.token)
    assert retried.status == 202 and retried.json()["status"] == "pending"
    ping = api.post(f"/v1/webhooks/{webhook['id']}/test", token=client_account.token)
    assert ping.status == 202 and ping.json()["event_type"] == "ping"
    assert hooks.visible() == 0  # nothing queued by the requests themselves
    stream.deliver()
    hooks.pump()

    received = receiver.wait_for(3)
    first = received[0]
    [again] = [r for r in received[1:] if r.json()["type"] == "user.updated"]
    [pinged] = [r for r in received if r.json()["type"] == "ping"]
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert pinged.json()["type"] == "ping"
    assert pinged.json()["data"] == {"webhook_id": webhook["id"]}
    assert pinged.headers["x-leadnod-signature"] == hmac.new(
        DOCS_SECRET.encode(), pinged.body, hashlib.sha256).hexdigest()
    listed = {d["id"]: d for d in deliveries(api, client_account, webhook["id"])}
    assert listed[delivery["id"]]["attempts"] == 2
    assert listed[ping.json()["id"]]["status"] == "succeeded"


def test_a_failed_manual_retry_is_not_retried_again(api, hooks, receiver, client_account):
    stream = StreamTap(hooks.services, "webhook_fanout")
    webhook = register(api, client_account, receiver.url())
    ping = api.post(f"/v1/webhooks/{webhook['id']}/test", token=client_account.token).json()
    receiver.fail_next(1)

    stream.deliver()
    hooks.pump()

    assert len(receiver.received) == 1
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert delivery["id"] == ping["id"] and delivery["status"] == "failed"
    assert hooks.dead_letters() == []


def test_a_replayed_fan_out_does_not_deliver_twice(api, hooks, receiver, client_account):
    register(api, client_account, receiver.url())
    rename(api, client_account)
    store = hooks.services.store
    event = newest_event(api, client_account, "user.updated")
    outbox = store.get({"PK": f"OUTBOX#{event['id']}", "SK": "OUTBOX"})

    assert hooks.services.webhook_fanout.fan_out(outbox) == 1
    assert hooks.services.webhook_fanout.fan_out(outbox) == 0  # e.g. the stream and the sweeper
    hooks.pump()

    assert len(receiver.wait_for(1)) == 1
    assert store.get({"PK": f"OUTBOX#{event['id']}", "SK": "OUTBOX"}) is None


def test_a_fan_out_that_died_before_sending_is_completed_on_replay(api, hooks, receiver,
                                                                   client_account):
    register(api, client_account, receiver.url())
    rename(api, client_account)
    queue = hooks.services.webhook_queue
    real_send = queue.send_many
    queue.send_many = lambda messages: (_ for _ in ()).throw(RuntimeError("process died"))
    try:
        hooks.fan_out_for(client_account.user_id)
    except RuntimeError:
        pass
    queue.send_many = real_send

    assert hooks.fan_out_for(client_account.user_id) == 1  # the outbox item was still there
    hooks.pump()

    assert len(receiver.wait_for(1)) == 1


def test_messages_of_a_deleted_endpoint_are_dropped(api, hooks, receiver, client_account):
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)
    assert api.delete(f"/v1/webhooks/{webhook['id']}", token=client_account.token).status == 204

    assert hooks.pump() == 1

    assert receiver.received == [] and hooks.dead_letters() == []


def test_pending_deliveries_of_a_disabled_endpoint_are_cancelled(api, hooks, receiver,
                                                                 client_account):
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)
    api.patch(f"/v1/webhooks/{webhook['id']}", token=client_account.token,
              json_body={"status": "disabled"})

    hooks.pump()

    assert receiver.received == []
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["last_error"]) == ("failed", "endpoint disabled")


def test_a_delivery_stored_before_bodies_were_encoded_is_still_delivered(api, hooks, receiver,
                                                                       client_account):
    webhook = register(api, client_account, receiver.url())
    rename(api, client_account)
    hooks.fan_out_for(client_account.user_id)
    store = hooks.services.store
    [item] = store.query_all(Key("PK").eq(f"WHK#{webhook['id']}") & Key("SK").begins_with("DLV#"))
    event = json.loads(item.pop("body"))
    store.put({**item, "event": event})  # the earlier shape: the event as a map

    hooks.pump()

    [request] = receiver.wait_for(1)
    assert request.json() == event
    expected = hmac.new(DOCS_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-leadnod-signature"] == expected
    [delivery] = deliveries(api, client_account, webhook["id"])
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 1)
