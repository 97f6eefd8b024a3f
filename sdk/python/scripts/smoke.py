"""Exercise the installed `leadnod` package without the API, on whatever Python runs this:
models, both clients (over an in-memory transport), pages, retries, errors and webhook
signatures. Used to check every supported Python version (`make sdk-check`); the API's test
suite tests the SDK against the real API."""
import asyncio
import hashlib
import hmac
import json
import sys

import httpx

import leadnod
import leadnod._client
from leadnod import webhooks

USER = {"id": "usr_1", "type": "client", "name": "Jane Doe", "company": "Acme Corp",
        "industry": "saas", "created_at": "2024-01-15T10:30:00Z", "updated_at":
        "2024-01-15T10:30:00Z", "email": "jane@example.com", "plan": "professional",
        "profile": {"website": "https://acme.com"}, "added_later": True}
OPPORTUNITY = {"id": "opp_{}", "client_id": "usr_1", "title": "AE {}", "status": "open",
               "created_at": "2024-01-15T10:30:00Z", "updated_at": "2024-01-15T10:30:00Z"}


def answer(request):
    path = request.url.path
    if path == "/oauth/token":
        return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer",
                                         "expires_in": 3600, "scope": "read write"})
    assert request.headers["authorization"] == "Bearer t"
    if path == "/v1/users/me":
        return httpx.Response(200, json=USER)
    if path == "/v1/opportunities":
        page = int(request.url.params.get("cursor") or 0)
        data = [{k: (v.format(page * 2 + i) if isinstance(v, str) else v)
                 for k, v in OPPORTUNITY.items()} for i in range(2)]
        return httpx.Response(200, json={"data": data, "has_more": page < 2,
                                         "next_cursor": str(page + 1) if page < 2 else None})
    if path == "/v1/users/usr_flaky":
        return httpx.Response(503, headers={"Retry-After": "0", "X-Request-Id": "req_1"},
                              json={"error": {"code": "internal_error", "message": "Down",
                                              "param": None, "doc_url": None}})
    return httpx.Response(404, headers={"X-Request-Id": "req_2"}, json={"error": {
        "code": "resource_missing", "message": "No such thing.", "param": "id",
        "doc_url": "https://docs.leadnod.com/errors/resource_missing"}})


async def answer_async(request):
    return answer(request)


def main():
    leadnod._client._sleep = lambda seconds: None
    client = leadnod.Client(client_id="cli_1", client_secret="lns_1", base_url="http://x",
                            http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    me = client.users.me()
    assert (me.name, me.profile.website, me.created_at.year) == ("Jane Doe", "https://acme.com",
                                                                 2024)
    assert [o.id for o in client.opportunities.list()] == [f"opp_{n}" for n in range(6)]
    for call, kind in ((lambda: client.users.retrieve("usr_flaky"), leadnod.APIError),
                       (lambda: client.users.retrieve("usr_gone"), leadnod.NotFoundError)):
        try:
            call()
        except kind as error:
            assert error.request_id in ("req_1", "req_2")
        else:
            raise AssertionError(kind)

    async def run_async():
        transport = httpx.MockTransport(answer_async)
        async with leadnod.AsyncClient(client_id="cli_1", client_secret="lns_1",
                                       base_url="http://x",
                                       http_client=httpx.AsyncClient(transport=transport)) as c:
            assert (await c.users.me()).email == "jane@example.com"
            assert len([o async for o in c.opportunities.list()]) == 6
    asyncio.run(run_async())

    body = json.dumps({"id": "evt_1", "type": "ping", "created": "2024-03-15T14:30:00Z",
                       "api_version": "2024-06-01", "environment": "sandbox",
                       "data": {}}).encode()
    signature = hmac.new(b"whsec_x", body, hashlib.sha256).hexdigest()
    assert webhooks.construct_event(body, signature, "whsec_x").type == "ping"
    print(f"leadnod {leadnod.__version__} works on Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
