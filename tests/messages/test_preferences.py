"""GET/PATCH /v1/messages/preferences: defaults, partial strict updates, one set per user."""
from __future__ import annotations

import pytest

PATH = "/v1/messages/preferences"
DEFAULTS = {"email_on_new_message": True, "digest_frequency": "daily", "updated_at": None}


def test_defaults_then_partial_updates_that_stay_per_user(api, alice, bob):
    assert api.get(PATH, token=alice.token).json() == DEFAULTS
    weekly = api.patch(PATH, token=alice.token, json_body={"digest_frequency": "weekly"})
    assert weekly.status == 200
    assert weekly.json()["digest_frequency"] == "weekly"
    assert weekly.json()["email_on_new_message"] is True and weekly.json()["updated_at"]
    quiet = api.patch(PATH, token=alice.token, json_body={"email_on_new_message": False}).json()
    assert (quiet["email_on_new_message"], quiet["digest_frequency"]) == (False, "weekly")
    assert api.get(PATH, token=alice.token).json() == quiet
    assert api.get(PATH, token=bob.token).json() == DEFAULTS


def test_put_and_empty_patch(api, alice):
    both = api.put(PATH, token=alice.token,
                   json_body={"email_on_new_message": False, "digest_frequency": "never"})
    assert both.status == 200
    unchanged = api.patch(PATH, token=alice.token, json_body={})
    assert unchanged.status == 200 and unchanged.json() == both.json()


@pytest.mark.parametrize("body, code, param, message", [
    ({"email_on_new_message": "false"}, "invalid_parameter", "email_on_new_message",
     "The 'email_on_new_message' field must be a boolean."),
    ({"email_on_new_message": 0}, "invalid_parameter", "email_on_new_message",
     "The 'email_on_new_message' field must be a boolean."),
    ({"email_on_new_message": None}, "invalid_parameter", "email_on_new_message",
     "The 'email_on_new_message' field must be a boolean."),
    ({"digest_frequency": "hourly"}, "invalid_parameter", "digest_frequency",
     "The 'digest_frequency' field must be one of: 'never', 'daily' or 'weekly'."),
    ({"digest_frequency": None}, "invalid_parameter", "digest_frequency",
     "The 'digest_frequency' field must be one of: 'never', 'daily' or 'weekly'."),
    ({"sms_on_new_message": True}, "invalid_parameter", "sms_on_new_message",
     "Received unknown parameter: 'sms_on_new_message'."),
    ({"updated_at": "2026-01-01T00:00:00Z"}, "invalid_parameter", "updated_at",
     "Received unknown parameter: 'updated_at'."),
    ([], "invalid_json", None, "The request body must be a JSON object."),
])
def test_patch_is_strict(api, account_pair, body, code, param, message):
    alice, _ = account_pair
    answer = api.patch(PATH, token=alice.token, json_body=body)
    assert answer.status == 400
    assert answer.error == {"code": code, "message": message, "param": param,
                            "doc_url": f"https://docs.leadnod.com/errors/{code}"}
    assert api.get(PATH, token=alice.token).json() == DEFAULTS


def test_malformed_json_and_scopes(api, services, account_pair):
    alice, _ = account_pair
    broken = api.patch(PATH, token=alice.token, body="{not json",
                       headers={"Content-Type": "application/json"})
    assert broken.status == 400 and broken.error["code"] == "invalid_json"
    reader = services.token_issuer.issue(user_id=alice.user_id, client_id=alice.client_id,
                                         scopes=["read"])
    assert api.get(PATH, token=reader).status == 200
    refused = api.patch(PATH, token=reader, json_body={"digest_frequency": "never"})
    assert refused.status == 403 and refused.error["code"] == "insufficient_scope"
    assert api.delete(PATH, token=alice.token).status == 405
