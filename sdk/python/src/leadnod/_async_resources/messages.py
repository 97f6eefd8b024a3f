"""`client.messages`: send, conversations and notification preferences."""
from __future__ import annotations

from typing import Any, Optional

from .._pagination import AsyncPage
from .. import _types
from .._types import NOT_GIVEN, Omittable, body, path_id, query
from ..models import Conversation, Message, NotificationPreferences
from ._base import AsyncAPIResource


class AsyncConversations(AsyncAPIResource):
    """`client.messages.conversations`."""

    def list(self, *, limit: Optional[int] = None) -> AsyncPage[Conversation]:
        """The caller's conversations, latest activity first, each with the other
        participant, a preview of the last message and the unread count
        (`GET /v1/messages/conversations`)."""
        return self._list("/messages/conversations", cast=Conversation,
                          params=query(limit=limit))

    def retrieve(self, conversation_id: str, *,
                 limit: Optional[int] = None) -> AsyncPage[Message]:
        """A conversation's messages, oldest first
        (`GET /v1/messages/conversations/{id}`). Reading marks the messages you received
        on each page read."""
        return self._list(
            f"/messages/conversations/{path_id(conversation_id, 'conversation_id')}",
            cast=Message, params=query(limit=limit))


class AsyncPreferences(AsyncAPIResource):
    """`client.messages.preferences`: when LeadNod emails you about messages."""

    async def retrieve(self) -> NotificationPreferences:
        """`GET /v1/messages/preferences`."""
        return await self._get("/messages/preferences", cast=NotificationPreferences)

    async def update(self, *, email_on_new_message: Omittable[bool] = NOT_GIVEN,
                     digest_frequency: Omittable[str] = NOT_GIVEN) -> NotificationPreferences:
        """Change the arguments given (`PATCH /v1/messages/preferences`);
        `digest_frequency`: never, daily or weekly."""
        return await self._patch("/messages/preferences", cast=NotificationPreferences,
                                 body=body(email_on_new_message=email_on_new_message,
                                           digest_frequency=digest_frequency))


class AsyncMessages(AsyncAPIResource):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.conversations = AsyncConversations(client)
        self.preferences = AsyncPreferences(client)

    async def send(self, *, body: str, recipient_id: Optional[str] = None,
                   conversation_id: Optional[str] = None,
                   engagement_id: Optional[str] = None,
                   idempotency_key: Optional[str] = None) -> Message:
        """Send a message (`POST /v1/messages/send`): to `recipient_id` (the first message
        starts the conversation; with `engagement_id`, the engagement's own conversation)
        or into `conversation_id`. Exactly one of the two."""
        return await self._post("/messages/send", cast=Message, body=_types.body(
            body=body, recipient_id=recipient_id, conversation_id=conversation_id,
            engagement_id=engagement_id), idempotency_key=idempotency_key)

