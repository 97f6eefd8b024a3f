"""GET /v1/messages/conversations[/{id}]: latest-first lists, pages, unread counts and
read receipts."""
from __future__ import annotations

from chalicelib.ids import new_id
from chalicelib.services.messages import preview_of

from .conftest import conversation_of, send


def conversations(api, account, **query):
    path = "/v1/messages/conversations"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(path, token=account.token)


def read(api, account, conversation_id, **query):
    path = f"/v1/messages/conversations/{conversation_id}"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(path, token=account.token)


def test_conversations_are_listed_latest_activity_first(api, alice, bob, carol, make_account):
    dave = make_account("client", name="Dave Client")
    with_bob = conversation_of(api, alice, bob, "to bob")
    with_carol = conversation_of(api, alice, carol, "to carol")
    with_dave = conversation_of(api, dave, alice, "from dave")
    listed = conversations(api, alice).json()
    assert [c["id"] for c in listed["data"]] == [with_dave, with_carol, with_bob]
    assert listed["has_more"] is False and listed["next_cursor"] is None

    reply = send(api, bob, recipient_id=alice.user_id, body="bob again").json()
    first = conversations(api, alice).json()["data"][0]
    assert first == {
        "id": with_bob, "engagement_id": None,
        "other_participant": {"id": bob.user_id, "name": "Bob Pro", "type": "sales_pro"},
        "last_message": {"id": reply["id"], "sender_id": bob.user_id, "preview": "bob again",
                         "created_at": reply["created_at"]},
        "unread_count": 1, "created_at": first["created_at"]}
    # Carol sees her own conversation only, with Alice as the other participant.
    carols = conversations(api, carol).json()["data"]
    assert [(c["id"], c["other_participant"]["id"], c["other_participant"]["type"])
            for c in carols] == [(with_carol, alice.user_id, "client")]


def test_conversation_list_pages_without_gaps_or_repeats(api, alice, bob, carol, make_account):
    others = [bob, carol, make_account("sales_pro"), make_account("sales_pro")]
    expected = [conversation_of(api, other, alice, "hi")
                for other in others][::-1]
    first = conversations(api, alice, limit=3).json()
    assert first["has_more"] is True and len(first["data"]) == 3
    second = conversations(api, alice, limit=3, cursor=first["next_cursor"]).json()
    assert second["has_more"] is False and second["next_cursor"] is None
    assert [c["id"] for c in first["data"] + second["data"]] == expected
    # A cursor is bound to its list and its reader.
    stolen = conversations(api, bob, limit=3, cursor=first["next_cursor"])
    assert stolen.status == 400 and stolen.error["code"] == "invalid_cursor"
    tampered = conversations(api, alice, limit=3, cursor=first["next_cursor"][:-2] + "xx")
    assert tampered.status == 400 and tampered.error["code"] == "invalid_cursor"


def test_messages_come_in_chronological_order_across_pages(api, alice, bob):
    sent = []
    for i in range(7):
        author, other = (alice, bob) if i % 2 == 0 else (bob, alice)
        sent.append(send(api, author, recipient_id=other.user_id, body=f"message {i}").json())
    conversation = sent[0]["conversation_id"]
    pages, cursor = [], None
    while True:
        more = {"cursor": cursor} if cursor else {}
        page = read(api, alice, conversation, limit=3, **more).json()
        pages.append([m["body"] for m in page["data"]])
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None)
        if cursor is None:
            break
    assert pages == [["message 0", "message 1", "message 2"],
                     ["message 3", "message 4", "message 5"], ["message 6"]]
    other_list = conversations(api, alice, limit=1)
    wrong_list = read(api, alice, conversation, cursor=other_list.json()["next_cursor"] or "x.y")
    assert wrong_list.status == 400 and wrong_list.error["code"] == "invalid_cursor"
    bobs_cursor = read(api, bob, conversation, limit=3).json()["next_cursor"]
    assert read(api, alice, conversation, cursor=bobs_cursor).error["code"] == "invalid_cursor"


def test_unread_count_counts_received_messages_and_reading_clears_it(api, alice, bob):
    conversation = None
    for body in ("one", "two", "three"):
        conversation = conversation_of(api, alice, bob, body)
    send(api, bob, conversation_id=conversation, body="reply")
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 3
    assert conversations(api, alice).json()["data"][0]["unread_count"] == 1

    read(api, bob, conversation)
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 0
    assert conversations(api, alice).json()["data"][0]["unread_count"] == 1, "not bob's to clear"
    send(api, alice, conversation_id=conversation, body="four")
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 1


