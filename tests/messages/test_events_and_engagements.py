"""Events recorded with messages, and conversations tied to an engagement."""
from __future__ import annotations

from chalicelib.ids import new_id

from .conftest import events_for, send


def message_events(services, account):
    return [e for e in events_for(services, account.user_id)
            if e["type"] in ("conversation.started", "message.received")]


def test_first_message_starts_the_conversation_for_both_and_each_message_reaches_its_recipient(
        api, services, alice, bob, carol):
    first = send(api, alice, recipient_id=bob.user_id, body="hello").json()
    reply = send(api, bob, recipient_id=alice.user_id, body="hi back").json()
    conversation = first["conversation_id"]
    started = {"conversation_id": conversation,
               "participant_ids": sorted([alice.user_id, bob.user_id]), "engagement_id": None}

    bobs = message_events(services, bob)
    assert [(e["type"], e["payload"]["data"]) for e in bobs] == [
        ("conversation.started", started),
        ("message.received", {"message_id": first["id"], "conversation_id": conversation,
                              "sender_id": alice.user_id, "recipient_id": bob.user_id})]
    alices = message_events(services, alice)
    assert [(e["type"], e["payload"]["data"]) for e in alices] == [
        ("conversation.started", started),
        ("message.received", {"message_id": reply["id"], "conversation_id": conversation,
                              "sender_id": bob.user_id, "recipient_id": alice.user_id})]
    assert alices[0]["payload"]["id"] == bobs[0]["payload"]["id"], "one event, two recipients"
    assert message_events(services, carol) == []


def test_engagement_conversations_are_separate_and_one_per_engagement(api, services, alice, bob,
                                                                       engagement):
    first_engagement, second_engagement = (engagement(alice.user_id, bob.user_id),
                                           engagement(alice.user_id, bob.user_id))
    plain = send(api, alice, recipient_id=bob.user_id, body="plain").json()["conversation_id"]
    about_first = send(api, alice, recipient_id=bob.user_id, engagement_id=first_engagement,
                       body="about the first").json()["conversation_id"]
    reply = send(api, bob, recipient_id=alice.user_id, engagement_id=first_engagement, body="ok")
    about_second = send(api, bob, recipient_id=alice.user_id, engagement_id=second_engagement,
                        body="about the second").json()["conversation_id"]
    assert reply.json()["conversation_id"] == about_first
    assert len({plain, about_first, about_second}) == 3

    listed = api.get("/v1/messages/conversations", token=bob.token).json()["data"]
    assert {(c["id"], c["engagement_id"]) for c in listed} == {
        (plain, None), (about_first, first_engagement), (about_second, second_engagement)}
    started = [e["payload"]["data"]["engagement_id"] for e in message_events(services, alice)
               if e["type"] == "conversation.started"]
    assert started == [None, first_engagement, second_engagement]


def test_engagement_id_must_match_the_conversation(api, alice, bob, engagement):
    engagement_id = engagement(alice.user_id, bob.user_id)
    about = send(api, alice, recipient_id=bob.user_id, engagement_id=engagement_id,
                 body="x").json()["conversation_id"]
    plain = send(api, alice, recipient_id=bob.user_id, body="y").json()["conversation_id"]
    matching = send(api, bob, conversation_id=about, engagement_id=engagement_id, body="z")
    assert matching.status == 201
    for conversation, given in ((about, engagement(alice.user_id, bob.user_id)),
                                (plain, engagement_id)):
        answer = send(api, bob, conversation_id=conversation, engagement_id=given, body="z")
        assert answer.status == 400 and answer.error["param"] == "engagement_id"


def test_the_engagement_must_exist_and_both_users_be_its_parties(api, alice, bob, carol,
                                                                  engagement):
    theirs = engagement(alice.user_id, bob.user_id)
    for engagement_id in (new_id("eng"), "eng_short", "x" * 64):
        unknown = send(api, alice, recipient_id=bob.user_id, engagement_id=engagement_id, body="?")
        assert unknown.status == 404 and unknown.error["code"] == "resource_missing"
        assert unknown.error["param"] == "engagement_id"
    # Carol is no party: to her the engagement does not exist.
    outsider = send(api, carol, recipient_id=alice.user_id, engagement_id=theirs, body="psst")
    assert outsider.status == 404 and outsider.error["param"] == "engagement_id"
    # Alice is a party, but Carol is not, so Alice cannot pull her into it.
    pulled_in = send(api, alice, recipient_id=carol.user_id, engagement_id=theirs, body="hey")
    assert pulled_in.status == 400 and pulled_in.error["param"] == "recipient_id"
    for account in (alice, carol):
        assert api.get("/v1/messages/conversations", token=account.token).json()["data"] == []
