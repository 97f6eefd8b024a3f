"""moto's TransactWriteItems, made cheap to roll back (tests and the local stack).

moto 5.2 deep-copies the whole table once per *action* of a transaction so that it can roll
back a cancelled one: a transaction costs actions x table size, so everything slows down as
data accumulates (a 10-action transaction on a few thousand items takes seconds). This patch
keeps moto's semantics and snapshots only the items the transaction names, putting them back
if it fails.
"""
from __future__ import annotations

import copy
from contextlib import contextmanager
from typing import Any, Iterator
from unittest import mock


def _patched() -> Any:
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        snapshots = []
        for action in transact_items:
            (_, op), = action.items()
            table = self.get_table(op["TableName"])
            key = op.get("Key") or {attr: op["Item"][attr] for attr in
                                    (table.hash_key_attr, table.range_key_attr) if attr}
            before = self.get_item(op["TableName"], key)
            snapshots.append((op["TableName"], key, copy.deepcopy(before)))
        try:
            # moto's own whole-table backups become no-ops; the snapshots above replace them.
            with mock.patch.object(models, "copy", mock.Mock(deepcopy=lambda value: value)):
                return original(self, transact_items)
        except Exception:
            for table_name, key, before in reversed(snapshots):
                if before is not None:
                    self.put_item(table_name, before.to_json()["Attributes"])
                elif self.get_item(table_name, key) is not None:
                    self.delete_item(table_name, key)
            raise

    return mock.patch.object(models.DynamoDBBackend, "transact_write_items",
                             transact_write_items)


@contextmanager
def item_level_rollback() -> Iterator[None]:
    """For the duration of the block (the test session)."""
    with _patched():
        yield


def install() -> None:
    """For the life of the process (the local stack's in-process moto server)."""
    _patched().start()
