"""Black-box: `python -m devstack` (what `make run` starts) serves the docs' curl examples, and
the admin CLI talks to it. Slow-ish (one stack for the session), so everything shares it."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
import requests

from support import ROOT
from support.http import parsed, raw_exchange


@pytest.fixture(scope="module")
def stack(local_stack):
    return local_stack  # one stack for the whole session (tests/conftest.py)


def token(stack) -> str:
    answer = requests.post(f"{stack['base']}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": stack["client_id"],
        "client_secret": stack["client_secret"]}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_docs_token_and_users_me_examples(stack):
    me = requests.get(f"{stack['base']}/v1/users/me",
                      headers={"Authorization": f"Bearer {token(stack)}"}, timeout=10)
    assert me.status_code == 200
    assert me.json()["type"] == "client" and me.json()["company"] == "Acme Corp"
    assert me.headers["X-Request-Id"]


def test_gateway_errors_match_production_shapes(stack):
    missing = requests.get(f"{stack['base']}/v1/users/me", timeout=10)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"
    forged = requests.get(f"{stack['base']}/v1/users/me",
                          headers={"Authorization": "Bearer a.b.c"}, timeout=10)
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_token"
    unknown = requests.get(f"{stack['base']}/v1/unknown", timeout=10)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_seed_data_is_searchable(stack):
    answer = requests.get(f"{stack['base']}/v1/users/search", params={"industry": "saas"},
                          headers={"Authorization": f"Bearer {token(stack)}"}, timeout=10)
    assert answer.status_code == 200
    assert len(answer.json()["data"]) >= 4


def test_analytics_stream_aggregates_and_export_download_from_moto(stack):
    """An activity as the engagement feature records it (the activity item and its outbox
    event), then: the stream poller keeps the aggregates, and an export's presigned URL
    downloads from the moto server."""
    import boto3

    from chalicelib.ids import new_id

    headers = {"Authorization": f"Bearer {token(stack)}"}
    me = requests.get(f"{stack['base']}/v1/users/me", headers=headers, timeout=10).json()["id"]
    table = boto3.resource(
        "dynamodb", endpoint_url=f"http://127.0.0.1:{stack['moto_port']}", region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local").Table("leadnod-dev")
    eng, pro, when = new_id("eng"), new_id("usr"), "2026-01-05T10:00:00.000000Z"
    table.put_item(Item={"PK": f"ENG#{eng}", "SK": "ENG", "entity": "engagement", "id": eng,
                         "client_id": me, "sales_pro_id": pro, "status": "active",
                         "currency": "usd", "created_at": when, "GSI1PK": f"USER#{me}#ENGS",
                         "GSI1SK": f"{when}#{eng}"})
    table.put_item(Item={"PK": f"ENG#{eng}", "SK": f"ACT#{when}#act_1", "entity": "activity",
                         "id": "act_1", "engagement_id": eng, "type": "demo",
                         "description": "=cmd|' /C calc'!A0", "occurred_at": when})
    event = {"id": new_id("evt"), "type": "activity.logged", "created": "2026-01-05T10:00:01Z",
             "data": {"activity_id": "act_1", "engagement_id": eng, "client_id": me,
                      "sales_pro_id": pro, "type": "demo", "value": None,
                      "occurred_at": when, "logged_by": pro}}
    table.put_item(Item={"PK": f"OUTBOX#{event['id']}", "SK": "OUTBOX", "entity": "outbox",
                         "payload": event, "recipients": [me, pro]})

    deadline, summary = time.time() + 15, {}
    while time.time() < deadline:
        summary = requests.get(f"{stack['base']}/v1/analytics/summary", headers=headers,
                               timeout=10).json()
        if summary["activities"]["by_type"]["demo"] >= 1:
            break
        time.sleep(0.2)
    assert summary["activities"]["by_type"]["demo"] == 1, summary

    started = requests.get(f"{stack['base']}/v1/analytics/export",
                           params={"dataset": "activities"}, headers=headers, timeout=10)
    assert started.status_code == 202, started.text
    deadline, job = time.time() + 15, started.json()
    while job["status"] == "processing" and time.time() < deadline:
        time.sleep(0.2)
        job = requests.get(f"{stack['base']}/v1/analytics/export/{job['id']}", headers=headers,
                           timeout=10).json()
    assert job["status"] == "completed" and job["row_count"] == 1, job
    assert job["download_url"].startswith(f"http://127.0.0.1:{stack['moto_port']}/")
    download = requests.get(job["download_url"], timeout=10)
    assert download.status_code == 200 and len(download.content) == job["size"]
    assert "'=cmd|" in download.content.decode("utf-8-sig")

    report = requests.post(f"{stack['base']}/v1/analytics/reports", headers=headers, timeout=10,
                           json={"metrics": ["demos"], "group_by": "month",
                                 "from": "2026-01-01", "to": "2026-01-31"})
    assert report.status_code == 201 and report.json()["rows"] == [["2026-01", 1]]


# After the analytics test, which expects the demo client to have no activity yet.
def pro_token(stack) -> str:
    ids = re.findall(r"client_id:\s+(\S+)", stack["log"])
    secrets = re.findall(r"client_secret:\s+(\S+)", stack["log"])
    answer = requests.post(f"{stack['base']}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": ids[1], "client_secret": secrets[1]},
        timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def wait_for(check, seconds: float = 20):
    deadline = time.time() + seconds
    while True:
        result = check()
        if result or time.time() > deadline:
            return result
        time.sleep(0.3)


def test_seed_opportunities_are_matched_by_the_queue_poller(stack):
    headers = {"Authorization": f"Bearer {token(stack)}"}
    mine = requests.get(f"{stack['base']}/v1/opportunities", headers=headers, timeout=10).json()
    assert len(mine["data"]) >= 2 and all(o["status"] == "open" for o in mine["data"])

    def matched():
        for opp in mine["data"]:
            page = requests.get(f"{stack['base']}/v1/opportunities/{opp['id']}/matches",
                                headers=headers, timeout=10).json()
            if not page["data"]:
                return None
        return page
    page = wait_for(matched)
    assert page, "the matching worker did not run"
    assert page["data"][0]["sales_pro"]["name"] and 0 < page["data"][0]["score"] <= 100


def test_readme_walkthrough_reaches_an_active_engagement_with_metrics(stack):
    base = stack["base"]
    client = {"Authorization": f"Bearer {token(stack)}"}
    pro = {"Authorization": f"Bearer {pro_token(stack)}"}
    pro_id = requests.get(f"{base}/v1/users/me", headers=pro, timeout=10).json()["id"]
    opp = requests.post(f"{base}/v1/opportunities", headers=client, timeout=10, json={
        "title": "Enterprise Account Executive", "industry": "saas",
        "description": "Looking for experienced AE...", "compensation_model": "hybrid",
        "base_salary_range": {"min": 80000, "max": 120000}, "commission_rate": 0.10,
        "duration": "ongoing", "requirements": ["5+ years experience", "Enterprise sales"]})
    assert opp.status_code == 201, opp.text
    opp_id = opp.json()["id"]
    matches = wait_for(lambda: requests.get(f"{base}/v1/opportunities/{opp_id}/matches",
                                            headers=client, timeout=10).json()["data"])
    assert pro_id in [m["sales_pro_id"] for m in matches]
    eng = requests.post(f"{base}/v1/engagements", headers=client, timeout=10,
                        json={"opportunity_id": opp_id, "sales_pro_id": pro_id}).json()
    started = requests.post(f"{base}/v1/engagements/{eng['id']}/start", headers=pro, timeout=10)
    assert started.json()["status"] == "active"
    for body in ({"type": "call", "description": "Discovery"},
                 {"type": "deal_closed", "value": 4_800_000}):
        logged = requests.post(f"{base}/v1/engagements/{eng['id']}/activities", headers=pro,
                               json=body, timeout=10)
        assert logged.status_code == 201, logged.text
    metrics = requests.get(f"{base}/v1/engagements/{eng['id']}/metrics", headers=client,
                           timeout=10).json()
    assert metrics["activities_total"] == 2 and metrics["commission_earned"] == 480_000


def admin(stack, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(MOTO_PORT=str(stack["moto_port"]), LEADNOD_LOCAL_ENV=stack["env_file"])
    return subprocess.run([sys.executable, "-m", "chalicelib.admin", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_admin_create_account_rotate_and_set_plan(stack):
    created = admin(stack, "create-account", "--type", "client", "--name", "Ops Test",
                    "--email", f"ops-{time.time_ns()}@example.com", "--plan", "enterprise",
                    "--company", "Ops Inc", "--industry", "saas")
    assert created.returncode == 0, created.stderr
    account = json.loads(created.stdout)
    assert set(account) == {"user_id", "client_id", "client_secret", "plan"}
    assert account["plan"] == "enterprise"

    rotated = admin(stack, "rotate-secret", "--client-id", account["client_id"],
                    "--grace-seconds", "0")
    assert rotated.returncode == 0, rotated.stderr
    new_secret = json.loads(rotated.stdout)["client_secret"]
    old = requests.post(f"{stack['base']}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]}, timeout=10)
    assert old.status_code == 401
    new = requests.post(f"{stack['base']}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": new_secret}, timeout=10)
    assert new.status_code == 200

    plan = admin(stack, "set-plan", "--user-id", account["user_id"], "--plan", "custom",
                 "--per-minute", "120", "--per-day", "5000")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["per_minute"] == 120


@pytest.mark.parametrize("args,message", [
    (["create-account", "--type", "client", "--name", "X", "--email", "not-an-email"], "email"),
    (["create-account", "--type", "robot", "--name", "X", "--email", "x@example.com"],
     "invalid choice"),
    (["rotate-secret", "--client-id", "cli_missing"], "No such client"),
    (["set-plan", "--user-id", "usr_missing", "--plan", "enterprise"], "No such user"),
    (["set-plan", "--user-id", "usr_x", "--plan", "custom"], "per-minute"),
])
def test_admin_bad_input_fails_clearly(stack, args, message):
    result = admin(stack, *args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_duplicate_email_is_refused(stack):
    email = f"dup-{time.time_ns()}@example.com"
    created = admin(stack, "create-account", "--type", "client", "--name", "A", "--email", email)
    assert created.returncode == 0
    again = admin(stack, "create-account", "--type", "client", "--name", "B", "--email", email)
    assert again.returncode != 0 and "already exists" in again.stderr


def test_seed_is_idempotent(stack):
    first = admin(stack, "seed")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created_accounts"] == 0
    assert json.loads(first.stdout)["created_opportunities"] == 0



def test_escrow_fund_release_dispute_resolve_through_the_stack(stack):
    """The README's escrow walk-through: state machines executing on the moto server, the
    payments queue consumed by the stack's poller, the admin CLI resolving the dispute."""
    seeded = admin(stack, "seed")  # prints fresh demo credentials (it rotates their secrets)
    assert seeded.returncode == 0, seeded.stderr
    accounts = [json.loads(seeded.stdout)[k] for k in ("demo_client", "demo_sales_pro")]
    headers = []
    for account in accounts:
        answer = requests.post(f"{stack['base']}/oauth/token", json={
            "grant_type": "client_credentials", "client_id": account["client_id"],
            "client_secret": account["client_secret"]}, timeout=10)
        assert answer.status_code == 200, answer.text
        headers.append({"Authorization": f"Bearer {answer.json()['access_token']}"})
    client, pro = headers
    ids = [account["user_id"] for account in accounts]
    opportunity = requests.post(f"{stack['base']}/v1/opportunities", headers=client, json={
        "title": "Escrow demo", "industry": "saas", "compensation_model": "commission",
        "commission_rate": 0.10, "duration": "ongoing"}, timeout=10)
    assert opportunity.status_code == 201, opportunity.text
    made = requests.post(f"{stack['base']}/v1/engagements", headers=client, json={
        "opportunity_id": opportunity.json()["id"], "sales_pro_id": ids[1]}, timeout=10)
    assert made.status_code == 201, made.text
    engagement = made.json()["id"]
    started = requests.post(f"{stack['base']}/v1/engagements/{engagement}/start", headers=pro,
                            timeout=10)
    assert started.status_code == 200, started.text

    def settled(payment_id: str) -> dict:
        # Backs off (the demo client has 60 requests a minute; a loaded machine can take a
        # while to run the state machine) and waits out a 429 like an integrator would.
        deadline, pause = time.time() + 45, 0.2
        while time.time() < deadline:
            answer = requests.get(f"{stack['base']}/v1/payments/{payment_id}", headers=client,
                                  timeout=10)
            if answer.status_code == 429:
                time.sleep(float(answer.headers.get("Retry-After", "1")))
                continue
            if answer.json()["status"] != "processing":
                return answer.json()
            time.sleep(pause)
            pause = min(pause * 1.5, 2.0)
        pytest.fail(f"payment {payment_id} still processing")

    fund = requests.post(f"{stack['base']}/v1/payments/escrow/fund", headers={
        **client, "Idempotency-Key": f"fund-{engagement}"}, json={
        "engagement_id": engagement, "amount": 10_000, "currency": "usd"}, timeout=10)
    assert fund.status_code in (201, 202), fund.text
    assert settled(fund.json()["id"])["status"] == "succeeded"
    release = requests.post(f"{stack['base']}/v1/payments/escrow/release", headers=client,
                            json={"engagement_id": engagement, "amount": 4_000}, timeout=10)
    assert settled(release.json()["id"])["status"] == "succeeded"
    balance = requests.get(f"{stack['base']}/v1/payments/balance",
                           params={"engagement_id": engagement}, headers=pro, timeout=10).json()
    assert (balance["funded"], balance["released"], balance["available"]) == (10_000, 4_000,
                                                                              6_000)

    dispute = requests.post(f"{stack['base']}/v1/payments/escrow/dispute", headers=pro, json={
        "engagement_id": engagement, "amount": 1_000, "reason": "Invoice 2 unpaid"}, timeout=10)
    assert dispute.status_code == 201, dispute.text
    time.sleep(0.5)  # let the dispute execution store its task token (either order works)
    resolved = admin(stack, "resolve-dispute", "--dispute-id", dispute.json()["id"],
                     "--release", "600", "--refund", "400")
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout)["status"] == "resolved"
    balance = requests.get(f"{stack['base']}/v1/payments/balance",
                           params={"engagement_id": engagement}, headers=client, timeout=10).json()
    assert balance == {"engagement_id": engagement, "currency": "usd", "funded": 10_000,
                       "released": 4_600, "refunded": 400, "in_dispute": 0, "available": 5_000}

    # Terminating refunds what is left: the stack's table-stream poller runs the escrow
    # follow-up (the request does not), and the refund settles in the Refund machine.
    ended = requests.post(f"{stack['base']}/v1/engagements/{engagement}/terminate",
                          headers=client, json={"reason": "Project cancelled"}, timeout=10)
    assert ended.status_code == 200, ended.text

    def termination_refunds() -> list:
        listed = requests.get(f"{stack['base']}/v1/payments", headers=pro, timeout=10,
                              params={"engagement_id": engagement}).json().get("data", [])
        return [p for p in listed if p["type"] == "escrow_refund" and p["amount"] == 5_000]

    refunds = wait_for(termination_refunds)
    assert settled(refunds[0]["id"])["status"] == "succeeded"
    balance = requests.get(f"{stack['base']}/v1/payments/balance",
                           params={"engagement_id": engagement}, headers=client, timeout=10).json()
    assert (balance["refunded"], balance["available"]) == (5_400, 0)
