"""Every SQS consumer answers through Powertools' batch processor (chalicelib/consumers/sqs.py):
what a handler raises for is redelivered, everything else is deleted."""
from __future__ import annotations

import logging

from chalice.app import SQSEvent

from chalicelib.consumers.sqs import fail_listed, process_records
from devstack.pollers import lambda_context, sqs_event

ARN = "arn:aws:sqs:us-east-1:123456789012:leadnod-dev-test"


def event(*bodies: str) -> SQSEvent:
    raw = sqs_event([{"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": body}
                     for n, body in enumerate(bodies, 1)], ARN)
    return SQSEvent(raw, lambda_context("test"))


def handle(record) -> None:
    if record.body == "fail":
        raise RuntimeError(f"{record.message_id} failed")
    # "skip" returns like "ok": a message dropped on purpose is done with.


def test_only_the_records_whose_handler_raised_are_answered_for_redelivery():
    answer = process_records(event("ok", "fail", "skip", "fail"), handle)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m4"}]}


def test_a_batch_without_failures_is_answered_with_none():
    assert process_records(event("ok", "skip"), handle) == {"batchItemFailures": []}


def test_a_batch_whose_every_record_failed_is_answered_not_raised():
    answer = process_records(event("fail", "fail"), handle)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


def test_the_log_given_gets_each_failure_with_its_traceback(caplog):
    log = logging.getLogger("tests.sqs_consumers")
    with caplog.at_level(logging.WARNING, logger=log.name):
        process_records(event("fail", "ok"), handle, log=log)
    [failure] = caplog.records
    assert failure.exc_info and "m1 failed" in str(failure.exc_info[1])


def test_the_ids_a_service_reported_fail_their_records_only():
    answer = process_records(event("a", "b", "c"),
                             lambda record: fail_listed(record, {"m1", "m3", "m9"}))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}
