"""Fixtures for the messaging tests: three accounts, fake engagements, event lookups and a
moto backend whose writes are atomic (as DynamoDB's are) for the concurrency tests."""
from __future__ import annotations

import threading
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from chalicelib.ids import new_id


def send(api: Any, account: Any, **body: Any) -> Any:
    return api.post("/v1/messages/send", token=account.token, json_body=body)


def conversation_of(api: Any, sender: Any, recipient: Any, body: str) -> str:
    """Send `body` from sender to recipient; the conversation's id."""
    answer = send(api, sender, recipient_id=recipient.user_id, body=body)
    assert answer.status == 201, answer.json()
    return answer.json()["conversation_id"]


def events_for(services: Any, user_id: str) -> list[dict[str, Any]]:
    """The per-recipient event items (the `GET /v1/events` feed), oldest first."""
    return list(services.store.query_all(Key("GSI1PK").eq(f"USER#{user_id}#EVENTS"), index="GSI1"))


@pytest.fixture
def alice(make_account: Any) -> Any:
    return make_account("client", name="Alice Client")


@pytest.fixture
def bob(make_account: Any) -> Any:
    return make_account("sales_pro", name="Bob Pro")


@pytest.fixture
def carol(make_account: Any) -> Any:
    """The third account: never a participant in alice and bob's conversations."""
    return make_account("sales_pro", name="Carol Outsider")


@pytest.fixture
def engagement(services: Any) -> Any:
    """Stores an engagement item the way the engagements feature does (`ENG#<eng>` / `ENG`)."""
    def make(client_id: str, sales_pro_id: str) -> str:
        engagement_id = new_id("eng")
        services.store.put({"PK": f"ENG#{engagement_id}", "SK": "ENG", "entity": "engagement",
                            "id": engagement_id, "client_id": client_id,
                            "sales_pro_id": sales_pro_id, "status": "active"})
        return engagement_id
    return make


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto checks conditions and writes without a lock, and rolls a failed transaction back by
    restoring a snapshot of the whole table, which can erase another thread's committed write.
    DynamoDB serialises conflicting writes; one lock over the backend's item operations gives
    moto the same isolation, so a concurrency test fails only on our bugs."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "update_item", "delete_item", "get_item",
                 "query"):
        original = getattr(DynamoDBBackend, name)

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)
        monkeypatch.setattr(DynamoDBBackend, name, locked)
