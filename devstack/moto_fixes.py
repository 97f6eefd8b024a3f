"""A performance fix for moto's DynamoDB transactions (moto 5.2.5), applied wherever we run moto.

`DynamoDBBackend.transact_write_items` snapshots the table for rollback with
`copy.deepcopy(table)` once per *action* rather than once per table, so a 30-action
transaction copies the whole table 30 times. All those copies are taken before any action
runs, so they are identical: we hand back the first copy for the rest of that call. Behaviour
is unchanged (same snapshot, same rollback); only the repeated copying goes.
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
            cache[id(obj)] = copy.deepcopy(obj)
        return cache[id(obj)]


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
    _applied = True
