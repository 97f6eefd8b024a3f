"""The admin CLI finds a deployed stage's resources from its infra stack's outputs."""
from __future__ import annotations

import json

import boto3


def test_stack_env_maps_outputs_to_environment(aws_env):
    from chalicelib.admin.target import stack_env

    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"TableName": {"Value": "leadnod-sandbox"},
                            "TokenSigningKeyIds": {"Value": "alias/leadnod-sandbox-token-signing"},
                            "WebhookDlqUrl": {"Value": "https://sqs/dlq"}}}
    boto3.client("cloudformation").create_stack(StackName="leadnod-sandbox",
                                                TemplateBody=json.dumps(template))
    env = stack_env("sandbox")
    assert env["LEADNOD_STAGE"] == "sandbox"
    assert env["TABLE_NAME"] == "leadnod-sandbox"
    assert env["TOKEN_SIGNING_KEY_IDS"] == "alias/leadnod-sandbox-token-signing"
    assert env["WEBHOOK_DLQ_URL"] == "https://sqs/dlq"
