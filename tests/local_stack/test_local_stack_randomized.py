"""Black-box: random escrow movements over concurrent HTTP against the local stack, then every
balance must equal a model the test keeps and the ledger must audit clean.

Several engagements share one client and one sales pro and run at once, one thread each, so
the user-level accounts and totals take concurrent writes from separate execution environments
(issue 12). Each engagement's operations run in order, so the model predicts every outcome
exactly, refusals included: a release, refund or dispute of more than is available is refused
with `insufficient_escrow_balance` (a 4xx, or a payment that ends `failed` with that code), a
declined card leaves a failed funding. Disputes are decided along the way (the other party
concedes, or an operator splits the amount with `resolve-dispute`), and those still open at
the end are resolved, so nothing is left waiting.

This replaces tests/payments/test_randomized.py, which called the services in-process from
threads (4 x 51 operations, same model, same seeds). Over HTTP every funding, release and
refund waits for its execution to settle and every operator decision is an admin process, so
this runs 4 x 25 = 100 operations: measured 32-37 s on an idle 2-core machine (plus ~9 s for
the session's stack to start), up to ~50 s with the rest of the suite running alongside."""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from bench._http_mix import (Caller, admin_json, call, new_accounts, open_engagement,
                             wait_settled)

pytestmark = pytest.mark.stack_races  # `make test-races` (CI runs it): about 40 s

ENGAGEMENTS, OPERATIONS = 4, 25  # 100 operations
PATHS = {"fund": "escrow/fund", "release": "escrow/release", "refund": "escrow/refund",
         "dispute": "escrow/dispute"}


@dataclass
class Model:
    funded: int = 0
    released: int = 0
    refunded: int = 0
    holds: dict[str, tuple[int, str]] = field(default_factory=dict)  # dispute -> (amount, opener)

    @property
    def in_dispute(self) -> int:
        return sum(amount for amount, _ in self.holds.values())

    @property
    def available(self) -> int:
        return self.funded - self.released - self.refunded - self.in_dispute


def post(base: str, path: str, who: Caller, body: dict[str, Any]) -> tuple[int, Any]:
    answer = requests.post(f"{base}{path}", json=body, timeout=30,
                           headers={"Authorization": f"Bearer {who.token}"})
    return answer.status_code, answer.json() if answer.content else None


def move(base: str, kind: str, who: Caller, body: dict[str, Any]) -> tuple[str, Any]:
    """One money POST: ('won', the settled payment or the dispute), or ('lost', the code it was
    refused with, at once or in its execution)."""
    status, answer = post(base, f"/v1/payments/{PATHS[kind]}", who, body)
    if status >= 400:
        return "lost", answer["error"]["code"]
    assert status in (201, 202), (kind, status, answer)
    if kind == "dispute":
        return "won", answer
    payment = wait_settled(base, who.token, answer["id"], timeout=30)
    return ("won", payment) if payment["status"] == "succeeded" else \
        ("lost", payment["failure_code"])


