"""Local stand-ins for Lambda event sources: poll each moto SQS queue and call the same
Chalice handler Lambda would, deleting what succeeded and leaving failures to reappear after
their visibility timeout — as the real SQS → Lambda integration does. Likewise table streams
(`@app.on_dynamodb_record`) and rate schedules (`@app.schedule`)."""
from __future__ import annotations

import logging
import re
import threading
import uuid
from datetime import datetime, timezone
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
        # Not `_stop`: threading.Thread has a method of that name, which join() calls.
        self._sqs, self._handler, self._halt = sqs, handler, stop
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
        while not self._halt.is_set():
            try:
                self.poll_once()
            except Exception:
                log.exception("polling %s failed", self.queue_name)
                self._halt.wait(1)


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


# ------------------------------------------------------------------ DynamoDB streams
def streams_client(session: Any) -> Any:
    """A DynamoDB Streams client. botocore's account-id endpoints (`<account>.streams-ddb...`)
    are unknown to moto's in-process mock, so ask for the regional endpoint."""
    from botocore.config import Config

    return session.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))


def dynamodb_stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """GetRecords output in the shape Lambda hands a stream consumer."""
    def lambda_record(record: dict[str, Any]) -> dict[str, Any]:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):  # boto3 parses it; Lambda sends epoch seconds
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {"eventID": record["eventID"], "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
                "awsRegion": record.get("awsRegion", "us-east-1"), "dynamodb": change,
                "eventSourceARN": stream_arn}
    return {"Records": [lambda_record(r) for r in records]}


class StreamPoller(threading.Thread):
    """Reads every shard of a table stream and calls the handler with each batch. A batch whose
    handler raises is read again on the next poll, as Lambda retries a stream batch.

    When idle it re-acquires its iterators after the last sequence number read: iterators
    expire (15 minutes in AWS), and moto replaces a table — stream shard included — when it
    rolls back a cancelled transaction, which leaves open iterators reading a dead shard."""

    def __init__(self, streams: Any, stream_arn: str, handler: Callable[[Any, Any], Any],
                 batch_size: int, starting_position: str, stop: threading.Event,
                 name: str = "stream") -> None:
        super().__init__(name=f"poll-{name}", daemon=True)
        self._streams, self._arn, self._handler, self._halt = streams, stream_arn, handler, stop
        self._batch = max(1, min(batch_size, 1000))
        self._start = starting_position if starting_position in ("LATEST", "TRIM_HORIZON") \
            else "LATEST"
        self._iterators: dict[str, str] = {}
        self._positions: dict[str, str] = {}  # shard id -> last sequence number handled
        self._closed: set[str] = set()
        self.function_name = name
        self.refresh_shards(self._start)

    def refresh_shards(self, position: str = "TRIM_HORIZON") -> None:
        """Start reading shards not seen yet (new shards are read from their beginning)."""
        description = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators and shard_id not in self._closed:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id,
                    ShardIteratorType=position)["ShardIterator"]

    def poll_once(self) -> int:
        handled = 0
        for shard_id, iterator in list(self._iterators.items()):
            answer = self._streams.get_records(ShardIterator=iterator, Limit=self._batch)
            records = answer.get("Records", [])
            if records:
                try:
                    self._handler(dynamodb_stream_event(records, self._arn),
                                  lambda_context(self.function_name))
                except Exception:
                    log.exception("stream handler %s failed; batch retried", self.function_name)
                    continue  # keep the old iterator: the same records come again
                handled += len(records)
                self._positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
            next_iterator = answer.get("NextShardIterator")
            if next_iterator:
                self._iterators[shard_id] = next_iterator
            else:  # the shard was closed (split) and fully read
                del self._iterators[shard_id]
                self._closed.add(shard_id)
        return handled

    def renew_iterators(self) -> None:
        for shard_id, sequence in self._positions.items():
            if shard_id in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, SequenceNumber=sequence,
                    ShardIteratorType="AFTER_SEQUENCE_NUMBER")["ShardIterator"]

    def run(self) -> None:
        polls = idle = 0
        while not self._halt.is_set():
            try:
                if self.poll_once() == 0:
                    idle += 1
                    if idle % 5 == 0:  # about once a second while nothing happens
                        self.renew_iterators()
                    self._halt.wait(0.2)
                else:
                    idle = 0
                polls += 1
                if polls % 50 == 0:
                    self.refresh_shards()
            except Exception:
                log.exception("polling stream %s failed", self._arn)
                self._halt.wait(1)


def stream_pollers(app: Any, streams: Any, stop: threading.Event) -> list[StreamPoller]:
    """One poller per `@app.on_dynamodb_record` handler registered on the Chalice app."""
    return [StreamPoller(streams, source.stream_arn, app.handler_map[source.name],
                         source.batch_size, source.starting_position, stop, source.name)
            for source in app.event_sources if getattr(source, "stream_arn", None)]


# ------------------------------------------------------------------ schedules
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: Any) -> int | None:
    """Seconds between runs of a `rate(...)` schedule; None for cron (not run locally)."""
    text = expression.to_string() if hasattr(expression, "to_string") else str(expression)
    match = _RATE.fullmatch(text.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def scheduled_event(rule: str) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "region": "us-east-1",
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{rule}"], "detail": {}}


class SchedulePoller(threading.Thread):
    """EventBridge's rate schedule: calls the handler every `period` seconds."""

    def __init__(self, name: str, handler: Callable[[Any, Any], Any], period: float,
                 stop: threading.Event) -> None:
        super().__init__(name=f"schedule-{name}", daemon=True)
        self._handler, self._period, self._halt = handler, period, stop
        self.function_name = name

    def run_once(self) -> None:
        self._handler(scheduled_event(self.function_name), lambda_context(self.function_name))

    def run(self) -> None:
        while not self._halt.wait(self._period):
            try:
                self.run_once()
            except Exception:
                log.exception("scheduled handler %s failed", self.function_name)


def schedule_pollers(app: Any, stop: threading.Event) -> list[SchedulePoller]:
    """One timer per `@app.schedule(rate(...))` handler; cron schedules are skipped locally."""
    pollers = []
    for source in app.event_sources:
        expression = getattr(source, "schedule_expression", None)
        if expression is None:
            continue
        period = rate_seconds(expression)
        if period is None:
            log.warning("schedule %s (%s) is not run locally", source.name, expression)
            continue
        pollers.append(SchedulePoller(source.name, app.handler_map[source.name], period, stop))
    return pollers
