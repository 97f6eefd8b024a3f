"""Fixes where moto 5.2.5 answers correctly but slowly enough to shape our tests and benches.
Each gives the same answers as the moto code it replaces."""
from __future__ import annotations

import copy
import functools
import inspect
import threading
from typing import Any, Callable

from devstack.moto_fixes._patch import existing
from devstack.moto_fixes.correctness import DYNAMODB_LOCK

_local = threading.local()


class _Journal:
    """Items a transaction touched, as they were before it touched them."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, Any, Any, Any]] = []
        self.streams: dict[int, tuple[Any, int]] = {}

    def touch(self, table: Any, key: dict[str, Any]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        if any(t is table and h == hash_value and r == range_value
               for t, h, r, _ in self.items):
            return
        old = table.get_item(hash_value, range_value)
        self.items.append((table, hash_value, range_value, copy.deepcopy(old)))
        shard = table.stream_shard
        if shard is not None and id(table) not in self.streams:
            self.streams[id(table)] = (shard, len(shard.items))

    def restore(self) -> None:
        for table, hash_value, range_value, old in reversed(self.items):
            if range_value is None:
                if old is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = old
                continue
            partition = table.items.get(hash_value)
            if old is not None:
                table.items[hash_value][range_value] = old
            elif partition is not None:
                partition.pop(range_value, None)
                if not partition:
                    del table.items[hash_value]
        for shard, length in self.streams.values():
            del shard.items[length:]  # records of writes that never happened


class _NoTableCopies:
    """`copy` for moto.dynamodb.models: during a journaled transaction a table 'snapshot' is the
    table itself (the journal restores it); every other copy is a real deep copy."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(obj: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        if getattr(_local, "journal", None) is not None and isinstance(obj, Table):
            return obj
        return copy.deepcopy(obj, memo)


def _journaled(method: Callable[..., Any], key_arg: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        journal = getattr(_local, "journal", None)
        if journal is not None:
            key = kwargs[key_arg] if key_arg in kwargs else args[0]
            journal.touch(self.get_table(table_name), key)
        return method(self, table_name, *args, **kwargs)
    return call


def _transaction(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with DYNAMODB_LOCK:
            _local.journal = journal = _Journal()
            try:
                return method(self, *args, **kwargs)
            except BaseException:
                journal.restore()
                raise
            finally:
                _local.journal = None
    return call


def transactions_journal_what_they_touch() -> None:
    """To be able to roll back, moto's TransactWriteItems takes a `copy.deepcopy(table)` of every
    table it writes: seconds per transaction once the table holds a few thousand items. Under
    DYNAMODB_LOCK (correctness.serialize_dynamodb_calls) nothing else writes, so a transaction
    journals the items it touches (and the length of the table's stream) and restores just those
    when it is cancelled. Same checks, same cancellation reasons, same table afterwards."""
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    existing(models, "copy")
    models.copy = _NoTableCopies()  # type: ignore[assignment]
    for name, key_arg in (("put_item", "item_attrs"), ("update_item", "key"),
                          ("delete_item", "key")):
        setattr(backend, name, _journaled(existing(backend, name, "table_name", key_arg), key_arg))
    backend.transact_write_items = _transaction(existing(backend, "transact_write_items"))


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


def queries_read_one_partition() -> None:
    """moto's `Table.query` on the base table collects its candidates from `all_items()`, which
    sorts every item of the table, then keeps the queried partition: each Query costs O(table),
    not O(partition) as in DynamoDB, and our tests and local stack share one big table. It is
    handed the partition only, already in key order; it still sorts, filters and pages those
    items itself, so results are unchanged."""
    from moto.dynamodb.models.table import Table

    original = existing(Table, "query", "hash_key", "index_name")
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = signature.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
        if index_name or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        return original(_OnePartition(self, hash_key), hash_key, *args, **kwargs)

    Table.query = query


def _is_message_valid_based_on_retention_period(self: Any, queue_name: str,
                                                message: Any) -> bool:
    from moto.core.utils import unix_time

    retention = int(self.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > unix_time()


def receive_reads_only_the_retention_period() -> None:
    """SQS ReceiveMessage checks each message it hands out against the queue's retention period
    by computing *all* the queue's attributes, message counts included: O(queue) per message
    received (28 ms per call with 100 messages waiting, docs/webhooks.md). It reads the retention
    period itself; the check is unchanged."""
    from moto.sqs.models import SQSBackend

    existing(SQSBackend, "is_message_valid_based_on_retention_period", "queue_name", "message")
    SQSBackend.is_message_valid_based_on_retention_period = \
        _is_message_valid_based_on_retention_period


def server_lists_its_modules_once() -> None:
    """moto's server lists its own package directory (`list_of_moto_modules`) to route each
    request, ~0.35 ms a time; the list cannot change while it runs, so it is read once."""
    from moto import backends

    modules = tuple(existing(backends, "list_of_moto_modules")())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]


FIXES: tuple[Callable[[], None], ...] = (
    transactions_journal_what_they_touch,
    queries_read_one_partition,
    receive_reads_only_the_retention_period,
    server_lists_its_modules_once,
)
