"""The ledger audit's reads (services/payments/audit.py): the whole ledger, or one engagement's.

The whole-ledger read is the only Scan in the code base: an offline operator command, never a
request path. One engagement's read uses keys and GSIs only: its escrow and hold accounts
(GetItem), their postings (GSI1 = debits, GSI2 = credits, `LEDGER#<account>`) and its payments
(GSI3)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from .keys import engagement_list_pk
from .ledger import escrow, hold
from .table import Store

ENTITIES = ("ledger_account", "transfer", "payment", "escrow_totals", "dispute")


@dataclass
class EngagementLedger:
    accounts: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    payments: list[dict[str, Any]]


class LedgerReads:
    def __init__(self, store: Store) -> None:
        self._store = store

    def everything(self) -> dict[str, list[dict[str, Any]]]:
        """Every ledger account, transfer, payment, escrow total and dispute, by entity."""
        items: dict[str, list[dict[str, Any]]] = defaultdict(list)
        kwargs: dict[str, Any] = {"FilterExpression": Attr("entity").is_in(list(ENTITIES)),
                                  "ConsistentRead": True}
        while True:
            page = self._store.table.scan(**kwargs)
            for item in page.get("Items", []):
                items[item["entity"]].append(item)
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def engagement(self, engagement_id: str) -> EngagementLedger:
        accounts = [escrow(engagement_id, ""), hold(engagement_id, "")]  # currency unused here
        found = [item for item in (self._store.get(a.key, consistent=True) for a in accounts)
                 if item]
        transfers: dict[str, dict[str, Any]] = {}
        for account in accounts:
            for index in ("GSI1", "GSI2"):  # debits, credits
                for item in self._store.query_all(Key(f"{index}PK").eq(account.postings_pk),
                                                  index=index):
                    transfers[item["id"]] = item
        payments = list(self._store.query_all(
            Key("GSI3PK").eq(engagement_list_pk(engagement_id, "PAYS")), index="GSI3"))
        return EngagementLedger(found, list(transfers.values()), payments)
