"""One test per fix in devstack.moto_fixes: what moto does without it, and with it.

Each scenario runs in a fresh interpreter (this file, run as a script), first on moto as
installed, then with that one fix applied: this process may already have applied them all. When
moto is upgraded, a test whose "raw" half fails says moto changed there: if the fix is no longer
needed, delete it and its test (devstack/moto_fixes/__init__.py).
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from devstack import moto_fixes
from devstack.moto_fixes import correctness, speed
from devstack.moto_fixes._patch import existing

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, REGION = "123456789012", "us-east-1"
EXECUTE = {"stepfunctions": {"execute_state_machine": True}}

_SCENARIOS: dict[str, Callable[[], Any]] = {}


def _shows(fix: Callable[[], None]) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    def register(scenario: Callable[[], Any]) -> Callable[[], Any]:
        _SCENARIOS[fix.__name__] = scenario
        return scenario
    return register


def _raw_then_fixed(fix: Callable[[], None]) -> tuple[Any, Any]:
    """The fix's scenario in a fresh interpreter: on moto as installed, then with `fix` applied."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    done = subprocess.run([sys.executable, __file__, fix.__module__, fix.__name__],
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    raw, fixed = json.loads(done.stdout.splitlines()[-1])
    return raw, fixed


def _main(module: str, name: str) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION=REGION)
    raw = _SCENARIOS[name]()
    getattr(importlib.import_module(module), name)()
    print(json.dumps([raw, _SCENARIOS[name]()]))


def _table(client: Any, *indexes: str, **extra: Any) -> None:
    """Table T keyed PK/SK, with a global index (hash key only) named after each of `indexes`."""
    if indexes:
        extra["GlobalSecondaryIndexes"] = [
            {"IndexName": name, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}]} for name in indexes]
    client.create_table(TableName="T", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}
                                              for name in ("PK", "SK", *indexes)],
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"},
                                   {"AttributeName": "SK", "KeyType": "RANGE"}], **extra)


def _item(pk: str, sk: str = "A", **attrs: int) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"N": str(v)} for k, v in attrs.items()}}


def _dynamodb_backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][REGION]


# --- correctness ---------------------------------------------------------------------------


@_shows(correctness.serialize_dynamodb_calls)
def _a_write_committed_while_a_transaction_fails() -> dict[str, Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _table(client)
        writer = threading.Thread(target=lambda: boto3.client("dynamodb", region_name=REGION)
                                  .put_item(TableName="T", Item=_item("meanwhile")))
        backend = _dynamodb_backend()
        real_get_item = backend.get_item

        def get_item(table_name: str, key: dict[str, Any]) -> Any:
            # The transaction reads each item before its action: another thread writes now.
            if key["PK"]["S"] == "missing":
                writer.start()
                writer.join(timeout=1)  # with the fix, the write waits for the transaction
            return real_get_item(table_name, key)

        backend.get_item = get_item
        with pytest.raises(ClientError) as cancelled:
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": "T", "Item": _item("new")}},
                {"ConditionCheck": {"TableName": "T", "Key": _item("missing"),
                                    "ConditionExpression": "attribute_exists(PK)"}}])
        writer.join()
        return {"transaction": cancelled.value.response["Error"]["Code"],
                "items": sorted(i["PK"]["S"] for i in client.scan(TableName="T")["Items"])}


def test_moto_lets_a_failed_transaction_erase_a_write_another_thread_committed_meanwhile():
    raw, fixed = _raw_then_fixed(correctness.serialize_dynamodb_calls)
    assert raw == {"transaction": "TransactionCanceledException", "items": []}
    assert fixed == {"transaction": "TransactionCanceledException", "items": ["meanwhile"]}


def _wait(check: Callable[[], Any]) -> Any:
    for _ in range(200):
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError("moto's execution did not get there in 10 s")


@_shows(correctness.send_task_failure_keeps_its_cause)
def _a_task_failed_with_a_cause() -> Any:
    with mock_aws(config=EXECUTE):
        sqs = boto3.client("sqs", region_name=REGION)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        queue = sqs.create_queue(QueueName="charges")["QueueUrl"]
        charge = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure",
                             "Next": "Done"}], "Next": "Done"}
        machine = sfn.create_state_machine(
            name="fund", roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn", definition=json.dumps(
                {"StartAt": "Charge", "States": {"Charge": charge,
                                                 "Done": {"Type": "Pass", "End": True}}}))
        arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"],
                                  name="x")["executionArn"]
        message = _wait(lambda: sqs.receive_message(QueueUrl=queue).get("Messages"))[0]
        sfn.send_task_failure(taskToken=json.loads(message["Body"])["token"],
                              error="card_declined", cause="insufficient funds")
        _wait(lambda: sfn.describe_execution(executionArn=arn)["status"] != "RUNNING")
        return json.loads(sfn.describe_execution(executionArn=arn)["output"])["failure"]


