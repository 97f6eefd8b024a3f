"""The local stand-ins the analytics pipeline relies on: the stream poller, and moto's
transactions (devstack.moto_fixes) rolling back items *and* stream records."""
from __future__ import annotations

import os
import threading

import pytest

from chalicelib.storage.table import TransactionFailed
from devstack.pollers import StreamPoller, streams_client


def test_stream_poller_retries_a_failed_batch_then_moves_on(services):
    seen: list[list[str]] = []
    failures = iter([True, False])

    def handler(event, context):
        seen.append([r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]])
        assert event["Records"][0]["eventSourceARN"] == os.environ["TABLE_STREAM_ARN"]
        assert isinstance(event["Records"][0]["dynamodb"]["ApproximateCreationDateTime"], int)
        if next(failures):
            raise RuntimeError("transient")

    poller = StreamPoller(streams_client(services.session), os.environ["TABLE_STREAM_ARN"],
                          handler, 10, "LATEST", threading.Event())
    services.table.put_item(Item={"PK": "PLUMB#1", "SK": "X"})
    assert poller.poll_once() == 0  # failed: the same records come again
    assert poller.poll_once() == 1
    assert poller.poll_once() == 0 and seen == [["PLUMB#1"], ["PLUMB#1"]]


def test_a_cancelled_transaction_leaves_no_items_and_no_stream_records(services):
    streams = streams_client(services.session)
    arn = os.environ["TABLE_STREAM_ARN"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    services.table.put_item(Item={"PK": "PLUMB#2", "SK": "X", "n": 1})
    services.table.put_item(Item={"PK": "PLUMB#3", "SK": "X"})
    with pytest.raises(TransactionFailed) as failed:
        services.store.transact([
            {"Put": {"Item": {"PK": "PLUMB#4", "SK": "X"}}},
            {"Update": {"Key": {"PK": "PLUMB#2", "SK": "X"}, "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": 1}}},
            ("claim", {"Put": {"Item": {"PK": "PLUMB#3", "SK": "X"},
                               "ConditionExpression": "attribute_not_exists(PK)"}}),
            {"ConditionCheck": {"Key": {"PK": "PLUMB#7", "SK": "X"},
                                "ConditionExpression": "attribute_exists(PK)"}}])
    # Each refusal is reported by name (an unnamed action by its key) with the item as it was
    # (None: there was none).
    assert failed.value.refusals == {"claim": {"PK": "PLUMB#3", "SK": "X"}, "PLUMB#7|X": None}
    assert failed.value.refused("claim") and not failed.value.conflict
    assert "Item" not in services.table.get_item(Key={"PK": "PLUMB#4", "SK": "X"})
    assert services.table.get_item(Key={"PK": "PLUMB#2", "SK": "X"})["Item"]["n"] == 1
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in records] == ["PLUMB#2", "PLUMB#3"]
    services.store.transact([{"Put": {"Item": {"PK": "PLUMB#5", "SK": "X"}}}])
    later = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in later][-1] == "PLUMB#5"
