"""Client teams (docs/teams.md): an owner adds an admin and a member, each signs in with its
own credentials and sees what the others created; roles are enforced; a removed member is
refused at once; sales pros have no team; data written before organizations migrates."""
from __future__ import annotations

from typing import Any

import pytest

from support.accounts import new_account, unique

TEAM = "/v1/users/me/team"


def sign_in(api: Any, credentials: dict[str, str]) -> Any:
    return api.post("/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"]})


def add(api: Any, token: str, role: str, **fields: Any) -> Any:
    return api.post(TEAM, token=token, json_body={
        "name": fields.get("name", f"Member {unique()}"),
        "email": fields.get("email", f"{unique()}@example.com"), "role": role})


@pytest.fixture
def team(api: Any, services: Any) -> dict[str, Any]:
    """An organization: its owner, an admin and a member, each with a token from its own
    credentials (through POST /oauth/token)."""
    owner = new_account(services, "client", company="Acme Corp", industry="saas")
    people: dict[str, Any] = {"owner": owner.token}
    for role in ("admin", "member"):
        answer = add(api, owner.token, role)
        assert answer.status == 201, answer.body
        body = answer.json()
        assert body["user"]["role"] == role and body["credentials"]["client_secret"]
        token = sign_in(api, body["credentials"])
        assert token.status == 200, token.body
        people[role] = token.json()["access_token"]
        people[f"{role}_id"] = body["user"]["id"]
        people[f"{role}_credentials"] = body["credentials"]
    people["owner_id"] = owner.user_id
    return people


def test_members_sign_in_and_see_what_the_others_created(api, team):
    me = api.get("/v1/users/me", token=team["member"]).json()
    owner = api.get("/v1/users/me", token=team["owner"]).json()
    assert me["role"] == "member" and owner["role"] == "owner"
    assert me["organization_id"] == owner["organization_id"] == "org_" + team["owner_id"][4:]
    assert me["id"] == team["member_id"] and me["plan"] == owner["plan"]

    created = api.post("/v1/opportunities", token=team["member"], json_body={
        "title": "Team-made AE role", "industry": "saas", "compensation_model": "commission",
        "commission_rate": 0.1})
    assert created.status == 201, created.body
    opp = created.json()
    assert opp["client_id"] == team["owner_id"]  # the organization's, not the member's
    for who in ("owner", "admin"):
        seen = api.get(f"/v1/opportunities/{opp['id']}", token=team[who])
        assert seen.status == 200
        listed = api.get("/v1/opportunities", token=team[who]).json()["data"]
        assert opp["id"] in [o["id"] for o in listed]
    edited = api.patch(f"/v1/opportunities/{opp['id']}", token=team["admin"],
                       json_body={"title": "Edited by the admin"})
    assert edited.status == 200

    members = api.get(TEAM, token=team["member"])
    assert members.status == 200
    roles = {m["id"]: m["role"] for m in members.json()["data"]}
    assert roles == {team["owner_id"]: "owner", team["admin_id"]: "admin",
                     team["member_id"]: "member"}
    assert members.json()["has_more"] is False


def test_members_cannot_change_the_team_or_move_money(api, team, sales_pro):
    assert add(api, team["member"], "member").status == 403
    refused = api.patch(f"{TEAM}/{team['admin_id']}", token=team["member"],
                        json_body={"role": "member"})
    assert (refused.status, refused.error["code"]) == (403, "insufficient_role")
    assert api.delete(f"{TEAM}/{team['admin_id']}", token=team["member"]).status == 403
    for path, body in (("/v1/payments/escrow/fund", {"amount": 100}),
                       ("/v1/payments/escrow/release", {"amount": 100}),
                       ("/v1/payments/escrow/refund", {"amount": 100}),
                       ("/v1/payments/escrow/dispute", {"amount": 100, "reason": "x"})):
        engagement = _engagement(api, team, sales_pro)
        answer = api.post(path, token=team["member"],
                          json_body={"engagement_id": engagement, **body})
        assert (answer.status, answer.error["code"]) == (403, "insufficient_role"), path
    hook = api.post("/v1/webhooks", token=team["member"], json_body={
        "url": "http://127.0.0.1:9/hook", "events": ["*"]})
    assert (hook.status, hook.error["code"]) == (403, "insufficient_role")
    assert api.get("/v1/webhooks", token=team["member"]).status == 200  # reading is fine


