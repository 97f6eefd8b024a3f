"""Matching over 10,000 sales pros: what a run reads and writes, and what the read costs.

    .venv/bin/python -m bench.matching [--pros 10000]

In-process moto, table provisioned from infra/template.yaml. Profiles, search postings and
track records are written straight into the table (the same items `UserRepository.create`
writes, without the per-account transaction) so the data set builds in seconds. Then the docs'
example opportunity is created through the service, its matching run is timed with every
DynamoDB call counted, one pro's profile change is re-scored, and the matches are read.
Figures are printed, never asserted. The call counts, items and kilobytes are what DynamoDB
would see; the milliseconds are in-process moto's (with devstack.moto_fixes), not DynamoDB's.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from typing import Any

from ._support import moto_stack

SKILLS = ["enterprise sales", "negotiation", "salesforce", "cold calling", "outbound", "hubspot",
          "partnerships", "payments", "medical devices", "hospital sales", "demos", "smb sales",
          "security", "meddic", "field sales", "rfp", "commercial real estate", "insurance",
          "renewals", "edtech", "public sector", "mid-market", "advertising", "sponsorships",
          "logistics", "telecom", "solar", "proposals", "retail", "account management",
          "consulting", "agency sales", "expansion", "healthcare it", "channel sales", "oem",
          "saas", "b2b sales", "inside sales", "closing"]
DOCS_OPPORTUNITY = {
    "title": "Enterprise Account Executive", "industry": "saas",
    "description": "Looking for experienced AE...", "compensation_model": "hybrid",
    "base_salary_range": {"min": 80000, "max": 120000}, "commission_rate": 0.10,
    "duration": "ongoing", "requirements": ["5+ years experience", "Enterprise sales"]}


def build_pros(services: Any, count: int, rng: random.Random) -> list[str]:
    from chalicelib.ids import new_id
    from chalicelib.models.common import INDUSTRIES
    from chalicelib.services.search_index import tokens_for
    from chalicelib.storage.matches import track_record_key
    from chalicelib.storage.users import posting_item, search_index, user_key

    ids = []
    with services.table.batch_writer() as batch:
        for n in range(count):
            industry = rng.choice(INDUSTRIES)
            user = {"id": new_id("usr"), "type": "sales_pro", "name": f"Pro {n}",
                    "email": f"pro{n}@bench.test", "industry": industry, "plan": "professional",
                    "status": "active", "verified": False, "version": 1,
                    "created_at": "2026-01-01T00:00:00.000000Z",
                    "updated_at": "2026-01-01T00:00:00.000000Z",
                    "profile": {"headline": f"{industry} seller", "skills": rng.sample(SKILLS, 3),
                                "years_experience": rng.randint(0, 20),
                                "availability": rng.choices(["available", "limited",
                                                             "unavailable"], [6, 3, 1])[0],
                                "compensation_models": rng.sample(["commission", "base",
                                                                   "hybrid"], rng.randint(1, 2))}}
            postings = tokens_for(user)
            batch.put_item(Item={**user_key(user["id"]), **user, "entity": "user",
                                 "search_index": search_index(postings)})
            for token, posting in postings.items():
                batch.put_item(Item=posting_item(token, posting))
            if rng.random() < 0.3:
                batch.put_item(Item={**track_record_key(user["id"]),
                                     "engs_completed_lifetime": rng.randint(0, 8),
                                     "deals_closed": rng.randint(0, 30)})
            ids.append(user["id"])
    return ids


class Calls:
    """Counts DynamoDB calls and the items they return."""

    def __init__(self, table: Any) -> None:
        self.ops: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.bytes = 0
        self.written: Counter[str] = Counter()
        self.written_bytes = 0
        events = table.meta.client.meta.events
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.ops[model.name] += 1
        params = json.loads(params["body"] or b"{}")  # the request as sent
        writes = [request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest")
                  for requests in (params.get("RequestItems") or {}).values()
                  for request in requests if isinstance(request, dict)] \
            if model.name == "BatchWriteItem" else []
        writes += [next(iter(action.values())) for action in params.get("TransactItems", [])]
        if model.name in ("UpdateItem", "PutItem", "DeleteItem"):
            writes.append(params)
        self.written[model.name] += len(writes)
        self.written_bytes += sum(len(json.dumps(w, default=str)) for w in writes)

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if "Items" in parsed:
            found = parsed["Items"]
        elif "Responses" in parsed:
            found = [item for items in parsed["Responses"].values() for item in items]
        else:
            found = [parsed["Item"]] if parsed.get("Item") else []
        self.items[model.name] += len(found)
        # A rough item size: the JSON of the wire format (DynamoDB counts names + values).
        self.bytes += sum(len(json.dumps(item, default=str)) for item in found)

    def reset(self) -> None:
        self.ops.clear()
        self.items.clear()
        self.written.clear()
        self.bytes = self.written_bytes = 0

    def report(self) -> str:
        ops = ", ".join(f"{name} x{n} ({self.items[name]} items)" for name, n in
                        sorted(self.ops.items()))
        writes = sum(self.written.values())
        return (f"{ops}; ~{self.bytes / 1024:.0f} KB read"
                + (f"; {writes} items written (~{self.written_bytes / 1024:.0f} KB)"
                   if writes else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.matching",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--pros", type=int, default=10_000)
    args = parser.parse_args(argv or [])  # `make bench` calls main() with no arguments

    with moto_stack() as services:
        from chalicelib.auth.caller import Caller
        from chalicelib.models.matching import MatchListParams
        from chalicelib.models.opportunities import OpportunityCreate

        started = time.perf_counter()
        pros = build_pros(services, args.pros, random.Random(7))
        print(f"data set: {len(pros):,} sales pros with postings and track records "
              f"written in {time.perf_counter() - started:.1f} s")

        owner_id = services.users.create_account(
            user_type="client", name="Bench Client", email="client@bench.test").user.id
        owner = Caller(owner_id, "client", "professional", frozenset({"read", "write"}), "bench")
        opp = services.opportunities.create(owner,
                                            OpportunityCreate.model_validate(DOCS_OPPORTUNITY))
        calls = Calls(services.table)

        started = time.perf_counter()
        result = services.matching.run(opp.id)
        elapsed = time.perf_counter() - started
        print(f"\nmatching run for the docs' example ({opp.industry}, "
              f"requirements {opp.requirements}):")
        print(f"  candidates from postings: {result.candidates:,} of {len(pros):,} pros; "
              f"profiles scored: {result.scored}; stored: {result.stored}")
        print(f"  {elapsed * 1000:.0f} ms in-process moto; calls: {calls.report()}")

        calls.reset()
        started = time.perf_counter()
        again = services.matching.run(opp.id)
        print(f"  re-run with nothing changed: {(time.perf_counter() - started) * 1000:.0f} ms, "
              f"wrote {'nothing' if not again.changed else 'a new generation'}; "
              f"calls: {calls.report()}")

        pro_id = services.matching.matches(owner, opp.id,
                                           MatchListParams(limit=1)).data[0].sales_pro_id
        calls.reset()
        started = time.perf_counter()
        services.matching.rescore(opp.id, pro_id)
        print(f"\nre-scoring one pro in one opportunity (a profile change): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms; calls: {calls.report()}")

        calls.reset()
        started = time.perf_counter()
        page = services.matching.matches(owner, opp.id, MatchListParams(limit=100))
        elapsed = time.perf_counter() - started
        kb = calls.bytes / 1024
        print(f"\nGET /v1/opportunities/{{id}}/matches: {len(page.data)} matches, best "
              f"{page.data[0].score} ({page.data[0].sales_pro.name}), worst {page.data[-1].score}")
        print(f"  {elapsed * 1000:.1f} ms in-process moto; calls: {calls.report()}")
        print(f"  ≈ {max(1, round(kb / 4 / 2 + 0.499))} RCU eventually consistent "
              f"(1 RCU per 4 KB, halved), whatever the number of pros")


if __name__ == "__main__":
    main(sys.argv[1:])
