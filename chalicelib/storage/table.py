"""The DynamoDB single table: queries, pages and transactions, with errors in domain terms."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Sequence, TypeVar

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from .commit_riders import current_rider
from .cursors import CursorCodec


Item = TypeVar("Item")


class Refused(Exception, Generic[Item]):
    """A write refused by a condition; `item` is the item that refused it, as it was (None:
    there was no item). Repositories raise subclasses that name what refused."""

    def __init__(self, item: Item | None = None) -> None:
        super().__init__(type(self).__name__)
        self.item = item


class ConditionFailed(Refused[dict[str, Any]]):
    """A conditional write was refused."""


Action = dict[str, Any]  # {"Put"|"Update"|"Delete"|"ConditionCheck": {...}} without TableName
NamedAction = tuple[str, Action]  # (what the action guards, the action)


def key_name(key: dict[str, str]) -> str:
    """The name an unnamed action gets: its item's key."""
    return f"{key['PK']}|{key['SK']}"


def _name_of(entry: Action | NamedAction) -> tuple[str, Action]:
    if isinstance(entry, tuple):
        return entry
    (body,) = entry.values()
    item = body.get("Key") or body["Item"]
    return key_name({"PK": item["PK"], "SK": item["SK"]}), entry


class TransactionFailed(Exception):
    """A transaction was cancelled. `refusals` maps the name of each action whose condition
    failed to the item that refused it as it was (None when there was no item); `conflict` is
    set when another transaction on the same items got there first. Repositories turn refusals
    into their own exceptions; nothing outside storage needs to know the order of the actions."""

    def __init__(self, refusals: dict[str, dict[str, Any] | None], conflict: bool,
                 codes: list[str]) -> None:
        super().__init__(f"transaction cancelled: {codes}")
        self.refusals, self.conflict = refusals, conflict

    def refused(self, name: str) -> bool:
        return name in self.refusals

    def refused_key(self, key: dict[str, str]) -> bool:
        return key_name(key) in self.refusals

    def item(self, name: str) -> dict[str, Any] | None:
        return self.refusals.get(name)


# A list's head (Store.page) sorts after every "<created_at>#<id>" in its index partition, so
# a newest-first (descending) Query returns it first.
HEAD_SORT_KEY = "~"


@dataclass
class PageResult:
    items: list[dict[str, Any]]
    next_cursor: str | None
    head: dict[str, Any] | None = None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


