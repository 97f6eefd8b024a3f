"""Sales-pro search over 10,000 pros: latency and DynamoDB calls per query shape (in-process moto,
so absolute times include moto's Python overhead; the call counts are what DynamoDB would see)."""
from __future__ import annotations

import gc
import random
from datetime import datetime, timezone

from ._support import CallCounter, moto_stack, timed

PROS = 10_000
SKILLS = ["cold calling", "negotiation", "enterprise sales", "demos", "saas", "meddic", "rfp",
          "partnerships", "field sales", "account management", "outbound", "hubspot"]
CITIES = ["Austin, TX", "Remote", "New York, NY", "Chicago, IL", "Denver, CO", "London, UK"]
WORDS = ["enterprise", "closer", "quota", "smb", "mid-market", "channel", "strategic", "hunter"]


def build(services) -> None:
    from chalicelib.clock import sortable
    from chalicelib.models.common import INDUSTRIES
    from chalicelib.services.search_index import tokens_for
    from chalicelib.storage.users import posting_item, search_index, user_key

    rng = random.Random(7)
    now = sortable(datetime.now(timezone.utc))
    with services.table.batch_writer() as batch:
        for n in range(PROS):
            user = {
                "id": f"usr_bench{n:017d}", "type": "sales_pro", "name": f"Pro {n}",
                "email": f"pro{n}@bench.test", "industry": rng.choice(INDUSTRIES), "plan":
                "professional", "status": "active", "verified": False, "version": 1,
                "created_at": now, "updated_at": now,
                "profile": {"headline": " ".join(rng.sample(WORDS, 2)) + " seller",
                            "skills": rng.sample(SKILLS, 3), "years_experience": rng.randint(0, 25),
                            "location": rng.choice(CITIES),
                            "availability": rng.choice(["available", "limited", "unavailable"]),
                            "compensation_models": rng.sample(["commission", "base", "hybrid"], 2)},
            }
            postings = tokens_for(user)
            batch.put_item(Item={**user_key(user["id"]), **user,
                                 "search_index": search_index(postings)})
            for token, posting in postings.items():
                batch.put_item(Item=posting_item(token, posting))


SHAPES = {
    "no filters (all pros, ranked)": {},
    "industry=saas": {"industry": "saas"},
    "skills=negotiation,demos": {"skills": "negotiation,demos"},
    "q=enterprise closer": {"q": "enterprise closer"},
    "industry+availability+min_experience": {"industry": "saas", "availability": "available",
                                             "min_experience": 5},
    "skills+location+compensation_model": {"skills": "meddic", "location": "Remote",
                                           "compensation_model": "hybrid"},
    "q+skills (several)": {"q": "hunter", "skills": "rfp,outbound,hubspot"},
}
DEEP_PAGE = 5  # "page 5" rows: the cursor of page 4 is taken first, then page 5 is timed


def main() -> None:
    from chalicelib.models.users import UserSearchParams

    with moto_stack() as services:
        print(f"building {PROS:,} sales pros and their postings...", flush=True)
        build(services)
        # The table's ~120k moto items are millions of Python objects in this process; without
        # this, collector passes over them land inside whichever query runs (DynamoDB's items
        # live elsewhere).
        gc.collect()
        gc.freeze()
        counter = CallCounter(services.table.meta.client)
        search = services.search.search
        cases = {label: (filters, 1) for label, filters in SHAPES.items()}
        cases[f"industry=saas, page {DEEP_PAGE}"] = ({"industry": "saas"}, DEEP_PAGE)
        cases[f"skills=negotiation,demos, page {DEEP_PAGE}"] = ({"skills": "negotiation,demos"},
                                                               DEEP_PAGE)
        print(f"{'query (limit 20)':44} {'median ms':>9} {'results':>7} {'calls':>5} "
              f"{'items read':>10}  calls by operation")
        for label, (filters, page_number) in cases.items():
            cursor = None
            for _ in range(page_number - 1):
                cursor = search(UserSearchParams(limit=20, cursor=cursor, **filters),
                                "usr_bench").next_cursor
            params = UserSearchParams(limit=20, cursor=cursor, **filters)
            search(params, "usr_bench")  # warm
            counter.reset()
            ms, page = timed(lambda p=params: search(p, "usr_bench"), repeat=3)
            calls = {k: v // 3 for k, v in sorted(counter.calls.items())}
            print(f"{label:44} {ms:9.1f} {len(page.data):7} {sum(calls.values()):5} "
                  f"{counter.items_read // 3:10}  {calls}", flush=True)


if __name__ == "__main__":
    main()
