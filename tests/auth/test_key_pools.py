"""Which pool key an organization gets: stable, spread over the slots, the plan's pool, and the
organization's own key while it still carries one (accounts made before the pools)."""
from __future__ import annotations

from collections import Counter

from chalicelib.auth.key_pools import KeyPools, pool_key_value, slot_index

SLOTS = tuple(f"{i:02d}" for i in range(16))


def test_the_slot_is_a_stable_hash_of_the_account_id():
    # Pinned (SHA-256, not the per-process `hash()`): a change here would move every
    # organization to another key on deploy.
    assert [slot_index(f"usr_{n}", 16) for n in range(8)] == [5, 3, 12, 0, 15, 10, 4, 0]
    assert slot_index("usr_3kTqz1bX9mW2vL7pA0cRd4", 16) == 2


def test_organizations_spread_evenly_over_the_slots():
    counts = Counter(slot_index(f"usr_{n:022d}", len(SLOTS)) for n in range(3200))
    assert set(counts) == set(range(16))
    assert max(counts.values()) < 1.3 * 3200 / 16  # no slot carries much more than its share


def test_the_key_is_the_slot_of_the_plans_pool():
    pools = KeyPools("prod", SLOTS)
    slot = SLOTS[slot_index("usr_a", 16)]
    assert pools.key_for("usr_a", "enterprise") == pool_key_value("prod", "enterprise", slot)
    assert pools.key_for("usr_a", "enterprise") == f"leadnod-prod-enterprise-pool-{slot}"
    assert pools.key_for("usr_a", "gold") == pools.key_for("usr_a", "professional")


def test_an_account_still_on_its_own_key_keeps_it_until_it_is_retired():
    pools = KeyPools("prod", SLOTS)
    legacy = {"id": "usr_a", "plan": "professional", "api_key_value": "old-per-account-value"}
    assert pools.usage_identifier(legacy) == "old-per-account-value"
    retired = {"id": "usr_a", "plan": "professional", "retired_api_key_id": "k1"}
    assert pools.usage_identifier(retired) == pools.key_for("usr_a", "professional")


def test_without_pools_no_key_is_returned():
    assert KeyPools("dev", ()).usage_identifier({"id": "usr_a"}) is None
