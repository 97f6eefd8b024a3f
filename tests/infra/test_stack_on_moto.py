"""The packaged template, SAM-transformed as CloudFormation would, created on moto's
CloudFormation by `make deploy`'s change-set code, then deployed again: nothing changes.

What moto cannot do is taken out and listed (MOTO_CANNOT; docs/deploy.md repeats it).
"""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
import yaml
from botocore.stub import Stubber

from deploy import artifacts
from deploy.stack import DeployRefused, deploy_stack, refuse_losses

from .packaged import app_functions, of_kind, package_copy

# moto's AWS::ApiGateway::RestApi ignores the Body (the API definition), so the API has no
# methods and a Deployment of it is refused; its Stage, usage plans, secrets and alarms are
# skipped with a warning and their outputs dropped.
MOTO_CANNOT = {"AWS::ApiGateway::Deployment"}


def sam_transform(template: dict[str, Any], code_uri: str) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:  # every role is declared: SAM needs no managed policy ARN
        def load(self) -> dict[str, str]:
            return {}

    template = json.loads(json.dumps(template))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri
    transformed: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    return transformed


@pytest.fixture(scope="module")
def transformed(tmp_path_factory) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # SAM names ARNs with it
        template = package_copy("sandbox", tmp_path_factory.mktemp("moto"))[1]
        return sam_transform(template, "s3://leadnod-code/code.zip")


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")
def test_the_stack_is_created_then_a_second_deploy_changes_nothing(session, transformed):
    template = {"Resources": {k: v for k, v in transformed["Resources"].items()
                              if v["Type"] not in MOTO_CANNOT},
                **{k: v for k, v in transformed.items() if k != "Resources"}}
    s3, cfn = session.client("s3"), session.client("cloudformation")
    s3.create_bucket(Bucket="leadnod-code")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "")
    s3.put_object(Bucket="leadnod-code", Key="code.zip", Body=code.getvalue())
    s3.put_object(Bucket="leadnod-code", Key="template.json", Body=json.dumps(template))
    url = {"TemplateURL": "https://leadnod-code.s3.us-east-1.amazonaws.com/template.json"}

    deploy_stack(cfn, "leadnod-sandbox", template=url)
    first = _resources(cfn)
    lambda_client = session.client("lambda")
    mappings = lambda_client.list_event_source_mappings()["EventSourceMappings"]
    deploy_stack(cfn, "leadnod-sandbox", template=url)

    assert _resources(cfn) == first
    assert lambda_client.list_event_source_mappings()["EventSourceMappings"] == mappings
    assert cfn.describe_stacks(StackName="leadnod-sandbox")["Stacks"][0]["StackStatus"] \
        == "CREATE_COMPLETE"
    by_queue = {m["EventSourceArn"].rsplit(":", 1)[-1]: m for m in mappings}
    for queue in ("webhooks", "matching", "payments", "exports"):
        assert by_queue[f"leadnod-sandbox-{queue}"]["FunctionResponseTypes"] == \
            ["ReportBatchItemFailures"]
    streams = [m for m in mappings if ":dynamodb:" in m["EventSourceArn"]]
    assert len(streams) == len(of_kind("stream"))
    assert all(m["BisectBatchOnFunctionError"] for m in streams)
    assert len(streams) == 1 and "FilterCriteria" in streams[0]  # table_stream, filtered
    functions = {f["FunctionName"] for f in lambda_client.list_functions()["Functions"]}
    assert "leadnod-sandbox-api_handler" in functions and len(functions) == len(app_functions())


def _resources(cfn) -> dict[str, str]:
    listed = cfn.describe_stack_resources(StackName="leadnod-sandbox")["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed
            if "PhysicalResourceId" in r}


def test_the_artifact_bucket_and_uploads_converge(session, tmp_path):
    cfn, s3 = session.client("cloudformation"), session.client("s3")
    bucket = artifacts.artifact_bucket(cfn, "sandbox")
    assert artifacts.artifact_bucket(cfn, "sandbox") == bucket
    assert bucket.startswith("leadnod-sandbox-artifacts-")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for path, stamp in ((first, (2020, 1, 1, 0, 0, 0)), (second, (2024, 6, 1, 12, 0, 0))):
        with zipfile.ZipFile(path, "w") as archive:  # same files, built at different times
            archive.writestr(zipfile.ZipInfo("app.py", stamp), "app = 1\n")
    key = artifacts.upload(s3, bucket, "sandbox/code", first, artifacts.code_digest)
    assert artifacts.upload(s3, bucket, "sandbox/code", second, artifacts.code_digest) == key
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 1


def test_a_change_set_that_would_lose_data_is_refused_unless_named():
    changes = [{"ResourceChange": {"Action": "Modify", "LogicalResourceId": "AppTable",
                                   "ResourceType": "AWS::DynamoDB::Table",
                                   "Replacement": "True"}},
               {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "APIHandler",
                                   "ResourceType": "AWS::Lambda::Function",
                                   "Replacement": "True"}}]
    with pytest.raises(DeployRefused, match="AppTable"):
        refuse_losses(changes)
    refuse_losses(changes, allow_replacing=["AppTable"])
    refuse_losses(changes[1:])


def test_an_unchanged_stack_is_left_alone():
    # Real CloudFormation fails a change set that holds no change; moto's holds an empty one.
    import boto3

    cfn = boto3.client("cloudformation", region_name="us-east-1")
    described = {"Stacks": [{"StackName": "leadnod-prod", "StackStatus": "UPDATE_COMPLETE",
                             "CreationTime": "2024-01-01T00:00:00Z",
                             "Outputs": [{"OutputKey": "TableName",
                                          "OutputValue": "leadnod-prod"}]}]}
    failed = {"Status": "FAILED", "ChangeSetName": "x", "StackName": "leadnod-prod",
              "StatusReason": "The submitted information didn't contain changes. Submit "
                              "different information to create a change set."}
    with Stubber(cfn) as stub:
        stub.add_response("describe_stacks", described)
        stub.add_response("create_change_set", {"Id": "arn:cs", "StackId": "arn:stack"})
        stub.add_response("describe_change_set", failed)  # the waiter's poll
        stub.add_response("describe_change_set", failed)
        stub.add_response("delete_change_set", {})
        stub.add_response("describe_stacks", described)
        outputs = deploy_stack(cfn, "leadnod-prod", template={"TemplateURL": "https://x/t"})
        stub.assert_no_pending_responses()
    assert outputs == {"TableName": "leadnod-prod"}


def test_a_stack_in_a_state_that_needs_a_person_is_not_touched():
    import boto3

    cfn = boto3.client("cloudformation", region_name="us-east-1")
    described = {"Stacks": [{"StackName": "leadnod-prod", "CreationTime": "2024-01-01",
                             "StackStatus": "UPDATE_ROLLBACK_FAILED"}]}
    with Stubber(cfn) as stub:
        stub.add_response("describe_stacks", described)
        with pytest.raises(DeployRefused, match="continue-update-rollback"):
            deploy_stack(cfn, "leadnod-prod", template={"TemplateURL": "https://x/t"})


def test_the_packaged_template_round_trips_as_yaml(transformed):
    assert yaml.safe_load(yaml.safe_dump(transformed)) == transformed
