"""#20: a conversation's first page is one Query (the conversation item comes first, with its
participants and each one's unread count), plus one transaction when there is something to
mark read. Later pages and conversations from before 2026-12-03 read the membership too."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.models.common import ListParams
from chalicelib.storage.conversations import UNREAD_KEPT, conversation_key, unread_attribute

from .conftest import conversation_of, send


def read(services: Any, account: Any, conversation_id: str, made: list[str], **params: Any):
    made.clear()
    page = services.conversation_reader.read(account.user_id, conversation_id,
                                             ListParams(**params))
    return page, list(made)


def unread_count(services: Any, account: Any) -> int:
    return services.conversation_reader.conversations(account.user_id,
                                                      ListParams()).data[0].unread_count


def test_a_first_page_is_one_query_and_one_write_when_there_is_news(api, services, alice, bob,
                                                                    table_ops):
    conversation = conversation_of(api, alice, bob, "one")
    send(api, alice, recipient_id=bob.user_id, body="two")
    page, calls = read(services, bob, conversation, table_ops)
    assert calls == ["Query", "TransactWriteItems"]
    assert [m.body for m in page.data] == ["one", "two"] and all(m.read_at for m in page.data)
    assert unread_count(services, bob) == 0
    # Read again, nothing new: the Query alone.
    page, calls = read(services, bob, conversation, table_ops)
    assert calls == ["Query"] and len(page.data) == 2
    # The sender has nothing unread: the Query alone.
    assert read(services, alice, conversation, table_ops)[1] == ["Query"]


def test_the_conversation_items_count_follows_the_memberships(api, services, alice, bob):
    conversation = conversation_of(api, alice, bob, "one")
    for body in ("two", "three"):
        send(api, alice, recipient_id=bob.user_id, body=body)
    send(api, bob, recipient_id=alice.user_id, body="back")
    item = services.table.get_item(Key=conversation_key(conversation))["Item"]
    assert item[UNREAD_KEPT] is True
    assert (item[unread_attribute(bob.user_id)], item[unread_attribute(alice.user_id)]) == (3, 1)
    assert unread_count(services, bob) == 3
    services.conversation_reader.read(bob.user_id, conversation, ListParams())
    item = services.table.get_item(Key=conversation_key(conversation))["Item"]
    assert (item[unread_attribute(bob.user_id)], item[unread_attribute(alice.user_id)]) == (0, 1)
    assert unread_count(services, bob) == 0


def test_later_pages_read_the_membership_as_before(api, services, alice, bob, table_ops):
    conversation = conversation_of(api, alice, bob, "m0")
    for n in range(1, 4):
        send(api, alice, recipient_id=bob.user_id, body=f"m{n}")
    first, calls = read(services, bob, conversation, table_ops, limit=2)
    assert calls == ["Query", "TransactWriteItems"] and first.has_more
    second, calls = read(services, bob, conversation, table_ops, limit=2,
                         cursor=first.next_cursor)
    assert calls == ["GetItem", "Query", "TransactWriteItems"]
    assert [m.body for m in first.data + second.data] == ["m0", "m1", "m2", "m3"]
    assert all(m.read_at for m in second.data)


def test_strangers_get_404_on_first_and_later_pages(api, services, alice, bob, carol):
    from chalicelib.errors import ApiError

    conversation = conversation_of(api, alice, bob, "m0")
    send(api, alice, recipient_id=bob.user_id, body="m1")
    first = services.conversation_reader.read(alice.user_id, conversation, ListParams(limit=1))
    for cursor in (None, first.next_cursor, "x.y"):
        with pytest.raises(ApiError) as refused:
            services.conversation_reader.read(carol.user_id, conversation,
                                              ListParams(limit=1, cursor=cursor))
        assert refused.value.status == 404
    for unknown in ("cnv_" + "0" * 22, "nope"):
        with pytest.raises(ApiError) as refused:
            services.conversation_reader.read(alice.user_id, unknown, ListParams())
        assert refused.value.status == 404
    # Nothing of the stranger's attempts touched the counts.
    assert unread_count(services, bob) == 2


def test_a_conversation_from_before_reads_the_membership_for_its_count(api, services, alice,
                                                                       bob, table_ops):
    conversation = conversation_of(api, alice, bob, "one")
    send(api, alice, recipient_id=bob.user_id, body="two")
    services.table.update_item(  # as started before 2026-12-03: no counts on the item
        Key=conversation_key(conversation),
        UpdateExpression="REMOVE #kept, #a, #b",
        ExpressionAttributeNames={"#kept": UNREAD_KEPT, "#a": unread_attribute(alice.user_id),
                                  "#b": unread_attribute(bob.user_id)})
    page, calls = read(services, bob, conversation, table_ops)
    assert calls == ["Query", "GetItem", "TransactWriteItems"]
    assert all(m.read_at for m in page.data) and unread_count(services, bob) == 0
    send(api, alice, recipient_id=bob.user_id, body="three")
    assert unread_count(services, bob) == 1
    read(services, bob, conversation, table_ops)
    assert unread_count(services, bob) == 0
