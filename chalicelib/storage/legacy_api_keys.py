"""Per-account API keys made before the key pools, on the user items that still name them
(docs/capacity.md, "Migrating from per-account keys").

An account made the old way carries `api_key_id` and `api_key_value`, and the authorizer
returns that key while it does. Retiring it is two conditional writes around the deletion of
the key in API Gateway: `retire` swaps the attributes for `retired_api_key_id` and the time
(from then on the authorizer returns the pool key), and after the authorizer's cache has let go
of the old key, `forget` removes them once the key is deleted. Each write names the key it
expects, so runs may overlap, stop anywhere and start again.
"""
from __future__ import annotations

from typing import Any, Iterator

from boto3.dynamodb.conditions import Attr, Key

from .table import ConditionFailed, Store
from .users import user_key

ACCOUNT_TYPES = ("client", "sales_pro")


class LegacyApiKeys:
    def __init__(self, store: Store) -> None:
        self.store = store

    def holders(self) -> Iterator[dict[str, Any]]:
        """User items with a per-account key, in use or retired: GSI1 `USERS#<type>` of both
        types (no Scan), filtered on the key attributes."""
        carrying = Attr("api_key_id").exists() | Attr("retired_api_key_id").exists()
        for user_type in ACCOUNT_TYPES:
            yield from self.store.query_all(Key("GSI1PK").eq(f"USERS#{user_type}"),
                                            index="GSI1", FilterExpression=carrying)

    def retire(self, user_id: str, key_id: str, now: str) -> bool:
        """Stop handing out the account's own key; False when it no longer carries `key_id`."""
        try:
            self.store.update(
                user_key(user_id),
                "SET retired_api_key_id = :key, api_key_retired_at = :now"
                " REMOVE api_key_id, api_key_value",
                values={":key": key_id, ":now": now},
                condition="api_key_id = :key")  # only the key we read: no other write lost
        except ConditionFailed:
            return False
        return True

    def forget(self, user_id: str, key_id: str) -> bool:
        """After the key is deleted: drop its record; False when another run already did."""
        try:
            self.store.update(user_key(user_id),
                              "REMOVE retired_api_key_id, api_key_retired_at",
                              values={":key": key_id}, condition="retired_api_key_id = :key")
        except ConditionFailed:
            return False
        return True