def test_reading_sets_read_at_once_on_the_readers_received_messages(api, alice, bob):
    to_bob = send(api, alice, recipient_id=bob.user_id, body="to bob").json()
    send(api, bob, recipient_id=alice.user_id, body="to alice")
    conversation = to_bob["conversation_id"]

    alices_view = read(api, alice, conversation).json()["data"]
    assert alices_view[0]["read_at"] is None, "Bob has not read it; Alice's read does not count"
    alice_read_at = alices_view[1]["read_at"]
    assert alice_read_at is not None

    bobs_view = read(api, bob, conversation).json()["data"]
    assert bobs_view[0]["read_at"] is not None and bobs_view[1]["read_at"] == alice_read_at
    again = read(api, alice, conversation).json()["data"]
    assert [m["read_at"] for m in again] == [bobs_view[0]["read_at"], alice_read_at]


def test_reading_a_page_marks_only_that_page_but_clears_the_count(api, alice, bob):
    for i in range(4):
        conversation = conversation_of(api, alice, bob, f"m{i}")
    first = read(api, bob, conversation, limit=2).json()
    assert [bool(m["read_at"]) for m in first["data"]] == [True, True]
    # The count is what was unread when Bob opened the conversation, so it clears...
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 0
    # ...while read receipts stay exact: the page Bob has not fetched is still unread.
    page = read(api, alice, conversation, limit=2).json()
    rest = read(api, alice, conversation, limit=2, cursor=page["next_cursor"]).json()
    assert [bool(m["read_at"]) for m in page["data"] + rest["data"]] == [True, True, False, False]


def test_non_participants_get_404_and_cannot_mark_anything_read(api, alice, bob, carol):
    conversation = conversation_of(api, alice, bob, "private")
    for cnv in (conversation, new_id("cnv"), "nope"):
        answer = read(api, carol, cnv)
        assert answer.status == 404 and answer.error["code"] == "resource_missing", cnv
        assert answer.error["message"] == f"No such conversation: '{cnv}'."
    assert conversations(api, carol).json()["data"] == []
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 1
    assert read(api, alice, conversation).json()["data"][0]["read_at"] is None


def test_list_parameters_are_validated(api, account_pair):
    alice, _ = account_pair
    for query, param in [("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"),
                         ("order=asc", "order")]:
        for path in ("/v1/messages/conversations", f"/v1/messages/conversations/{new_id('cnv')}"):
            answer = api.get(f"{path}?{query}", token=alice.token)
            assert answer.status == 400 and answer.error["param"] == param, (path, query)


def test_preview_is_the_first_140_characters(api, alice, bob):
    body = "".join(chr(ord("a") + i % 26) for i in range(300))
    send(api, alice, recipient_id=bob.user_id, body=body)
    assert conversations(api, bob).json()["data"][0]["last_message"]["preview"] == body[:140]


def test_preview_does_not_cut_a_visible_character_in_half():
    assert preview_of("x" + "e\u0301" * 100) == "x" + "e\u0301" * 69  # combining acute kept whole
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert preview_of("a" * 137 + family) == "a" * 137  # the cut fell inside the ZWJ sequence
    assert preview_of("a" * 139 + "\U0001F1EB\U0001F1F7") == "a" * 139  # no half flag
    assert preview_of("b" * 138 + "\U0001F1EB\U0001F1F7") == "b" * 138 + "\U0001F1EB\U0001F1F7"
    assert preview_of("short 👍🏽") == "short 👍🏽"


def test_reading_a_page_marks_it_read_in_one_write(api, services, alice, bob):
    """However many unread messages the page shows, their read receipts and the unread count
    are one transaction (the one-by-one writes only when something moved meanwhile)."""
    conversation_id = conversation_of(api, alice, bob, "one")
    for body in ("two", "three", "four"):
        send(api, alice, recipient_id=bob.user_id, body=body)
    writes = []
    events = services.table.meta.client.meta.events

    def count(event_name, **_):
        if event_name.split(".")[-1] in ("UpdateItem", "TransactWriteItems", "PutItem"):
            writes.append(event_name.split(".")[-1])
    events.register("before-call.dynamodb", count)
    try:
        page = read(api, bob, conversation_id).json()["data"]
    finally:
        events.unregister("before-call.dynamodb", count)
    assert all(m["read_at"] for m in page) and len(page) == 4
    assert writes == ["TransactWriteItems"]  # the page: receipts and unread count together
    assert conversations(api, bob).json()["data"][0]["unread_count"] == 0