def test_webhooks_are_delivered_signed_by_the_local_stack(stack):
    """The stack's table-stream poller fans the outbox out and its SQS poller runs the delivery
    consumer: a profile change reaches a receiver here, signed (docs/webhooks.md)."""
    from devstack.webhook_receiver import WebhookReceiver

    secret = "local_stack_secret_0123"
    created = admin(stack, "create-account", "--type", "client", "--name", "Hook Owner",
                    "--email", f"hooks-{time.time_ns()}@example.com")
    assert created.returncode == 0, created.stderr
    account = json.loads(created.stdout)
    access = requests.post(f"{stack['base']}/oauth/token", timeout=10, json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]}).json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    with WebhookReceiver(secret=secret) as receiver:
        created = requests.post(f"{stack['base']}/v1/webhooks", headers=headers, timeout=10,
                                json={"url": receiver.url(), "events": ["user.updated"],
                                      "secret": secret})
        assert created.status_code == 201, created.text
        changed = requests.patch(f"{stack['base']}/v1/users/me", headers=headers, timeout=10,
                                 json={"profile": {"bio": "Webhooks, delivered locally."}})
        assert changed.status_code == 200, changed.text

        [request] = receiver.wait_for(1, timeout=30)

        assert request.leadnod_ok and request.standard_ok
        assert request.json()["type"] == "user.updated"
        log = requests.get(f"{stack['base']}/v1/webhooks/{created.json()['id']}/deliveries",
                           headers=headers, timeout=10).json()["data"]
        assert [(d["event_id"], d["status"]) for d in log] == [
            (request.headers["webhook-id"], "succeeded")]
        requests.delete(f"{stack['base']}/v1/webhooks/{created.json()['id']}", headers=headers,
                        timeout=10)


