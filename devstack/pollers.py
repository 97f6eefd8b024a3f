"""Local stand-ins for Lambda event source mappings: poll each moto SQS queue and call the
same Chalice handler Lambda would, deleting what succeeded and leaving failures to reappear
after their visibility timeout — as the real SQS → Lambda integration does. Likewise the
table's stream for `@app.on_dynamodb_record` handlers."""
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


# ------------------------------------------------------------------ DynamoDB streams
def streams_client(session: Any) -> Any:
    """botocore's account-id endpoints (`<account>.ddb...`) are unknown to moto's in-process
    mock: ask for the regional endpoint."""
    from botocore.config import Config

    return session.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))


def dynamodb_stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """GetRecords output in the shape Lambda hands a stream consumer."""
    def shaped(record: dict[str, Any]) -> dict[str, Any]:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if hasattr(created, "timestamp"):  # boto3 parses it; Lambda sends epoch seconds
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {"eventID": record["eventID"], "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
                "awsRegion": record.get("awsRegion", "us-east-1"), "dynamodb": change,
                "eventSourceARN": stream_arn}
    return {"Records": [shaped(r) for r in records]}


class StreamPoller(threading.Thread):
    """Reads each shard of the stream and hands every batch to the handler. A batch whose
    handler raises is read again (Lambda retries a stream batch until it succeeds); after
    `max_retries` it is skipped with an error, as a mapping with a retry limit would."""

    def __init__(self, streams: Any, stream_arn: str, handler: Callable[[Any, Any], Any],
                 batch_size: int, stop: threading.Event, name: str = "stream",
                 starting_position: str = "LATEST", max_retries: int = 3) -> None:
        super().__init__(name=f"poll-{name}", daemon=True)
        self._streams, self._arn, self._handler, self._stop = streams, stream_arn, handler, stop
        self._batch = max(1, min(batch_size, 1000))
        self._max_retries, self.function_name = max_retries, name
        self._iterators: dict[str, str] = {}
        self._failures = 0
        self.add_new_shards(starting_position)

    def add_new_shards(self, position: str = "TRIM_HORIZON") -> None:
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard["ShardId"],
                    ShardIteratorType=position)["ShardIterator"]

    def poll_once(self) -> int:
        handled = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue  # closed and read to the end
            answer = self._streams.get_records(ShardIterator=iterator, Limit=self._batch)
            records = answer.get("Records", [])
            if records:
                try:
                    self._handler(dynamodb_stream_event(records, self._arn),
                                  lambda_context(self.function_name))
                    self._failures = 0
                except Exception:
                    self._failures += 1
                    if self._failures <= self._max_retries:
                        log.exception("stream handler %s failed; retrying the batch",
                                      self.function_name)
                        continue  # same iterator: the same records come again
                    log.error("stream handler %s: batch skipped after %d retries",
                              self.function_name, self._max_retries)
                    self._failures = 0
                handled += len(records)
            self._iterators[shard_id] = answer.get("NextShardIterator")
        return handled

    def run(self) -> None:
        polls = 0
        while not self._stop.is_set():
            try:
                if self.poll_once() == 0:
                    self._stop.wait(0.1)
                polls += 1
                if polls % 100 == 0:
                    self.add_new_shards()
            except Exception:
                log.exception("polling stream %s failed", self._arn)
                self._stop.wait(1)


def stream_pollers(app: Any, streams: Any, stop: threading.Event) -> list[StreamPoller]:
    """One poller per `@app.on_dynamodb_record` handler registered on the Chalice app."""
    return [StreamPoller(streams, source.stream_arn, app.handler_map[source.name],
                         source.batch_size, stop, source.name, source.starting_position)
            for source in app.event_sources if getattr(source, "stream_arn", None)]
