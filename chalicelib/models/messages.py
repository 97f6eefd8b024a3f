"""Messages, conversations and notification preferences."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .common import ApiModel, RequestBody, Timestamp, UserType
from .text import TEXT_NOT_BLANK, Text

MAX_BODY_CHARS = 10_000
PREVIEW_CHARS = 140
DigestFrequency = Literal["never", "daily", "weekly"]
# Ids are looked up, never parsed; the bound keeps DynamoDB keys far below their 2 KB limit.
IdField = Field(None, min_length=1, max_length=64)


class SendMessage(RequestBody):
    """`POST /v1/messages/send`. Exactly one of recipient_id / conversation_id (the service
    checks that, so 'neither' can be answered as a missing parameter)."""
    recipient_id: str | None = IdField
    conversation_id: str | None = IdField
    engagement_id: str | None = IdField
    # Free text (models/text.py), not blank (the validator below).
    body: Text = Field(min_length=1, max_length=MAX_BODY_CHARS,
                       json_schema_extra={"pattern": TEXT_NOT_BLANK})

    @field_validator("body")
    @classmethod
    def _text(cls, value: str) -> str:
        # Any other Unicode is kept verbatim (no trimming, no normalisation); lone surrogates
        # never get here: the JSON parser refuses them as invalid JSON.
        if not value.strip():
            raise ValueError("The 'body' field must not be blank")
        return value


class Message(ApiModel):
    id: str
    conversation_id: str
    sender_id: str
    recipient_id: str
    body: str
    created_at: Timestamp
    read_at: Timestamp | None = None


class ParticipantSummary(ApiModel):
    """The other participant's public summary; name/type are null if the account is gone."""
    id: str
    name: str | None = None
    type: UserType | None = None


class LastMessage(ApiModel):
    id: str
    sender_id: str
    preview: str = Field(description=f"The first {PREVIEW_CHARS} characters of the body")
    created_at: Timestamp


class ConversationSummary(ApiModel):
    id: str
    engagement_id: str | None = None
    other_participant: ParticipantSummary
    last_message: LastMessage | None = None
    unread_count: int
    created_at: Timestamp


class NotificationPreferences(ApiModel):
    email_on_new_message: bool = True
    digest_frequency: DigestFrequency = "daily"
    updated_at: Timestamp | None = None


class PreferencesUpdate(RequestBody):
    """Partial update: omitted fields keep their value; null is refused (strict `bool`/`Literal`),
    since 'unset' has no meaning for a preference."""
    email_on_new_message: bool = None  # type: ignore[assignment]
    digest_frequency: DigestFrequency = None  # type: ignore[assignment]

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)
