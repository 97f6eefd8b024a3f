"""Local stand-ins for Lambda event source mappings: poll each moto SQS queue and call the
same Chalice handler Lambda would, deleting what succeeded and leaving failures to reappear
after their visibility timeout — as the real SQS → Lambda integration does."""
from __future__ import annotations

import logging
import threading
import uuid
from types import SimpleNamespace
from typing import Any, Callable

log = logging.getLogger("devstack.pollers")


def lambda_context(function_name: str) -> Any:
    return SimpleNamespace(
        function_name=function_name, function_version="$LATEST", memory_limit_in_mb=512,
        aws_request_id=str(uuid.uuid4()), log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name="local", invoked_function_arn=(
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"),
        get_remaining_time_in_millis=lambda: 30_000)


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "md5OfBody": m.get("MD5OfBody", ""),
        "messageAttributes": {
            name: {"stringValue": attr.get("StringValue"), "dataType": attr["DataType"]}
            for name, attr in (m.get("MessageAttributes") or {}).items()},
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
    } for m in messages]}


class SqsPoller(threading.Thread):
    def __init__(self, sqs: Any, queue_name: str, handler: Callable[[Any, Any], Any],
                 batch_size: int, stop: threading.Event) -> None:
        super().__init__(name=f"poll-{queue_name}", daemon=True)
        # not `_stop`: that name is Thread's own method, which join() calls
        self._sqs, self._handler, self._stopping = sqs, handler, stop
        self._batch = max(1, min(batch_size, 10))
        self.queue_name = queue_name
        self.queue_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        self._arn = sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def poll_once(self, wait_seconds: int = 1) -> int:
        messages = self._sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self._batch, WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._handler(sqs_event(messages, self._arn), lambda_context(self.queue_name))
        except Exception:  # the whole batch fails, as in Lambda
            log.exception("handler for %s failed; batch left for redelivery", self.queue_name)
            return len(messages)
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages) if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=done)
        return len(messages)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                log.exception("polling %s failed", self.queue_name)
                self._stopping.wait(1)


def sqs_pollers(app: Any, sqs: Any, stop: threading.Event) -> list[SqsPoller]:
    """One poller per `@app.on_sqs_message` handler registered on the Chalice app."""
    pollers = []
    for source in app.event_sources:
        queue = getattr(source, "queue", None)
        if queue is None and getattr(source, "queue_arn", None):
            queue = source.queue_arn.rsplit(":", 1)[-1]
        if queue is None:
            continue
        pollers.append(SqsPoller(sqs, queue, app.handler_map[source.name],
                                 getattr(source, "batch_size", 10) or 10, stop))
    return pollers
