"""Reading messages: the caller's conversations, latest first, and a conversation's pages,
oldest first, which mark what the caller received on them read (storage/conversation_reads.py).

A first page is one Query: the conversation item comes first and says who takes part and how
many messages the caller has unread. Later pages, and conversations started before 2026-12-03,
read the caller's membership for both, as every page did before.
"""
from __future__ import annotations

from typing import Any

from ..clock import Clock, sortable
from ..errors import not_found
from ..ids import has_prefix
from ..models.common import ListParams, Page
from ..models.messages import ConversationSummary, LastMessage, Message, ParticipantSummary
from ..storage.conversation_reads import ConversationReads
from ..storage.users import UserRepository


class ConversationReader:
    def __init__(self, reads: ConversationReads, users: UserRepository, clock: Clock) -> None:
        self._reads, self._users, self._clock = reads, users, clock

    def conversations(self, user_id: str, params: ListParams) -> Page[ConversationSummary]:
        """The caller's conversations, latest activity first, with the other participant."""
        page = self._reads.memberships_page(user_id, limit=params.limit, cursor=params.cursor)
        # Memberships record the other participant; those from before 2026-12 do not.
        unrecorded = {item["other_user_id"] for item in page.items if "other_type" not in item}
        users = self._users.get_many(unrecorded) if unrecorded else {}
        data = []
        for item in page.items:
            other = ({"name": item.get("other_name"), "type": item["other_type"]}
                     if "other_type" in item else users.get(item["other_user_id"], {}))
            data.append(ConversationSummary(
                id=item["conversation_id"], engagement_id=item.get("engagement_id"),
                other_participant=ParticipantSummary(
                    id=item["other_user_id"], name=other.get("name"), type=other.get("type")),
                last_message=LastMessage(
                    id=item["last_message_id"], sender_id=item["last_sender_id"],
                    preview=item["last_preview"], created_at=item["last_message_at"]),
                unread_count=int(item.get("unread", 0)), created_at=item["created_at"]))
        return Page(data=data, has_more=page.has_more, next_cursor=page.next_cursor)

    def read(self, user_id: str, conversation_id: str, params: ListParams) -> Page[Message]:
        """A page of messages, oldest first. Marks the caller's received messages on the page
        read (once each) and clears the unread count they had when they opened it."""
        if not has_prefix(conversation_id, "cnv"):
            raise not_found("conversation", conversation_id, param="id")
        # A later page checks the membership first, as before, so a stranger's bad cursor is
        # still the 404.
        seen = None if params.cursor is None else self._seen(user_id, conversation_id)
        page = self._reads.messages_page(user_id, conversation_id, limit=params.limit,
                                         cursor=params.cursor)
        if seen is None:  # a first page: the conversation item came with it
            seen = self._seen_first(user_id, conversation_id, page.head)
        unread = [item for item in page.items
                  if item["recipient_id"] == user_id and not item.get("read_at")]
        if unread or seen > 0:
            marked = self._reads.mark_page_read(conversation_id, unread, user_id, seen,
                                                sortable(self._clock.now()))
            for item in unread:
                item["read_at"] = marked.get(item["id"])
        return Page(data=[Message.model_validate(item) for item in page.items],
                    has_more=page.has_more, next_cursor=page.next_cursor)

    def _seen_first(self, user_id: str, conversation_id: str,
                    conversation: dict[str, Any] | None) -> int:
        if conversation is None or user_id not in conversation.get("participants", []):
            raise not_found("conversation", conversation_id, param="id")
        seen = self._reads.seen_on(conversation, user_id)
        return self._seen(user_id, conversation_id) if seen is None else seen

    def _seen(self, user_id: str, conversation_id: str) -> int:
        """The caller's unread count from their membership, which is also the participant
        check: a miss is the 404."""
        membership = self._reads.membership(user_id, conversation_id)
        if membership is None:
            raise not_found("conversation", conversation_id, param="id")
        return int(membership.get("unread", 0))
