"""/v1/users: the docs' /users/me example, updates, public profiles, ownership."""
from __future__ import annotations

import re

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_me_matches_the_docs_example(api, client_account):
    answer = api.get("/v1/users/me", token=client_account.token)
    assert answer.status == 200
    me = answer.json()
    assert me["id"].startswith("usr_") and me["type"] == "client"
    assert me["email"] == client_account.email
    assert me["company"] == "Acme Corp" and me["industry"] == "saas"
    assert ISO_Z.match(me["created_at"])
    assert set(me["profile"]) == {"avatar_url", "bio", "website"}
    assert answer.headers["x-request-id"]


def test_patch_me_updates_fields_and_profile(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, json_body={
        "name": "John Smith", "profile": {"website": "https://acme.com", "bio": "We sell."}})
    assert answer.status == 200, answer.json()
    body = answer.json()
    assert body["name"] == "John Smith" and body["profile"]["website"] == "https://acme.com"
    again = api.get("/v1/users/me", token=client_account.token).json()
    assert again["profile"]["bio"] == "We sell." and again["name"] == "John Smith"


def test_put_is_accepted_too(api, client_account):
    answer = api.put("/v1/users/me", token=client_account.token, json_body={"company": "Acme 2"})
    assert answer.status == 200 and answer.json()["company"] == "Acme 2"


def test_invalid_email_matches_docs_error(api, client_account):
    answer = api.patch("/v1/users/me", token=client_account.token, json_body={"email": "nope"})
    assert answer.status == 400
    assert answer.json() == {"error": {
        "code": "invalid_parameter", "message": "The 'email' field must be a valid email address.",
        "param": "email", "doc_url": "https://docs.leadnod.com/errors/invalid_parameter"}}


def test_protected_fields_cannot_change(api, client_account):
    for field, value in [("type", "sales_pro"), ("id", "usr_x"), ("plan", "enterprise"),
                         ("created_at", "2020-01-01T00:00:00Z")]:
        answer = api.patch("/v1/users/me", token=client_account.token, json_body={field: value})
        assert answer.status == 400 and answer.error["param"] == field
    assert api.get("/v1/users/me", token=client_account.token).json()["type"] == "client"


def test_email_change_is_unique_and_frees_the_old_one(api, make_account, services):
    first, second = make_account("client"), make_account("client")
    taken = api.patch("/v1/users/me", token=second.token, json_body={"email": first.email})
    assert taken.status == 409 and taken.error["param"] == "email"
    moved = api.patch("/v1/users/me", token=first.token,
                      json_body={"email": "moved-" + first.email})
    assert moved.status == 200
    reuse = api.patch("/v1/users/me", token=second.token, json_body={"email": first.email})
    assert reuse.status == 200
    assert services.users_repo.user_id_for_email(first.email) == second.user_id


def test_sales_pro_fields_only_for_sales_pros(api, client_account, sales_pro):
    refused = api.patch("/v1/users/me", token=client_account.token,
                        json_body={"profile": {"skills": ["x"]}})
    assert refused.status == 400 and refused.error["param"] == "profile.skills"
    ok = api.patch("/v1/users/me", token=sales_pro.token, json_body={"profile": {
        "skills": ["Cold calling", "SaaS"], "availability": "limited", "years_experience": 7,
        "compensation_models": ["commission"], "location": "Austin, TX", "languages": ["en"]}})
    assert ok.status == 200, ok.json()
    assert ok.json()["profile"]["availability"] == "limited"


def test_wrong_types_and_unknown_fields(api, sales_pro):
    for body, param in [({"name": 5}, "name"), ({"profile": {"years_experience": "7"}},
                                                 "profile.years_experience"),
                        ({"profile": {"availability": "sometimes"}}, "profile.availability"),
                        ({"nickname": "x"}, "nickname"), ({"profile": {"skills": "x"}},
                                                          "profile.skills")]:
        answer = api.patch("/v1/users/me", token=sales_pro.token, json_body=body)
        assert answer.status == 400, body
        assert answer.error["param"] == param and answer.error["code"] == "invalid_parameter"


def test_public_profile_hides_private_fields(api, client_account, sales_pro):
    answer = api.get(f"/v1/users/{sales_pro.user_id}", token=client_account.token)
    assert answer.status == 200
    body = answer.json()
    assert "email" not in body and "plan" not in body
    assert body["profile"]["headline"] == "Enterprise AE"


def test_unknown_user_is_404(api, client_account):
    answer = api.get("/v1/users/usr_doesnotexist", token=client_account.token)
    assert answer.status == 404 and answer.error["param"] == "id"


def test_update_emits_user_updated_for_that_user_only(api, services, make_account):
    from boto3.dynamodb.conditions import Key

    me, other = make_account("client"), make_account("client")
    api.patch("/v1/users/me", token=me.token, json_body={"name": "Renamed"})

    def types(user_id):
        items = services.store.query_all(Key("GSI1PK").eq(f"USER#{user_id}#EVENTS"), index="GSI1")
        return [item["type"] for item in items]

    assert types(me.user_id) == ["user.created", "user.updated"]
    assert types(other.user_id) == ["user.created"]


def test_verify_marks_once_with_one_event_and_refuses_unknown_users(api, services,
                                                                     client_account):
    from chalicelib.errors import ApiError

    assert services.accounts.verify(client_account.user_id) is True
    assert services.accounts.verify(client_account.user_id) is False  # already verified
    me = api.get("/v1/users/me", token=client_account.token).json()
    assert me["verified"] is True
    feed = api.get("/v1/events?type=user.verified", token=client_account.token).json()
    assert [e["data"]["user_id"] for e in feed["data"]] == [client_account.user_id]
    try:
        services.accounts.verify("usr_missing")
    except ApiError as exc:
        assert exc.status == 404 and exc.param == "user_id"
    else:
        raise AssertionError("verifying an unknown user must be refused")
