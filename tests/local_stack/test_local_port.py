"""A local stack on another port than 8000 names that port: in its tokens' `iss`/`aud` and in
the OpenAPI document's local server entry."""
from __future__ import annotations

import base64
import json
import uuid

from chalicelib.config import Settings


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_dev_stage_derives_issuer_and_audience_from_the_port():
    assert (Settings.from_env({"PORT": "8123"}).token_issuer,
            Settings.from_env({"PORT": "8123"}).token_audience) == (
        "http://127.0.0.1:8123", "http://127.0.0.1:8123/v1")
    assert Settings.from_env({}).token_issuer == "http://127.0.0.1:8000"
    deployed = Settings.from_env({"LEADNOD_STAGE": "prod", "PORT": "8123",
                                  "TOKEN_ISSUER": "https://api.leadnod.com",
                                  "TOKEN_AUDIENCE": "https://api.leadnod.com/v1"})
    assert deployed.token_issuer == "https://api.leadnod.com"


def test_a_stack_on_port_8123_issues_tokens_and_documents_servers_for_8123(api, monkeypatch):
    from chalicelib import wiring

    monkeypatch.setenv("PORT", "8123")
    services = wiring.reset()  # settings are read once per process (per Lambda container)
    try:
        on_8123(api, services)
    finally:  # later tests in this process use whatever container wiring holds
        monkeypatch.undo()
        wiring.reset()


def on_8123(api, services):
    created = services.users.create_account(user_type="client", name="Port Test",
                                            email=f"port-{uuid.uuid4().hex[:8]}@example.com",
                                            plan="professional")
    answer = api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": created.client_id,
        "client_secret": created.client_secret})
    assert answer.status == 200, answer.body
    token = answer.json()["access_token"]

    assert (claims(token)["iss"], claims(token)["aud"]) == (
        "http://127.0.0.1:8123", "http://127.0.0.1:8123/v1")
    assert api.get("/v1/users/me", token=token).status == 200
    servers = api.get("/v1/openapi.json").json()["servers"]
    assert {"url": "http://127.0.0.1:8123", "description": "Local stack (`make run`)"} in servers
    assert all("127.0.0.1:8000" not in server["url"] for server in servers)
