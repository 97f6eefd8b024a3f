"""The conversation list names the other participant from the membership itself (one Query),
and a rename reaches those memberships through the table stream (`participant_names`)."""
from __future__ import annotations

import json
from typing import Any


from chalicelib.models.common import ListParams
from chalicelib.storage.conversations import membership_key
from support.streams import StreamTap

from .conftest import conversation_of


def others_named(services: Any, account: Any) -> dict[str, Any]:
    """The other participant of each of `account`'s conversations, as the list shows them."""
    page = services.conversation_reader.conversations(account.user_id, ListParams())
    return {c.id: (c.other_participant.name, c.other_participant.type) for c in page.data}


def rename(api: Any, account: Any, name: str) -> None:
    answer = api.patch("/v1/users/me", token=account.token, json_body={"name": name})
    assert answer.status == 200, answer.json()


def test_the_list_is_one_query_and_names_the_other_participant(services, api, alice, bob,
                                                               carol, table_ops):
    with_bob = conversation_of(api, alice, bob, "hello")
    with_carol = conversation_of(api, carol, alice, "hi alice")
    table_ops.clear()
    assert others_named(services, alice) == {with_bob: ("Bob Pro", "sales_pro"),
                                             with_carol: ("Carol Outsider", "sales_pro")}
    assert table_ops == ["Query"]
    assert others_named(services, bob) == {with_bob: ("Alice Client", "client")}


def test_a_rename_reaches_the_other_participants_lists(services, api, alice, bob, carol):
    stream = StreamTap(services, "participant_names")
    with_alice = conversation_of(api, bob, alice, "hello")
    with_carol = conversation_of(api, bob, carol, "hello carol")
    unrelated = conversation_of(api, alice, carol, "not bob's")
    stream.deliver()

    rename(api, bob, "Robert Pro")
    stream.deliver()
    assert others_named(services, alice) == {with_alice: ("Robert Pro", "sales_pro"),
                                             unrelated: ("Carol Outsider", "sales_pro")}
    assert others_named(services, carol)[with_carol] == ("Robert Pro", "sales_pro")
    # Bob's own list names the others, unchanged.
    assert others_named(services, bob) == {with_alice: ("Alice Client", "client"),
                                           with_carol: ("Carol Outsider", "sales_pro")}


def test_replayed_and_out_of_order_renames_end_on_the_current_name(services, api, alice, bob):
    stream = StreamTap(services, "participant_names")
    conversation = conversation_of(api, alice, bob, "hello")
    rename(api, bob, "Second Name")
    rename(api, bob, "Third Name")
    stream.deliver()
    assert others_named(services, alice)[conversation][0] == "Third Name"
    # Every batch again, in reverse (a retry, records out of order): still the current name,
    # and nothing to write.
    for batch in reversed(stream.batches):
        stream.handler(batch, None)
    assert others_named(services, alice)[conversation][0] == "Third Name"
    assert services.participant_names.refresh(bob.user_id) == 0


def test_other_changes_and_other_events_write_nothing(services, api, alice, bob, table_ops):
    stream = StreamTap(services, "participant_names")
    conversation_of(api, alice, bob, "hello")
    stream.deliver()
    answer = api.patch("/v1/users/me", token=bob.token,
                       json_body={"profile": {"headline": "Closer"}})
    assert answer.status == 200, answer.json()
    table_ops.clear()
    stream.deliver()
    assert table_ops == [], "only a rename is the part's business"


def test_memberships_from_before_still_name_the_other_participant(services, api, alice, bob,
                                                                  carol, table_ops):
    """Memberships written before 2026-12 recorded no participant: the list reads those users
    (one BatchGetItem for the page's unrecorded ones)."""
    old = conversation_of(api, alice, bob, "hello")
    new = conversation_of(api, alice, carol, "hello carol")
    services.table.update_item(Key=membership_key(alice.user_id, old),
                               UpdateExpression="REMOVE other_name, other_type")
    table_ops.clear()
    assert others_named(services, alice) == {old: ("Bob Pro", "sales_pro"),
                                             new: ("Carol Outsider", "sales_pro")}
    assert table_ops == ["Query", "BatchGetItem"]


def test_the_first_message_reads_both_users_in_its_one_read(services, api, alice, bob):
    """What the memberships record comes from the send's one BatchGetItem, not a read more."""
    requests: list[dict[str, Any]] = []
    events = services.table.meta.client.meta.events

    def keep(model: Any, params: dict[str, Any], **_: Any) -> None:
        requests.append({"op": model.name, **json.loads(params["body"] or b"{}")})
    events.register("before-call.dynamodb", keep)
    try:
        conversation_of(api, alice, bob, "hello")
    finally:
        events.unregister("before-call.dynamodb", keep)
    reads = [r for r in requests if r["op"] in ("GetItem", "BatchGetItem", "Query")]
    batch = [r for r in reads if r["op"] == "BatchGetItem"]
    assert len(batch) == 1
    keys = {key["PK"]["S"] for table in batch[0]["RequestItems"].values()
            for key in table["Keys"]}
    assert {f"USER#{alice.user_id}", f"USER#{bob.user_id}"} <= keys
