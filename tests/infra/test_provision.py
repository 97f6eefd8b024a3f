"""devstack.provision builds the template's resources on moto, with the template's settings."""
from __future__ import annotations

import json
import textwrap
from typing import Iterator

import boto3
import pytest
from moto import mock_aws

from devstack.cfn import output_env
from devstack.provision import provision

EXPECTED_ENV = {
    "TABLE_NAME", "TABLE_STREAM_ARN", "EXPORT_BUCKET", "TOKEN_SIGNING_KEY_IDS", "APP_SECRET_ARN",
    *(f"{q}_{kind}_URL" for q in ("WEBHOOK", "MATCHING", "PAYMENTS", "EXPORTS")
      for kind in ("QUEUE", "DLQ")),
    *(f"USAGE_PLAN_{plan}_ID" for plan in ("PROFESSIONAL", "ENTERPRISE", "CUSTOM")),
    "API_KEY_POOL_SLOTS",
    *(f"{machine}_STATE_MACHINE_ARN"
      for machine in ("FUND", "RELEASE", "REFUND", "AUTO_RELEASE", "DISPUTE")),
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[boto3.Session, dict[str, str]]]:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        yield session, provision("sandbox", session)


def test_outputs_map_to_the_environment_the_app_reads(sandbox):
    _, outputs = sandbox
    env = output_env(outputs)
    assert set(env) == EXPECTED_ENV
    assert env["TABLE_NAME"] == "leadnod-sandbox"
    assert env["TOKEN_SIGNING_KEY_IDS"] == "alias/leadnod-sandbox-token-signing"
    assert env["WEBHOOK_DLQ_URL"].endswith("/leadnod-sandbox-webhooks-dlq")
    assert env["EXPORT_BUCKET"] == "leadnod-sandbox-exports-123456789012"


def test_table_has_the_keys_indexes_ttl_backups_stream_and_encryption(sandbox):
    session, outputs = sandbox
    dynamodb = session.client("dynamodb")
    table = dynamodb.describe_table(TableName="leadnod-sandbox")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "PK", "KeyType": "HASH"},
                                  {"AttributeName": "SK", "KeyType": "RANGE"}]
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3"}
    for name, index in indexes.items():
        assert [k["AttributeName"] for k in index["KeySchema"]] == [f"{name}PK", f"{name}SK"]
        assert index["Projection"]["ProjectionType"] == "ALL"
    assert all(a["AttributeType"] == "S" for a in table["AttributeDefinitions"])
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["LatestStreamArn"] == outputs["TableStreamArn"]
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["DeletionProtectionEnabled"] is True
    ttl = dynamodb.describe_time_to_live(TableName="leadnod-sandbox")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    backups = dynamodb.describe_continuous_backups(TableName="leadnod-sandbox")
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"


@pytest.mark.parametrize("queue, max_receives", [
    ("Webhook", 20), ("Matching", 5), ("Payments", 5), ("Exports", 3)])