def test_moto_drops_the_cause_of_send_task_failure():
    raw, fixed = _raw_then_fixed(correctness.send_task_failure_keeps_its_cause)
    assert "insufficient funds" not in json.dumps(raw) and raw["Error"] == "card_declined"
    assert fixed == {"Error": "card_declined", "Cause": "insufficient funds"}


@_shows(correctness.token_answers_skip_executions_still_starting)
def _a_token_answered_while_an_execution_starts() -> list[str]:
    from moto.stepfunctions.parser.backend.execution import Execution

    with mock_aws(config=EXECUTE):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        machine = sfn.create_state_machine(
            name="m", roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn", definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        answers, real_start = [], Execution.start

        def start(self: Any) -> None:
            # moto has listed this execution and not started it: another thread answers a token.
            try:
                sfn.send_task_success(taskToken="someone-elses-token", output="{}")
            except ClientError as e:
                answers.append(e.response["Error"]["Code"])
            except Exception as e:  # noqa: BLE001 - the raw answer is a crash
                answers.append(type(e).__name__)
            real_start(self)

        Execution.start = start
        try:
            sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="x")
        finally:
            Execution.start = real_start
        return answers


def test_moto_crashes_answering_a_token_while_another_execution_is_starting():
    raw, fixed = _raw_then_fixed(correctness.token_answers_skip_executions_still_starting)
    assert raw == ["AttributeError"]
    assert fixed == ["InvalidToken"]


# --- speed: same answers ---------------------------------------------------------------------


@_shows(speed.transactions_journal_what_they_touch)
def _a_transaction_cancelled_after_two_writes() -> dict[str, Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _table(client, StreamSpecification={"StreamEnabled": True,
                                            "StreamViewType": "NEW_AND_OLD_IMAGES"})
        client.put_item(TableName="T", Item=_item("kept", n=1))
        table = _dynamodb_backend().tables["T"]
        records = len(table.stream_shard.items)
        with pytest.raises(ClientError) as cancelled:
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": "T", "Item": _item("new")}},
                {"Update": {"TableName": "T", "Key": _item("kept"),
                            "UpdateExpression": "SET n = :2",
                            "ExpressionAttributeValues": {":2": {"N": "2"}}}},
                {"ConditionCheck": {"TableName": "T", "Key": _item("missing"),
                                    "ConditionExpression": "attribute_exists(PK)"}}])
        after = _dynamodb_backend().tables["T"]
        return {"reasons": [r["Code"] for r in cancelled.value.response["CancellationReasons"]],
                "items": client.scan(TableName="T")["Items"],
                "stream_records_added": len(after.stream_shard.items) - records,
                "table_replaced_by_a_copy": after is not table}


def test_moto_copies_whole_tables_to_roll_back_a_transaction_and_the_journal_restores_the_same():
    raw, fixed = _raw_then_fixed(speed.transactions_journal_what_they_touch)
    assert raw.pop("table_replaced_by_a_copy") is True
    assert fixed.pop("table_replaced_by_a_copy") is False
    assert raw == fixed == {"reasons": ["None", "None", "ConditionalCheckFailed"],
                            "items": [_item("kept", n=1)], "stream_records_added": 0}


