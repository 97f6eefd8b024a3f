"""`/v1/messages`: send, conversations (latest first), a conversation's messages, preferences."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import ListParams, Page
from ..models.messages import (ConversationSummary, Message, NotificationPreferences,
                               PreferencesUpdate, SendMessage)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Messages"


@operation(bp, "POST", "/v1/messages/send", body=SendMessage, returns=Message, status=201,
           errors=(404, 409), provides={"conversation_id": "/conversation_id"}, tag=TAG,
           summary="Send a message", answer_in_commit=True)
def send_message(caller: Caller, body: SendMessage) -> Message:
    """To a user (`recipient_id`, which starts or continues your conversation with them) or
    into a conversation (`conversation_id`); exactly one of the two."""
    return container().messages.send(caller.user_id, body)


@operation(bp, "GET", "/v1/messages/conversations", query=ListParams,
           returns=Page[ConversationSummary], provides={"conversation_id": "/data/0/id"},
           tag=TAG, summary="List conversations")
def list_conversations(caller: Caller, query: ListParams) -> Page[ConversationSummary]:
    """Latest activity first, with the other participant, a preview of the last message and
    the caller's unread count."""
    return container().conversation_reader.conversations(caller.user_id, query)


@operation(bp, "GET", "/v1/messages/conversations/{conversation_id}", query=ListParams,
           returns=Page[Message], tag=TAG, summary="Read a conversation")
def read_conversation(caller: Caller, conversation_id: str, query: ListParams) -> Page[Message]:
    """Oldest first. Reading marks the messages received on the page read."""
    return container().conversation_reader.read(caller.user_id, conversation_id, query)


@operation(bp, "GET", "/v1/messages/preferences", returns=NotificationPreferences, tag=TAG,
           summary="Get notification preferences")
def get_preferences(caller: Caller) -> NotificationPreferences:
    return container().message_preferences.get(caller.user_id)


@operation(bp, ("PATCH", "PUT"), "/v1/messages/preferences", body=PreferencesUpdate,
           returns=NotificationPreferences, tag=TAG, summary="Update notification preferences")
def update_preferences(caller: Caller, body: PreferencesUpdate) -> NotificationPreferences:
    """Only the fields sent change. PUT is an alias of PATCH."""
    return container().message_preferences.update(caller.user_id, body)
