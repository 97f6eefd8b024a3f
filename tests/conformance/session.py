"""What a conformance session sets up on a running local stack before any runner starts:
accounts through the operator CLI, and webhook requests the stack really delivered."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import requests

# name → create-account arguments; every one on a custom plan that no scenario runs into.
ACCOUNTS = {
    "client": ["--type", "client", "--company", "Conformance Corp", "--industry", "saas"],
    "client2": ["--type", "client", "--company", "Conformance Hooks", "--industry", "fintech"],
    "pro": ["--type", "sales_pro", "--industry", "saas"],
    "pro2": ["--type", "sales_pro", "--industry", "saas"],
}
WEBHOOK_SECRET = "whsec_conformance_0123456789abcdef"


def create_accounts(admin: Callable[..., Any]) -> dict[str, dict[str, str]]:
    def create(name: str) -> dict[str, str]:
        made = admin("create-account", *ACCOUNTS[name], "--name", f"Conformance {name}",
                     "--email", f"conformance-{name}-{uuid.uuid4().hex[:8]}@example.com")
        assert made.returncode == 0, made.stderr
        account = json.loads(made.stdout)
        limits = admin("set-plan", "--user-id", account["user_id"], "--plan", "custom",
                       "--per-minute", "100000", "--per-day", "10000000")
        assert limits.returncode == 0, limits.stderr
        return {"client_id": account["client_id"], "client_secret": account["client_secret"],
                "user_id": account["user_id"], "type": ACCOUNTS[name][1]}
    with ThreadPoolExecutor(2) as pool:  # each is a CLI process: import, then moto calls
        return dict(zip(ACCOUNTS, pool.map(create, ACCOUNTS), strict=True))


class Api:
    """Plain HTTP to the stack as one account (the session's set-up uses no SDK)."""

    def __init__(self, base: str, account: dict[str, str]) -> None:
        self.base = base
        token = requests.post(f"{base}/oauth/token", timeout=30, json={
            "grant_type": "client_credentials", "client_id": account["client_id"],
            "client_secret": account["client_secret"]})
        assert token.status_code == 200, token.text
        self.headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def send(self, method: str, path: str, body: Any = None) -> Any:
        answer = requests.request(method, f"{self.base}/v1{path}", json=body,
                                  headers=self.headers, timeout=30)
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None


def delivered_samples(base: str, account: dict[str, str], receiver: Any
                      ) -> dict[str, dict[str, Any]]:
    """A `user.updated` event and a test ping, as the stack signed and delivered them to
    `receiver` (raw body, every header, the endpoint's secret); the endpoint is deleted."""
    api = Api(base, account)
    hook = api.send("POST", "/webhooks", {"url": receiver.url(), "events": ["user.updated"],
                                          "secret": WEBHOOK_SECRET})
    try:
        api.send("PATCH", "/users/me", {"name": f"Conformance hooks {time.time_ns()}"})
        first = receiver.wait_for(1, timeout=60)
        assert first, "the stack delivered no user.updated event within 60 s"
        api.send("POST", f"/webhooks/{hook['id']}/test")
        both = receiver.wait_for(2, timeout=60)
        assert len(both) == 2, "the stack delivered no ping within 60 s"
    finally:
        api.send("DELETE", f"/webhooks/{hook['id']}")
    samples = {}
    for received in both:
        assert received.leadnod_ok, "the receiver refused the stack's signature"
        event = received.json()["type"]
        samples["ping" if event == "ping" else "user_updated"] = {
            "body": received.body.decode("utf-8"), "headers": received.headers,
            "secret": WEBHOOK_SECRET}
    assert set(samples) == {"ping", "user_updated"}, sorted(samples)
    return samples
