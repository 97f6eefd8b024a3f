"""Black-box: `python -m devstack` (what `make run` starts) serves the docs' curl examples, and
the admin CLI talks to it. Slow-ish (one stack for the module), so everything shares it."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PORT=str(port), MOTO_PORT=str(moto_port), PYTHONUNBUFFERED="1")
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while "Ctrl-C stops everything" not in log.read_text():
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            pytest.fail(f"local stack did not start:\n{log.read_text()}")
        time.sleep(0.2)
    text = log.read_text()
    yield {"base": f"http://127.0.0.1:{port}", "moto_port": moto_port, "log": text,
           "client_id": re.search(r"client_id:\s+(\S+)", text).group(1),
           "client_secret": re.search(r"client_secret:\s+(\S+)", text).group(1),
           "process": process}
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("local stack did not stop on Ctrl-C")


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


def admin(stack, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MOTO_PORT"] = str(stack["moto_port"])
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
    (["create-account", "--type", "robot", "--name", "X", "--email", "x@example.com"], "invalid choice"),
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
    assert admin(stack, "create-account", "--type", "client", "--name", "A", "--email", email).returncode == 0
    again = admin(stack, "create-account", "--type", "client", "--name", "B", "--email", email)
    assert again.returncode != 0 and "already exists" in again.stderr


def test_seed_is_idempotent(stack):
    first = admin(stack, "seed")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created_accounts"] == 0


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
