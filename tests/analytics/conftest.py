"""Analytics fixtures: a second client and pro, and the table stream wired to the app's
handlers the way the local stack wires it (devstack.pollers)."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import pytest


class StreamTap:
    """Reads the table stream from "now" and hands batches to the app's stream handler, in the
    Lambda event shape. `deliver()` returns how many records were handed over."""

    def __init__(self, services: Any) -> None:
        from app import app
        from devstack.pollers import StreamPoller, streams_client

        self.arn = os.environ["TABLE_STREAM_ARN"]
        self.handler = app.handler_map["analytics_aggregates"]
        self.poller = StreamPoller(streams_client(services.session), self.arn, self.handler,
                                   batch_size=100, stop=threading.Event(), name="analytics")

    def deliver(self) -> int:
        total = 0
        while (handled := self.poller.poll_once()):
            total += handled
        return total


@pytest.fixture
def stream(services: Any) -> StreamTap:
    return StreamTap(services)


@dataclass
class Party:
    user_id: str
    type: str
    token: str


@pytest.fixture
def new_party(services: Any) -> Any:
    """A fresh account with a token, written as one PROFILE item: analytics only needs the
    authorizer to find it (full sign-up costs a transaction and a slow secret hash)."""
    from chalicelib.clock import sortable
    from chalicelib.ids import new_id

    def make(user_type: str) -> Party:
        user_id, now = new_id("usr"), sortable(services.clock.now())
        services.table.put_item(Item={
            "PK": f"USER#{user_id}", "SK": "PROFILE", "entity": "user", "id": user_id,
            "type": user_type, "name": f"Analytics {user_type}", "status": "active",
            "email": f"{user_id.lower()}@example.com", "plan": "professional",
            "verified": True, "created_at": now, "updated_at": now, "version": 1})
        token = services.token_issuer.issue(user_id=user_id, client_id=new_id("cli"),
                                            scopes=["read", "write"])
        return Party(user_id, user_type, token)
    return make


@pytest.fixture
def client(new_party: Any) -> Party:
    return new_party("client")


@pytest.fixture
def pro(new_party: Any) -> Party:
    return new_party("sales_pro")


@pytest.fixture
def other_client(new_party: Any) -> Party:
    return new_party("client")


@pytest.fixture
def other_pro(new_party: Any) -> Party:
    return new_party("sales_pro")