def wait_resolved(base: str, who: Caller, dispute_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        dispute = call(base, "GET", f"/v1/payments/disputes/{dispute_id}", who.token)
        if dispute["status"] == "resolved":
            return dispute
        assert time.monotonic() < deadline, f"{dispute_id} not resolved after {timeout}s"
        time.sleep(0.2)


def run_engagement(base: str, admin: Any, engagement_id: str, client: Caller, pro: Caller,
                   seed: int) -> tuple[Model, Counter]:
    rng, model, log = random.Random(seed), Model(), Counter()

    def resolve(dispute_id: str, release: int, refund: int) -> None:
        decided = admin_json(admin, "resolve-dispute", "--dispute-id", dispute_id,
                             "--release", str(release), "--refund", str(refund))
        assert decided["id"] == dispute_id

    for step in range(OPERATIONS):
        op = rng.choices(["fund", "release", "refund", "dispute", "decide"],
                         weights=[3, 3, 2, 2, 2])[0]
        amount = rng.randint(1, 5_000) if op == "fund" else rng.randint(1, model.available + 800)
        fields = {"engagement_id": engagement_id, "amount": amount}
        where = f"{engagement_id} step {step}: {op} {amount}"
        if op == "decide" and model.holds:
            dispute_id = rng.choice(sorted(model.holds))
            held, opener = model.holds.pop(dispute_id)
            if rng.random() < 0.5:  # the other party concedes in full
                other = pro if opener == client.user_id else client
                status, answer = post(base, f"/v1/payments/disputes/{dispute_id}/accept",
                                      other, {})
                assert status in (200, 202), (where, status, answer)
                release = held if opener == pro.user_id else 0
            else:
                release = rng.randint(0, held)
                resolve(dispute_id, release, held - release)
            decided = wait_resolved(base, client, dispute_id)["resolution"]
            assert (decided["release"], decided["refund"]) == (release, held - release), where
            model.released, model.refunded = model.released + release, \
                model.refunded + held - release
        elif op == "fund":
            declined = rng.random() < 0.1
            method = "pm_card_declined" if declined else "pm_card_visa"
            outcome = move(base, "fund", client, {**fields, "payment_method": method})
            assert outcome[0] == ("lost" if declined else "won"), (where, method, outcome)
            if declined:
                assert outcome[1] == "card_declined", (where, outcome)
            model.funded += 0 if declined else amount
        elif op in ("release", "refund", "dispute"):
            enough = amount <= model.available
            if op == "dispute":
                by = rng.choice([client, pro])
                result, won = move(base, op, by, {**fields, "reason": "r"})
                if result == "won":
                    assert won["opened_by"] == by.user_id and won["amount"] == amount, where
                    model.holds[won["id"]] = (amount, by.user_id)
            else:
                result, won = move(base, op, client, fields)
                if result == "won":
                    assert won["amount"] == amount, (where, won)
                    counter = "released" if op == "release" else "refunded"
                    setattr(model, counter, getattr(model, counter) + amount)
            if result == "won":
                assert enough, f"{where} accepted with {model.available} available"
            else:
                assert not enough and won == "insufficient_escrow_balance", \
                    f"{where} refused ({won}) with {model.available} available"
            log[f"{op} {result}"] += 1
        log[op] += 1
    for dispute_id, (held, _) in sorted(model.holds.items()):  # leave nothing waiting
        resolve(dispute_id, held, 0)
        wait_resolved(base, client, dispute_id)
        model.released += held
    model.holds.clear()
    return model, log


def test_a_hundred_random_movements_over_concurrent_http_keep_the_ledger_exact(local_stack,
                                                                               local_admin):
    base = local_stack["base"]
    people = new_accounts(base, local_admin, {"Client": "client", "Pro": "sales_pro"})
    client, pro = people["Client"], people["Pro"]
    engagements = [open_engagement(base, client, pro) for _ in range(ENGAGEMENTS)]

    def play(i: int) -> tuple[Model, Counter, Any]:
        model, log = run_engagement(base, local_admin, engagements[i], client, pro, 7919 * i)
        # its escrow and hold accounts take no more writes: audit them while the others run
        return model, log, local_admin("audit-ledger", "--engagement-id", engagements[i])
    with ThreadPoolExecutor(ENGAGEMENTS) as pool:
        played = list(pool.map(play, range(ENGAGEMENTS)))
    results, audits = [(model, log) for model, log, _ in played], [a for *_, a in played]

    logs = sum((log for _, log in results), Counter())
    assert sum(logs[op] for op in ("fund", "release", "refund", "dispute", "decide")) == \
        ENGAGEMENTS * OPERATIONS, logs
    for engagement_id, (model, _) in zip(engagements, results, strict=False):
        for who in (client, pro):
            assert call(base, "GET", f"/v1/payments/balance?engagement_id={engagement_id}",
                        who.token) == {
                "engagement_id": engagement_id, "currency": "usd", "funded": model.funded,
                "released": model.released, "refunded": model.refunded, "in_dispute": 0,
                "available": model.available}
    for engagement_id, audited in zip(engagements, audits, strict=False):
        assert audited.returncode == 0, f"{engagement_id}: {audited.stdout}{audited.stderr}"
    totals = {k: sum(getattr(m, k) for m, _ in results)
              for k in ("funded", "released", "refunded", "available")}
    for who in (client, pro):
        mine = call(base, "GET", "/v1/payments/balance", who.token)
        assert {k: mine[k] for k in (*totals, "in_dispute")} == {**totals, "in_dispute": 0}
    report = local_admin("audit-ledger")  # the whole ledger: everything the stack holds
    assert report.returncode == 0, report.stdout + report.stderr
    assert json.loads(report.stdout)["debits_and_credits"]["usd"]["balances"] == 0
