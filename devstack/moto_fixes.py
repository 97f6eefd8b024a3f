"""Performance fixes for moto's DynamoDB (moto 5.2.5), applied wherever we run moto.

1. Transactions.
`DynamoDBBackend.transact_write_items` snapshots every table it touches with
`copy.deepcopy(table)` — once per *action* — to roll back a cancelled transaction. That copies
every item and every stream record since the table was created (moto never trims its stream),
so each transaction got slower with every write before it, and a test session quadratically so.

Instead we keep an undo log: before the call, a copy of each item the transaction names (at
most 100), and the length of each stream shard; the table "snapshot" moto takes is the table
itself. If moto cancels the transaction, we put those items back as they were (or remove the
ones it created) and truncate the stream to its old length, which drops exactly the records of
the rolled-back writes (a cancelled transaction leaves no stream records in DynamoDB either).
Behaviour is unchanged — including that, like moto's own rollback, a concurrent write landing
during a cancelled transaction (moto server threads) can lose its stream record — only the
copying goes.

2. Queries. `Table.query` starts from `all_items()`, which sorts every item of the table, on
every Query — even a base-table Query that then keeps one partition and sorts it again. A
base-table Query now starts from its partition, and an index Query from the unsorted items
(moto sorts index results by the full index + table key afterwards, so the order is the same).
"""
from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_local = threading.local()
_applied = False


class _TablesAreNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB models during a transaction."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(obj: Any, memo: Any = None) -> Any:
        if getattr(_local, "in_transaction", False) and type(obj).__name__ == "Table":
            return obj  # rolled back from the undo log instead
        return copy.deepcopy(obj, memo)


def _item_slot(table: Any, key_attrs: dict[str, Any]) -> tuple[Any, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_value = DynamoType(key_attrs[table.hash_key_attr])
        range_value = DynamoType(key_attrs[table.range_key_attr]) \
            if table.range_key_attr is not None else None
    except (KeyError, TypeError, AttributeError):
        return None  # malformed: moto refuses the request itself, before writing anything
    return hash_value, range_value


def _undo_log(backend: Any, transact_items: Any) -> list[tuple[Any, Any, Any, Any]]:
    entries = []
    for entry in transact_items:
        op = next(iter(entry.values()), {})
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        slot = _item_slot(table, op.get("Item") or op.get("Key") or {}) if table else None
        if slot is None:
            continue
        entries.append((table, *slot, copy.deepcopy(table.get_item(*slot))))
    return entries


def _undo(entries: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_value, range_value, before in reversed(entries):
        if range_value is not None:
            if before is None:
                table.items[hash_value].pop(range_value, None)
            else:
                table.items[hash_value][range_value] = before
        elif before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before


def _candidates(table: Any, hash_key: Any) -> list[Any]:
    """The items a Query can match, unsorted: one partition, or all for an index."""
    buckets = table.items.values() if hash_key is None else (
        [table.items[hash_key]] if hash_key in table.items else [])
    if table.range_key_attr is None:
        return list(buckets)
    return [item for bucket in buckets for item in bucket.values()]


def _patch_queries() -> None:
    from moto.dynamodb.models.table import Table

    original_all_items, original_query = Table.all_items, Table.query

    def all_items(self: Any) -> Any:
        scope = getattr(_local, "query_scope", None)
        if scope is not None and scope[0] is self:
            return scope[1]
        return original_all_items(self)

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        _local.query_scope = (self, _candidates(self, None if index_name else hash_key))
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _local.query_scope = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    _patch_queries()
    original = models.DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: Any) -> Any:
        entries = _undo_log(self, transact_items)
        shards = [(table.stream_shard, len(table.stream_shard.items))
                  for table in {id(e[0]): e[0] for e in entries}.values()
                  if table.stream_shard is not None]
        _local.in_transaction = True
        try:
            return original(self, transact_items)
        except Exception:
            _undo(entries)
            for shard, length in shards:
                del shard.items[length:]
            raise
        finally:
            _local.in_transaction = False

    models.copy = _TablesAreNotCopied()  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items
    _applied = True
