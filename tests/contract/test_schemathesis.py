"""`make contract`: Schemathesis against a real local stack finds nothing.

No server errors, every answer's status, headers and body as the OpenAPI document says,
schema-valid requests accepted and invalid ones refused, unsupported methods answered 405, and
neither of two clients sees the other's objects. Marked `contract`: not part of `make test`
(it takes minutes); CI runs it after the suite (.ci/run).
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
from schemathesis_run import run

pytestmark = pytest.mark.contract


def test_schemathesis_finds_no_failures(local_stack, local_admin, tmp_path_factory):
    out = tmp_path_factory.mktemp("schemathesis")
    found, output, code = run(local_stack["base"], local_admin, out)
    accepted = out / "accepted.ndjson"
    rules = Counter(json.loads(line)["rule"] for line in accepted.read_text().splitlines()) \
        if accepted.exists() else Counter()
    print(f"\n{found.line()}; reports in {out}")
    for rule, count in rules.most_common():
        print(f"  {count:4d} refusals explained by: {rule}")
    assert found.operations >= 60 and found.cases > 0, output[-3000:]
    assert code == 0 and found.failures == 0, output[-20000:]
