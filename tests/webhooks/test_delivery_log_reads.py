"""`GET /v1/webhooks/{id}/deliveries` is one Query (#20): the log's head, written with the
endpoint, sorts first in the log's index partition and names the owner; a cursor is bound to
the account it was given to. Strangers, deleted endpoints and endpoints made before the head
existed still get what they got before."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from chalicelib.storage.webhooks import log_head_key
from support.service_calls import answer_and_calls, read_caller
from support.webhooks import register


@pytest.fixture
def calls(services: Any) -> Iterator[list[tuple[str, Any]]]:
    recorded: list[tuple[str, Any]] = []

    def record(event_name: str, **_: Any) -> None:
        recorded.append((event_name.split(".")[-1], None))
    events = services.table.meta.client.meta.events
    events.register("before-call.dynamodb", record)
    yield recorded
    events.unregister("before-call.dynamodb", record)


@pytest.fixture
def log(api: Any, hooks: Any, client_account: Any) -> dict:
    """An endpoint with three deliveries (test pings)."""
    webhook = register(api, client_account, "http://127.0.0.1:9/x")
    for _ in range(3):
        assert api.post(f"/v1/webhooks/{webhook['id']}/test",
                        token=client_account.token).status == 202
    return webhook


def read(api: Any, account: Any, webhook: dict, query: str = "") -> Any:
    return api.get(f"/v1/webhooks/{webhook['id']}/deliveries{query}", token=account.token)


def service_calls(services: Any, calls: list[tuple[str, Any]], account: Any, webhook: dict,
                  **params: Any) -> tuple[int, list[str]]:
    """(status, DynamoDB operations) of one read through the service."""
    from chalicelib.models.webhooks import DeliveryListParams

    return answer_and_calls(lambda: services.webhooks.deliveries(
        read_caller(account), webhook["id"], DeliveryListParams(**params)), calls)


def test_every_page_of_the_owners_log_is_one_query(api, services, calls, log,
                                                    client_account):
    assert service_calls(services, calls, client_account, log, limit=2) == (200, ["Query"])
    first = read(api, client_account, log, "?limit=2").json()
    assert service_calls(services, calls, client_account, log, limit=2,
                         cursor=first["next_cursor"]) == (200, ["Query"])
    assert service_calls(services, calls, client_account, log,
                         status="pending") == (200, ["Query"])


def test_the_head_is_not_counted_in_a_page(api, log, client_account):
    whole = read(api, client_account, log, "?limit=3").json()
    assert len(whole["data"]) == 3 and not whole["has_more"] and whole["next_cursor"] is None
    first = read(api, client_account, log, "?limit=2").json()
    rest = read(api, client_account, log, f"?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["data"]) == 2 and first["has_more"]
    assert len(rest["data"]) == 1 and not rest["has_more"]
    ids = [d["id"] for d in first["data"] + rest["data"]]
    assert ids == [d["id"] for d in whole["data"]] and all(i.startswith("dlv_") for i in ids)
    assert read(api, client_account, log, "?status=succeeded").json()["data"] == []
    assert len(read(api, client_account, log, "?status=pending").json()["data"]) == 3


def test_a_stranger_gets_404_with_or_without_the_owners_cursor(api, services, calls, log,
                                                               client_account, sales_pro):
    cursor = read(api, client_account, log, "?limit=1").json()["next_cursor"]
    for query in ("", "?status=pending", f"?limit=1&cursor={cursor}", "?cursor=x.y"):
        answer = read(api, sales_pro, log, query)
        assert answer.status == 404 and answer.error["code"] == "resource_missing", query
    # The head names the owner, so a stranger's first page needs no second read.
    assert service_calls(services, calls, sales_pro, log) == (404, ["Query"])
    mine = read(api, client_account, log, "?cursor=x.y")
    assert mine.status == 400 and mine.error["code"] == "invalid_cursor"


def test_a_deleted_endpoints_log_is_gone(api, log, client_account):
    assert api.delete(f"/v1/webhooks/{log['id']}", token=client_account.token).status == 204
    answer = read(api, client_account, log)
    assert answer.status == 404 and answer.error["param"] == "webhook_id"


def test_an_endpoint_made_before_heads_reads_the_endpoint_as_before(
        api, services, calls, log, client_account, sales_pro):
    services.table.delete_item(Key=log_head_key(log["id"]))

    assert service_calls(services, calls, client_account, log) == (200, ["Query", "GetItem"])
    first = read(api, client_account, log, "?limit=2").json()
    rest = read(api, client_account, log, f"?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["data"]) == 2 and len(rest["data"]) == 1 and not rest["has_more"]
    assert read(api, sales_pro, log).status == 404
    assert api.delete(f"/v1/webhooks/{log['id']}", token=client_account.token).status == 204
    assert read(api, client_account, log).status == 404


def test_a_cursor_given_before_heads_still_pages_for_its_owner_only(
        api, services, calls, log, client_account, sales_pro):
    cursor = read(api, client_account, log, "?limit=2").json()["next_cursor"]
    codec = services.store.cursors
    position = codec.decode(f"deliveries:{client_account.user_id}:{log['id']}:status=", cursor)
    legacy = codec.encode(f"deliveries:{log['id']}:status=", position)

    rest = read(api, client_account, log, f"?limit=2&cursor={legacy}")
    assert rest.status == 200 and len(rest.json()["data"]) == 1
    assert service_calls(services, calls, client_account, log, limit=2,
                         cursor=legacy) == (200, ["Query", "GetItem"])
    assert read(api, sales_pro, log, f"?limit=2&cursor={legacy}").status == 404
