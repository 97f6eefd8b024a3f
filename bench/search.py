"""Sales-pro search over 10,000 pros: latency and DynamoDB calls per query shape (in-process moto,
so absolute times include moto's Python overhead; the call counts are what DynamoDB would see)."""
from __future__ import annotations

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
    from chalicelib.services.search import tokens_for
    from chalicelib.storage.users import posting_key, user_key

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
            batch.put_item(Item={**user_key(user["id"]), **user})
            for token, attrs in tokens_for(user).items():
                batch.put_item(Item={**posting_key(token, user["id"]), **attrs})


def main() -> None:
    from chalicelib.models.users import UserSearchParams

    with moto_stack() as services:
        print(f"building {PROS:,} sales pros and their postings...", flush=True)
        build(services)
        counter = CallCounter(services.table.meta.client)
        shapes = {
            "no filters (all pros, ranked)": {},
            "industry=saas": {"industry": "saas"},
            "skills=negotiation,demos": {"skills": "negotiation,demos"},
            "q=enterprise closer": {"q": "enterprise closer"},
            "industry+availability+min_experience": {"industry": "saas",
                                                     "availability": "available",
                                                     "min_experience": 5},
            "skills+location+compensation_model": {"skills": "meddic", "location": "Remote",
                                                   "compensation_model": "hybrid"},
        }
        print(f"{'query':42} {'median ms':>10} {'results':>8}  DynamoDB calls")
        for label, filters in shapes.items():
            params = UserSearchParams(limit=20, **filters)
            services.search.search(params, "usr_bench")  # warm
            counter.reset()
            ms, page = timed(lambda: services.search.search(params, "usr_bench"), repeat=3)
            calls = {k: v // 3 for k, v in counter.calls.items()}
            print(f"{label:42} {ms:10.1f} {len(page.data):8}  {calls}")


if __name__ == "__main__":
    main()