def test_queues_redrive_to_an_encrypted_dlq_that_keeps_messages_14_days(sandbox, queue,
                                                                        max_receives):
    session, outputs = sandbox
    sqs = session.client("sqs")
    main, dlq = (sqs.get_queue_attributes(QueueUrl=outputs[f"{queue}{kind}Url"],
                                          AttributeNames=["All"])["Attributes"]
                 for kind in ("Queue", "Dlq"))
    redrive = json.loads(main["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == max_receives
    assert main["VisibilityTimeout"] == "180"
    assert dlq["MessageRetentionPeriod"] == "1209600"
    assert main["SqsManagedSseEnabled"] == dlq["SqsManagedSseEnabled"] == "true"


def test_export_bucket_is_private_encrypted_and_expires_objects_after_7_days(sandbox):
    session, outputs = sandbox
    s3, bucket = session.client("s3"), outputs["ExportBucket"]
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Status"] == "Enabled" and rule["Expiration"] == {"Days": 7}
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)  # never versioned


def test_signing_key_is_an_rsa_sign_verify_key_behind_its_alias(sandbox):
    session, outputs = sandbox
    kms = session.client("kms")
    key = kms.describe_key(KeyId=outputs["TokenSigningKeyIds"])["KeyMetadata"]
    assert (key["KeySpec"], key["KeyUsage"]) == ("RSA_2048", "SIGN_VERIFY")
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    signature = kms.sign(KeyId=outputs["TokenSigningKeyIds"], Message=b"header.payload",
                         MessageType="RAW", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert len(signature["Signature"]) == 256


def test_app_secret_is_64_letters_and_digits(sandbox):
    session, outputs = sandbox
    secrets = session.client("secretsmanager")
    value = secrets.get_secret_value(SecretId=outputs["AppSecretArn"])["SecretString"]
    assert len(value) == 64 and value.isalnum()
    described = secrets.describe_secret(SecretId=outputs["AppSecretArn"])
    assert described["Name"] == "leadnod/sandbox/app"


@pytest.mark.parametrize("plan", ["Professional", "Enterprise", "Custom"])
def test_usage_plans_have_the_template_throttle_and_no_quota(sandbox, plan):
    session, outputs = sandbox
    found = session.client("apigateway").get_usage_plan(
        usagePlanId=outputs[f"UsagePlan{plan}Id"])
    assert found["name"] == f"leadnod-sandbox-{plan.lower()}"
    assert found["throttle"] == {"rateLimit": 400, "burstLimit": 500}
    assert "quota" not in found  # shared by a pool: docs/capacity.md
    assert not found.get("apiStages")  # attached by devstack.deploy after chalice deploy


@pytest.mark.parametrize("plan", ["Professional", "Enterprise", "Custom"])
def test_each_usage_plan_holds_its_pool_of_keys(sandbox, plan):
    session, outputs = sandbox
    slots = outputs["ApiKeyPoolSlots"].split(",")
    assert slots == [f"{i:02d}" for i in range(16)]
    keys = session.client("apigateway").get_usage_plan_keys(
        usagePlanId=outputs[f"UsagePlan{plan}Id"], limit=500)["items"]
    assert sorted((k["name"], k["value"]) for k in keys) == [
        (f"leadnod-sandbox-{plan.lower()}-pool-{slot}",) * 2 for slot in slots]


def test_the_pool_size_is_one_parameter(tmp_path):
    from devstack.cfn import load_template

    template = load_template(loop_parameters={"ApiKeyPoolSlots": "a,b,c"})
    keys = [name for name, r in template["Resources"].items()
            if r["Type"] == "AWS::ApiGateway::ApiKey"]
    assert len(keys) == 9 and "ApiKeyPoolSlots" not in template["Parameters"]
    assert template["Outputs"]["ApiKeyPoolSlots"]["Value"] == {"Fn::Join": [",", ["a", "b", "c"]]}
    assert "Transform" not in template  # expanded: plain CloudFormation


def test_provisioning_again_reuses_every_resource(sandbox):
    session, outputs = sandbox
    counts = _resource_counts(session)
    assert provision("sandbox", session) == outputs
    assert _resource_counts(session) == counts


def _resource_counts(session: boto3.Session) -> tuple[int, ...]:
    return (len(session.client("kms").list_keys()["Keys"]),
            len(session.client("apigateway").get_usage_plans()["items"]),
            len(session.client("apigateway").get_api_keys(limit=500)["items"]),
            sum(len(session.client("apigateway").get_usage_plan_keys(usagePlanId=p["id"])["items"])
                for p in session.client("apigateway").get_usage_plans()["items"]),
            len(session.client("secretsmanager").list_secrets()["SecretList"]),
            len(session.client("sqs").list_queues()["QueueUrls"]),
            len(session.client("dynamodb").list_tables()["TableNames"]))


def test_dev_table_can_be_deleted(session):
    provision("dev", session)
    table = session.client("dynamodb").describe_table(TableName="leadnod-dev")["Table"]
    assert table["DeletionProtectionEnabled"] is False


STATE_MACHINE_TEMPLATE = """
Parameters:
  Stage: {Type: String}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub leadnod-${Stage}-sfn
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: PK, AttributeType: S}]
      KeySchema: [{AttributeName: PK, KeyType: HASH}]
  StatesRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub leadnod-${Stage}-flow
      RoleArn: !GetAtt StatesRole.Arn
      DefinitionString: >-
        {"StartAt": "P",
        "States": {"P": {"Type": "Pass", "Result": "${TableName}", "End": true}}}
      DefinitionSubstitutions:
        TableName: !Ref Table
Outputs:
  FlowArn: {Value: !Ref Flow}
"""


def test_state_machines_are_created_with_their_definition_substitutions(session, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent(STATE_MACHINE_TEMPLATE))
    outputs = provision("dev", session, template_path=template)
    machine = session.client("stepfunctions").describe_state_machine(
        stateMachineArn=outputs["FlowArn"])
    assert machine["name"] == "leadnod-dev-flow"
    assert json.loads(machine["definition"])["States"]["P"]["Result"] == "leadnod-dev-sfn"
    account = session.client("sts").get_caller_identity()["Account"]
    assert machine["roleArn"] == f"arn:aws:iam::{account}:role/StatesRole"
    assert provision("dev", session, template_path=template) == outputs


def test_a_property_the_provisioner_does_not_know_fails_loudly(session, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent("""
        Parameters:
          Stage: {Type: String}
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: t
              KeySchema: [{AttributeName: PK, KeyType: HASH}]
              ContributorInsightsSpecification: {Enabled: true}
        """))
    with pytest.raises(NotImplementedError, match="ContributorInsightsSpecification"):
        provision("dev", session, template_path=template)
