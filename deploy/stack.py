"""Create or update a CloudFormation stack through a change set, so that a deploy can be run
again from any clone, by CI, or after a failure, and converge.

CloudFormation is the only record of what exists (nothing is kept in the clone). A run:
waits for a deploy already in progress; deletes a stack whose first create failed (nothing in
it survived: the stateful resources are `RetainExceptOnCreate`); creates a change set; stops
there when it holds no change; refuses one that would delete or replace a protected resource
(the table, the signing key, queues, buckets, secrets); then executes it and waits.
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from botocore.exceptions import ClientError, WaiterError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# Data, or what reads it: deleting or replacing one loses it (a replaced table is a new, empty
# table; a replaced key cannot verify the tokens already issued).
PROTECTED_TYPES = frozenset({
    "AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::KMS::Alias", "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue", "AWS::S3::Bucket"})
_SETTLED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
            "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"}
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_WAIT = {"Delay": 5, "MaxAttempts": 720}  # up to an hour (a CloudFront-less API is minutes)


class DeployRefused(Exception):
    """The stack is in a state, or the change set holds a change, that needs a person."""


def deploy_stack(cfn: Any, name: str, *, template: dict[str, str],
                 parameters: dict[str, str] | None = None,
                 allow_replacing: Iterable[str] = ()) -> dict[str, str]:
    """Bring stack `name` to `template` ({"TemplateURL": ...} or {"TemplateBody": ...});
    return its Outputs. Running it again with the same template changes nothing."""
    status = settle(cfn, name)
    change_set = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    request: dict[str, Any] = dict(
        StackName=name, ChangeSetName=change_set, Capabilities=CAPABILITIES,
        ChangeSetType="CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE",
        Parameters=[{"ParameterKey": k, "ParameterValue": v}
                    for k, v in (parameters or {}).items()], **template)
    if request["ChangeSetType"] == "CREATE":
        # Keep the stateful resources if a later update fails, delete them if this create does.
        request["OnStackFailure"] = "DELETE"
    try:
        cfn.create_change_set(**request)
    except ClientError as error:  # some endpoints (moto) refuse an empty change set at once
        if any(text in str(error) for text in _NO_CHANGES):
            return stack_outputs(cfn, name)
        raise
    changes = _created_changes(cfn, name, change_set)
    if not changes:
        cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
        return stack_outputs(cfn, name)
    try:
        refuse_losses(changes, allow_replacing)
    except DeployRefused:
        cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
        raise
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_create_complete" if request["ChangeSetType"] == "CREATE" \
        else "stack_update_complete"
    try:
        cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig=_WAIT)
    except WaiterError as error:
        raise DeployRefused(f"{name}: {error}; see its events in the console") from error
    return stack_outputs(cfn, name)


def settle(cfn: Any, name: str) -> str | None:
    """The stack's status once nothing is in progress; None when there is no stack."""
    while True:
        status = stack_status(cfn, name)
        if status is None or status in _SETTLED or status == "REVIEW_IN_PROGRESS":
            return status
        if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
            # A first create that failed: it can only be deleted, and holds nothing of value.
            cfn.delete_stack(StackName=name)
            cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=_WAIT)
            continue
        if status.endswith("_IN_PROGRESS"):  # another deploy: let it finish, then decide
            time.sleep(_WAIT["Delay"])
            continue
        raise DeployRefused(
            f"{name} is {status}: docs/deploy.md says how to recover (for UPDATE_ROLLBACK_FAILED, "
            "`aws cloudformation continue-update-rollback`)")


def stack_status(cfn: Any, name: str) -> str | None:
    try:
        return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def _created_changes(cfn: Any, name: str, change_set: str) -> list[dict[str, Any]]:
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            StackName=name, ChangeSetName=change_set, WaiterConfig={"Delay": 3, "MaxAttempts": 200})
    except WaiterError as error:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        if any(text in described.get("StatusReason", "") for text in _NO_CHANGES):
            return []
        raise DeployRefused(f"change set {change_set}: {described.get('StatusReason')}") \
            from error
    changes: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    while True:
        page = cfn.describe_change_set(StackName=name, ChangeSetName=change_set, **token)
        changes += page.get("Changes", [])
        if not page.get("NextToken"):
            return changes
        token = {"NextToken": page["NextToken"]}


def refuse_losses(changes: list[dict[str, Any]], allow_replacing: Iterable[str] = ()) -> None:
    """Raise when a change would delete or replace a protected resource not named in
    `allow_replacing` (a deliberate replacement, e.g. a renamed queue)."""
    allowed = set(allow_replacing)
    losses = []
    for change in changes:
        resource = change.get("ResourceChange", {})
        if resource.get("ResourceType") not in PROTECTED_TYPES \
                or resource.get("LogicalResourceId") in allowed:
            continue
        if resource.get("Action") == "Remove" or \
                resource.get("Replacement") in ("True", "Conditional"):
            losses.append(f"{resource['LogicalResourceId']} ({resource['ResourceType']}, "
                          f"{resource.get('Action')}, replacement {resource.get('Replacement')})")
    if losses:
        raise DeployRefused("the change set would delete or replace: " + "; ".join(losses)
                            + ". Nothing was changed (docs/deploy.md: --allow-replacing).")


def stack_outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
