"""POST /v1/messages/send: conversations per pair and per engagement, validation, ownership."""
from __future__ import annotations

import re

import pytest

from chalicelib.ids import new_id

from .conftest import conversation_of, send

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_first_message_answers_201_with_the_message(api, alice, bob):
    answer = send(api, alice, recipient_id=bob.user_id, body="Hello Bob")
    assert answer.status == 201, answer.json()
    message = answer.json()
    assert set(message) == {"id", "conversation_id", "sender_id", "recipient_id", "body",
                            "created_at", "read_at"}
    assert message["id"].startswith("msg_") and message["conversation_id"].startswith("cnv_")
    assert message["sender_id"] == alice.user_id and message["recipient_id"] == bob.user_id
    assert message["body"] == "Hello Bob" and message["read_at"] is None
    assert ISO_Z.match(message["created_at"])


def test_one_conversation_per_pair_whichever_way_and_however_addressed(api, alice, bob):
    first = send(api, alice, recipient_id=bob.user_id, body="1").json()
    reply = send(api, bob, recipient_id=alice.user_id, body="2").json()
    by_id = send(api, alice, conversation_id=first["conversation_id"], body="3").json()
    assert first["conversation_id"] == reply["conversation_id"] == by_id["conversation_id"]
    assert by_id["recipient_id"] == bob.user_id
    listed = api.get("/v1/messages/conversations", token=bob.token).json()["data"]
    assert [c["id"] for c in listed] == [first["conversation_id"]]


def test_different_pairs_get_different_conversations(api, alice, bob, carol):
    with_bob = send(api, alice, recipient_id=bob.user_id, body="hi").json()
    with_carol = send(api, alice, recipient_id=carol.user_id, body="hi").json()
    assert with_bob["conversation_id"] != with_carol["conversation_id"]


UNICODE_BODIES = [
    "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 tone, 🇫🇷🇯🇵 flags",
    "مرحبا بالعالم — שלום עולם \u200f(RTL)\u200e mixed with LTR",
    "e\u0301 vs \u00e9 (NFD and NFC stay distinct), Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "中文 日本語 한국어 ไทย हिन्दी 𝕄𝕒𝕥𝕙 𓂀 \U0010fffd",
    "  leading and trailing spaces, tabs\tand\r\nCRLF lines\n  ",
    "quotes \" ' \\ backslash </script> & <b>html</b> ${not} {{template}}",
    "\u202eoverride\u202c \u2066isolate\u2069 \ufeffBOM \u00a0nbsp \u2028line sep",
]


def test_any_unicode_is_stored_and_returned_exactly(api, alice, bob):
    longest = "😀" * 9_999 + "é"  # 10,000 code points, ~40 KB of UTF-8
    bodies = [*UNICODE_BODIES, longest]
    for body in bodies:
        sent = send(api, alice, recipient_id=bob.user_id, body=body)
        assert sent.status == 201, sent.json()
        assert sent.json()["body"] == body
    conversation = sent.json()["conversation_id"]
    read = api.get(f"/v1/messages/conversations/{conversation}", token=bob.token)
    assert [m["body"] for m in read.json()["data"]] == bodies


@pytest.mark.parametrize("body, code, message", [
    ("", "invalid_parameter", "The 'body' field must be at least 1 characters long."),
    ("x" * 10_001, "invalid_parameter", "The 'body' field must be at most 10000 characters long."),
    (" \n\t ", "invalid_parameter", "The 'body' field must not be blank."),
    ("a\u0000b", "invalid_parameter", "The 'body' field must be free of control characters "
                                       "other than tab, line feed and carriage return "
                                       "(found U+0000)."),
    ("bell\u0007", "invalid_parameter", "The 'body' field must be free of control characters "
                                        "other than tab, line feed and carriage return "
                                        "(found U+0007)."),
    (42, "invalid_parameter", "The 'body' field must be a string."),
    (None, "invalid_parameter", "The 'body' field must be a string."),
])
def test_bad_bodies_are_refused(api, account_pair, body, code, message):
    alice, bob = account_pair
    answer = send(api, alice, recipient_id=bob.user_id, body=body)
    assert answer.status == 400
    assert answer.error == {"code": code, "message": message, "param": "body",
                            "doc_url": f"https://docs.leadnod.com/errors/{code}"}


