"""Conversation, pair-claim, membership and message items (keys: docs/data-model.md); the
writes of a send and the names' upkeep. Reading them is storage/conversation_reads.py.

A conversation lives in its own partition `CNV#<cnv>` (the `CNV` item and its `MSG#` items);
each participant has a membership item under their own `USER#<usr>` partition, which is both
the participant check (a miss is a 404) and their entry in the latest-first list (GSI1).
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from boto3.dynamodb.conditions import Key

from .keys import engagement_key, engagement_pk
from .table import Action, ConditionFailed, NamedAction, Store, TransactionFailed
from .users import user_key



class PairTaken(Exception):
    """Another first message created the pair's conversation meanwhile: send into that one."""


class ConversationMoved(Exception):
    """A newer message or a concurrent transaction got there first: retry with a fresh time."""


class RecipientGone(Exception):
    """The recipient has no active account (checked in the message's own transaction)."""


def recipient_check(recipient_id: str) -> NamedAction:
    """The recipient is an active user: a condition of the send, not a read before it."""
    return ("recipient", {"ConditionCheck": {
        "Key": user_key(recipient_id),
        "ConditionExpression": "attribute_exists(PK) AND (attribute_not_exists(#s) OR #s = :on)",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":on": "active"}}})


def pair_key(user_a: str, user_b: str, engagement_id: str | None) -> dict[str, str]:
    # Sorted, so A→B and B→A claim the same item; one claim per pair and per engagement.
    low, high = sorted((user_a, user_b))
    sort = engagement_pk(engagement_id) if engagement_id else "CNV"
    return {"PK": f"PAIR#{low}#{high}", "SK": sort}


def conversation_key(conversation_id: str) -> dict[str, str]:
    return {"PK": f"CNV#{conversation_id}", "SK": "CNV"}


def membership_key(user_id: str, conversation_id: str) -> dict[str, str]:
    return {"PK": f"USER#{user_id}", "SK": f"CNV#{conversation_id}"}


def memberships_list_pk(user_id: str) -> str:
    """A user's conversations, latest activity first (GSI1)."""
    return f"USER#{user_id}#CNVS"


def message_key(conversation_id: str, created_at: str, message_id: str) -> dict[str, str]:
    return {"PK": f"CNV#{conversation_id}", "SK": f"MSG#{created_at}#{message_id}"}


def _last(message: dict[str, Any], preview: str) -> dict[str, Any]:
    return {"last_message_at": message["created_at"], "last_message_id": message["id"],
            "last_sender_id": message["sender_id"], "last_preview": preview}


