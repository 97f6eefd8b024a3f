"""Keeps the other participant's name on conversation memberships current.

A membership records the other participant's name and type when the conversation starts
(storage/conversations.py), so `GET /v1/messages/conversations` is one Query. When a user is
renamed (`user.updated` naming `name` among `changed`, recorded in the outbox in the rename's
own transaction), the table stream's `participant_names` part writes the new name into the
membership each of their conversations' other participant holds.

The name written is the user's name as it is when the part runs, not the event's: stream
records come again and out of order, and reading the current name makes every replay converge
on the latest one. One window is left: a conversation started from a name read just before a
rename, and committed after this part listed the renamed user's conversations, keeps the old
name until the next rename (docs/data-model.md, "Conversations and messages").
"""
from __future__ import annotations

from typing import Any, Iterable

from ..storage.conversations import ConversationRepository
from ..storage.stream_records import outbox_payloads
from ..storage.users import UserRepository


def renamed_users(records: Iterable[dict[str, Any]]) -> set[str]:
    """The users a batch's `user.updated` events say were renamed."""
    return {payload["data"]["user_id"] for payload in outbox_payloads(records)
            if payload.get("type") == "user.updated"
            and "name" in (payload.get("data") or {}).get("changed", [])}


class ParticipantNames:
    def __init__(self, conversations: ConversationRepository, users: UserRepository) -> None:
        self._conversations, self._users = conversations, users

    def from_stream(self, records: Iterable[dict[str, Any]]) -> int:
        """Write the renamed users' names into their counterparts' memberships; returns how
        many memberships changed."""
        return sum(self.refresh(user_id) for user_id in sorted(renamed_users(records)))

    def refresh(self, user_id: str) -> int:
        """Record `user_id`'s current name on every membership that names them."""
        user = self._users.get(user_id, consistent=True)
        if user is None:
            return 0
        name = user.get("name")
        return sum(self._conversations.record_other_name(
            membership["other_user_id"], membership["conversation_id"], name)
            for membership in self._conversations.memberships_of(user_id))
