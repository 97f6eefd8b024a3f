"""What the clients do around the calls: pages, tokens, retries, errors, configuration."""
from __future__ import annotations

import asyncio
import json
import threading
import httpx
import pytest

import leadnod
import leadnod._auth
import leadnod._client

from support.marketplace import DOCS_OPPORTUNITY

from .conftest import Sdk


def test_lists_follow_the_cursors_page_by_page(sdk, people):
    client = sdk.client(people.new("client"))
    made = sdk.run(client.opportunities.bulk_create(opportunities=[
        {**DOCS_OPPORTUNITY, "title": f"Paged {n}"} for n in range(5)])).created
    page = sdk.run(client.opportunities.list(limit=2))
    assert (len(page.data), page.has_more, bool(page.next_cursor)) == (2, True, True)
    before = len(sdk.transport.sent("GET", "/v1/opportunities"))

    every = sdk.all(client.opportunities.list(limit=2))
    assert len(sdk.transport.sent("GET", "/v1/opportunities")) - before == 3
    assert sorted(o.id for o in every) == sorted(o.id for o in made)
    assert [o.id for o in every[:2]] == [o.id for o in page.data]
    assert sdk.page_sizes(client.opportunities.list(limit=2)) == [2, 2, 1]
    last = sdk.transport.sent("GET", "/v1/opportunities")[-1]
    assert "cursor=" in last.path and "limit=2" in last.path


