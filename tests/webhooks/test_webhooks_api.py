"""`/v1/webhooks` registration: the docs' example, validation, SSRF refusals, the per-account
limit, secrets shown once, and other accounts' endpoints being invisible."""
from __future__ import annotations

from dataclasses import replace

import pytest

from support.webhooks import WEBHOOK_PROPERTIES, fake_dns, register, reload_webhook_services

DOCS_BODY = {"url": "https://your-app.com/webhooks/leadnod",
             "events": ["engagement.created", "payment.received"],
             "secret": "your_webhook_secret"}
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def public_dns(monkeypatch):
    fake_dns(monkeypatch, {"your-app.com": PUBLIC_IP, "hooks.example.com": PUBLIC_IP,
                           "internal.example.com": "10.1.2.3",
                           "metadata.example.com": "169.254.169.254",
                           "rebind.example.com": "127.0.0.1",
                           "mapped.example.com": "::ffff:10.0.0.1",
                           "no-such-host.example.com": None})


@pytest.fixture
def sandbox(api, public_dns):
    """The API as the sandbox stage runs it (https to public hosts only), then the stage again:
    the container outlives the test, and a later test on this worker that reuses it (the
    module-scoped `market`'s) would otherwise refuse the local stage's loopback hooks."""
    from chalicelib import wiring

    services = wiring.container()
    local = services.settings
    services.settings = replace(local, stage="sandbox")
    for name in WEBHOOK_PROPERTIES:
        vars(services).pop(name, None)
    yield api
    services.settings = local
    for name in WEBHOOK_PROPERTIES:
        vars(services).pop(name, None)


def test_the_docs_example_registers_and_shows_its_secret_once(api, client_account, public_dns):
    answer = api.post("/v1/webhooks", token=client_account.token, json_body=DOCS_BODY)

    assert answer.status == 201
    created = answer.json()
    assert created["id"].startswith("whk_") and len(created["id"]) == 26
    assert (created["url"], created["events"]) == (DOCS_BODY["url"], DOCS_BODY["events"])
    assert created["status"] == "enabled" and created["created_at"].endswith("Z")
    assert created["secret"] == "your_webhook_secret"
    shown = api.get(f"/v1/webhooks/{created['id']}", token=client_account.token).json()
    assert "secret" not in shown and shown["secret_last4"] == "cret"


def test_a_secret_is_generated_when_absent(api, client_account, public_dns):
    body = {"url": "https://hooks.example.com/x", "events": ["*", "user.created"]}
    created = api.post("/v1/webhooks", token=client_account.token, json_body=body).json()

    assert created["secret"].startswith("whsec_") and len(created["secret"]) >= 40
    assert created["events"] == ["*"]
    listed = api.get("/v1/webhooks", token=client_account.token).json()
    assert [w["id"] for w in listed["data"]] == [created["id"]]
    assert "secret" not in listed["data"][0]
    assert listed["data"][0]["secret_last4"] == created["secret"][-4:]


def test_update_rotate_and_delete(api, client_account, public_dns):
    webhook = register(api, client_account, "https://hooks.example.com/a")
    path, token = f"/v1/webhooks/{webhook['id']}", client_account.token

    changed = api.patch(path, token=token, json_body={
        "url": "https://your-app.com/b", "events": ["user.verified"], "status": "disabled"})
    assert changed.status == 200
    assert changed.json()["url"] == "https://your-app.com/b"
    assert changed.json()["events"] == ["user.verified"]
    assert (changed.json()["status"], changed.json()["disabled_reason"]) == ("disabled", "manual")
    assert "secret" not in changed.json()

    rotated = api.patch(path, token=token, json_body={"rotate_secret": True}).json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret_last4"] == rotated["secret"][-4:]
    chosen = api.patch(path, token=token, json_body={"secret": "a-new-secret-of-mine"}).json()
    assert "secret" not in chosen and chosen["secret_last4"] == "mine"
    assert api.patch(path, token=token, json_body={}).json()["secret_last4"] == "mine"
    refused = api.patch(path, token=token, json_body={"url": "https://internal.example.com/x"})
    assert refused.status == 400 and refused.error["param"] == "url"

    assert api.delete(path, token=token).status == 204
    assert api.get(path, token=token).error["code"] == "resource_missing"
    assert api.delete(path, token=token).status == 404
    assert api.get("/v1/webhooks", token=token).json()["data"] == []


