"""Fixes for moto 5.2.5, applied wherever we run moto (tests, the local stack, the benches).

1. Isolation. moto's DynamoDB backend is not thread-safe: a transaction checks and writes its
   items one by one and, when an action fails, puts back a copy of the *whole table* taken at
   its start, erasing whatever other threads committed in between; queries iterate dicts that
   other threads are resizing. Step Functions executions, the threaded moto server and our race
   tests all write concurrently, so every backend call runs under one re-entrant lock: each API
   call is atomic and isolated, as it is in DynamoDB. (Money tests depend on it: without it two
   racing releases can both pass their balance condition.) The lock covers the whole
   DynamoDB API call, serializing the answer included: a GetItem returns the live item, and
   turning it into JSON outside the lock raced writers ("dictionary changed size").
2. Cost. That rollback copy was a `copy.deepcopy(table)` per action — seconds per transaction
   once the table holds a few thousand items. Under the lock nothing else writes, so a
   transaction journals the items it touches (and the table stream's length) and restores just
   those when it is cancelled. Behaviour is unchanged: same checks, same cancellation reasons.
3. Step Functions' SendTaskFailure dropped its `cause` (moto passes only `error` on); AWS hands
   both to the state's Catch, and the escrow Fund machine reads the decline from the cause.
4. Answering a task token walks every running execution, including one that another thread is
   still starting (no worker or environment yet), and crashed with AttributeError; they are skipped
   (they cannot be the one waiting for the token).
5. Cost. `Table.query` on the base table collects its candidates from `all_items()`, which sorts
   every item of the table, then keeps the queried partition: each Query cost O(table), not
   O(partition) as in DynamoDB. We hand it the partition only, already in key order; it still
   sorts and pages those items itself, so results are unchanged.
6. Cost. SQS ReceiveMessage checks each message it hands out against the queue's retention
   period by computing *all* the queue's attributes, message counts included: O(queue) per
   message received. We read the retention period itself; the check is unchanged.
7. Cost. moto's server lists its own package directory (`list_of_moto_modules`) to route each
   request, ~0.35 ms a time; the list cannot change while it runs, so it is read once.
"""
from __future__ import annotations

import copy
import functools
import inspect
import threading
from typing import Any, Callable

_lock = threading.RLock()
_local = threading.local()
_applied = False


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


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)
    return call


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
        with _lock:
            _local.journal = journal = _Journal()
            try:
                return method(self, *args, **kwargs)
            except BaseException:
                journal.restore()
                raise
            finally:
                _local.journal = None
    return call


def _send_task_failure_with_cause(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    self.stepfunction_backend.send_task_failure(self._get_param("taskToken"),
                                                error=self._get_param("error"),
                                                cause=self._get_param("cause"))
    return EmptyResult()


def _executions_with_workers(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's `_get_executions`, skipping executions still being started: their status is not
    readable yet (reading it raises), and they cannot be the one waiting for a token."""
    @functools.wraps(original)
    def executions(self: Any, execution_status: Any = None) -> Any:
        found = []
        for machine in list(self.state_machines):
            for execution in list(machine.executions):
                worker = getattr(execution, "exec_worker", None)
                if getattr(worker, "env", None) is None or execution.exec_status is None:
                    continue
                if execution_status is None or execution_status == execution.status:
                    found.append(execution)
        return found
    return executions


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


def _retention_check_reads_one_attribute() -> None:
    from moto.core.utils import unix_time
    from moto.sqs.models import SQSBackend

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str,
                                                   message: Any) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return retention + message.sent_timestamp / 1000 > unix_time()

    SQSBackend.is_message_valid_based_on_retention_period = \
        is_message_valid_based_on_retention_period


def _modules_listed_once() -> None:
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]


def apply() -> None:
    global _applied
    with _lock:
        if _applied:
            return
        from moto.stepfunctions.parser.models import StepFunctionsParserBackend
        from moto.stepfunctions.responses import StepFunctionResponse

        StepFunctionResponse.send_task_failure = _send_task_failure_with_cause
        StepFunctionsParserBackend._get_executions = _executions_with_workers(
            StepFunctionsParserBackend._get_executions)
        from moto.dynamodb import models

        backend = models.DynamoDBBackend
        models.copy = _NoTableCopies()  # type: ignore[assignment]
        for name, key_arg in (("put_item", "item_attrs"), ("update_item", "key"),
                              ("delete_item", "key")):
            setattr(backend, name, _journaled(getattr(backend, name), key_arg))
        backend.transact_write_items = _transaction(backend.transact_write_items)
        for name, member in list(vars(backend).items()):
            if inspect.isfunction(member) and not name.startswith("_"):
                setattr(backend, name, _locked(member))
        from moto.dynamodb.responses import DynamoHandler

        DynamoHandler.call_action = _locked(DynamoHandler.call_action)
        _query_one_partition()
        _retention_check_reads_one_attribute()
        _modules_listed_once()
        _applied = True
