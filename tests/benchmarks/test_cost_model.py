"""The arithmetic of `python -m bench cost` on a small case worked by hand (bench/_cost_model.py,
bench/_units.py): no moto, no timing."""
from __future__ import annotations

from collections import Counter

import pytest

from bench._cost_model import Knobs, Machine, Usage, cost_per_million, machine
from bench._units import Schema, item_size, read_request_units, written_units


def test_a_small_mix_costs_what_the_hand_worked_sum_says() -> None:
    read = {"api": Usage(invocations=1, app_ms=10, calls=Counter({"dynamodb.GetItem": 2}),
                         wru=1, rru=1),
            "authorizer": Usage(invocations=1, app_ms=5, calls=Counter({"dynamodb.GetItem": 1}),
                                rru=0.5)}
    pay = {"api": Usage(invocations=1, executions=Counter({"m": 1}))}
    token = {"api": Usage(invocations=1, app_ms=20, kms_signs=1, rru=0.5,
                          calls=Counter({"kms.Sign": 1, "dynamodb.GetItem": 1}))}
    # 10 requests per token per minute: a token serves 600 requests, the authorizer runs for one
    # request in 10; 2,048 MB is 2 GB-s per second and a full CPU (no slow-down).
    knobs = Knobs(requests_per_token_minute=10, authorizer_ttl_s=60, token_lifetime_s=3600,
                  memory_mb=2048)
    costs = cost_per_million({"read": 3, "pay": 1}, {"read": read, "pay": pay}, token,
                             {"m": Machine(3, Usage(wru=8))}, knobs)

    w_read, w_pay, w_token = 0.75 * 599 / 600, 0.25 * 599 / 600, 1 / 600
    gb_ms = 2 * 16.6667 / 1000  # $ per million for one ms at 2 GB
    # read: route 10 ms + 2 GetItems at 5 ms; authorizer 5 ms + 1 GetItem, a tenth of the time
    lambda_read = (0.20 + 20 * gb_ms) + 0.1 * (0.20 + 10 * gb_ms)
    lambda_token = 0.20 + (20 + 15 + 5) * gb_ms  # KMS Sign 15 ms, GetItem 5 ms
    assert costs["API Gateway"] == pytest.approx(3.50)
    assert costs["Lambda"] == pytest.approx(w_read * lambda_read + w_pay * 0.20
                                            + w_token * lambda_token)
    assert costs["DynamoDB"] == pytest.approx(
        w_read * (0.625 + 0.125 + 0.1 * 0.0625) + w_pay * 8 * 0.625 + w_token * 0.0625)
    assert costs["Step Functions"] == pytest.approx(w_pay * 3 * 25)
    assert costs["KMS"] == pytest.approx(w_token * 3.0)
    assert costs["SQS"] == 0


def test_without_the_authorizer_cache_every_request_runs_the_authorizer() -> None:
    read = {"api": Usage(invocations=1), "authorizer": Usage(invocations=1, rru=1)}
    token = {"api": Usage(invocations=1)}
    cached = cost_per_million({"r": 1}, {"r": read}, token, {}, Knobs(authorizer_ttl_s=60))
    uncached = cost_per_million({"r": 1}, {"r": read}, token, {}, Knobs(authorizer_ttl_s=0))
    weight = 1 - 1 / 600  # the token requests' share at 10 requests per token per minute
    assert uncached["DynamoDB"] - cached["DynamoDB"] == pytest.approx(weight * 0.125 * 0.9)


def test_a_state_machine_is_priced_along_its_success_path() -> None:
    definition = {"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Next": "Credit", "Catch": [{"Next": "Failed"}],
                   "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"},
        "Credit": {"Type": "Task", "Next": "Done",
                   "Resource": "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems"},
        "Failed": {"Type": "Fail"}, "Done": {"Type": "Succeed"}}}
    priced = machine(definition)
    assert priced.transitions == 3
    assert (priced.extra.wru, priced.extra.sqs_requests, priced.extra.invocations) == (9, 3, 1)


def test_request_units_follow_item_sizes_transactions_and_indexes() -> None:
    small = {"PK": {"S": "USER#1"}, "SK": {"S": "A"}, "n": {"N": "123"}}  # 8 + 3 + 4 bytes
    assert item_size(small) == 15
    big = {**small, "blob": {"S": "x" * 2000}}  # 2,019 bytes: 2 KB to write, 1 unit to read
    schema = Schema(("PK", "SK"), (("GSI1PK", "GSI1SK"),))
    target = [("t", {}, False)]
    assert written_units(target, [None], [big], lambda _: schema) == 2
    assert written_units([("t", {}, True)], [small], [big], lambda _: schema) == 4
    indexed = {**small, "GSI1PK": {"S": "X"}, "GSI1SK": {"S": "1"}}
    moved = {**small, "GSI1PK": {"S": "Y"}, "GSI1SK": {"S": "1"}}
    assert written_units(target, [indexed], [moved], lambda _: schema) == 1 + 2
    assert written_units(target, [indexed], [indexed], lambda _: schema) == 1  # refused
    assert read_request_units("GetItem", {}, {"Item": big}) == 0.5
    assert read_request_units("GetItem", {"ConsistentRead": True}, {}) == 1
    assert read_request_units("Query", {}, {"Items": [big] * 3, "ScannedCount": 3}) == 1


def test_without_the_exact_limiter_every_request_saves_one_counter_write() -> None:
    read = {"api": Usage(invocations=1, calls=Counter({"dynamodb.UpdateItem": 1}), wru=1)}
    token = {"api": Usage(invocations=1, calls=Counter({"dynamodb.UpdateItem": 1}), wru=1)}
    knobs = Knobs(memory_mb=2048)
    exact = cost_per_million({"r": 1}, {"r": read}, token, {}, knobs)
    plans_only = cost_per_million({"r": 1}, {"r": read}, token, {},
                                  Knobs(memory_mb=2048, exact_rate_limit=False))
    assert exact["DynamoDB"] - plans_only["DynamoDB"] == pytest.approx(0.625)
    assert plans_only["DynamoDB"] == pytest.approx(0)
    assert exact["Lambda"] - plans_only["Lambda"] == pytest.approx(5 * 2 * 16.6667 / 1000)
