"""The arithmetic of `python -m bench cost`: what a request mix costs per million requests, by
service, from what each operation uses (bench/_meter.py's parts). No AWS, no I/O: the test
checks it on a hand-worked case (tests/bench/test_cost_model.py).

Prices are AWS's public us-east-1 list prices, first tier, without the free tier (checked
2026-12; see docs/performance.md, "Cost per million requests"):"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

PRICES = {
    "api_rest": 3.50e-6,          # API Gateway REST API, per request (first 333 M a month)
    "api_http": 1.00e-6,          # API Gateway HTTP API, per request (for the comparison only)
    "lambda_request": 0.20e-6,    # Lambda, per invocation
    "lambda_gb_second": 16.6667e-6,  # Lambda x86_64, per GB-second
    "dynamodb_wru": 0.625e-6,     # DynamoDB on-demand, per write request unit
    "dynamodb_rru": 0.125e-6,     # DynamoDB on-demand, per read request unit
    "sqs_request": 0.40e-6,       # SQS standard queue, per request (64 KB chunk)
    "sfn_transition": 25.0e-6,    # Step Functions standard, per state transition
    "kms_request": 0.03e-4,       # KMS, per request (RSA_2048 Sign as symmetric: $0.03/10,000)
}
SERVICES = ("API Gateway", "Lambda", "DynamoDB", "SQS", "Step Functions", "KMS")

# Stated, not measured: the time a call takes from Lambda in the same region (moto answers in
# process in about 1 ms, which says nothing about AWS). Single-item DynamoDB calls are a few ms.
LATENCY_MS = {"dynamodb.Query": 8.0, "dynamodb.TransactWriteItems": 15.0,
              "dynamodb.BatchGetItem": 8.0, "sqs.SendMessageBatch": 10.0,
              "sqs.SendMessage": 10.0, "sfn.StartExecution": 25.0,
              "kms.Sign": 15.0, "s3.PutObject": 20.0}
DEFAULT_LATENCY_MS = 5.0
FULL_VCPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB, proportionally less below


@dataclass(frozen=True)
class Knobs:
    requests_per_token_minute: float = 10.0  # one integration's rate on one access token
    authorizer_ttl_s: int = 60               # API Gateway's authorizer result cache (docs/auth.md)
    token_lifetime_s: int = 3600             # access tokens are kept until they expire
    memory_mb: int = 512                     # .chalice/config.json lambda_memory_size
    api: str = "api_rest"                    # the design fixes REST (usage plans, API keys)
    stream_records_per_invocation: float = 10.0  # table-stream batches at volume (stated)
    # The API's own limiter: one counter UpdateItem per request, exact per organization (the
    # docs' X-RateLimit-* promise). False prices the gateway's usage plans alone (a product call).
    exact_rate_limit: bool = True


@dataclass
class Usage:
    """What one request of an operation uses, per Lambda function (bench/_meter.Part)."""
    invocations: float = 0.0
    stream_records: float = 0.0
    app_ms: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    sqs_requests: float = 0.0
    kms_signs: float = 0.0
    executions: Counter[str] = field(default_factory=Counter)


# What the exact limiter adds to every request's "api" part (a counter item under 1 KB).
RATE_LIMIT_WRITE = Usage(calls=Counter({"dynamodb.UpdateItem": 1}), wru=1)


@dataclass(frozen=True)
class Machine:
    """A state machine's success path: transitions and what its task states use."""
    transitions: int
    extra: Usage = field(default_factory=Usage)


Operation = Mapping[str, Any]  # function name ("api", "authorizer", consumers) -> Usage


def cost_per_million(mix: Mapping[str, float], operations: Mapping[str, Operation],
                     token: Operation, machines: Mapping[str, Machine],
                     knobs: Knobs = Knobs()) -> dict[str, float]:
    """$ per million requests by service. `mix` weighs the authenticated operations; access
    token requests are added at one per token lifetime, and the authorizer runs once per token
    per cache period."""
    tokens = 1.0 / max(1.0, knobs.requests_per_token_minute * knobs.token_lifetime_s / 60)
    per_cache = knobs.requests_per_token_minute * knobs.authorizer_ttl_s / 60
    authorizer_runs = 1.0 / max(1.0, per_cache)
    total = sum(mix.values())
    weighted = [(w / total * (1 - tokens), operations[name]) for name, w in mix.items() if w]
    weighted.append((tokens, token))
    costs = dict.fromkeys(SERVICES, 0.0)
    for weight, operation in weighted:
        costs["API Gateway"] += weight * PRICES[knobs.api]
        for function, usage in operation.items():
            share = weight * (authorizer_runs if function == "authorizer" else 1.0)
            for service, dollars in _function_cost(usage, machines, knobs).items():
                costs[service] += share * dollars
        if not knobs.exact_rate_limit:
            for service, dollars in _function_cost(RATE_LIMIT_WRITE, machines, knobs).items():
                costs[service] -= weight * dollars
    return {service: dollars * 1e6 for service, dollars in costs.items()}


