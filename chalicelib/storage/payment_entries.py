"""An engagement's payment entries: the payments as engagement analytics lists them, kept in
the engagement's own partition (`ENG#<eng>` / `AGG#PAY#<created_at>#<pay>`) from the table
stream (services/analytics/payment_entries.py), so that `GET /v1/analytics/engagement/{id}`
reads them in the Query that reads the engagement and its day items (storage/aggregates.py:
they sort between the day items and `ENG`).

Engagements created since 2026-12-03 carry `payment_entries` on their item
(`PAYMENT_ENTRIES_FLAG`): their entries are whole. Older engagements' payments are listed from
GSI3 as before.
"""
from __future__ import annotations

from typing import Any

from .aggregates import PAYMENT_ENTRY_PREFIX
from .keys import engagement_pk
from .table import ConditionFailed, Store

ENTRY_FIELDS = ("id", "type", "status", "amount", "currency", "created_at", "updated_at")


def payment_entry_key(payment: dict[str, Any]) -> dict[str, str]:
    return {"PK": engagement_pk(payment["engagement_id"]),
            "SK": f"{PAYMENT_ENTRY_PREFIX}{payment['created_at']}#{payment['id']}"}


class PaymentEntryRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, payment: dict[str, Any]) -> bool:
        """Write `payment`'s entry as it is in this image. A payment moves once, from
        `processing` to `succeeded` or `failed`: a `processing` image only creates the entry,
        and a settled one never overwrites another settled one, so a replayed or late record
        cannot move an entry back. False when nothing was written."""
        entry = {**payment_entry_key(payment), "entity": "payment_entry",
                 **{name: payment[name] for name in ENTRY_FIELDS if name in payment}}
        condition, values = "attribute_not_exists(PK)", None
        if payment["status"] != "processing":
            condition += " OR #status = :processing"
            values = {":processing": "processing"}
        try:
            self.store.put(entry, condition=condition, values=values,
                           names={"#status": "status"} if values else None)
            return True
        except ConditionFailed:
            return False
