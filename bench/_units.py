"""DynamoDB on-demand request units of one call, from its wire request and answer and the items
it touched, as DynamoDB bills them (its pricing page and developer guide, "Read/write capacity
mode"):
- a read: ceil(size / 4 KB) units, half for an eventually consistent one; a Query or Scan sums
  the sizes of the items it read before rounding; an item not found still costs the minimum;
- a write: ceil(size / 1 KB) units of the larger of the item before and after;
- in a transaction twice that, a ConditionCheck included;
- every GSI whose key the item has writes its copy too (the table projects ALL): one more
  write per index, two when the write moves the item within the index (delete + put).

moto's `ConsumedCapacity` figures are constants (docs: LOCAL-AWS.md), so sizes are computed here
from the items themselves (`item_size`, DynamoDB's documented sizing)."""
from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator

Item = dict[str, Any]  # DynamoDB JSON: {"PK": {"S": "..."}}
Fetch = Callable[[str, Item], "Item | None"]  # (table, key) -> the item now, unmetered


def value_size(value: dict[str, Any]) -> int:
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        return len(data.lstrip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind == "B":
        return len(base64.b64decode(data)) if isinstance(data, str) else len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "NS":
        return sum(value_size({"N": n}) for n in data)
    if kind == "BS":
        return sum(value_size({"B": b}) for b in data)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in data.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: Item | None) -> int:
    return sum(len(name.encode()) + value_size(v) for name, v in (item or {}).items())


def read_units(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


def write_units(before: Item | None, after: Item | None) -> int:
    return max(1, math.ceil(max(item_size(before), item_size(after)) / 1024))


@dataclass(frozen=True)
class Schema:
    """The table's key attributes and each GSI's (hash, range) attributes."""
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, description: dict[str, Any]) -> Schema:
        def names(key_schema: list[dict[str, str]]) -> tuple[str, ...]:
            return tuple(part["AttributeName"] for part in key_schema)
        return cls(names(description["KeySchema"]),
                   tuple(names(index["KeySchema"])
                         for index in description.get("GlobalSecondaryIndexes", [])))

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.key}

    def index_writes(self, before: Item | None, after: Item | None) -> int:
        """Standard writes of GSI copies (ceil(size / 1 KB) each) caused by one item write; none
        when the item did not change (a ConditionCheck, a refused condition)."""
        if before == after:
            return 0
        units = 0
        for attributes in self.indexes:
            old = _index_key(before, attributes)
            new = _index_key(after, attributes)
            if old is None and new is None:
                continue
            moved = old is not None and new is not None and old != new
            units += write_units(before, after) * (2 if moved else 1)
        return units


def _index_key(item: Item | None, attributes: tuple[str, ...]) -> tuple[str, ...] | None:
    if not item or not all(name in item for name in attributes):
        return None
    return tuple(str(item[name]) for name in attributes)


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


def write_targets(operation: str, request: dict[str, Any],
                  schema: Callable[[str], Schema]) -> Iterator[tuple[str, Item, bool]]:
    """(table, key, transactional) of every item a write request writes or checks."""
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        key = request.get("Key") or schema(request["TableName"]).key_of(request["Item"])
        yield request["TableName"], key, False
    elif operation == "TransactWriteItems":
        for action in request["TransactItems"]:
            (_, part), = action.items()
            key = part.get("Key") or schema(part["TableName"]).key_of(part["Item"])
            yield part["TableName"], key, True
    elif operation == "BatchWriteItem":
        for table, actions in request["RequestItems"].items():
            for action in actions:
                part = action.get("PutRequest") or action["DeleteRequest"]
                key = part.get("Key") or schema(table).key_of(part["Item"])
                yield table, key, False


def written_units(targets: list[tuple[str, Item, bool]], before: list[Item | None],
                  after: list[Item | None], schema: Callable[[str], Schema]) -> int:
    """WRUs of a write call, from the images of its targets before and after it."""
    units = 0
    for (table, _, transactional), old, new in zip(targets, before, after, strict=True):
        units += write_units(old, new) * (2 if transactional else 1)
        units += schema(table).index_writes(old, new)
    return units


def read_request_units(operation: str, request: dict[str, Any], answer: dict[str, Any]) -> float:
    """RRUs of a read call, from its request and the items its answer holds."""
    consistent = bool(request.get("ConsistentRead"))
    if operation == "GetItem":
        return read_units(item_size(answer.get("Item")), consistent)
    if operation in ("Query", "Scan"):
        items = answer.get("Items", [])
        size = sum(item_size(item) for item in items)
        scanned, count = answer.get("ScannedCount", len(items)), max(1, len(items))
        if scanned > len(items):  # a filter dropped some: they were read all the same
            size = size * scanned // count if items else scanned * 400
        return read_units(size, consistent)
    if operation == "BatchGetItem":
        wanted = request["RequestItems"]
        return sum(read_units(item_size(item), bool(wanted[table].get("ConsistentRead")))
                   for table, items in answer.get("Responses", {}).items() for item in items)
    if operation == "TransactGetItems":
        return sum(2 * read_units(item_size(r.get("Item")), True)
                   for r in answer.get("Responses", []))
    return 0.0