def participant_fields(other: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a membership records of the other participant, so the conversation list needs no
    user read: their type (never changes) and name (kept current from the stream:
    services/participant_names.py). Memberships from before 2026-12 lack both."""
    if not other:
        return {}
    fields = {"other_type": other.get("type")}
    if other.get("name") is not None:
        fields["other_name"] = other["name"]
    return fields


def _membership(user_id: str, other_id: str, conversation: dict[str, Any],
                message: dict[str, Any], preview: str, unread: int,
                other: Mapping[str, Any] | None) -> dict[str, Any]:
    item = {**membership_key(user_id, conversation["id"]), "entity": "conversation_member",
            "conversation_id": conversation["id"], "other_user_id": other_id,
            **participant_fields(other),
            "created_at": conversation["created_at"], "unread": unread, **_last(message, preview),
            "GSI1PK": memberships_list_pk(user_id),
            "GSI1SK": f"{message['created_at']}#{conversation['id']}"}
    if conversation.get("engagement_id"):
        item["engagement_id"] = conversation["engagement_id"]
    return item


def unread_attribute(user_id: str) -> str:
    """The `CNV` item's copy of one participant's unread count (since 2026-12-03): a first
    page reads it with the messages, instead of reading the membership."""
    return f"unread_{user_id}"


# On `CNV` items written since 2026-12-03: their `unread_<usr>` equal the memberships' `unread`
# (every write of one writes the other in the same transaction). Older ones' are ignored.
UNREAD_KEPT = "unread_counts"


def _message_item(message: dict[str, Any]) -> dict[str, Any]:
    return {**message_key(message["conversation_id"], message["created_at"], message["id"]),
            "entity": "message", **message}


class ConversationRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def pair_and_engagement(self, user_a: str, user_b: str, engagement_id: str | None, *,
                            read_engagement: bool
                            ) -> tuple[dict[str, Any] | None, dict[str, Any] | None,
                                       dict[str, dict[str, Any]]]:
        """The pair's claim (conversation_id, and last_message_at once a message was appended
        since 2026-12), the engagement item and both users (by id: what a first message's
        memberships record of each other), in one BatchGetItem."""
        pair = pair_key(user_a, user_b, engagement_id)
        users = [user_key(user_a), user_key(user_b)]
        keys = [(pair["PK"], pair["SK"])] + [(key["PK"], key["SK"]) for key in users]
        if engagement_id and read_engagement:
            eng = engagement_key(engagement_id)
            keys.append((eng["PK"], eng["SK"]))
        found = self.store.batch_get(keys, consistent=True)
        people = {item["id"]: item for item in (found.get(key) for key in keys[1:3]) if item}
        return found.get(keys[0]), found.get(keys[3]) if len(keys) > 3 else None, people

    def conversation_for_pair(self, user_a: str, user_b: str,
                              engagement_id: str | None) -> str | None:
        item = self.store.get(pair_key(user_a, user_b, engagement_id), consistent=True)
        return item["conversation_id"] if item else None

    def membership(self, user_id: str, conversation_id: str) -> dict[str, Any] | None:
        return self.store.get(membership_key(user_id, conversation_id), consistent=True)

    def start(self, conversation: dict[str, Any], message: dict[str, Any], preview: str,
              events: list[dict[str, Any]], people: Mapping[str, dict[str, Any]]) -> None:
        """First message: pair claim, conversation, both memberships and the message in one
        transaction. Raises PairTaken when the claim exists (a concurrent first message won)."""
        sender, recipient = message["sender_id"], message["recipient_id"]
        claim = {**pair_key(sender, recipient, conversation.get("engagement_id")),
                 "entity": "conversation_pair", "conversation_id": conversation["id"]}
        new = "attribute_not_exists(PK)"
        actions: list[Action | NamedAction] = [
            ("pair", {"Put": {"Item": {**claim, "last_message_at": message["created_at"]},
                              "ConditionExpression": new}}),
            recipient_check(recipient),
            {"Put": {"Item": {**conversation_key(conversation["id"]), "entity": "conversation",
                              **conversation, **_last(message, preview), "message_count": 1,
                              unread_attribute(sender): 0, unread_attribute(recipient): 1,
                              UNREAD_KEPT: True},
                     "ConditionExpression": new}},
            {"Put": {"Item": _membership(sender, recipient, conversation, message, preview, 0,
                                         people.get(recipient)),
                     "ConditionExpression": new}},
            {"Put": {"Item": _membership(recipient, sender, conversation, message, preview, 1,
                                         people.get(sender)),
                     "ConditionExpression": new}},
            {"Put": {"Item": _message_item(message), "ConditionExpression": new}},
            *events,
        ]
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refused("recipient"):
                raise RecipientGone() from None
            if exc.refused("pair"):
                raise PairTaken() from None
            if exc.conflict:
                raise ConversationMoved() from None
            raise

    def append(self, message: dict[str, Any], preview: str, engagement_id: str | None,
               events: list[dict[str, Any]]) -> None:
        """A later message. The conversation update only applies if the sender is a participant
        and no newer message was recorded (so `last_*` always describes the newest message);
        otherwise raises ConversationMoved and the caller retries with a later time."""
        cnv, sender, recipient = (message["conversation_id"], message["sender_id"],
                                  message["recipient_id"])
        last = _last(message, preview)
        sets = ", ".join(f"{name} = :{name}" for name in last)
        values = {f":{name}": value for name, value in last.items()}
        position = {**values, ":gsi1sk": f"{message['created_at']}#{cnv}"}
        # Sender participates, and this message is newer than the one recorded as last.
        newest = "contains(participants, :me) AND last_message_at < :last_message_at"
        actions: list[Action | NamedAction] = [
            {"Put": {"Item": _message_item(message),
                     "ConditionExpression": "attribute_not_exists(PK)"}},
            ("conversation", {"Update": {
                "Key": conversation_key(cnv),
                "UpdateExpression": f"SET {sets} ADD message_count :one, #unread :one",
                "ConditionExpression": newest,
                "ExpressionAttributeNames": {"#unread": unread_attribute(recipient)},
                "ExpressionAttributeValues": {**values, ":one": 1, ":me": sender}}}),
            {"Update": {"Key": membership_key(sender, cnv),
                        "UpdateExpression": f"SET {sets}, GSI1SK = :gsi1sk",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": position}},
            {"Update": {"Key": membership_key(recipient, cnv),
                        "UpdateExpression": f"SET {sets}, GSI1SK = :gsi1sk ADD unread :one",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": {**position, ":one": 1}}},
            # Where the next send by recipient_id finds its time without a membership read.
            {"Update": {"Key": pair_key(sender, recipient, engagement_id),
                        "UpdateExpression": "SET last_message_at = :t",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": {":t": message["created_at"]}}},
            recipient_check(recipient),
            *events,
        ]
        try:
            self.store.transact(actions)
        except TransactionFailed as exc:
            if exc.refused("recipient"):
                raise RecipientGone() from None
            if exc.refused("conversation") or exc.conflict:
                raise ConversationMoved() from None
            raise

    def memberships_of(self, user_id: str) -> Iterator[dict[str, Any]]:
        """Every conversation of `user_id`: its id and the other participant (GSI1, all pages)."""
        yield from self.store.query_all(
            Key("GSI1PK").eq(memberships_list_pk(user_id)), index="GSI1",
            ProjectionExpression="conversation_id, other_user_id")

    def record_other_name(self, user_id: str, conversation_id: str, name: str | None) -> bool:
        """Set the name `user_id`'s membership records of the other participant; False when
        the membership is gone or already says so (no write)."""
        sets = "SET other_name = :name" if name is not None else "REMOVE other_name"
        values = {":name": name} if name is not None else None
        same = "other_name = :name" if name is not None else "attribute_not_exists(other_name)"
        try:
            self.store.update(membership_key(user_id, conversation_id), sets, values=values,
                              condition=f"attribute_exists(PK) AND NOT ({same})",
                              return_values="NONE")
            return True
        except ConditionFailed:
            return False
