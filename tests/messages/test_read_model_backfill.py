"""`admin backfill-read-models`: data written before the read models of 2026-12-03 gets them
(the other participant on memberships, the unread copy on conversations, payment entries on
engagements), so it too reads within the call budgets; re-runs change nothing."""
from __future__ import annotations

from argparse import Namespace
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from chalicelib.admin import commands
from chalicelib.ids import new_id
from chalicelib.models.common import ListParams
from chalicelib.storage.conversations import (UNREAD_KEPT, conversation_key, membership_key,
                                              unread_attribute)


from .conftest import conversation_of as send


def as_before(services: Any, conversation_id: str, *users: Any) -> None:
    """The conversation as the code before 2026-12-03 wrote it."""
    for user in users:
        services.table.update_item(Key=membership_key(user.user_id, conversation_id),
                                   UpdateExpression="REMOVE other_type, other_name")
    names = {"#kept": UNREAD_KEPT, **{f"#u{i}": unread_attribute(u.user_id)
                                     for i, u in enumerate(users)}}
    services.table.update_item(Key=conversation_key(conversation_id),
                               UpdateExpression="REMOVE " + ", ".join(names),
                               ExpressionAttributeNames=names)


def run(services: Any, *users: Any) -> dict[str, Any]:
    return commands.backfill_read_models(services, Namespace(user_id=[u.user_id for u in users]))


def test_old_conversations_get_their_participants_and_unread_copies(services, api, alice, bob,
                                                                      table_ops):
    conversation = send(api, alice, bob, "one")
    as_before(services, conversation, alice, bob)
    send(api, alice, bob, "two")  # an old conversation's item gets a count it does not keep
    reader = services.conversation_reader

    report = run(services, alice, bob)
    assert report["participants_recorded"] == 2 and report["unread_copied"] == 1
    assert report["busy"] == []
    item = services.table.get_item(Key=conversation_key(conversation))["Item"]
    assert item[UNREAD_KEPT] is True
    assert (item[unread_attribute(bob.user_id)], item[unread_attribute(alice.user_id)]) == (2, 0)

    table_ops.clear()
    listed = reader.conversations(bob.user_id, ListParams()).data[0]
    assert (listed.other_participant.name, listed.other_participant.type) == (
        "Alice Client", "client")
    assert listed.unread_count == 2 and table_ops == ["Query"]
    table_ops.clear()
    page = reader.read(bob.user_id, conversation, ListParams())
    assert table_ops == ["Query", "TransactWriteItems"] and all(m.read_at for m in page.data)
    assert reader.conversations(bob.user_id, ListParams()).data[0].unread_count == 0

    again = run(services, alice, bob)
    assert (again["participants_recorded"], again["unread_copied"]) == (0, 0)


def test_counts_that_keep_moving_are_reported_busy(services, api, alice, bob, monkeypatch):
    from chalicelib.storage.read_model_backfill import ReadModelBackfillStore

    conversation = send(api, alice, bob, "one")
    as_before(services, conversation, alice, bob)
    # Every attempt finds the counts moved (a send between the read and the copy).
    real = ReadModelBackfillStore.unread_counts
    monkeypatch.setattr(ReadModelBackfillStore, "unread_counts",
                        lambda self, *a: {u: n + 1 for u, n in real(self, *a).items()})
    with pytest.raises(commands.CheckFailed) as busy:
        run(services, alice)
    assert busy.value.report["busy"] == [conversation]
    item = services.table.get_item(Key=conversation_key(conversation))["Item"]
    assert UNREAD_KEPT not in item, "nothing copied from counts that were not the counts"


@pytest.fixture
def old_engagement(services: Any, alice: Any, bob: Any) -> Any:
    """An engagement with two payments, written as before 2026-12-03 (no entries, no flag);
    its items are deleted afterwards (no ledger stands behind these payments)."""
    eng_id, created = new_id("eng"), "2026-11-02T09:00:00.000000Z"
    services.table.put_item(Item={
        "PK": f"ENG#{eng_id}", "SK": "ENG", "entity": "engagement", "id": eng_id,
        "client_id": alice.user_id, "sales_pro_id": bob.user_id, "opportunity_id": new_id("opp"),
        "status": "active", "currency": "usd", "created_at": created, "version": 1,
        "terms": {"compensation_model": "commission"},
        "GSI1PK": f"USER#{alice.user_id}#ENGS", "GSI1SK": f"{created}#{eng_id}"})
    payments = []
    for n, (kind, status) in enumerate([("escrow_fund", "succeeded"),
                                        ("escrow_release", "processing")]):
        pay_id, at = new_id("pay"), f"2026-11-0{3 + n}T09:00:00.000000Z"
        payments.append(pay_id)
        services.table.put_item(Item={
            "PK": f"PAY#{pay_id}", "SK": "PAY", "entity": "payment", "id": pay_id, "type": kind,
            "status": status, "amount": 1_000 * (n + 1), "currency": "usd",
            "engagement_id": eng_id, "client_id": alice.user_id, "sales_pro_id": bob.user_id,
            "created_at": at, "updated_at": at,
            "GSI3PK": f"ENG#{eng_id}#PAYS", "GSI3SK": f"{at}#{pay_id}"})
    yield eng_id
    for pay_id in payments:
        services.table.delete_item(Key={"PK": f"PAY#{pay_id}", "SK": "PAY"})
    for item in services.table.query(KeyConditionExpression=Key("PK").eq(f"ENG#{eng_id}"))[
            "Items"]:
        services.table.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})


def test_old_engagements_get_their_payment_entries_then_the_flag(services, api, alice, bob,
                                                                 old_engagement, table_ops):
    path = f"/v1/analytics/engagement/{old_engagement}"
    before = api.get(path, token=alice.token).json()["payments"]
    report = run(services, alice)
    assert (report["payment_entries"], report["engagements_flagged"]) == (2, 1)

    table_ops.clear()
    answer = api.get(path, token=alice.token)
    assert answer.status == 200 and answer.json()["payments"] == before
    assert [(p["type"], p["status"]) for p in before] == [("escrow_fund", "succeeded"),
                                                          ("escrow_release", "processing")]
    assert [op for op in table_ops if op != "GetItem"] == ["Query"]  # GetItem: the authorizer
    assert api.get(path, token=bob.token).status == 200

    again = run(services, alice)
    assert (again["payment_entries"], again["engagements_flagged"]) == (0, 0)


def test_an_unknown_user_is_refused(services):
    with pytest.raises(commands.CommandError):
        commands.backfill_read_models(services, Namespace(user_id=["usr_nobody"]))
