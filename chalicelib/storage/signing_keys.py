"""The token-signing keys' public halves, kept in the table (docs/auth.md, "Verification").

A new environment that verifies tokens (the authorizer) would otherwise build a KMS client and
call GetPublicKey before its first answer: about 75 ms of its cold start, most of
it loading the KMS model (docs/performance.md, "Cold start"). One item per configured key id,
read in one BatchGetItem with the table the authorizer reads anyway. The halves are public (the
JWKS route publishes them); who can write the table can already mint credentials, so keeping
them there trusts nothing new.
"""
from __future__ import annotations

from typing import Any, Iterable

from .table import Store

PREFIX, SORT = "SIGNKEY#", "SIGNKEY"


class SigningKeyCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, key_ids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """{configured key id: (kid, DER public key)} of those stored."""
        found = self.store.batch_get([(PREFIX + key_id, SORT) for key_id in key_ids])
        return {str(item["key_id"]): (str(item["kid"]), bytes(item["public_key"]))
                for item in found.values()}

    def save(self, key_id: str, kid: str, public_key: bytes) -> None:
        """What KMS answered for `key_id` (an alias re-pointed later is saved over)."""
        item: dict[str, Any] = {"PK": PREFIX + key_id, "SK": SORT, "entity": "signing_key",
                                "key_id": key_id, "kid": kid, "public_key": public_key}
        self.store.table.put_item(Item=item)  # never part of a request's transaction
