"""The webhook queue: one message per delivery attempt, and its dead-letter queue.

Retries are new messages: SQS delays a message by at most 15 minutes, so a message carries the
time it is `due`; a consumer that receives it early hides it again with ChangeMessageVisibility
(at most 12 hours at a time) instead of delivering. Each attempt being its own message keeps the
attempt count in the body and the message far from the queue's retention period.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict

MAX_DELAY_SECONDS = 900
MAX_VISIBILITY_SECONDS = 43_200


class DeliveryMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    delivery_id: str
    webhook_id: str
    user_id: str
    run: int = 1
    attempt: int = 1
    due: float = 0.0          # epoch seconds; not delivered before
    manual: bool = False      # a manual retry or a test ping: one attempt, no schedule


class DeliveryQueue:
    def __init__(self, sqs: Any, queue_url: str, dlq_url: str) -> None:
        self._sqs, self._queue_url, self._dlq_url = sqs, queue_url, dlq_url

    def send(self, message: DeliveryMessage, delay_seconds: float = 0) -> None:
        self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=message.model_dump_json(),
                               DelaySeconds=_delay(delay_seconds))

    def send_many(self, messages: Iterable[DeliveryMessage]) -> None:
        pending = list(messages)
        while pending:
            chunk, pending = pending[:10], pending[10:]
            answer = self._sqs.send_message_batch(QueueUrl=self._queue_url, Entries=[
                {"Id": str(i), "MessageBody": m.model_dump_json()} for i, m in enumerate(chunk)])
            if answer.get("Failed"):
                raise RuntimeError(f"SQS refused webhook messages: {answer['Failed']}")

    def defer(self, receipt_handle: str, seconds: float) -> None:
        self._sqs.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=receipt_handle,
            VisibilityTimeout=max(1, min(MAX_VISIBILITY_SECONDS, int(seconds + 0.999))))

    def dead_letter(self, body: str, reason: str) -> None:
        """Park a message that will not be delivered automatically any more, for operators."""
        self._sqs.send_message(QueueUrl=self._dlq_url, MessageBody=body, MessageAttributes={
            "reason": {"DataType": "String", "StringValue": reason[:256] or "unknown"}})


def _delay(seconds: float) -> int:
    return max(0, min(MAX_DELAY_SECONDS, int(seconds + 0.999)))


def parse_message(body: str) -> DeliveryMessage:
    return DeliveryMessage.model_validate(json.loads(body))