INVALID_REGISTRATIONS = [
    ({"events": ["user.created"]}, "missing_parameter", "url"),
    ({"url": "https://hooks.example.com/x"}, "missing_parameter", "events"),
    ({"url": "https://hooks.example.com/x", "events": []}, "invalid_parameter", "events"),
    ({"url": "https://hooks.example.com/x", "events": ["user.created", "user.deleted"]},
     "invalid_parameter", "events.1"),
    ({"url": "https://hooks.example.com/x", "events": "user.created"}, "invalid_parameter",
     "events"),
    ({"url": "https://hooks.example.com/x", "events": ["*"], "secret": "short"},
     "invalid_parameter", "secret"),
    ({"url": "https://hooks.example.com/x", "events": ["*"], "secret": "has spaces in it ok"},
     "invalid_parameter", "secret"),
    ({"url": "https://hooks.example.com/x", "events": ["*"], "enabled": True},
     "invalid_parameter", "enabled"),
    ({"url": 42, "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "not a url", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "/relative/path", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "ftp://hooks.example.com/x", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://user:pw@hooks.example.com/x", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://hooks.example.com/x#frag", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://hooks.example.com:99999/x", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://" + "a" * 2050 + ".com", "events": ["*"]}, "invalid_parameter", "url"),
    # Not names that could ever resolve (hosts not live yet are accepted; these are not hosts).
    ({"url": "https://\u0000\u00bby:16055", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://a..b/x", "events": ["*"]}, "invalid_parameter", "url"),
    ({"url": "https://-bad-.example.com/x", "events": ["*"]}, "invalid_parameter", "url"),
]

# Refused in sandbox and production: each reaches (or may reach) a non-public address.
PRIVATE_URLS = [
    "http://hooks.example.com/x",                # https only
    "https://127.0.0.1/x", "https://localhost/x", "https://[::1]/x",
    "https://10.0.0.1/x", "https://192.168.1.10/x", "https://172.16.0.1/x",
    "https://169.254.169.254/latest/meta-data", "https://224.0.0.1/x", "https://240.0.0.1/x",
    "https://0.0.0.0/x", "https://100.64.0.1/x", "https://[::ffff:127.0.0.1]/x",
    "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[2002:a00:1::]/x",
    "https://2130706433/x",                      # 127.0.0.1 written as a number
    "https://internal.example.com/x", "https://metadata.example.com/x",
    "https://rebind.example.com/x", "https://mapped.example.com/x",
    "http://127.0.0.1:8080/x",                   # the local stage only
]


def test_invalid_registrations_are_refused(api, client_account, public_dns):
    for body, code, param in INVALID_REGISTRATIONS:
        answer = api.post("/v1/webhooks", token=client_account.token, json_body=body)

        assert answer.status == 400, (body, answer.body)
        assert (answer.error["code"], answer.error["param"]) == (code, param), body
    assert api.get("/v1/webhooks", token=client_account.token).json()["data"] == []


def test_sandbox_refuses_urls_that_reach_private_networks(sandbox, client_account):
    for url in PRIVATE_URLS:
        answer = sandbox.post("/v1/webhooks", token=client_account.token,
                              json_body={"url": url, "events": ["*"]})

        assert answer.status == 400, (url, answer.body)
        assert answer.error["param"] == "url", url


def test_sandbox_accepts_https_to_public_hosts(sandbox, client_account):
    answer = sandbox.post("/v1/webhooks", token=client_account.token,
                          json_body={"url": "https://hooks.example.com:8443/in?x=1",
                                     "events": ["*"]})
    assert answer.status == 201, answer.body


def test_the_local_stage_also_accepts_loopback_receivers(api, client_account, public_dns):
    token = client_account.token
    for url in ("http://127.0.0.1:9000/webhooks", "http://localhost:9000/x", "https://127.0.0.1/x"):
        answer = api.post("/v1/webhooks", token=token, json_body={"url": url, "events": ["*"]})
        assert answer.status == 201, (url, answer.body)
    for url in ("http://hooks.example.com/x", "https://rebind.example.com/x",
                "http://10.0.0.1/x"):
        answer = api.post("/v1/webhooks", token=token, json_body={"url": url, "events": ["*"]})
        assert answer.status == 400, (url, answer.body)


def test_the_local_stage_refuses_its_own_ports_and_other_loopback_hosts(
        api, client_account, public_dns, monkeypatch):
    """One ping to moto's /moto-api/reset wiped the whole local stack; docs/webhooks.md allows
    only the exact hosts 127.0.0.1, localhost and [::1] locally."""
    from chalicelib import wiring

    monkeypatch.setenv("MOTO_PORT", "5123")
    monkeypatch.setenv("PORT", "8123")
    reload_webhook_services(wiring.container())
    token = client_account.token
    for url in ("http://127.0.0.1:5123/moto-api/reset", "http://localhost:5123/",
                "http://[::1]:8123/v1/users/me", "http://127.0.0.1:8123/oauth/token",
                "http://127.0.0.2:9000/x", "http://127.1:9000/x", "https://127.0.0.2/x"):
        answer = api.post("/v1/webhooks", token=token, json_body={"url": url, "events": ["*"]})
        assert answer.status == 400, (url, answer.body)
        assert answer.error["param"] == "url", url
    created = api.post("/v1/webhooks", token=token,
                       json_body={"url": "http://[::1]:9000/in", "events": ["*"]})
    assert created.status == 201, created.body
    moved = api.patch(f"/v1/webhooks/{created.json()['id']}", token=token,
                      json_body={"url": "http://127.0.0.1:5123/moto-api/reset"})
    assert moved.status == 400 and moved.error["param"] == "url", moved.body


def test_an_account_has_at_most_20_endpoints(api, services, make_account):
    account = make_account("client")
    # As if it had 19 already: the counter that the create/delete transactions keep.
    services.store.put({"PK": f"WEBHOOKS#{account.user_id}", "SK": "COUNT", "n": 19})
    body = {"url": "http://127.0.0.1:9000/x", "events": ["*"]}
    twentieth = api.post("/v1/webhooks", token=account.token, json_body=body)
    assert twentieth.status == 201

    refused = api.post("/v1/webhooks", token=account.token, json_body=body)
    assert refused.status == 409 and refused.error["code"] == "webhook_limit_reached"
    assert "at most 20" in refused.error["message"]

    assert api.delete(f"/v1/webhooks/{twentieth.json()['id']}", token=account.token).status == 204
    assert api.post("/v1/webhooks", token=account.token, json_body=body).status == 201


def test_endpoints_are_listed_newest_first_in_pages(api, client_account):
    ids = [register(api, client_account, f"http://127.0.0.1:9000/{n}")["id"] for n in range(3)]

    first = api.get("/v1/webhooks?limit=2", token=client_account.token).json()
    rest = api.get(f"/v1/webhooks?limit=2&cursor={first['next_cursor']}",
                   token=client_account.token).json()

    assert [w["id"] for w in first["data"] + rest["data"]] == ids[::-1]
    assert first["has_more"] and not rest["has_more"] and rest["next_cursor"] is None


def test_another_accounts_endpoint_does_not_exist_for_you(api, client_account, sales_pro):
    webhook = register(api, client_account, "http://127.0.0.1:9000/x")
    path, token = f"/v1/webhooks/{webhook['id']}", sales_pro.token
    ping = api.post(f"/v1/webhooks/{webhook['id']}/test", token=token)
    answers = [api.get(path, token=token),
               api.patch(path, token=token, json_body={"status": "disabled"}),
               api.delete(path, token=token), api.get(f"{path}/deliveries", token=token),
               api.post(f"{path}/deliveries/dlv_0000000000000000000000/retry", token=token), ping]

    assert [a.status for a in answers] == [404] * 6
    assert {a.error["code"] for a in answers} == {"resource_missing"}
    assert api.get("/v1/webhooks", token=token).json()["data"] == []
    assert api.get(path, token=client_account.token).json()["status"] == "enabled"


def test_reading_needs_read_and_changing_needs_write(api, make_account):
    reader = make_account("client", scopes="read")
    assert api.get("/v1/webhooks", token=reader.token).status == 200
    refused = api.post("/v1/webhooks", token=reader.token,
                       json_body={"url": "http://127.0.0.1:9000/x", "events": ["*"]})
    assert refused.status == 403 and refused.error["code"] == "insufficient_scope"
    assert api.get("/v1/webhooks").status == 401


def test_unsupported_methods_and_unknown_ids(api, client_account):
    webhook = register(api, client_account, "http://127.0.0.1:9000/x")
    token = client_account.token

    put = api.put(f"/v1/webhooks/{webhook['id']}", token=token, json_body={})
    assert put.status == 405 and "PATCH" in put.headers["allow"]
    assert api.get("/v1/webhooks/whk_nope", token=token).status == 404
    missing = api.post(f"/v1/webhooks/{webhook['id']}/deliveries/dlv_0000000000000000000000/retry",
                       token=token)
    assert missing.status == 404 and missing.error["param"] == "delivery_id"
    bad_filter = api.get(f"/v1/webhooks/{webhook['id']}/deliveries?status=lost", token=token)
    assert bad_filter.status == 400 and bad_filter.error["param"] == "status"
    conflicting = api.patch(f"/v1/webhooks/{webhook['id']}", token=token,
                            json_body={"secret": "x" * 20, "rotate_secret": True})
    assert conflicting.status == 400
    assert api.patch(f"/v1/webhooks/{webhook['id']}", token=token,
                     json_body={"events": None}).error["param"] == "events"


def test_a_disabled_endpoint_cannot_be_pinged_or_retried(api, hooks, client_account):
    webhook = register(api, client_account, "http://127.0.0.1:9/x")
    ping = api.post(f"/v1/webhooks/{webhook['id']}/test", token=client_account.token).json()
    api.patch(f"/v1/webhooks/{webhook['id']}", token=client_account.token,
              json_body={"status": "disabled"})

    for path in (f"/v1/webhooks/{webhook['id']}/test",
                 f"/v1/webhooks/{webhook['id']}/deliveries/{ping['id']}/retry"):
        answer = api.post(path, token=client_account.token)
        assert answer.status == 409 and answer.error["code"] == "webhook_disabled"


def test_the_delivery_log_pages_and_filters_by_status(api, hooks, client_account):
    webhook = register(api, client_account, "http://127.0.0.1:9/x")
    for _ in range(3):
        api.post(f"/v1/webhooks/{webhook['id']}/test", token=client_account.token)
    base = f"/v1/webhooks/{webhook['id']}/deliveries"

    first = api.get(f"{base}?limit=2", token=client_account.token).json()
    second = api.get(f"{base}?limit=2&cursor={first['next_cursor']}",
                     token=client_account.token).json()

    assert first["has_more"] and not second["has_more"]
    assert len({d["id"] for d in first["data"] + second["data"]}) == 3
    assert all(d["status"] == "pending" and d["event_type"] == "ping" for d in first["data"])
    assert api.get(f"{base}?status=succeeded", token=client_account.token).json()["data"] == []
    other = api.get(f"/v1/webhooks?cursor={first['next_cursor']}", token=client_account.token)
    assert other.status == 400 and other.error["code"] == "invalid_cursor"


def test_the_docs_example_url_registers_before_its_host_resolves(api, client_account, sandbox):
    """docs: `https://your-app.com/webhooks/leadnod`. A host that does not resolve yet is
    accepted (syntax and literal addresses are checked now); its deliveries fail until it
    resolves, and a private address is still refused when the name does resolve."""
    answer = api.post("/v1/webhooks", token=client_account.token, json_body={
        "url": "https://no-such-host.example.com/webhooks/leadnod", "events": ["*"]})
    assert answer.status == 201, answer.body
    private = api.post("/v1/webhooks", token=client_account.token, json_body={
        "url": "https://rebind.example.com/x", "events": ["*"]})
    assert private.status == 400 and private.error["param"] == "url"