def _function_cost(usage: Usage, machines: Mapping[str, Machine],
                   knobs: Knobs) -> dict[str, float]:
    """$ of one run of one function's part, with the state machines it starts."""
    invocations = usage.invocations + usage.stream_records / knobs.stream_records_per_invocation
    cpu_scale = max(1.0, FULL_VCPU_MB / knobs.memory_mb)
    waiting = sum(LATENCY_MS.get(call, DEFAULT_LATENCY_MS) * n for call, n in usage.calls.items())
    seconds = (usage.app_ms * cpu_scale + waiting) / 1000
    costs = {"Lambda": invocations * PRICES["lambda_request"]
             + seconds * knobs.memory_mb / 1024 * PRICES["lambda_gb_second"],
             "DynamoDB": usage.wru * PRICES["dynamodb_wru"] + usage.rru * PRICES["dynamodb_rru"],
             "SQS": usage.sqs_requests * PRICES["sqs_request"],
             "KMS": usage.kms_signs * PRICES["kms_request"], "Step Functions": 0.0}
    for name, started in usage.executions.items():
        machine = machines[name]
        costs["Step Functions"] += started * machine.transitions * PRICES["sfn_transition"]
        for service, dollars in _function_cost(machine.extra, {}, knobs).items():
            costs[service] += started * dollars
    return costs


def success_path(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The states an execution enters when everything succeeds: each state's Next, a Choice's
    Default, until a Succeed, Fail or End."""
    path, name, seen = [], definition["StartAt"], set()
    while name and name not in seen:
        seen.add(name)
        state = definition["States"][name]
        path.append(state)
        if state["Type"] in ("Succeed", "Fail") or state.get("End"):
            break
        name = state.get("Default") if state["Type"] == "Choice" else state.get("Next")
    return path


# What a task state's integration uses, per run (stated: item sizes under 1 KB; a transaction
# of four items, as the escrow credit and transfer write; a message's consumer runs 50 ms and
# reads and writes one item).
TASK_USAGE = {
    "dynamodb:getItem": Usage(rru=1),
    "dynamodb:putItem": Usage(wru=1),
    "dynamodb:updateItem": Usage(wru=1),
    "aws-sdk:dynamodb:transactWriteItems": Usage(wru=2 * 4),
    "sqs:sendMessage": Usage(sqs_requests=3, invocations=1, app_ms=50,
                             calls=Counter({"dynamodb.GetItem": 1, "dynamodb.UpdateItem": 1}),
                             wru=1, rru=0.5),
}


def machine(definition: Mapping[str, Any]) -> Machine:
    path = success_path(definition)
    extra = Usage()
    for state in path:
        if state["Type"] != "Task":
            continue
        resource = state["Resource"].split(":::", 1)[-1].removesuffix(".waitForTaskToken")
        extra = add(extra, TASK_USAGE.get(resource, Usage()))
    return Machine(len(path), extra)


def add(a: Usage, b: Usage) -> Usage:
    return Usage(a.invocations + b.invocations, a.stream_records + b.stream_records,
                 a.app_ms + b.app_ms, a.calls + b.calls, a.wru + b.wru, a.rru + b.rru,
                 a.sqs_requests + b.sqs_requests, a.kms_signs + b.kms_signs,
                 a.executions + b.executions)


def average(samples: Iterable[Usage]) -> Usage:
    samples = list(samples)
    total = Usage()
    for sample in samples:
        total = add(total, sample)
    n = max(1, len(samples))
    return replace(total, invocations=total.invocations / n,
                   stream_records=total.stream_records / n, app_ms=total.app_ms / n,
                   calls=Counter({k: v / n for k, v in total.calls.items()}),
                   wru=total.wru / n, rru=total.rru / n, sqs_requests=total.sqs_requests / n,
                   kms_signs=total.kms_signs / n,
                   executions=Counter({k: v / n for k, v in total.executions.items()}))


def rounded(value: float) -> float:
    return math.floor(value * 100 + 0.5) / 100