def test_the_python_sdk_over_http(stack):
    """The SDK (sdk/python) as a user runs it against `make run`: real sockets, sync and
    async; its own tests (tests/python_sdk) cover every operation through the test client."""
    import asyncio

    import leadnod

    created = admin(stack, "create-account", "--type", "client", "--name", "SDK User",
                    "--email", f"sdk-{time.time_ns()}@example.com", "--plan", "enterprise",
                    "--company", "SDK Inc", "--industry", "saas")
    assert created.returncode == 0, created.stderr
    account = json.loads(created.stdout)
    options = dict(client_id=account["client_id"], client_secret=account["client_secret"],
                   base_url=stack["base"])
    with leadnod.Client(**options) as client:
        assert client.users.me().id == account["user_id"]
        opportunity = client.opportunities.create(title="Over HTTP", industry="saas")
        assert [o.id for o in client.opportunities.list()] == [opportunity.id]
        everyone = client.users.search(industry="saas", limit=100).data
        assert [u.id for u in client.users.search(industry="saas", limit=2)] == \
            [u.id for u in everyone] and len(everyone) >= 4
        with pytest.raises(leadnod.NotFoundError) as missing:
            client.engagements.retrieve("eng_" + "0" * 22)
        assert missing.value.code == "resource_missing" and missing.value.request_id

    async def from_tasks() -> list:
        async with leadnod.AsyncClient(**options) as client:
            return await asyncio.gather(client.users.me(), client.opportunities.retrieve(
                opportunity.id), client.opportunities.list())
    me, again, page = asyncio.run(from_tasks())
    assert (me.id, again.title, [o.id for o in page.data]) == (
        account["user_id"], "Over HTTP", [opportunity.id])


@pytest.mark.parametrize("request_line, status", [(b"GARBAGE", 400),
                                                  (b"GET /v1/users/me HTTP/9.9", 505)])
def test_protocol_errors_are_answered_in_the_api_format_without_server_banner(
        stack, request_line, status):
    port = int(stack["base"].rsplit(":", 1)[1])
    raw, _ = raw_exchange(("127.0.0.1", port), request_line + b"\r\nHost: x\r\n\r\n",
                          wait=10)
    answered, headers, body = parsed(raw)
    assert answered == status and headers["Content-Type"] == "application/json"
    assert set(json.loads(body)["error"]) == {"code", "message", "param", "doc_url"}
    assert "Server" not in headers and b"Python" not in body
    normal = requests.get(f"{stack['base']}/v1/openapi.json", timeout=10)
    assert "Server" not in normal.headers  # no BaseHTTP/Python banner on any answer