def test_a_token_is_fetched_once_and_replaced_before_it_expires(sdk, people, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(leadnod._auth, "monotonic", lambda: now[0])
    client = sdk.client(people.client)
    for _ in range(3):
        sdk.run(client.users.me())
    assert len(sdk.transport.sent("POST", "/oauth/token")) == 1
    now[0] += 3600 - 61
    sdk.run(client.users.me())
    assert len(sdk.transport.sent("POST", "/oauth/token")) == 1
    now[0] += 1  # a minute before expiry: replaced before the request
    sdk.run(client.users.me())
    tokens = sdk.transport.sent("POST", "/oauth/token")
    assert len(tokens) == 2 and all(e.status == 200 for e in sdk.transport.exchanges)
    assert json.loads(tokens[0].body) == {"grant_type": "client_credentials",
                                          "client_id": people.client.client_id,
                                          "client_secret": people.client.client_secret}


def test_a_token_the_api_refuses_is_replaced_once(sdk, people, services):
    client = sdk.client(people.client)
    sdk.run(client.users.me())
    services.clock.advance(3601)  # the server's clock: the token has expired there
    assert sdk.run(client.users.me()).id == people.client.user_id
    assert [(e.method, e.path, e.status) for e in sdk.transport.exchanges] == [
        ("POST", "/oauth/token", 200), ("GET", "/v1/users/me", 200),
        ("GET", "/v1/users/me", 401), ("POST", "/oauth/token", 200),
        ("GET", "/v1/users/me", 200)]
    first, refused, renewed = (e.headers["authorization"] for e in sdk.transport.sent("GET"))
    assert first == refused != renewed

    sdk.transport.fail("/v1/users/me", status=401, times=2, code="invalid_token")
    with pytest.raises(leadnod.AuthenticationError) as failed:
        sdk.run(client.users.me())
    assert (failed.value.status, failed.value.code) == (401, "invalid_token")
    assert len(sdk.transport.sent("POST", "/oauth/token")) == 3  # one more, not two


def test_refused_credentials_raise_authentication_error_without_retrying(sdk, people, no_sleep):
    client = sdk.client(client_id=people.client.client_id, client_secret="lns_wrong")
    with pytest.raises(leadnod.AuthenticationError) as refused:
        sdk.run(client.users.me())
    error = refused.value
    assert (error.status, error.code) == (401, "invalid_client")
    assert error.message == "Client authentication failed." and error.request_id
    assert len(sdk.transport.exchanges) == 1 and no_sleep == []


def test_threads_wait_for_one_token_fetch(sync_sdk, people):
    client, start = sync_sdk.client(people.client), threading.Barrier(8)
    seen, errors = [], []

    def call() -> None:
        start.wait()
        try:
            seen.append(client.users.me().id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and seen == [people.client.user_id] * 8
    assert len(sync_sdk.transport.sent("POST", "/oauth/token")) == 1


def test_tasks_wait_for_one_token_fetch(sdk_api, people):
    sdk = Sdk("async", sdk_api)
    try:
        client = sdk.client(people.client)

        async def calls():
            return await asyncio.gather(*(client.users.me() for _ in range(8)))
        assert {me.id for me in sdk.run(calls())} == {people.client.user_id}
        assert len(sdk.transport.sent("POST", "/oauth/token")) == 1
        assert len(sdk.transport.sent("GET", "/v1/users/me")) == 8
    finally:
        sdk.close()


def test_server_errors_are_retried_with_growing_jittered_waits(sdk, people, no_sleep):
    client = sdk.client(people.client)
    sdk.transport.fail("/v1/users/me", status=503, times=2)
    assert sdk.run(client.users.me()).id == people.client.user_id
    assert [e.status for e in sdk.transport.sent("GET")] == [503, 503, 200]
    assert 0.25 <= no_sleep[0] <= 0.5 and 0.5 <= no_sleep[1] <= 1.0

    sdk.transport.fail("/v1/users/me", status=500, times=3, **{"X-Request-Id": "req_last"})
    with pytest.raises(leadnod.APIError) as failed:
        sdk.run(client.users.me())
    assert (failed.value.status, failed.value.request_id) == (500, "req_last")
    assert len(no_sleep) == 4  # two more: max_retries is 2

    sdk.transport.fail("/v1/users/me", status=501)
    with pytest.raises(leadnod.APIError):
        sdk.run(client.users.me())
    once = sdk.client(people.client, max_retries=0)
    sdk.transport.fail("/v1/users/me", status=503)
    with pytest.raises(leadnod.APIError):
        sdk.run(once.users.me())
    assert len(no_sleep) == 4


def test_connection_errors_are_retried_then_raised(sdk, people, no_sleep):
    client = sdk.client(people.client, max_retries=1)
    sdk.run(client.users.me())
    sdk.transport.fail("/v1/users/me", kind="connect")
    assert sdk.run(client.users.me()).id == people.client.user_id
    sdk.transport.fail("/v1/users/me", kind="connect", times=2)
    with pytest.raises(leadnod.APIConnectionError) as failed:
        sdk.run(client.users.me())
    assert failed.value.status is None and "connection refused" in failed.value.message
    assert len(no_sleep) == 2


@pytest.fixture
def server_sleep(monkeypatch, services):
    """The SDK's waits between retries pass on the server's clock instead of really."""
    waits = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        services.clock.advance(seconds)

    async def async_wait(seconds: float) -> None:
        wait(seconds)

    monkeypatch.setattr(leadnod._client, "_sleep", wait)
    monkeypatch.setattr(leadnod._client, "_async_sleep", async_wait)
    return waits


def test_rate_limits_are_waited_out_as_retry_after_says(sdk, people, services, server_sleep):
    account = people.new("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=1, per_day=100)
    client = sdk.client(account)
    sdk.run(client.users.me())
    assert sdk.run(client.users.me()).id == account.user_id  # 429s, waited, retried

    # One request a minute through a sliding window: the next usually fits in 61-120 s, so
    # the first wait is cut to 60 s and a second 429 asks for the rest, which is waited.
    sent = sdk.transport.sent("GET")
    asked = [float(e.answer_headers["retry-after"]) for e in sent if e.status == 429]
    assert [e.status for e in sent] == [200] + [429] * len(asked) + [200]
    assert 1 <= len(asked) <= 2 and server_sleep == [min(a, 60.0) for a in asked]
    assert abs(sum(server_sleep) - asked[0]) <= 1  # what the first 429 asked, waited out

    refused = sdk.client(account, max_retries=0)
    with pytest.raises(leadnod.RateLimitError) as error:
        sdk.run(refused.users.me())
    assert (error.value.status, error.value.code) == (429, "rate_limit_exceeded")
    assert error.value.request_id and 1 <= error.value.retry_after <= 120


def test_a_spent_daily_quota_is_not_waited_for(sync_sdk, people, services, server_sleep):
    sdk = sync_sdk  # error mapping is shared code: once is enough
    account = people.new("client")
    services.accounts.set_plan(account.user_id, "custom", per_minute=10, per_day=1)
    client = sdk.client(account)
    sdk.run(client.users.me())
    with pytest.raises(leadnod.RateLimitError) as error:
        sdk.run(client.users.me())
    assert error.value.code == "daily_quota_exceeded" and error.value.retry_after >= 1
    assert server_sleep == []


def test_another_account_cannot_see_the_object(sync_sdk, people):
    sdk = sync_sdk  # error mapping is shared code: once is enough
    owner, other = sdk.client(people.client), sdk.client(people.client2)
    opp = sdk.run(owner.opportunities.create(**DOCS_OPPORTUNITY))
    for attempt in (lambda: other.opportunities.retrieve(opp.id),
                    lambda: other.opportunities.update(opp.id, title="Mine now"),
                    lambda: other.opportunities.delete(opp.id)):
        with pytest.raises(leadnod.NotFoundError) as missing:
            sdk.run(attempt())
        error = missing.value
        assert (error.status, error.code, error.param) == (404, "resource_missing", "id")
        assert error.doc_url == "https://docs.leadnod.com/errors/resource_missing"
        answered = sdk.transport.exchanges[-1].answer_headers
        assert error.request_id == answered["x-request-id"] and len(error.request_id) >= 16
    assert sdk.run(owner.opportunities.retrieve(opp.id)).title == opp.title


def test_a_read_only_token_reads_but_may_not_write(sync_sdk, people):
    sdk = sync_sdk  # error mapping is shared code: once is enough
    client = sdk.client(people.client, scope="read")
    assert sdk.run(client.users.me()).id == people.client.user_id
    with pytest.raises(leadnod.PermissionDeniedError) as refused:
        sdk.run(client.users.update_me(name="Nope"))
    assert refused.value.code == "insufficient_scope"
    assert json.loads(sdk.transport.sent("POST", "/oauth/token")[0].body)["scope"] == "read"


def test_credentials_and_addresses_come_from_arguments_or_the_environment(
        monkeypatch, sync_sdk, people):
    monkeypatch.delenv("LEADNOD_CLIENT_ID", raising=False)
    monkeypatch.delenv("LEADNOD_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("LEADNOD_BASE_URL", raising=False)
    with pytest.raises(leadnod.LeadNodError, match="LEADNOD_CLIENT_ID"):
        leadnod.Client()
    monkeypatch.setenv("LEADNOD_CLIENT_ID", people.client.client_id)
    monkeypatch.setenv("LEADNOD_CLIENT_SECRET", people.client.client_secret)
    transport = sync_sdk.transport
    with leadnod.Client(http_client=httpx.Client(transport=transport)) as client:
        assert client.base_url == "https://api.leadnod.com/v1"
        assert client.users.me().id == people.client.user_id
    assert [str(e.headers["user-agent"]).startswith("leadnod-python/") for e in
            transport.exchanges] == [True, True]

    expected = {None: "https://api.leadnod.com/v1", "sandbox":
                "https://sandbox.api.leadnod.com/v1", "production": "https://api.leadnod.com/v1"}
    for environment, url in expected.items():
        assert leadnod.AsyncClient(environment=environment).base_url == url
    for given in ("http://127.0.0.1:8000", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1"):
        made = leadnod.Client(base_url=given)
        assert (made.base_url, made._endpoints.token) == (
            "http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/oauth/token")
    with pytest.raises(ValueError):
        leadnod.Client(environment="staging")
    monkeypatch.setenv("LEADNOD_BASE_URL", "http://localhost:9000")
    assert leadnod.Client().base_url == "http://localhost:9000/v1"


def test_clients_close_only_what_they_opened(people):
    own = leadnod.Client(client_id="cli_x", client_secret="lns_x")
    with own:
        pass
    assert own._http.is_closed
    lent = httpx.Client()
    with leadnod.Client(client_id="cli_x", client_secret="lns_x", http_client=lent):
        pass
    assert not lent.is_closed
    lent.close()
    with pytest.raises(ValueError):
        leadnod.Client(client_id="cli_x", client_secret="lns_x", max_retries=-1)
