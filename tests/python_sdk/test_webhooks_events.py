"""Webhook endpoints and events through the SDK, and `leadnod.webhooks` checking requests the
server really signed and delivered."""
from __future__ import annotations

import time

import pytest

import leadnod
from leadnod import webhooks
from leadnod.models import Delivery, Event, Webhook
from support.streams import StreamTap

SECRET = "whsec_sdk_tests_0123456789abcdef"


def test_webhook_endpoints_deliveries_retries_and_pings(sdk, people):
    client = sdk.client(people.new("client"))
    created = sdk.run(client.webhooks.create(url="http://127.0.0.1:9/hooks",
                                             events=["engagement.created", "payment.received"]))
    assert isinstance(created, Webhook) and created.secret.startswith("whsec_")
    assert created.secret_last4 == created.secret[-4:] and created.status == "enabled"
    shown = sdk.run(client.webhooks.retrieve(created.id))
    assert shown.secret is None and shown.secret_last4 == created.secret_last4
    assert [w.id for w in sdk.all(client.webhooks.list())] == [created.id]

    rotated = sdk.run(client.webhooks.update(created.id, events=["*"], rotate_secret=True))
    assert rotated.events == ["*"] and rotated.secret not in (None, created.secret)

    ping = sdk.run(client.webhooks.test(created.id))
    assert isinstance(ping, Delivery) and (ping.event_type, ping.status) == ("ping", "pending")
    [listed] = sdk.all(client.webhooks.deliveries(created.id, status="pending"))
    assert listed.id == ping.id
    retried = sdk.run(client.webhooks.retry_delivery(created.id, ping.id))
    assert retried.id == ping.id and retried.event_id == ping.event_id

    sdk.run(client.webhooks.update(created.id, status="disabled"))
    with pytest.raises(leadnod.ConflictError) as disabled:
        sdk.run(client.webhooks.test(created.id))
    assert disabled.value.code == "webhook_disabled"
    assert sdk.run(client.webhooks.delete(created.id)) is None
    with pytest.raises(leadnod.NotFoundError):
        sdk.run(client.webhooks.retrieve(created.id))


def test_events_list_and_retrieve(sdk, people):
    client = sdk.client(people.new("client"))
    for name in ("First name", "Second name"):
        sdk.run(client.users.update_me(name=name))
    events = sdk.all(client.events.list(type="user.updated", limit=1))
    assert len(events) == 2 and all(isinstance(e, Event) for e in events)
    assert events[0].created >= events[1].created  # newest first
    again = sdk.run(client.events.retrieve(events[0].id))
    assert again == events[0] and again.environment in ("sandbox", "production")


@pytest.fixture
def delivered(monkeypatch, services):
    """Deliveries through a queue of this test's own, pumped by the delivery consumer to a
    receiver on 127.0.0.1; the container's webhook services are rebuilt afterwards."""
    from devstack.webhook_receiver import WebhookReceiver
    from support.webhooks import WEBHOOK_PROPERTIES, make_hooks

    hooks = make_hooks(monkeypatch)
    with WebhookReceiver() as receiver:
        yield hooks, receiver
    for name in WEBHOOK_PROPERTIES:
        vars(services).pop(name, None)


def test_construct_event_accepts_what_the_server_signed_and_nothing_else(sync_sdk, people,
                                                                        delivered):
    hooks, receiver = delivered
    stream = StreamTap(hooks.services, "webhook_fanout")  # it queues the test ping
    account = people.new("client")
    client = sync_sdk.client(account)
    webhook = client.webhooks.create(url=receiver.url(), events=["user.updated"],
                                     secret=SECRET)
    client.users.update_me(name="Signed and delivered")
    hooks.fan_out_for(account.user_id)
    client.webhooks.test(webhook.id)
    stream.deliver()
    hooks.pump()
    requests = {r.json()["type"]: r for r in receiver.wait_for(2)}

    update = requests["user.updated"]
    event = webhooks.construct_event(update.body, update.headers["x-leadnod-signature"],
                                     SECRET)
    assert isinstance(event, Event) and event.type == "user.updated"
    assert event == client.events.retrieve(event.id)  # the feed has the very same event
    ping = requests["ping"]
    standard = {k: v for k, v in ping.headers.items() if k.startswith("webhook-")}
    pinged = webhooks.construct_event(ping.body, standard, SECRET)  # Standard Webhooks
    assert (pinged.type, pinged.data) == ("ping", {"webhook_id": webhook.id})
    assert webhooks.verify(ping.body.decode(), ping.headers, SECRET) is True  # X-LeadNod first

    signature = update.headers["x-leadnod-signature"]
    refusals = [
        lambda: webhooks.verify(update.body + b" ", signature, SECRET),
        lambda: webhooks.verify(update.body, signature, SECRET + "x"),
        lambda: webhooks.verify(update.body, signature[:-1] + ("1" if signature[-1] == "0"
                                                               else "0"), SECRET),
        lambda: webhooks.verify(update.body, "", SECRET),
        lambda: webhooks.verify(ping.body, standard, SECRET, now=time.time() + 301),
        lambda: webhooks.verify(ping.body, {**standard, "webhook-id": "evt_other"}, SECRET),
        lambda: webhooks.verify(ping.body, {"webhook-id": "evt_x"}, SECRET),
        lambda: webhooks.construct_event(b"[]", webhooks_signature(b"[]"), SECRET),
    ]
    for refuse in refusals:
        with pytest.raises(leadnod.SignatureVerificationError):
            refuse()
    assert webhooks.verify(ping.body, standard, SECRET, tolerance=None,
                           now=time.time() + 10_000) is True


def webhooks_signature(body: bytes) -> str:
    from chalicelib.services.webhooks.signing import leadnod_signature

    return leadnod_signature(SECRET, body)
