"""Read-only access to a caller's marketplace and escrow items for analytics and exports,
through their keys in docs/data-model.md: engagements from the caller's own GSI1/GSI2 list,
activities from the engagement's partition, payments from the caller's payment list. Nothing
here can reach an engagement or payment the caller is not a party to.
"""
from __future__ import annotations

from typing import Any, Iterator

from boto3.dynamodb.conditions import Key

from .keys import engagement_key, engagement_list_pk, engagement_pk
from .table import Store

# GSI holding a party's time-ordered lists: the client's side on GSI1, the sales pro's on GSI2.
PARTY_INDEX = {"client": "GSI1", "sales_pro": "GSI2"}
END_OF_DAY = "T23:59:59.999999Z~"  # sorts after every stored time of that day


def _party_list(index: str, pk: str, first_day: str | None, last_day: str | None) -> Any:
    condition = Key(f"{index}PK").eq(pk)
    sk = Key(f"{index}SK")
    if first_day and last_day:
        return condition & sk.between(first_day, last_day + END_OF_DAY)
    if first_day:
        return condition & sk.gte(first_day)
    if last_day:
        return condition & sk.lte(last_day + END_OF_DAY)
    return condition


class PartyData:
    def __init__(self, store: Store) -> None:
        self.store = store

    def engagement(self, eng_id: str) -> dict[str, Any] | None:
        return self.store.get(engagement_key(eng_id))

    def engagements(self, user_id: str, user_type: str, created_until: str | None = None,
                    ) -> Iterator[dict[str, Any]]:
        """The caller's engagements, oldest first, optionally only those created by a day."""
        index = PARTY_INDEX[user_type]
        yield from self.store.query_all(
            _party_list(index, f"USER#{user_id}#ENGS", None, created_until), index=index)

    def activities(self, eng_id: str, first_day: str | None, last_day: str | None,
                   ) -> Iterator[dict[str, Any]]:
        """One engagement's activities by `occurred_at`, paginated as it goes."""
        low = f"ACT#{first_day}" if first_day else "ACT#"
        high = f"ACT#{last_day}{END_OF_DAY}" if last_day else "ACT$"  # '$' follows '#'
        yield from self.store.query_all(
            Key("PK").eq(engagement_pk(eng_id)) & Key("SK").between(low, high))

    def payments(self, user_id: str, user_type: str, first_day: str | None,
                 last_day: str | None) -> Iterator[dict[str, Any]]:
        """The caller's payments by `created_at` (client: GSI1, sales pro: GSI2)."""
        index = PARTY_INDEX[user_type]
        yield from self.store.query_all(
            _party_list(index, f"USER#{user_id}#PAYS", first_day, last_day), index=index)

    def engagement_payments(self, eng_id: str) -> list[dict[str, Any]]:
        return list(self.store.query_all(Key("GSI3PK").eq(engagement_list_pk(eng_id, "PAYS")),
                                         index="GSI3"))

    def interests_sent(self, pro_id: str, first_day: str | None, last_day: str | None) -> int:
        """How many interests a sales pro expressed, counted on their list (Query with
        Select=COUNT): the summary's fallback for totals without exact counters."""
        condition = _party_list("GSI2", f"USER#{pro_id}#INTERESTS", first_day, last_day)
        total, start = 0, None
        while True:
            answer = self.store.table.query(
                IndexName="GSI2", KeyConditionExpression=condition, Select="COUNT",
                **({"ExclusiveStartKey": start} if start else {}))
            total += answer["Count"]
            start = answer.get("LastEvaluatedKey")
            if not start:
                return total