@_shows(speed.queries_read_one_partition)
def _queries_of_one_partition_in_a_table_of_three() -> dict[str, Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _table(client, "GSI")
        for n in (7, 3, 11, 1, 5, 9, 0, 2):  # out of order
            for pk in ("p0", "p1", "p2"):
                client.put_item(TableName="T", Item={**_item(pk, f"s{n:02}", n=n),
                                                     "GSI": {"S": f"g{n % 2}"}})
        table = _dynamodb_backend().tables["T"]
        handed_out, all_items = [], table.all_items
        table.all_items = lambda: handed_out.append(len(items := all_items())) or items
        queries = [
            {"KeyConditionExpression": "PK = :p", "Limit": 3},
            {"KeyConditionExpression": "PK = :p AND SK > :s", "ScanIndexForward": False,
             "ExpressionAttributeValues": {":p": {"S": "p1"}, ":s": {"S": "s03"}}},
            {"KeyConditionExpression": "PK = :p AND begins_with(SK, :s)",
             "FilterExpression": "n > :n", "ExpressionAttributeValues": {
                 ":p": {"S": "p1"}, ":s": {"S": "s0"}, ":n": {"N": "2"}}},
        ]
        pages = []
        for query in queries:
            query.setdefault("ExpressionAttributeValues", {":p": {"S": "p1"}})
            page = client.query(TableName="T", **query)
            while True:
                pages.append([[i["PK"]["S"], i["SK"]["S"]] for i in page["Items"]])
                if "LastEvaluatedKey" not in page:
                    break
                page = client.query(TableName="T", ExclusiveStartKey=page["LastEvaluatedKey"],
                                    **query)
        base_table_reads = list(handed_out)
        pages.append(sorted(i["SK"]["S"] for i in client.query(
            TableName="T", IndexName="GSI", KeyConditionExpression="GSI = :g",
            ExpressionAttributeValues={":g": {"S": "g1"}})["Items"]))
        return {"pages": pages, "items_sorted_per_page": base_table_reads}


def test_moto_sorts_the_whole_table_for_a_query_and_reading_one_partition_answers_the_same():
    raw, fixed = _raw_then_fixed(speed.queries_read_one_partition)
    assert set(raw.pop("items_sorted_per_page")) == {24}  # every item, each page
    assert fixed.pop("items_sorted_per_page") == []
    assert raw == fixed
    assert raw["pages"][:3] == [[["p1", "s00"], ["p1", "s01"], ["p1", "s02"]],
                                [["p1", "s03"], ["p1", "s05"], ["p1", "s07"]],
                                [["p1", "s09"], ["p1", "s11"]]]


@_shows(speed.receive_reads_only_the_retention_period)
def _a_receive_from_a_queue_whose_last_message_expired() -> dict[str, Any]:
    from moto.sqs.models import sqs_backends

    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="q", Attributes={"MessageRetentionPeriod": "60"})
        for n in range(5):
            sqs.send_message(QueueUrl=queue["QueueUrl"], MessageBody=str(n))
        backend = sqs_backends[ACCOUNT][REGION]
        backend.get_queue("q")._messages[-1].sent_timestamp -= 61_000
        computed, attributes = [], backend.get_queue_attributes
        backend.get_queue_attributes = lambda *a: computed.append(a) or attributes(*a)
        received = sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=10)
        return {"received": sorted(m["Body"] for m in received["Messages"]),
                "queue_attributes_computed": len(computed)}


def test_moto_computes_every_queue_attribute_per_message_received_and_one_attribute_does():
    raw, fixed = _raw_then_fixed(speed.receive_reads_only_the_retention_period)
    assert raw["queue_attributes_computed"] >= 4  # once per message handed out
    assert fixed["queue_attributes_computed"] == 0
    assert raw["received"] == fixed["received"] == ["0", "1", "2", "3"]


@_shows(speed.server_lists_its_modules_once)
def _three_requests_routed_by_host() -> dict[str, Any]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    listed, real_listdir = [], os.listdir
    os.listdir = lambda path: listed.append(path) or real_listdir(path)  # type: ignore[assignment]
    try:
        app = DomainDispatcherApplication(create_backend_app)
        routed = [app.get_backend_for_host(host) for host in ("dynamodb", "sqs", "dynamodb")]
    finally:
        os.listdir = real_listdir  # type: ignore[assignment]
    return {"routed": routed, "package_listings": len(listed)}


def test_moto_lists_its_package_directory_per_request_and_once_is_enough():
    raw, fixed = _raw_then_fixed(speed.server_lists_its_modules_once)
    assert raw == {"routed": ["dynamodb", "sqs", "dynamodb"], "package_listings": 3}
    assert fixed == {"routed": ["dynamodb", "sqs", "dynamodb"], "package_listings": 0}


# --- the fence -------------------------------------------------------------------------------


def test_every_fix_has_a_scenario_here():
    assert set(_SCENARIOS) == {fix.__name__ for fix in correctness.FIXES + speed.FIXES}


def test_apply_refuses_a_moto_version_the_fixes_were_not_written_for(monkeypatch):
    monkeypatch.setattr(moto_fixes.metadata, "version", lambda name: "5.3.0")
    with pytest.raises(RuntimeError, match=r"moto 5\.2\.5.*moto 5\.3\.0 is installed"):
        moto_fixes.apply()


def test_the_version_the_fixes_expect_is_the_one_requirements_pin():
    assert f"moto[server]=={moto_fixes.MOTO_VERSION}\n" in (
        ROOT / "requirements-dev.txt").read_text()


def test_a_fix_fails_loudly_when_moto_no_longer_has_what_it_replaces():
    from moto.sqs.models import SQSBackend

    with pytest.raises(RuntimeError, match="SQSBackend.renamed does not exist"):
        existing(SQSBackend, "renamed")
    with pytest.raises(RuntimeError, match=r"get_queue no longer takes \['name'\]"):
        existing(SQSBackend, "get_queue", "name")


if __name__ == "__main__":
    _main(*sys.argv[1:])
