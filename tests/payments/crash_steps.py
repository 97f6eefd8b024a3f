"""The steps of test_followups_crash.py, each in a process of its own against one moto server
(`AWS_ENDPOINT_URL`; after `provision`, the stack's outputs in the environment too). Each
prints one JSON line.

  provision                  infra/template.yaml's resources, a client and a sales pro, two
                             active engagements, the first with 7,000 in escrow
  end VERB ENGAGEMENT TOKEN  POST /v1/engagements/ENGAGEMENT/VERB through the app, the process
                             SIGKILLed the moment the transition's transaction has committed
  consume ENGAGEMENT...      the escrow follow-ups' stream consumer, polled as the local stack
                             polls it, from the start of the stream; what exists before and after
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def provision_stack() -> dict[str, Any]:
    from chalicelib import wiring
    from devstack.cfn import output_env
    from devstack.provision import provision

    outputs = output_env(provision("dev"))
    os.environ.update(outputs)
    services = wiring.reset()
    client, pro = account(services, "client"), account(services, "sales_pro")
    ends = [engagement(services, client, pro) for _ in range(2)]
    fund(services, ends[0], 7_000)
    return {"env": outputs, "token": client[1], "engagements": ends}


def account(services: Any, user_type: str) -> tuple[str, str]:
    """A PROFILE item (all the authorizer reads) and a token for it."""
    from chalicelib.clock import sortable
    from chalicelib.ids import new_id

    user_id, now = new_id("usr"), sortable(services.clock.now())
    services.table.put_item(Item={
        "PK": f"USER#{user_id}", "SK": "PROFILE", "entity": "user", "id": user_id,
        "type": user_type, "name": f"Crash {user_type}", "status": "active",
        "email": f"{user_id.lower()}@example.com", "plan": "professional", "verified": True,
        "created_at": now, "updated_at": now, "version": 1})
    token = services.token_issuer.issue(user_id=user_id, client_id=new_id("cli"),
                                        scopes=["read", "write"])
    return user_id, token


def engagement(services: Any, client: tuple[str, str], pro: tuple[str, str]) -> str:
    from chalicelib.clock import sortable
    from chalicelib.ids import new_id

    engagement_id, now = new_id("eng"), sortable(services.clock.now())
    services.table.put_item(Item={
        "PK": f"ENG#{engagement_id}", "SK": "ENG", "entity": "engagement", "id": engagement_id,
        "client_id": client[0], "sales_pro_id": pro[0], "opportunity_id": new_id("opp"),
        "opportunity_title": "Enterprise AE", "status": "active", "currency": "usd",
        "terms": {"compensation_model": "commission", "commission_rate": 10},
        "open_disputes": 0, "created_at": now, "updated_at": now, "version": 1})
    return engagement_id


def fund(services: Any, engagement_id: str, amount: int) -> None:
    """Escrow funded as the Fund machine's last write leaves it (the charge is not the test)."""
    from chalicelib.ids import new_id

    deal = services.payments_repo.engagement(engagement_id)
    payment = services.escrow._new_payment(new_id("pay"), "escrow_fund", deal, amount, "usd",
                                           payment_method="pm_card_visa")
    services.payments_repo.create(payment, statuses=("active",), client_id=deal["client_id"],
                                  claim_currency=True)
    services.store.transact(services.movements.credit(payment, "ch_crash"))


def end_then_die(verb: str, engagement_id: str, token: str) -> dict[str, Any]:
    from chalice.test import Client

    from app import app
    from chalicelib.storage.engagements import EngagementRepository

    committed = EngagementRepository.transition

    def transition_then_die(self: Any, *args: Any, **kwargs: Any) -> Any:
        committed(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # nothing after the commit runs

    EngagementRepository.transition = transition_then_die  # type: ignore[method-assign]
    body = json.dumps({"reason": "Crash test"} if verb == "terminate" else {})
    with Client(app, stage_name="dev", project_dir=str(ROOT)) as client:
        answer = client.http.post(f"/v1/engagements/{engagement_id}/{verb}", body=body,
                                  headers={"Authorization": f"Bearer {token}",
                                           "Content-Type": "application/json"})
    return {"survived": answer.status_code, "body": answer.body.decode()}


def consume(engagement_ids: list[str]) -> dict[str, Any]:
    from app import app
    from chalicelib import wiring
    from devstack.pollers import stream_pollers, streams_client

    services = wiring.reset()
    before = state(services, engagement_ids)
    [poller] = [p for p in stream_pollers(app, streams_client(services.session), threading.Event())
                if p.function_name == "table_stream"]
    handled = 0
    while (batch := poller.poll_once()):
        handled += batch
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(
            p["status"] == "processing" for p in state(services, engagement_ids)["payments"]):
        time.sleep(0.1)
    return {"handled": handled, "before": before, "after": state(services, engagement_ids)}


def state(services: Any, engagement_ids: list[str]) -> dict[str, Any]:
    """The engagements' statuses, payments, escrow, executions and ledger audit."""
    from boto3.dynamodb.conditions import Key

    from chalicelib.services.payments.audit import LedgerAudit
    from chalicelib.storage.ledger_reads import LedgerReads
    from chalicelib.storage.outbox import plain

    sfn = services.client("stepfunctions")
    machines = services.settings.payments.machine_arns
    executions = [e for machine in ("refund", "auto_release")
                  for e in sfn.list_executions(stateMachineArn=machines[machine])["executions"]]
    payments = [p for eng in engagement_ids for p in services.store.query_all(
        Key("GSI3PK").eq(f"ENG#{eng}#PAYS"), index="GSI3")]
    return plain({
        "statuses": [services.payments_repo.engagement(eng)["status"] for eng in engagement_ids],
        "payments": [{k: p[k] for k in ("id", "type", "status", "amount")} for p in payments],
        "escrow": [dict(services.payments_repo.escrow_account(eng) or {}) for eng in
                   engagement_ids],
        "executions": sorted((e["name"], e["status"]) for e in executions),
        "audited": all(LedgerAudit(LedgerReads(services.store)).run(
            retries=0, engagement_id=eng).ok for eng in engagement_ids)})


def main(argv: list[str]) -> None:
    step, *args = argv
    if step == "provision":
        result = provision_stack()
    elif step == "end":
        result = end_then_die(*args)
    else:
        result = consume(args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
