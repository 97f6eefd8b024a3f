"""Messages, conversations and notification preferences."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from ._base import LeadNodModel


class Message(LeadNodModel):
    id: str
    conversation_id: str
    sender_id: str
    recipient_id: str
    body: str
    created_at: datetime
    read_at: Optional[datetime] = None


class Participant(LeadNodModel):
    """The other participant; `name`/`type` are None if the account is gone."""
    id: str
    name: Optional[str] = None
    type: Optional[str] = None


class LastMessage(LeadNodModel):
    id: str
    sender_id: str
    preview: str  # the first 140 characters of the body
    created_at: datetime


class Conversation(LeadNodModel):
    id: str
    engagement_id: Optional[str] = None
    other_participant: Participant
    last_message: Optional[LastMessage] = None
    unread_count: int
    created_at: datetime


class NotificationPreferences(LeadNodModel):
    email_on_new_message: bool = True
    digest_frequency: str = "daily"  # never | daily | weekly
    updated_at: Optional[datetime] = None
