"""Reads and writes of the read models' backfill (`python -m chalicelib.admin
backfill-read-models`, docs/deploy.md): what each read model of 2026-12-03 records for data
written before it. Users from GSI1 `USERS#<type>`, then each user's own lists: Queries only,
never a Scan. Every write is conditional on the read model being absent, so runs may stop,
repeat and overlap, and race the API and the stream safely.
"""
from __future__ import annotations

from typing import Any, Iterator

from boto3.dynamodb.conditions import Attr, Key

from .aggregates import PAYMENT_ENTRIES_FLAG
from .conversations import (UNREAD_KEPT, conversation_key, membership_key,
                            memberships_list_pk, participant_fields, unread_attribute)
from .keys import engagement_key, engagement_list_pk
from .table import Action, ConditionFailed, Store, TransactionFailed


class ReadModelBackfillStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def users(self, user_type: str) -> Iterator[str]:
        for user in self.store.query_all(Key("GSI1PK").eq(f"USERS#{user_type}"), index="GSI1"):
            yield user["id"]

    # ------------------------------------------------------------ conversation memberships
    def memberships(self, user_id: str) -> list[dict[str, Any]]:
        return list(self.store.query_all(Key("GSI1PK").eq(memberships_list_pk(user_id)),
                                         index="GSI1"))

    def record_participant(self, user_id: str, conversation_id: str,
                           other: dict[str, Any]) -> bool:
        """What the membership records of the other participant, unless it records it already
        (a send or an earlier run wrote it; renames keep it current from then on)."""
        fields = participant_fields(other)
        names = {f"#{name}": name for name in fields}
        try:
            self.store.update(membership_key(user_id, conversation_id),
                              "SET " + ", ".join(f"#{name} = :{name}" for name in fields),
                              values={f":{name}": value for name, value in fields.items()},
                              names=names, condition="attribute_exists(PK) AND "
                              "attribute_not_exists(#other_type)", return_values="NONE")
            return True
        except ConditionFailed:
            return False

    # ------------------------------------------------------- conversations' unread copies
    def conversation(self, conversation_id: str) -> dict[str, Any] | None:
        return self.store.get(conversation_key(conversation_id), consistent=True)

    def unread_counts(self, conversation_id: str, participants: list[str]) -> dict[str, int]:
        keys = [membership_key(uid, conversation_id) for uid in participants]
        found = self.store.batch_get([(k["PK"], k["SK"]) for k in keys], consistent=True)
        return {uid: int(found.get((k["PK"], k["SK"]), {}).get("unread", 0))
                for uid, k in zip(participants, keys, strict=True)}

    def keep_unread(self, conversation_id: str, counts: dict[str, int]) -> bool:
        """Copy the memberships' counts onto the conversation item, if they are still what was
        read (a send or a read moves a membership's and the item's count in one transaction)
        and no run did already. False: something moved (read again) or it is done."""
        checks: list[Action] = [{"ConditionCheck": {
            "Key": membership_key(uid, conversation_id),
            "ConditionExpression": "(attribute_not_exists(unread) AND :n = :zero) "
                                   "OR unread = :n",
            "ExpressionAttributeValues": {":n": n, ":zero": 0}}} for uid, n in counts.items()]
        names = {f"#u{i}": unread_attribute(uid) for i, uid in enumerate(counts)}
        values = {f":u{i}": n for i, n in enumerate(counts.values())}
        update: Action = {"Update": {
            "Key": conversation_key(conversation_id),
            "UpdateExpression": "SET #kept = :yes, " + ", ".join(f"#u{i} = :u{i}"
                                                                for i in range(len(counts))),
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(#kept)",
            "ExpressionAttributeNames": {"#kept": UNREAD_KEPT, **names},
            "ExpressionAttributeValues": {":yes": True, **values}}}
        try:
            self.store.transact([*checks, update])
            return True
        except TransactionFailed:
            return False

    # ------------------------------------------------------ engagements' payment entries
    def unflagged_engagements(self, client_id: str) -> list[str]:
        """The client's engagements whose payments have no entries yet (GSI1, every page)."""
        return [item["id"] for item in self.store.query_all(
            Key("GSI1PK").eq(f"USER#{client_id}#ENGS"), index="GSI1",
            FilterExpression=Attr(PAYMENT_ENTRIES_FLAG).not_exists())]

    def payments(self, engagement_id: str) -> list[dict[str, Any]]:
        return list(self.store.query_all(
            Key("GSI3PK").eq(engagement_list_pk(engagement_id, "PAYS")), index="GSI3"))

    def flag_payment_entries(self, engagement_id: str) -> bool:
        try:
            self.store.update(engagement_key(engagement_id), "SET #flag = :yes",
                              values={":yes": True}, names={"#flag": PAYMENT_ENTRIES_FLAG},
                              condition="attribute_exists(PK) AND attribute_not_exists(#flag)",
                              return_values="NONE")
            return True
        except ConditionFailed:
            return False
