"""Self-service credentials (POST /v1/users/me/credentials/rotate, a member's by the owner or
an admin) and GET /v1/usage (docs/auth.md, docs/teams.md, docs/rate-limits.md)."""
from __future__ import annotations

from typing import Any

from support.accounts import new_account, unique

ROTATE = "/v1/users/me/credentials/rotate"


def token_for(api: Any, client_id: str, secret: str) -> Any:
    return api.post("/oauth/token", json_body={"grant_type": "client_credentials",
                                               "client_id": client_id, "client_secret": secret})


def test_rotation_shows_the_new_secret_once_and_keeps_the_old_for_the_grace(api, services):
    account = new_account(services, "client")
    answer = api.post(ROTATE, token=account.token, json_body={"grace_seconds": 600})
    assert answer.status == 200, answer.body
    body = answer.json()
    assert set(body) == {"client_id", "client_secret", "previous_secret_expires_at"}
    assert body["client_id"] == account.client_id and body["client_secret"] != account.client_secret
    assert token_for(api, account.client_id, body["client_secret"]).status == 200
    assert token_for(api, account.client_id, account.client_secret).status == 200  # grace
    stored = services.users_repo.get_credential(account.client_id)
    assert body["client_secret"] not in str(stored)  # stored hashed, like every secret

    events = api.get("/v1/events?type=credentials.rotated", token=account.token).json()["data"]
    assert events[0]["data"]["client_id"] == account.client_id
    assert events[0]["data"]["previous_secret_expires_at"] == body["previous_secret_expires_at"]


def test_zero_grace_refuses_the_old_secret_at_once_and_the_default_is_an_hour(api, services):
    account = new_account(services, "client")
    now = api.post(ROTATE, token=account.token, json_body={"grace_seconds": 0}).json()
    assert token_for(api, account.client_id, account.client_secret).status == 401
    assert token_for(api, account.client_id, now["client_secret"]).status == 200
    default = api.post(ROTATE, token=account.token, json_body={}).json()
    from datetime import datetime, timezone
    expires = datetime.fromisoformat(default["previous_secret_expires_at"].replace("Z", "+00:00"))
    assert 3500 < (expires - datetime.now(timezone.utc)).total_seconds() <= 3600


def test_rotation_needs_write_scope_and_a_valid_grace(api, services):
    read_only = new_account(services, "client", scopes="read")
    assert api.post(ROTATE, token=read_only.token, json_body={}).status == 403
    account = new_account(services, "client")
    for grace in (-1, 86401, "60"):
        answer = api.post(ROTATE, token=account.token, json_body={"grace_seconds": grace})
        assert (answer.status, answer.error["param"]) == (400, "grace_seconds"), grace


def test_owners_and_admins_rotate_a_members_secret_members_cannot(api, services):
    owner = new_account(services, "client")
    added = api.post("/v1/users/me/team", token=owner.token, json_body={
        "name": "M", "email": f"{unique()}@example.com", "role": "member"}).json()
    member_id, credentials = added["user"]["id"], added["credentials"]
    member = token_for(api, credentials["client_id"],
                       credentials["client_secret"]).json()["access_token"]
    path = f"/v1/users/me/team/{member_id}/credentials/rotate"
    assert api.post(path, token=member, json_body={}).status == 403
    rotated = api.post(path, token=owner.token, json_body={"grace_seconds": 0})
    assert rotated.status == 200 and rotated.json()["client_id"] == credentials["client_id"]
    assert token_for(api, credentials["client_id"], credentials["client_secret"]).status == 401
    stranger = new_account(services, "client")
    assert api.post(path, token=stranger.token, json_body={}).status == 404
    own = api.post(f"/v1/users/me/team/{owner.user_id}/credentials/rotate",
                   token=owner.token, json_body={})
    assert own.status == 403  # the owner rotates its own with /users/me/credentials/rotate


def test_usage_counts_this_minute_and_today_against_the_plan(api, services):
    account = new_account(services, "client")
    for _ in range(3):
        assert api.get("/v1/users/me", token=account.token).status == 200
    answer = api.get("/v1/usage", token=account.token)
    assert answer.status == 200, answer.body
    usage = answer.json()
    assert usage["plan"] == "professional"
    assert usage["organization_id"] == "org_" + account.user_id[4:]
    minute, day = usage["per_minute"], usage["per_day"]
    assert (minute["limit"], day["limit"]) == (60, 10_000)
    assert minute["used"] == 4 and day["used"] == 4  # three calls and this one
    assert minute["remaining"] == int(answer.headers["x-ratelimit-remaining"]) == 56
    assert day["remaining"] == 10_000 - 4
    assert day["resets_at"].endswith("T00:00:00Z")


def test_members_share_the_organizations_usage(api, services):
    owner = new_account(services, "client")
    added = api.post("/v1/users/me/team", token=owner.token, json_body={
        "name": "M", "email": f"{unique()}@example.com", "role": "member"}).json()
    member = token_for(api, added["credentials"]["client_id"],
                       added["credentials"]["client_secret"]).json()["access_token"]
    api.get("/v1/users/me", token=member)
    mine = api.get("/v1/usage", token=owner.token).json()
    # The owner's POST, the member's GET and this one: one account's counters.
    assert mine["per_day"]["used"] == 3


def test_a_replayed_answer_never_repeats_a_secret_and_the_record_does_not_keep_it(api, services):
    """Every POST takes an Idempotency-Key and its answer is kept for replays: a client secret
    is shown once and stored only hashed, so the record holds null in its place."""
    owner = new_account(services, "client")
    body = {"name": "M", "email": f"{unique()}@example.com", "role": "member"}
    headers = {"Idempotency-Key": f"add-{unique()}"}
    first = api.post("/v1/users/me/team", token=owner.token, json_body=body, headers=headers)
    again = api.post("/v1/users/me/team", token=owner.token, json_body=body, headers=headers)
    secret = first.json()["credentials"]["client_secret"]
    assert first.status == again.status == 201 and secret.startswith("lns_")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["credentials"] == {"client_id": first.json()["credentials"]["client_id"],
                                           "client_secret": None}
    assert again.json()["user"] == first.json()["user"]
    rotated = api.post(ROTATE, token=owner.token, json_body={}, headers={"Idempotency-Key": "r1"})
    assert rotated.json()["client_secret"].startswith("lns_")
    from chalicelib.services.idempotency import record_key

    stored = str([services.store.get(record_key(owner.user_id, key), consistent=True)
                  for key in (headers["Idempotency-Key"], "r1")])
    assert secret not in stored and rotated.json()["client_secret"] not in stored
    assert "client_secret" in stored  # the records are there, with null in its place


def test_usage_shows_a_custom_plans_own_limits(api, services):
    account = new_account(services, "client", unlimited=True)  # custom: 100,000 / 10,000,000
    usage = api.get("/v1/usage", token=account.token).json()
    assert usage["plan"] == "custom"
    assert (usage["per_minute"]["limit"], usage["per_day"]["limit"]) == (100_000, 10_000_000)
