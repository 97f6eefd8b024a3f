"""Messaging between two users: one conversation per pair (and per engagement). Sending is
decided here (reading: services/conversation_reader.py); storage/conversations.py owns the
keys."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..clock import Clock, sortable
from ..errors import Conflict, InvalidParameter, MissingParameter, not_found
from ..ids import has_prefix, new_id
from ..models.messages import PREVIEW_CHARS, Message, SendMessage
from ..storage.commit_riders import answer_in_commit
from ..storage.conversations import (ConversationMoved, ConversationRepository, PairTaken,
                                     RecipientGone)
from .access import Parties, require_party
from .events import EventRecorder

SEND_ATTEMPTS = 5
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def _continues_cluster(char: str) -> bool:
    """Does `char` belong to the grapheme before it (combining mark, ZWJ, variation selector,
    skin tone, emoji tag)? Cutting before it would split a visible character."""
    code = ord(char)
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _JOINERS
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F)


def preview_of(body: str, limit: int = PREVIEW_CHARS) -> str:
    """The first `limit` characters, cut back to a character boundary a reader would see."""
    if len(body) <= limit:
        return body
    cut = limit
    while cut > 0 and (_continues_cluster(body[cut]) or body[cut - 1] == "\u200d"):
        cut -= 1
    # Flags are pairs of regional indicators: do not keep half of one.
    run = 0
    while run < cut and 0x1F1E6 <= ord(body[cut - 1 - run]) <= 0x1F1FF:
        run += 1
    if run % 2 and 0x1F1E6 <= ord(body[cut]) <= 0x1F1FF:
        cut -= 1
    return body[:cut] if cut > 0 else body[:limit]


def _parse_sortable(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class _Target:
    recipient_id: str
    engagement_id: str | None
    conversation_id: str | None = None
    last_message_at: str | None = None
    recipient_param: str = "recipient_id"  # what a 404 for an inactive recipient names
    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # both users, if read


class MessageService:
    def __init__(self, conversations: ConversationRepository, events: EventRecorder,
                 clock: Clock) -> None:
        self._conversations, self._events, self._clock = conversations, events, clock

    # sending ---------------------------------------------------------------------------
    def send(self, sender_id: str, request: SendMessage) -> Message:
        """Send into the pair's (or engagement's) conversation, creating it with the first
        message. Concurrent first messages meet on the pair claim; the loser sends into the
        winner's conversation."""
        target = self._target(sender_id, request)
        for _ in range(SEND_ATTEMPTS):
            try:
                if target.conversation_id is None:
                    return self._start(sender_id, target, request.body)
                return self._append(sender_id, target, request.body)
            except (PairTaken, ConversationMoved):
                target = self._refresh(sender_id, target)
            except RecipientGone:  # checked in the send's transaction, not read before it
                raise not_found("user", target.recipient_id,
                                param=target.recipient_param) from None
        raise Conflict("The conversation changed while the message was being sent; retry.",
                       code="concurrent_update")

    def _target(self, sender_id: str, request: SendMessage) -> _Target:
        if request.recipient_id is not None and request.conversation_id is not None:
            raise InvalidParameter("Send either 'recipient_id' or 'conversation_id', not both.",
                                   param="conversation_id")
        if request.conversation_id is not None:
            return self._existing(sender_id, request.conversation_id, request.engagement_id)
        if request.recipient_id is None:
            raise MissingParameter("Either 'recipient_id' or 'conversation_id' is required.",
                                   param="recipient_id")
        recipient_id, engagement_id = request.recipient_id, request.engagement_id
        if recipient_id == sender_id:
            raise InvalidParameter("You cannot send a message to yourself.", param="recipient_id")
        pair, engagement, people = self._conversations.pair_and_engagement(
            sender_id, recipient_id, engagement_id,
            read_engagement=engagement_id is not None and has_prefix(engagement_id, "eng"))
        if engagement_id is not None:
            self._check_engagement(engagement, engagement_id, sender_id, recipient_id)
        target = _Target(recipient_id, engagement_id, people=people)
        if pair is None:
            return target
        if pair.get("last_message_at") is None:  # a claim from before it kept the time
            return self._refresh(sender_id, target)
        return replace(target, conversation_id=pair["conversation_id"],
                       last_message_at=pair["last_message_at"])

    def _existing(self, sender_id: str, conversation_id: str,
                  engagement_id: str | None) -> _Target:
        membership = self._membership(sender_id, conversation_id, param="conversation_id")
        if engagement_id is not None and engagement_id != membership.get("engagement_id"):
            raise InvalidParameter(f"Conversation '{conversation_id}' does not belong to "
                                   f"engagement '{engagement_id}'.", param="engagement_id")
        return _Target(membership["other_user_id"], membership.get("engagement_id"),
                       conversation_id, membership["last_message_at"], "conversation_id")

    def _refresh(self, sender_id: str, target: _Target) -> _Target:
        """Re-read where the conversation stands (after losing a race, or before a send)."""
        conversation_id = target.conversation_id or self._conversations.conversation_for_pair(
            sender_id, target.recipient_id, target.engagement_id)
        if conversation_id is None:
            return target
        membership = self._conversations.membership(sender_id, conversation_id)
        return replace(target, conversation_id=conversation_id,
                       last_message_at=membership["last_message_at"] if membership else None)

    @staticmethod
    def _check_engagement(engagement: dict[str, Any] | None, engagement_id: str, sender_id: str,
                          recipient_id: str) -> None:
        pair = Parties(engagement["client_id"], engagement["sales_pro_id"]) if engagement else None
        parties = require_party(sender_id, pair, "engagement", engagement_id,
                                param="engagement_id")
        if parties.role_of(recipient_id) is None:
            raise InvalidParameter(f"The recipient is not a party to engagement "
                                   f"'{engagement_id}'.", param="recipient_id")

    def _new_message(self, sender_id: str, target: _Target, conversation_id: str,
                     body: str) -> dict[str, Any]:
        now = self._clock.now()
        if target.last_message_at:
            # Never before the previous message, even with clock skew between Lambdas: the
            # conversation's order is the order messages were accepted.
            now = max(now, _parse_sortable(target.last_message_at) + timedelta(microseconds=1))
        return {"id": new_id("msg"), "conversation_id": conversation_id, "sender_id": sender_id,
                "recipient_id": target.recipient_id, "body": body, "created_at": sortable(now)}

    def _received_event(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        # The data fields are the contract in docs/events.md; the body is not sent along.
        data = {name: message[name] for name in ("conversation_id", "sender_id", "recipient_id")}
        return self._events.record("message.received", {"message_id": message["id"], **data},
                                   [message["recipient_id"]])

    def _start(self, sender_id: str, target: _Target, body: str) -> Message:
        conversation: dict[str, Any] = {
            "id": new_id("cnv"), "participants": sorted((sender_id, target.recipient_id)),
            "created_by": sender_id}
        message = self._new_message(sender_id, target, conversation["id"], body)
        conversation["created_at"] = message["created_at"]
        if target.engagement_id:
            conversation["engagement_id"] = target.engagement_id
        started = self._events.record("conversation.started", {
            "conversation_id": conversation["id"], "participant_ids": conversation["participants"],
            "engagement_id": target.engagement_id,
        }, conversation["participants"])
        answer = Message.model_validate(message)
        with answer_in_commit(answer):
            self._conversations.start(conversation, message, preview_of(body),
                                      started + self._received_event(message), target.people)
        return answer

    def _append(self, sender_id: str, target: _Target, body: str) -> Message:
        assert target.conversation_id is not None
        message = self._new_message(sender_id, target, target.conversation_id, body)
        answer = Message.model_validate(message)
        with answer_in_commit(answer):
            self._conversations.append(message, preview_of(body), target.engagement_id,
                                       self._received_event(message))
        return answer

    def _membership(self, user_id: str, conversation_id: str, param: str = "id") -> dict[str, Any]:
        membership = (self._conversations.membership(user_id, conversation_id)
                      if has_prefix(conversation_id, "cnv") else None)
        if membership is None:
            raise not_found("conversation", conversation_id, param=param)
        return membership
