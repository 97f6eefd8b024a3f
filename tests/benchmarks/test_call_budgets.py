"""Issue #20's budgets of AWS calls per request, read from `python -m bench calls` (every
authenticated operation, counted from botocore's events against moto): a read ≤ 3 calls, a
list one Query (3), a create ≤ 4, a write (PATCH, PUT, DELETE) held to the create's 4, a money
POST ≤ 6. A change that adds a call to any operation fails here.

`OVER` lists the operations still above their budget (docs/performance.md says why and what
would bring each down) with today's count: they may not get dearer, and an entry fails once its
operation is within budget, so that the list only shrinks."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OVER = {
    "GET /v1/users/search": 4,                   # postings Query + the users' BatchGetItem
    "GET /v1/messages/conversations/{id}": 4,    # Query, marking the page read
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    """The bench's rows, from its own process (its moto and container stay out of ours)."""
    done = subprocess.run([sys.executable, "-m", "bench", "calls", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_every_operation_is_within_its_budget_or_no_dearer_than_today(rows):
    over_budget = {r["operation"]: r["calls"] for r in rows if r["calls"] > r["budget"]}
    unexpected = {name: calls for name, calls in over_budget.items() if name not in OVER}
    assert not unexpected, f"over budget: {unexpected}"
    dearer = {name: calls for name, calls in over_budget.items() if calls > OVER[name]}
    assert not dearer, f"dearer than recorded in OVER: {dearer}"
    fixed = sorted(set(OVER) - set(over_budget))
    assert not fixed, f"within budget now: take {fixed} out of OVER"


def test_with_the_authorizers_answer_cached_every_operation_is_within_budget(rows):
    """The count a request makes when API Gateway answers from the authorizer's cache (60 s
    per token, docs/auth.md): the rows above count the authorizer's GetItem on every request."""
    over_cached = {r["operation"]: r["cached"] for r in rows if r["cached"] > r["budget"]}
    assert not over_cached, over_cached
    assert all(r["cached"] == r["calls"] - r["authorizer"] for r in rows)


def test_lists_and_reads_make_no_writes_but_the_rate_limit(rows):
    for row in rows:
        if row["kind"] in ("read", "list") and row["operation"] not in OVER:
            writes = {c: n for c, n in row["detail"].items()
                      if c.split(".")[1] in ("PutItem", "TransactWriteItems", "DeleteItem")}
            assert not writes and row["detail"].get("dynamodb.UpdateItem") == 1, row


def test_the_bench_measures_every_authenticated_route(rows):
    from app import app
    from chalicelib.api.operations import operation_of

    def shape(path: str) -> str:
        return re.sub(r"{\w+}", "{}", path)

    measured = {(r["operation"].split()[0], shape(r["operation"].split()[1])) for r in rows}
    routes = {(method, shape(path)) for path, methods in app.routes.items()
              for method, entry in methods.items()
              if (op := operation_of(entry.view_function)) and not op.public
              and method != "PUT"}  # PUT is PATCH's alias: the same handler
    assert routes - measured == set()
