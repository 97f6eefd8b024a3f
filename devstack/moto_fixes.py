"""A performance fix for moto's DynamoDB transactions (moto 5.2.5), applied wherever we run moto.

`DynamoDBBackend.transact_write_items` snapshots the table for rollback with
`copy.deepcopy(table)` once per *action* rather than once per table, so a 30-action
transaction copies the whole table 30 times. All those copies are taken before any action
runs, so they are identical: we hand back the first copy for the rest of that call. Behaviour
is unchanged (same snapshot, same rollback); only the repeated copying goes.

The snapshot also copied the table's stream shard, i.e. every stream record since the table was
created (moto never trims them), so each transaction got slower with every write before it.
The snapshot now shares the shard; a cancelled transaction instead truncates the shard back
to its length before the call, which drops exactly the records of its rolled-back writes.
"""
from __future__ import annotations

import copy
import functools
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
            cache[id(obj)] = copy.deepcopy(obj, dict(_local.shared))
        return cache[id(obj)]


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: Any) -> Any:
        shards = [(table.stream_shard, len(table.stream_shard.items))
                  for table in self.tables.values() if table.stream_shard is not None]
        _local.snapshots = {}
        _local.shared = {id(shard): shard for shard, _ in shards}
        try:
            return original(self, transact_items)
        except Exception:
            for shard, length in shards:  # the rolled-back writes leave no stream records
                del shard.items[length:]
            raise
        finally:
            _local.snapshots = None
            _local.shared = None

    models.copy = _CopyOncePerTransaction()  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items
    _applied = True
