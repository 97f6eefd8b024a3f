"""Each function's role against the boto3 calls its code makes.

`CALLS` says, per function, which AWS operations its code path makes. It cannot rot silently:
every boto3 operation found in chalicelib's source must be in it for some function, and every
operation in it must be in the source (or in the library named). Each role must then allow
exactly the IAM actions of its function's calls, plus what Lambda does with the role for its
event source and logs (statements `EventSource*` and `Logs`). The narrowest role, the
authorizer's, is also run: its recorded calls under moto are exactly its entry.
"""
from __future__ import annotations

import ast
import threading
from typing import Any

import pytest

from .conftest import ROOT
from .packaged import app_functions, package_copy

# IAM action(s) of each boto3 operation the code uses. TransactWriteItems is authorised per
# contained action; a presigned URL is signed with the role's credentials; multipart uploads
# are s3:PutObject except the abort.
ACTIONS = {
    "get_item": ["dynamodb:GetItem"], "batch_get_item": ["dynamodb:BatchGetItem"],
    "query": ["dynamodb:Query"], "put_item": ["dynamodb:PutItem"],
    "update_item": ["dynamodb:UpdateItem"], "delete_item": ["dynamodb:DeleteItem"],
    "batch_writer": ["dynamodb:BatchWriteItem"],
    "transact_write_items": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                             "dynamodb:ConditionCheckItem"],
    "send_message": ["sqs:SendMessage"], "send_message_batch": ["sqs:SendMessage"],
    "change_message_visibility": ["sqs:ChangeMessageVisibility"],
    "start_execution": ["states:StartExecution"],
    "describe_execution": ["states:DescribeExecution"],
    "send_task_success": ["states:SendTaskSuccess"],
    "send_task_failure": ["states:SendTaskFailure"],
    "sign": ["kms:Sign"], "get_public_key": ["kms:GetPublicKey"],
    "get_secret_value": ["secretsmanager:GetSecretValue"],
    "put_object": ["s3:PutObject"], "create_multipart_upload": ["s3:PutObject"],
    "upload_part": ["s3:PutObject"], "complete_multipart_upload": ["s3:PutObject"],
    "abort_multipart_upload": ["s3:AbortMultipartUpload"], "get_object": ["s3:GetObject"],
    "generate_presigned_url": ["s3:GetObject"],
    "create_api_key": ["apigateway:POST"], "create_usage_plan_key": ["apigateway:POST"],
    "delete_api_key": ["apigateway:DELETE"], "delete_usage_plan_key": ["apigateway:DELETE"],
}
# Calls made by a library on the code's behalf, not visible in chalicelib's source.
LIBRARY_CALLS = {"powertools idempotency": {"get_item", "put_item", "update_item", "delete_item"}}
# Operations in chalicelib that no Lambda function makes (the operators' admin CLI: the
# ledger audit's Scan, the retirement of per-account API keys).
NOT_IN_A_FUNCTION = {"scan", "delete_api_key"}

TABLE = {"get_item", "batch_get_item", "query", "put_item", "update_item", "delete_item",
         "batch_writer", "transact_write_items"}
STORE = TABLE | {"get_secret_value"}  # the store signs list cursors with the app secret
CALLS: dict[str, set[str]] = {
    # every route: accounts, tokens, marketplace, payments (starting and answering escrow
    # executions), reports and exports, webhooks (test pings). No API keys: accounts use the
    # plans' key pools, which the template creates (infra/template.yaml).
    "APIHandler": STORE | {"sign", "get_public_key", "send_message", "send_message_batch",
                           "start_execution", "describe_execution", "send_task_success",
                           "send_task_failure", "put_object", "get_object",
                           "generate_presigned_url"},
    # the cursors' secret is read on first use; the keys' public halves come from the table,
    # or from KMS and then into the table (storage/signing_keys.py)
    "OauthBearer": {"get_item", "batch_get_item", "get_public_key", "put_item"},
    "MatchingWorker": STORE,
    "PaymentsWorker": STORE | {"send_task_success", "send_task_failure"},
    "WebhookOutboxSweeper": STORE | {"send_message", "send_message_batch"},
    "WebhookDeliveries": STORE | {"send_message", "send_message_batch",
                                  "change_message_visibility"},
    # the table stream's consumer: the webhook fan-out (and manual deliveries' messages), the
    # escrow follow-ups of an engagement's end (the auto-release timer, the refund), the
    # executions of new payments and disputes, the settlement of a decided dispute; analytics
    "TableStream": STORE | {"send_message", "send_message_batch", "start_execution",
                            "send_task_success"},
    "AnalyticsExports": STORE | {"put_object", "create_multipart_upload", "upload_part",
                                 "complete_multipart_upload", "abort_multipart_upload"},
}
SQS_SOURCE = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
STREAM_SOURCE = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                 "dynamodb:ListStreams", "sqs:SendMessage"}  # the last: its on-failure DLQ
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}


def operations_in_source() -> set[str]:
    """Every known boto3 operation called anywhere in chalicelib (`x.put_item(...)`)."""
    found = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ACTIONS | {"scan": []}:
                found.add(node.func.attr)
    return found


