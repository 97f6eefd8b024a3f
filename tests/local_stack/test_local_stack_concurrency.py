"""Black-box: the local stack answers concurrent callers as API Gateway + Lambda would, each
request with its own caller, body and answer (issue 12: `chalice local`'s threaded server
shared one `current_request`, so one caller's request ran as another's).

Two clients with engagements of their own and a read-only token of one of them send reads,
creates and money POSTs from 16 threads at once; every answer must be the request's own
(`bench/_http_mix.py` tags each request so that anything else shows), and what is stored must
be each write exactly once, the balances their owner's movements, the ledger clean."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from bench._http_mix import (OPENING_BALANCE, build_mix, call, clients_with_engagements, fire,
                             stored_problems)

WORKERS = 16
# `make test-races` (CI runs it): about 35 s of one test worker inside the full session.
pytestmark = pytest.mark.stack_races


@pytest.fixture(scope="module")
def parties(local_stack, local_admin):
    return clients_with_engagements(local_stack["base"], local_admin)


def test_sixteen_concurrent_callers_each_get_their_own_answers_and_writes(local_stack,
                                                                         local_admin, parties):
    base, (a, b, a_read) = local_stack["base"], parties
    calls = build_mix([a, b], a_read, reads=24, creates=12, funds=3, releases=8,
                      read_only_posts=8)  # 102 requests
    answers = fire(base, calls, WORKERS, seconds=60)

    assert len(answers) == len(calls)
    wrong = [x for x in answers if x.problem]
    found = {"crosstalk": sum(x.crosstalk for x in wrong),
             "errors": sum(not x.crosstalk for x in wrong),
             **stored_problems(base, [a, b], calls)}
    examples = Counter(f"{x.call.kind} by {x.call.caller.name}: {x.problem[:90]}"
                       for x in wrong).most_common(8)
    assert found == dict.fromkeys(found, 0), json.dumps({"found": found,
                                                         "examples": examples}, indent=1)

    for client in (a, b):
        mine = [c for c in calls if c.caller == client]
        funded = OPENING_BALANCE + sum(c.amount for c in mine if c.kind == "fund")
        released = sum(c.amount for c in mine if c.kind == "release")
        assert call(base, "GET", f"/v1/payments/balance?engagement_id={client.engagement_id}",
                    client.token) == {
            "engagement_id": client.engagement_id, "currency": "usd", "funded": funded,
            "released": released, "refunded": 0, "in_dispute": 0,
            "available": funded - released}
    audit = local_admin("audit-ledger")
    assert audit.returncode == 0, audit.stdout + audit.stderr
