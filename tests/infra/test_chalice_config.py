""".chalice/config.json and the per-stage IAM policies."""
from __future__ import annotations

import json

import pytest

from .conftest import ROOT

CHALICE = ROOT / ".chalice"
STATIC_SETTINGS = {"LEADNOD_STAGE", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "POWERTOOLS_SERVICE_NAME",
                   "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}
ISSUERS = {"sandbox": "https://sandbox.api.leadnod.com", "prod": "https://api.leadnod.com"}
# Actions IAM cannot scope to a resource (or that only make sense account-wide).
UNSCOPED_ACTIONS = {"dynamodb:ListStreams", "states:SendTaskSuccess", "states:SendTaskFailure",
                    "cloudwatch:PutMetricData", "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords"}


@pytest.fixture(scope="module")
def config() -> dict:
    return json.loads((CHALICE / "config.json").read_text())


def test_app_settings(config):
    assert (config["app_name"], config["version"]) == ("leadnod", "2.0")
    assert config["api_gateway_stage"] == "api"
    assert (config["lambda_timeout"], config["lambda_memory_size"]) == (30, 512)
    # API Gateway gives up after 29 s: the API's functions end before it does.
    assert config["lambda_functions"]["api_handler"]["lambda_timeout"] < 29
    assert config["lambda_functions"]["oauth_bearer"]["lambda_timeout"] < 29
    assert config["autogen_policy"] is False
    assert "reserved_concurrency" not in json.dumps(config)


@pytest.mark.parametrize("stage", ["sandbox", "prod"])
def test_every_deployed_stage_names_its_region_and_log_retention(config, stage):
    assert config["stages"][stage]["region"]
    assert config["stages"][stage]["log_retention_in_days"] in (14, 90)


@pytest.mark.parametrize("stage", ["sandbox", "prod"])
def test_every_deployed_stage_has_its_issuer_and_audience(config, stage):
    environment = config["stages"][stage]["environment_variables"]
    assert STATIC_SETTINGS <= set(environment)
    assert environment["LEADNOD_STAGE"] == stage
    assert environment["TOKEN_ISSUER"] == ISSUERS[stage]
    assert environment["TOKEN_AUDIENCE"] == ISSUERS[stage] + "/v1"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "leadnod-api"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "LeadNod"


def test_dev_holds_only_static_settings(config):
    # chalice.test.Client patches os.environ with these on every request: resource names here
    # would override what the provisioner exported. The issuer and audience follow the local
    # stack's port (chalicelib.config.local_base_url), so dev does not pin them to 8000.
    assert set(config["stages"]["dev"]["environment_variables"]) == \
        STATIC_SETTINGS - {"TOKEN_ISSUER", "TOKEN_AUDIENCE"}


@pytest.mark.parametrize("stage, other", [("sandbox", "prod"), ("prod", "sandbox")])
def test_stage_policy_only_reaches_its_own_resources(config, stage, other):
    assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"
    text = (CHALICE / f"policy-{stage}.json").read_text()
    assert other not in text
    for statement in json.loads(text)["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) \
            else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) \
            else [statement["Resource"]]
        for resource in resources:
            if resource == "*":
                assert set(actions) <= UNSCOPED_ACTIONS, statement["Sid"]
            else:
                assert (f"leadnod-{stage}" in resource or f"leadnod/{stage}/" in resource
                        or "kms:ResourceAliases" in json.dumps(statement)), statement["Sid"]


@pytest.mark.parametrize("stage", ["sandbox", "prod"])
def test_stage_policy_covers_what_the_app_uses(stage):
    policy = json.loads((CHALICE / f"policy-{stage}.json").read_text())
    actions = {a for s in policy["Statement"]
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {"dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetRecords", "sqs:SendMessage",
            "sqs:ReceiveMessage", "s3:PutObject", "kms:Sign", "kms:GetPublicKey",
            "secretsmanager:GetSecretValue", "states:StartExecution", "states:SendTaskSuccess",
            "states:SendTaskFailure", "states:DescribeExecution",
            "cloudwatch:PutMetricData", "logs:PutLogEvents", "xray:PutTraceSegments"} <= actions
    # API keys are the template's pools; deleting old ones is the operators' (retire-api-keys)
    assert not any(action.startswith("apigateway:") for action in actions)