class Store:
    """Thin layer over a boto3 `Table` resource; repositories build keys and call it."""

    def __init__(self, table: Any, cursors: CursorCodec) -> None:
        self.table = table
        self.name = table.name
        self.client = table.meta.client
        self.cursors = cursors

    def get(self, key: dict[str, str], consistent: bool = False) -> dict[str, Any] | None:
        return self.table.get_item(Key=key, ConsistentRead=consistent).get("Item")

    def put(self, item: dict[str, Any], condition: str | None = None,
            values: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> None:
        rider = current_rider()
        if rider is not None and rider.carrying():  # the answer goes with it: one transaction
            try:
                self.transact([("put", {"Put": {
                    "Item": item, **_expressions(condition, values, names)}})])
            except TransactionFailed as exc:
                if exc.refused("put"):
                    raise ConditionFailed(exc.item("put")) from None
                raise
            return
        try:
            self.table.put_item(Item=item, **_expressions(condition, values, names))
        except ClientError as exc:
            raise _condition_error(exc) from None

    def update(self, key: dict[str, str], expression: str, values: dict[str, Any] | None = None,
               names: dict[str, str] | None = None, condition: str | None = None,
               return_values: str = "ALL_NEW") -> dict[str, Any]:
        kwargs = {"Key": key, "UpdateExpression": expression, "ReturnValues": return_values,
                  **_expressions(condition, values, names)}
        try:
            return self.table.update_item(**kwargs).get("Attributes", {})
        except ClientError as exc:
            raise _condition_error(exc) from None

    def transact(self, actions: Sequence[Action | NamedAction]) -> None:
        """TransactWriteItems. Each entry is an action or a (name, action) pair; a refused
        action is reported under its name (unnamed: its key) with the item that refused it."""
        if not actions:
            return
        rider = current_rider()  # a keyed request's idempotency record (commit_riders.py)
        named = [_name_of(entry) for entry in actions] + (rider.actions() if rider else [])
        items = []
        for _, action in named:
            (kind, body), = action.items()
            body = {"TableName": self.name, **body}
            if kind == "ConditionCheck" or "ConditionExpression" in body:
                body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            items.append({kind: body})
        try:
            self.client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons", [])
            codes = [r.get("Code") or "None" for r in reasons]
            if rider is not None:
                refusal = rider.refusal({name: (reason["Code"], reason.get("Item"))
                                         for (name, _), reason in zip(named, reasons, strict=True)
                                         if reason.get("Code") not in (None, "None")})
                if refusal is not None:
                    raise refusal from None
            refusals = {name: _typed(reason.get("Item"))
                        for (name, _), reason in zip(named, reasons, strict=True)
                        if reason.get("Code") == "ConditionalCheckFailed"}
            raise TransactionFailed(refusals, "TransactionConflict" in codes, codes) from None
        if rider is not None:
            rider.committed()

    def batch_get(self, keys: list[tuple[str, str]], consistent: bool = False
                  ) -> dict[tuple[str, str], dict[str, Any]]:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        pending = [{"PK": pk, "SK": sk} for pk, sk in dict.fromkeys(keys)]
        while pending:
            chunk, pending = pending[:100], pending[100:]
            request: dict[str, Any] = {self.name: {"Keys": chunk, "ConsistentRead": consistent}}
            while request:
                answer = self.client.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self.name, []):
                    found[(item["PK"], item["SK"])] = item
                request = answer.get("UnprocessedKeys") or {}
        return found

    def query(self, key_condition: Any, index: str | None = None, forward: bool = True,
              limit: int | None = None, start_key: dict[str, Any] | None = None,
              **extra: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        kwargs: dict[str, Any] = {"KeyConditionExpression": key_condition,
                                  "ScanIndexForward": forward, **extra}
        if index:
            kwargs["IndexName"] = index
        if limit:
            kwargs["Limit"] = limit
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        answer = self.table.query(**kwargs)
        return answer.get("Items", []), answer.get("LastEvaluatedKey")

    def query_all(self, key_condition: Any, index: str | None = None,
                  **extra: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            items, start = self.query(key_condition, index=index, start_key=start, **extra)
            yield from items
            if not start:
                return

    def page(self, scope: str, key_condition: Any, *, limit: int, cursor: str | None,
             index: str | None = None, forward: bool = True,
             head: Callable[[dict[str, Any]], bool] | None = None, **extra: Any) -> PageResult:
        """One page of a Query. Reads one item past `limit` to know whether there is more; with
        a FilterExpression DynamoDB may return short pages, so it keeps reading.

        `head`: the list's partition may begin with an item about the list itself (its parent's
        owner), so that the first page needs no other read. On a first page, a first item it
        accepts is returned apart as `head`, not counted in `limit`."""
        start = self.cursors.decode(scope, cursor) if cursor else None
        with_head = head is not None and start is None
        want = limit + 1 + with_head
        filtered = "FilterExpression" in extra
        items: list[dict[str, Any]] = []
        while len(items) < want:
            batch, start = self.query(key_condition, index=index, forward=forward,
                                      limit=max(2 * want, 50) if filtered else want - len(items),
                                      start_key=start, **extra)
            items.extend(batch)
            if not start:
                break
        first = items.pop(0) if head and with_head and items and head(items[0]) else None
        has_more = len(items) > limit
        items = items[:limit]
        next_cursor = self.cursors.encode(scope, _key_of(items[-1], index)) if has_more else None
        return PageResult(items=items, next_cursor=next_cursor, head=first)


def _expressions(condition: str | None, values: dict[str, Any] | None,
                 names: dict[str, str] | None) -> dict[str, Any]:
    """A write's optional condition (refusals return the item: ALL_OLD), values and names."""
    kwargs: dict[str, Any] = {}
    if condition:
        kwargs.update(ConditionExpression=condition, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    if values:
        kwargs["ExpressionAttributeValues"] = values
    if names:
        kwargs["ExpressionAttributeNames"] = names
    return kwargs


def _key_of(item: dict[str, Any], index: str | None) -> dict[str, Any]:
    key = {"PK": item["PK"], "SK": item["SK"]}
    if index:
        key[f"{index}PK"] = item[f"{index}PK"]
        key[f"{index}SK"] = item[f"{index}SK"]
    return key


_deserialize = TypeDeserializer().deserialize


def _typed(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item from an error, which carries DynamoDB's low-level JSON even on the resource layer."""
    return {k: _deserialize(v) for k, v in raw.items()} if raw else None


def _condition_error(exc: ClientError) -> Exception:
    if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
        return ConditionFailed(_typed(exc.response.get("Item")))
    return exc
