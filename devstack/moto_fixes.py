"""Performance fixes for moto's DynamoDB (moto 5.2.5), applied wherever we run moto.

`DynamoDBBackend.transact_write_items` snapshots the table for rollback with
`copy.deepcopy(table)` once per *action* rather than once per table, so a 30-action
transaction copies the whole table 30 times. All those copies are taken before any action
runs, so they are identical: we hand back the first copy for the rest of that call. Behaviour
is unchanged (same snapshot, same rollback); only the repeated copying goes.

`Table.query` on the base table collects its candidates from `all_items()`, which sorts every
item of the table, then keeps the queried partition: each Query costs O(table), not O(partition)
as in DynamoDB, which swamps any benchmark of Query-driven code. We hand it the partition only,
already in key order; it still sorts and pages those items itself, so results are unchanged.
"""
from __future__ import annotations

import copy
import functools
import inspect
import threading
from typing import Any

_local = threading.local()
_applied = False


class _CopyOncePerTransaction:
    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(obj: Any, memo: Any = None) -> Any:
        cache = getattr(_local, "snapshots", None)
        if cache is None or memo is not None:
            return copy.deepcopy(obj, memo)
        if id(obj) not in cache:
            cache[id(obj)] = copy.deepcopy(obj)
        return cache[id(obj)]


class _OnePartition:
    """A table as `Table.query` sees it, with `all_items()` narrowed to one partition."""

    def __init__(self, table: Any, hash_key: Any) -> None:
        self._table, self._hash_key = table, hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        partition = self._table.items.get(self._hash_key)  # .get: the dict is a defaultdict
        # Pre-sorted with a plain key: moto's own sort then only confirms the order, in n
        # comparisons of its slow `DynamoType.__lt__` rather than n log n.
        return sorted(partition.values(), key=lambda item: item.range_key.cast_value) \
            if partition else []


def _query_one_partition() -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = signature.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
        if index_name or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        return original(_OnePartition(self, hash_key), hash_key, *args, **kwargs)

    Table.query = query


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: Any) -> Any:
        _local.snapshots = {}
        try:
            return original(self, transact_items)
        finally:
            _local.snapshots = None

    models.copy = _CopyOncePerTransaction()  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items
    _query_one_partition()
    _applied = True