def test_roles_change_and_ownership_moves_only_by_transfer(api, team):
    demote = api.patch(f"{TEAM}/{team['owner_id']}", token=team["admin"],
                       json_body={"role": "member"})
    assert (demote.status, demote.error["code"]) == (403, "owner_protected")
    assert api.delete(f"{TEAM}/{team['owner_id']}", token=team["admin"]).status == 403
    promoted = api.patch(f"{TEAM}/{team['member_id']}", token=team["admin"],
                         json_body={"role": "admin"})
    assert promoted.status == 200 and promoted.json()["role"] == "admin"
    bad = api.patch(f"{TEAM}/{team['member_id']}", token=team["owner"],
                    json_body={"role": "owner"})
    assert bad.status == 400  # only a transfer makes an owner
    assert api.post(f"{TEAM}/{team['admin_id']}/transfer", token=team["admin"],
                    json_body={}).status == 403
    moved = api.post(f"{TEAM}/{team['admin_id']}/transfer", token=team["owner"], json_body={})
    assert moved.status == 200 and moved.json()["role"] == "owner"
    roles = {m["id"]: m["role"] for m in api.get(TEAM, token=team["owner"]).json()["data"]}
    assert roles[team["owner_id"]] == "admin" and roles[team["admin_id"]] == "owner"


def test_a_removed_member_is_refused_at_once(api, team, services):
    assert api.get("/v1/users/me", token=team["member"]).status == 200
    assert api.delete(f"{TEAM}/{team['member_id']}", token=team["admin"]).status == 204
    assert api.get("/v1/users/me", token=team["member"]).status == 401  # its live token
    assert sign_in(api, team["member_credentials"]).status == 401       # its credentials
    ids = [m["id"] for m in api.get(TEAM, token=team["owner"]).json()["data"]]
    assert team["member_id"] not in ids
    again = api.delete(f"{TEAM}/{team['member_id']}", token=team["admin"])
    assert again.status == 404


def test_team_events_reach_the_organization(api, team):
    events = api.get("/v1/events?type=user.created", token=team["owner"]).json()["data"]
    added = {e["data"]["user_id"]: e["data"] for e in events}
    assert added[team["member_id"]]["role"] == "member"
    assert added[team["member_id"]]["organization_id"] == "org_" + team["owner_id"][4:]
    api.patch(f"{TEAM}/{team['member_id']}", token=team["owner"], json_body={"role": "admin"})
    updated = api.get("/v1/events?type=user.updated", token=team["admin"]).json()["data"]
    assert {"user_id": team["member_id"], "changed": ["role"]} in [e["data"] for e in updated]


def test_sales_pros_have_no_team_and_strangers_see_none(api, sales_pro, client_account, team):
    for answer in (api.get(TEAM, token=sales_pro.token),
                   add(api, sales_pro.token, "member"),
                   api.patch(f"{TEAM}/{team['member_id']}", token=sales_pro.token,
                             json_body={"role": "admin"}),
                   api.delete(f"{TEAM}/{team['member_id']}", token=sales_pro.token),
                   api.post(f"{TEAM}/{team['member_id']}/transfer", token=sales_pro.token,
                            json_body={})):
        assert (answer.status, answer.error["code"]) == (403, "forbidden"), answer.body
    other = api.delete(f"{TEAM}/{team['member_id']}", token=client_account.token)
    assert other.status == 404  # another organization's user does not exist for it
    mine = [m["id"] for m in api.get(TEAM, token=client_account.token).json()["data"]]
    assert mine == [client_account.user_id]


def test_client_users_stored_before_organizations_migrate(api, services, client_account):
    """An item written the old way (no account_id, role, member index) reads as the owner of
    a one-person organization; the migration writes that down once."""
    from chalicelib.admin.commands import migrate_organizations
    from chalicelib.storage.users import user_key

    services.table.update_item(Key=user_key(client_account.user_id),
                               UpdateExpression="REMOVE account_id, #r, GSI2PK, GSI2SK",
                               ExpressionAttributeNames={"#r": "role"})
    me = api.get("/v1/users/me", token=client_account.token).json()
    assert me["role"] == "owner" and me["organization_id"] == "org_" + client_account.user_id[4:]
    assert [m["id"] for m in api.get(TEAM, token=client_account.token).json()["data"]] == \
        [client_account.user_id]
    assert add(api, client_account.token, "member").status == 201  # works before migrating

    first = migrate_organizations(services, None)
    assert first["migrated"] >= 1
    item = services.table.get_item(Key=user_key(client_account.user_id))["Item"]
    assert (item["account_id"], item["role"]) == (client_account.user_id, "owner")
    assert item["GSI2PK"] == f"ORG#{client_account.user_id}"
    assert migrate_organizations(services, None)["migrated"] == 0  # safe to re-run
    ids = [m["id"] for m in api.get(TEAM, token=client_account.token).json()["data"]]
    assert ids[0] == client_account.user_id and len(ids) == 2


def _engagement(api: Any, team: dict[str, Any], sales_pro: Any) -> str:
    """An engagement of the organization, created by its member."""
    opp = api.post("/v1/opportunities", token=team["member"], json_body={
        "title": "AE", "industry": "saas", "compensation_model": "commission",
        "commission_rate": 0.1}).json()
    answer = api.post("/v1/engagements", token=team["member"], json_body={
        "opportunity_id": opp["id"], "sales_pro_id": sales_pro.user_id,
        "terms": {"compensation_model": "commission", "commission_rate": 0.1}})
    assert answer.status == 201, answer.body
    return answer.json()["id"]
