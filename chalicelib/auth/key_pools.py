"""Which API Gateway API key the authorizer hands to a request (`usageIdentifierKey`).

Each plan has a pool of keys created at deploy time (infra/template.yaml, one per slot of
`ApiKeyPoolSlots`); an organization is mapped to one slot of its plan's pool by a stable hash
of its account id, so the number of keys does not grow with customers and creating an account
or changing its plan calls no AWS API: a plan change is the authorizer picking from the other
pool. Keys made per account before the pools (`api_key_value` on the user item) are returned
while the item still names one, until `admin retire-api-keys` takes it off (docs/capacity.md).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

POOL_PLANS = ("professional", "enterprise", "custom")


def pool_key_value(stage: str, plan: str, slot: str) -> str:
    """The value (and name) infra/template.yaml gives a pool key. Not a secret: with the API's
    key source AUTHORIZER, API Gateway ignores `x-api-key` and meters only what we return."""
    return f"leadnod-{stage}-{plan}-pool-{slot}"


def slot_index(account_id: str, slots: int) -> int:
    """A stable hash (the same in every process and release, unlike `hash()`), uniform over the
    slots. Changing the number of slots moves most organizations to another key, which loses
    nothing: a key holds no state but API Gateway's throttle bucket."""
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % slots


@dataclass(frozen=True)
class KeyPools:
    stage: str
    slots: tuple[str, ...]

    def key_for(self, account_id: str, plan: str) -> str | None:
        """The pool key of an organization (its account id) on `plan`; None without pools
        (a stack provisioned before them), when API Gateway would refuse every request."""
        if not self.slots:
            return None
        pool = plan if plan in POOL_PLANS else "professional"
        return pool_key_value(self.stage, pool, self.slots[slot_index(account_id,
                                                                      len(self.slots))])

    def usage_identifier(self, account: dict[str, Any]) -> str | None:
        """What the authorizer returns for an account item: the per-account key it still
        carries (not yet retired), else its plan's pool key."""
        legacy: str | None = account.get("api_key_value")
        return legacy or self.key_for(account["id"], account.get("plan", "professional"))
