"""Fixes where moto 5.2.5 does not behave as AWS does and our code or tests depend on it."""
from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Callable

from devstack.moto_fixes._patch import existing

# One lock for all of DynamoDB; re-entrant because locked calls call each other.
DYNAMODB_LOCK = threading.RLock()


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with DYNAMODB_LOCK:
            return method(*args, **kwargs)
    return call


def serialize_dynamodb_calls() -> None:
    """moto's DynamoDB backend is not thread-safe: a transaction checks and writes its items one by
    one and, when an action fails, puts back a copy of the *whole table* taken at its start,
    erasing whatever other threads committed in between; queries iterate dicts that other threads
    are resizing. Step Functions executions, the threaded moto server and our race tests all write
    concurrently (money tests depend on it: two racing releases could both pass their balance
    condition), so every backend call runs under one lock, as does turning its answer into JSON
    (a GetItem returns the live item: serialized outside the lock, it raced writers). Each API
    call is then atomic and isolated, as it is in DynamoDB."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    for name in ("transact_write_items", "put_item", "update_item", "delete_item", "get_item"):
        existing(DynamoDBBackend, name)
    for name, member in list(vars(DynamoDBBackend).items()):
        if inspect.isfunction(member) and not name.startswith("_"):
            setattr(DynamoDBBackend, name, _locked(member))
    DynamoHandler.call_action = _locked(existing(DynamoHandler, "call_action"))


def _send_task_failure_with_cause(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    self.stepfunction_backend.send_task_failure(self._get_param("taskToken"),
                                                error=self._get_param("error"),
                                                cause=self._get_param("cause"))
    return EmptyResult()


def send_task_failure_keeps_its_cause() -> None:
    """moto's SendTaskFailure handler passes only `error` on and drops `cause`. AWS hands both to
    the state's Catch, and the escrow Fund machine reads the card decline from the cause."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    existing(StepFunctionsParserBackend, "send_task_failure", "error", "cause")
    existing(StepFunctionResponse, "send_task_failure")
    StepFunctionResponse.send_task_failure = _send_task_failure_with_cause


def _executions_with_workers(original: Callable[..., Any]) -> Callable[..., Any]:
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


def token_answers_skip_executions_still_starting() -> None:
    """Answering a task token (SendTaskSuccess/Failure) reads the status of every execution, and
    moto lists an execution before it starts it: one that another thread is still starting has
    no status (nor worker) yet, and the answer crashed with AttributeError (a flaky race test).
    Such an execution cannot be the one waiting for the token, so it is skipped."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    StepFunctionsParserBackend._get_executions = _executions_with_workers(
        existing(StepFunctionsParserBackend, "_get_executions", "execution_status"))


FIXES: tuple[Callable[[], None], ...] = (
    serialize_dynamodb_calls,
    send_task_failure_keeps_its_cause,
    token_answers_skip_executions_still_starting,
)
