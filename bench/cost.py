"""`python -m bench cost`: what one million API requests cost on AWS, by service, for a
documented request mix, from what each operation is measured to use.

Each operation of `bench/calls.py` runs through the app in process against moto, twice (the first
pass warms imports and the process's one-off writes; the second is priced), under a
`bench/_meter.Meter`: its AWS calls by Lambda function (route, authorizer, and the queue and
stream consumers its follow-up work runs in), DynamoDB request units from the items touched,
SQS requests, KMS signatures, Step Functions executions, and the time spent in our code. An
access token request is measured the same way. `bench/_cost_model.py` prices that at
us-east-1 list prices with the stated assumptions (`--help`, docs/performance.md, "Cost per
million requests"); the knobs it varies are printed with what they change.

The last line is `cost_per_million_usd=X.XX` (issue #20's target: 4.50 or less).
"""
from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import replace
from typing import Any

from . import calls
from ._cost_model import (SERVICES, Knobs, Machine, Operation, Usage, cost_per_million, machine)
from ._meter import Meter, Part, Request
from ._support import moto_stack

# Requests per 1,000, as an integrator's backend uses the API (docs/performance.md says why):
# mostly reads of single objects and list polling to keep its own records in step, creates as
# its users act, few money movements (a funding per engagement, releases per milestone, now
# and then one refused).
MIX = {
    "GET /v1/users/me": 40, "GET /v1/usage": 10, "GET /v1/opportunities/{id}": 150,
    "GET /v1/engagements/{id}": 200, "GET /v1/analytics/summary": 60,
    "GET /v1/opportunities": 120, "GET /v1/engagements": 100, "GET /v1/payments": 50,
    "GET /v1/events": 130,
    "POST /v1/opportunities": 15, "POST /v1/opportunities/{id}/interest": 20,
    "POST /v1/engagements": 8, "POST /v1/engagements/{id}/start": 7,
    "POST /v1/engagements/{id}/activities": 40, "POST /v1/messages/send": 28,
    "POST /v1/webhooks": 2,
    "POST /v1/payments/escrow/fund": 10, "POST /v1/payments/escrow/release": 8,
    "POST /v1/payments/escrow/release (refused)": 2,
}
TOKEN = "POST /oauth/token"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Knobs()
    parser.add_argument("--requests-per-token-minute", type=float,
                        default=defaults.requests_per_token_minute)
    parser.add_argument("--authorizer-ttl", type=int, default=defaults.authorizer_ttl_s)
    parser.add_argument("--memory", type=int, default=defaults.memory_mb, help="Lambda MB")
    args = parser.parse_args()
    knobs = replace(defaults, requests_per_token_minute=args.requests_per_token_minute,
                    authorizer_ttl_s=args.authorizer_ttl, memory_mb=args.memory)
    requests = measure()
    operations = {r.row.operation: usages(r.parts) for r in requests}
    missing = sorted(set(MIX) - set(operations))
    if missing:
        raise SystemExit(f"the mix names operations bench/calls.py no longer runs: {missing}")
    machines = state_machines()
    print_operations(requests, operations, machines, knobs)
    costs = cost_per_million(MIX, operations, operations[TOKEN], machines, knobs)
    total = sum(costs.values())
    print(f"\ncost of 1,000,000 requests (mix above, {knobs.requests_per_token_minute:g} requests "
          f"per token per minute, authorizer cache {knobs.authorizer_ttl_s} s, Lambda "
          f"{knobs.memory_mb} MB):")
    for service in SERVICES:
        print(f"  {service:<15} ${costs[service]:7.3f}  {costs[service] / total:6.1%}")
    print(f"  {'total':<15} ${total:7.3f}   (target <= $4.50)")
    print_knobs(operations, machines, knobs, total)
    print(f"cost_per_million_usd={total:.2f}")


def measure() -> list[Request]:
    with moto_stack() as services:
        from app import app

        meter = Meter(services.session, app)
        calls.measure(services, meter, meter.settle)  # warm: imports, first-process writes
        meter.requests.clear()
        calls.measure(services, meter, meter.settle)
        measure_token_request(services, app, meter)
        return meter.requests