def test_every_call_in_the_source_belongs_to_a_function_and_no_listed_call_is_stale():
    in_source = operations_in_source()
    listed = set().union(*CALLS.values())
    library = set().union(*LIBRARY_CALLS.values())
    assert in_source - NOT_IN_A_FUNCTION <= listed, "add the new call to CALLS"
    assert listed <= in_source | library, "a listed call is no longer made"
    assert "sign" in in_source and "transact_write_items" in in_source  # the scan works


def test_every_function_of_the_app_has_its_list_of_calls():
    assert set(CALLS) == set(app_functions())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict[str, Any]:
    return package_copy("sandbox", tmp_path_factory.mktemp("roles"))[1]


def statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = template["Resources"][role]["Properties"]["Policies"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return set(action if isinstance(action, list) else [action])


def event_source_actions(template: dict[str, Any], function: str) -> set[str]:
    kinds = {e["Type"] for e in
             template["Resources"][function]["Properties"].get("Events", {}).values()}
    return (SQS_SOURCE if "SQS" in kinds else set()) | \
        (STREAM_SOURCE if "DynamoDB" in kinds else set())


@pytest.mark.parametrize("function", sorted(CALLS))
def test_a_role_allows_exactly_what_its_function_calls(template, function):
    code = [s for s in statements(template, function)
            if not s["Sid"].startswith("EventSource") and s["Sid"] != "Logs"]
    granted = set().union(*(actions(s) for s in code))
    needed = {action for call in CALLS[function] for action in ACTIONS[call]}
    assert granted == needed
    platform = [s for s in statements(template, function) if s not in code]
    assert set().union(*(actions(s) for s in platform)) == \
        event_source_actions(template, function) | LOGS


@pytest.mark.parametrize("function", sorted(CALLS))
def test_a_role_reaches_only_its_stage(template, function):
    for statement in statements(template, function):
        text = repr(statement["Resource"])
        assert "prod" not in text and "dev" not in text
        if statement["Resource"] == "*":  # IAM cannot scope task tokens
            assert actions(statement) <= {"states:SendTaskSuccess", "states:SendTaskFailure"}
        if statement["Sid"] == "Logs":
            assert f"leadnod-${{Stage}}-{_chalice_name(template, function)}:*" in text


def _chalice_name(template: dict[str, Any], function: str) -> str:
    name = template["Resources"][function]["Properties"]["FunctionName"]["Fn::Sub"]
    return str(name).removeprefix("leadnod-${Stage}-")


def test_no_role_can_touch_api_keys(template):
    """The key pools are the template's; only the operators' retire-api-keys deletes keys."""
    for function in CALLS:
        assert not any(a.startswith("apigateway:") for s in statements(template, function)
                       for a in actions(s)), function


def test_the_authorizer_makes_exactly_the_calls_its_role_allows():
    """Run under moto with a real token, in two new environments: the first of the stage, whose
    keys are not in the table yet (KMS, then the table), and the next (the table alone). The
    calls recorded are the authorizer's entry."""
    import secrets

    from botocore.client import BaseClient
    from moto import mock_aws

    from chalicelib import wiring
    from devstack.cfn import output_env
    from devstack.provision import provision

    made: list[str] = []
    real = BaseClient._make_api_call
    this_thread = threading.get_ident()

    def recording(self: Any, operation: str, params: dict[str, Any]) -> Any:
        # Only this thread's: another test's poller thread (the payments queue's, say) may be
        # calling AWS in this process meanwhile.
        if threading.get_ident() == this_thread:
            made.append(operation)
        return real(self, operation, params)

    def authorize(token: str) -> dict[str, Any]:
        wiring.reset()  # a cold container, as in a new Lambda
        from app import app
        return app.handler_map["oauth_bearer"](
            {"type": "TOKEN", "authorizationToken": f"Bearer {token}",
             "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc/api/GET/v1/users/me"},
            None)

    # An account of its own (another module's session-wide mock may be active), and no
    # container left behind built on this test's environment.
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setenv("MOTO_ACCOUNT_ID", str(secrets.randbelow(10**11) + 10**11))
        for key, value in output_env(provision("dev")).items():
            patch.setenv(key, value)
        services = wiring.reset()
        created = services.users.create_account(user_type="client", name="Role Test",
                                                email="role-test@example.com",
                                                plan="professional")
        token = services.token_issuer.issue(user_id=created.user.id,
                                            client_id=created.client_id, scopes=["read"])
        for key_id in services.settings.token_signing_key_ids:  # as before any environment
            services.table.delete_item(Key={"PK": f"SIGNKEY#{key_id}", "SK": "SIGNKEY"})
        patch.setattr(BaseClient, "_make_api_call", recording)
        answers = [authorize(token)]
        first, made[:] = list(made), []
        answers.append(authorize(token))
    wiring.reset()
    assert all(a["policyDocument"]["Statement"][0]["Effect"] == "Allow" for a in answers)
    boto3_names = {"GetItem": "get_item", "BatchGetItem": "batch_get_item",
                   "GetPublicKey": "get_public_key", "PutItem": "put_item"}
    assert {boto3_names.get(op, op) for op in first} == CALLS["OauthBearer"]
    assert sorted(made) == ["BatchGetItem", "GetItem"]
