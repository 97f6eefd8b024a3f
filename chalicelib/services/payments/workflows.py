"""The escrow state machines as the services see them: start an execution, answer a task token.

Definitions live in infra/template.yaml. Every execution gets a deterministic, unique name
(`release-pay_...`), so a retried start finds the same execution instead of a second one.
"""
from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

# Answering a token that is no longer waiting: the task completed, timed out, or never existed.
STALE_TOKEN = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, separators=(",", ":"))


class Workflows:
    def __init__(self, sfn: Any, machine_arns: dict[str, str]) -> None:
        self._sfn, self._arns = sfn, machine_arns

    def execution_arn(self, machine: str, name: str) -> str:
        return self._arns[machine].replace(":stateMachine:", ":execution:") + f":{name}"

    def start(self, machine: str, name: str, payload: dict[str, Any]) -> str:
        """Start `name` once: starting it again (a retried request) is not an error."""
        try:
            return self._sfn.start_execution(stateMachineArn=self._arns[machine], name=name,
                                             input=dumps(payload))["executionArn"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            return self.execution_arn(machine, name)

    def answer(self, token: str, output: dict[str, Any]) -> bool:
        """SendTaskSuccess; False when the task is no longer waiting for this token."""
        try:
            self._sfn.send_task_success(taskToken=token, output=dumps(output))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in STALE_TOKEN:
                return False
            raise
        return True

    def reject(self, token: str, error: str, cause: dict[str, Any]) -> bool:
        """SendTaskFailure with a JSON cause; False when the task is no longer waiting."""
        try:
            self._sfn.send_task_failure(taskToken=token, error=error, cause=dumps(cause))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in STALE_TOKEN:
                return False
            raise
        return True

    def status(self, execution_arn: str) -> str:
        return self._sfn.describe_execution(executionArn=execution_arn)["status"]

    def wait(self, execution_arn: str, timeout: float = 10.0) -> str:
        """Poll until the execution leaves RUNNING (operators' CLI, tests)."""
        deadline = time.monotonic() + timeout
        status = self.status(execution_arn)
        while status == "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.05)
            status = self.status(execution_arn)
        return status