def measure_token_request(services: Any, app: Any, meter: Meter) -> None:
    """POST /oauth/token with client credentials, twice (the second is kept)."""
    from chalice.test import Client

    made = services.users.create_account(
        user_type="client", name="Bench token", email=f"{uuid.uuid4().hex[:10]}@x.io",
        plan="enterprise", industry="saas")
    body = json.dumps({"grant_type": "client_credentials", "client_id": made.client_id,
                       "client_secret": made.client_secret}).encode()
    client = Client(app, stage_name="dev")
    for _ in range(2):
        meter.reset()
        answer = client.http.post("/oauth/token", body=body,
                                  headers={"Content-Type": "application/json"})
        assert answer.status_code == 200, answer.body
        meter.settle(calls.Row(TOKEN, "token", answer.status_code, meter.calls, 0))
    del meter.requests[-2]


def usages(parts: dict[str, Part]) -> Operation:
    return {name: Usage(part.invocations, part.stream_records, part.app_ms, part.calls,
                        part.wru, part.rru, part.sqs_requests, part.kms_signs,
                        part.executions)
            for name, part in parts.items()}


def state_machines() -> dict[str, Machine]:
    """Each state machine of infra/template.yaml by its dev-stage name."""
    from devstack.cfn import load_template

    machines = {}
    for resource in load_template()["Resources"].values():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            props = resource["Properties"]
            name = props["StateMachineName"]["Fn::Sub"].replace("${Stage}", "dev")
            machines[name] = machine(props["Definition"])
    return machines


def print_operations(requests: list[Request], operations: dict[str, Operation],
                     machines: dict[str, Machine], knobs: Knobs) -> None:
    print(f"{'operation':<44} {'mix‰':>5} {'calls':>5} {'WRU':>5} {'RRU':>5} {'ms':>5} "
          f"{'$/M alone':>9}  follow-ups (calls, WRU)")
    for request in requests:
        name, parts = request.row.operation, request.parts
        own = [parts[f] for f in ("api", "authorizer") if f in parts]
        later = [p for f, p in parts.items() if f not in ("api", "authorizer")]
        alone = sum(cost_per_million({name: 1}, operations, operations[TOKEN], machines,
                                     knobs).values()) if name != TOKEN else float("nan")
        follow = ", ".join(f"{p.function} {sum(p.calls.values())}/{p.wru:g}" for p in later
                           if p.calls or p.invocations)
        starts = sum(sum(p.executions.values()) for p in own)
        print(f"{name:<44} {MIX.get(name, 0):>5} {sum(sum(p.calls.values()) for p in own):>5} "
              f"{sum(p.wru for p in own):>5g} {sum(p.rru for p in own):>5g} "
              f"{sum(p.app_ms for p in own):>5.1f} {alone:>9.2f}  "
              + (follow or "-") + (f"; {starts} execution(s)" if starts else ""))
    print("calls, WRU, RRU: the request's own, the authorizer's included (it runs once per "
          "token per cache period); ms: time in our code, in process on this machine")


VARIANTS = (
    ("authorizer cache off (TTL 0, the issue's starting point)", {"authorizer_ttl_s": 0}),
    ("authorizer cache TTL 300 s", {"authorizer_ttl_s": 300}),
    ("1 request per token per minute", {"requests_per_token_minute": 1}),
    ("60 requests per token per minute", {"requests_per_token_minute": 60}),
    ("Lambda memory 256 MB", {"memory_mb": 256}),
    ("Lambda memory 1024 MB", {"memory_mb": 1024}),
    ("HTTP API instead of REST (the design fixes REST)", {"api": "api_http"}),
    ("stream batches of 1 record instead of 10", {"stream_records_per_invocation": 1}),
    ("no exact per-request limiter write (usage plans only)", {"exact_rate_limit": False}),
)


def print_knobs(operations: dict[str, Operation], machines: dict[str, Machine], knobs: Knobs,
                total: float) -> None:
    print("\nknobs (total per million with one setting changed):")
    moved = []
    for label, change in VARIANTS:
        varied = sum(cost_per_million(MIX, operations, operations[TOKEN], machines,
                                      replace(knobs, **change)).values())
        moved.append((abs(varied - total), label, varied))
        print(f"  {label:<58} ${varied:7.3f}  ({varied - total:+.3f})")
    _, label, varied = max(moved)
    print(f"moves it most: {label} (${varied:.2f})")


if __name__ == "__main__":
    main()
