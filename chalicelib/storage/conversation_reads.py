"""Reading conversations: the caller's list, a conversation's pages, and marking them read
(keys: docs/data-model.md, "Conversations and messages"; the writes of a send are
storage/conversations.py).

In a conversation's partition the `CNV` item sorts just before the `MSG#` items, so a first
page's one Query starts with the conversation: its participants (the caller's check) and,
on conversations started since 2026-12-03, each one's unread count (`unread_<usr>`), kept in
the same transactions as the memberships' `unread`. Such a first page needs no membership read.
"""
from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from .conversations import (UNREAD_KEPT, conversation_key, membership_key,
                            memberships_list_pk, message_key, unread_attribute)
from .table import Action, ConditionFailed, NamedAction, PageResult, Store, TransactionFailed

_FIRST_SK, _AFTER_MESSAGES = conversation_key("x")["SK"], "MSG$"  # '$' sorts after 'MSG#'


class ConversationReads:
    def __init__(self, store: Store) -> None:
        self.store = store

    def memberships_page(self, user_id: str, *, limit: int, cursor: str | None) -> PageResult:
        """The caller's conversations, latest activity first (GSI1, descending)."""
        return self.store.page(f"cnvs:{user_id}", Key("GSI1PK").eq(memberships_list_pk(user_id)),
                               limit=limit, cursor=cursor, index="GSI1", forward=False)

    def membership(self, user_id: str, conversation_id: str) -> dict[str, Any] | None:
        return self.store.get(membership_key(user_id, conversation_id), consistent=True)

    def messages_page(self, user_id: str, conversation_id: str, *, limit: int,
                      cursor: str | None) -> PageResult:
        """A conversation's messages, oldest first; consistent, so a sender sees its message.
        A first page's `head` is the conversation item (None: there is no such conversation)."""
        return self.store.page(f"msgs:{user_id}:{conversation_id}",
                               Key("PK").eq(conversation_key(conversation_id)["PK"])
                               & Key("SK").between(_FIRST_SK, _AFTER_MESSAGES),
                               limit=limit, cursor=cursor, ConsistentRead=True,
                               head=lambda item: item["SK"] == _FIRST_SK)

    @staticmethod
    def seen_on(conversation: dict[str, Any], user_id: str) -> int | None:
        """The caller's unread count as the conversation item has it; None when the item does
        not keep counts (started before 2026-12-03: the membership has it)."""
        if not conversation.get(UNREAD_KEPT):
            return None
        return int(conversation.get(unread_attribute(user_id), 0))

    def mark_page_read(self, conversation_id: str, messages: list[dict[str, Any]],
                       reader_id: str, seen: int, at: str) -> dict[str, str | None]:
        """Mark the page's unread messages read and subtract the unread count the reader saw
        (as `mark_read` and `clear_unread` do) in one transaction: one write for the page, not
        one per message. If anything moved meanwhile (another reader, a count taken already),
        it falls back to the one-by-one writes, which settle each race. Returns read_at by
        message id."""
        actions: list[Action | NamedAction] = [{"Update": {
            "Key": message_key(m["conversation_id"], m["created_at"], m["id"]),
            "UpdateExpression": "SET read_at = :at",
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(read_at) "
                                   "AND recipient_id = :me",
            "ExpressionAttributeValues": {":at": at, ":me": reader_id}}} for m in messages]
        if seen > 0:
            actions += _count_cleared(reader_id, conversation_id, seen, at)
        if actions and len(actions) <= 100:
            try:
                self.store.transact(actions)
                return {m["id"]: at for m in messages}
            except TransactionFailed:
                pass
        marked = {m["id"]: self.mark_read(m, reader_id, at) for m in messages}
        self.clear_unread(reader_id, conversation_id, seen, at)
        return marked

    def mark_read(self, message: dict[str, Any], reader_id: str, at: str) -> str | None:
        """Set `read_at` once: the first reader's time wins, a concurrent reader gets it back."""
        key = message_key(message["conversation_id"], message["created_at"], message["id"])
        try:
            self.store.update(key, "SET read_at = :at", values={":at": at, ":me": reader_id},
                              condition="attribute_exists(PK) AND attribute_not_exists(read_at) "
                                        "AND recipient_id = :me", return_values="NONE")
            return at
        except ConditionFailed as failed:
            return (failed.item or {}).get("read_at")

    def clear_unread(self, user_id: str, conversation_id: str, seen: int, at: str) -> None:
        """Subtract the unread count the reader saw, rather than SET 0: a message that arrives
        during the read keeps counting. If another read already subtracted it, do nothing."""
        if seen <= 0:
            return
        try:
            self.store.transact(_count_cleared(user_id, conversation_id, seen, at))
        except TransactionFailed:
            pass


def _count_cleared(user_id: str, conversation_id: str, seen: int, at: str) -> list[Action]:
    """Subtract `seen` from the membership's count and the conversation item's copy, unless
    another read did already (the membership's condition). A conversation item that does not
    keep counts takes the subtraction on a copy nobody reads."""
    return [
        {"Update": {"Key": membership_key(user_id, conversation_id),
                    "UpdateExpression": "SET last_read_at = :at ADD unread :minus",
                    "ConditionExpression": "unread >= :seen",
                    "ExpressionAttributeValues": {":at": at, ":minus": -seen, ":seen": seen}}},
        {"Update": {"Key": conversation_key(conversation_id),
                    "UpdateExpression": "ADD #unread :minus",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeNames": {"#unread": unread_attribute(user_id)},
                    "ExpressionAttributeValues": {":minus": -seen}}}]