def test_missing_body_and_lone_surrogates(api, account_pair):
    alice, bob = account_pair
    missing = send(api, alice, recipient_id=bob.user_id)
    assert missing.status == 400 and missing.error["code"] == "missing_parameter"
    assert missing.error["param"] == "body"
    raw = '{"recipient_id": "%s", "body": "half a pair \\ud83d"}' % bob.user_id
    surrogate = api.post("/v1/messages/send", token=alice.token, body=raw,
                         headers={"Content-Type": "application/json"})
    assert surrogate.status == 400 and surrogate.error["code"] == "invalid_json"


def test_unknown_fields_and_wrong_types_are_refused(api, account_pair):
    alice, bob = account_pair
    for body, param in [({"recipient_id": bob.user_id, "body": "x", "subject": "s"}, "subject"),
                        ({"recipient_id": 7, "body": "x"}, "recipient_id"),
                        ({"recipient_id": "u" * 65, "body": "x"}, "recipient_id"),
                        ({"conversation_id": ["cnv"], "body": "x"}, "conversation_id")]:
        answer = api.post("/v1/messages/send", token=alice.token, json_body=body)
        assert answer.status == 400 and answer.error["param"] == param, (body, answer.json())


def test_messaging_yourself_is_a_400(api, account_pair):
    alice, _ = account_pair
    answer = send(api, alice, recipient_id=alice.user_id, body="note to self")
    assert answer.status == 400 and answer.error["param"] == "recipient_id"
    assert answer.error["message"] == "You cannot send a message to yourself."


def test_unknown_and_disabled_recipients_are_404(api, services, alice, carol):
    unknown = send(api, alice, recipient_id=new_id("usr"), body="hello?")
    assert unknown.status == 404 and unknown.error["code"] == "resource_missing"
    assert unknown.error["param"] == "recipient_id"
    services.users_repo.set_attributes(carol.user_id, status="disabled")
    disabled = send(api, alice, recipient_id=carol.user_id, body="hello?")
    assert disabled.status == 404 and disabled.error == unknown.error | {
        "message": f"No such user: '{carol.user_id}'."}


def test_sending_into_a_conversation_whose_other_side_was_disabled_is_404(api, services,
                                                                          alice, bob):
    conversation = conversation_of(api, alice, bob, "hi")
    services.users_repo.set_attributes(bob.user_id, status="disabled")
    answer = send(api, alice, conversation_id=conversation, body="still there?")
    assert answer.status == 404 and answer.error["param"] == "conversation_id"


def test_exactly_one_of_recipient_or_conversation(api, alice, bob):
    conversation = conversation_of(api, alice, bob, "hi")
    both = send(api, alice, recipient_id=bob.user_id, conversation_id=conversation, body="x")
    assert both.status == 400 and both.error["code"] == "invalid_parameter"
    assert both.error["param"] == "conversation_id"
    neither = send(api, alice, body="x")
    assert neither.status == 400 and neither.error["code"] == "missing_parameter"
    assert neither.error["param"] == "recipient_id"


def test_a_conversation_you_are_not_in_is_404(api, alice, bob, carol):
    conversation = conversation_of(api, alice, bob, "private")
    for cnv in (conversation, new_id("cnv"), "not-an-id", "cnv_" + "x" * 60):
        answer = send(api, carol, conversation_id=cnv, body="let me in")
        assert answer.status == 404, cnv
        assert answer.error["code"] == "resource_missing"
        assert answer.error["param"] == "conversation_id"
    # Nothing was written into it.
    read = api.get(f"/v1/messages/conversations/{conversation}", token=bob.token).json()
    assert [m["body"] for m in read["data"]] == ["private"]


def test_write_scope_is_needed_to_send(api, services, account_pair):
    alice, bob = account_pair
    reader = services.token_issuer.issue(user_id=alice.user_id, client_id=alice.client_id,
                                         scopes=["read"])
    answer = api.post("/v1/messages/send", token=reader,
                      json_body={"recipient_id": bob.user_id, "body": "hi"})
    assert answer.status == 403 and answer.error["code"] == "insufficient_scope"



def test_a_token_is_required_and_send_is_post_only(api, account_pair):
    alice, bob = account_pair
    anonymous = api.post("/v1/messages/send", json_body={"recipient_id": bob.user_id, "body": "x"})
    assert anonymous.status == 401 and anonymous.error["code"] == "unauthorized"
    wrong_method = api.get("/v1/messages/send", token=alice.token)
    assert wrong_method.status == 405 and wrong_method.headers["allow"] == "POST"
