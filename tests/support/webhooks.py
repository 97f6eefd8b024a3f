"""What the webhook tests share (their fixtures are in tests/webhooks/conftest.py): an isolated
queue pair per test, the consumer driven through the same local poller the stack uses, outbox
fan-out for one account, DNS substitution."""
from __future__ import annotations

import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import Clock


@dataclass
class Hooks:
    services: Any
    queue_name: str
    queue_url: str
    dlq_url: str

    @property
    def sqs(self) -> Any:
        return self.services.client("sqs")

    def reconfigure(self, monkeypatch: Any, clock: Clock | None = None, **env: str) -> None:
        """New webhook settings (and clock) from here on; tokens keep the real clock."""
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        self.services.token_verifier  # noqa: B018 - built now, with the real clock
        self.services.users  # noqa: B018
        if clock is not None:
            self.services.clock = clock
        reload_webhook_services(self.services)

    def fan_out_for(self, user_id: str) -> int:
        """What the stream consumer does, for the outbox items of one account's events."""
        store = self.services.store
        sent = 0
        for event in store.query_all(
                _key("GSI1PK").eq(f"USER#{user_id}#EVENTS"), index="GSI1"):
            item = store.get({"PK": f"OUTBOX#{event['payload']['id']}", "SK": "OUTBOX"},
                             consistent=True)
            if item:
                sent += self.services.webhook_fanout.fan_out(item)
        return sent

    def poller(self) -> Any:
        from app import app
        from devstack.pollers import SqsPoller

        return SqsPoller(self.sqs, self.queue_name, app.handler_map["webhook_deliveries"], 10,
                         threading.Event())

    def pump(self, rounds: int = 30) -> int:
        """Run the delivery consumer until the queue has nothing visible."""
        poller, handled = self.poller(), 0
        for _ in range(rounds):
            count = poller.poll_once(wait_seconds=0)
            if count == 0:
                return handled
            handled += count
        return handled

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.sqs.receive_message(QueueUrl=self.dlq_url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=0, MessageAttributeNames=["All"]
                                        ).get("Messages", [])

    def visible(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


DOCS_SECRET = "your_webhook_secret"


def register(api: Any, account: Any, url: str, events: Any = ("user.updated",),
             secret: str | None = DOCS_SECRET) -> dict:
    body = {"url": url, "events": list(events)}
    if secret:
        body["secret"] = secret
    answer = api.post("/v1/webhooks", token=account.token, json_body=body)
    assert answer.status == 201, answer.body
    return answer.json()


def rename(api: Any, account: Any, name: str | None = None) -> None:
    """Change the account's name: one `user.updated` event (a new name every time)."""
    name = name or f"Renamed {uuid.uuid4().hex[:8]}"
    assert api.patch("/v1/users/me", token=account.token, json_body={"name": name}).status == 200


def newest_event(api: Any, account: Any, event_type: str) -> dict:
    answer = api.get(f"/v1/events?type={event_type}&limit=1", token=account.token)
    assert answer.status == 200, answer.body
    return answer.json()["data"][0]


def deliveries(api: Any, account: Any, webhook_id: str) -> list[dict]:
    answer = api.get(f"/v1/webhooks/{webhook_id}/deliveries", token=account.token)
    assert answer.status == 200, answer.body
    return answer.json()["data"]


def _key(name: str) -> Any:
    from boto3.dynamodb.conditions import Key

    return Key(name)


WEBHOOK_PROPERTIES = ("webhook_settings", "webhook_queue", "webhook_url_guard", "webhooks",
                      "webhook_fanout", "webhook_dispatcher")


def reload_webhook_services(services: Any) -> None:
    """Read the webhook variables again from the environment (settings are read once) and
    drop the container's webhook services, rebuilt from them on first use."""
    from dataclasses import replace

    from chalicelib.config import Settings

    services.settings = replace(services.settings,
                                webhook_env=Settings.from_env().webhook_env)
    for name in WEBHOOK_PROPERTIES:
        vars(services).pop(name, None)


def make_hooks(monkeypatch: Any, **env: str) -> Hooks:
    """A fresh queue and DLQ for this test, the retry schedule in seconds (0 by default)."""
    from chalicelib import wiring

    services = wiring.container()
    sqs = services.client("sqs")
    name = f"leadnod-dev-webhooks-{uuid.uuid4().hex[:8]}"
    queue = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "180"})["QueueUrl"]
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    settings = {"WEBHOOK_QUEUE_URL": queue, "WEBHOOK_DLQ_URL": dlq,
                "WEBHOOK_RETRY_SCHEDULE": "0,0", "WEBHOOK_RETRY_JITTER": "0", **env}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    reload_webhook_services(services)
    return Hooks(services, name, queue, dlq)


def fake_dns(monkeypatch: Any, answers: dict[str, str | None]) -> None:
    """Resolve the given names to the given addresses (None: no such name); everything else
    as before."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            address = answers[host]
            if address is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port or 0, 0, 0) if family == socket.AF_INET6 \
                else (address, port or 0)
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
