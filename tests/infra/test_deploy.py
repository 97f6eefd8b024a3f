"""The deploy steps that moto can run: the infra stack, config.json, post-deploy settings."""
from __future__ import annotations

import io
import json
import shutil
import zipfile

import boto3
import pytest
from botocore.stub import Stubber

from devstack import deploy
from devstack.cfn import load_template
from devstack.provision import provision

from .conftest import ROOT


@pytest.fixture
def config_copy(tmp_path):
    path = tmp_path / "config.json"
    shutil.copy(ROOT / ".chalice" / "config.json", path)
    return path


def test_stack_outputs_are_written_into_the_stage_environment(config_copy):
    before = json.loads(config_copy.read_text())["stages"]
    deploy.write_stage_environment("sandbox", {"TableName": "leadnod-sandbox",
                                               "WebhookDlqUrl": "https://q/dlq"}, config_copy)
    after = json.loads(config_copy.read_text())["stages"]
    assert after["sandbox"]["environment_variables"] == {
        **before["sandbox"]["environment_variables"],
        "TABLE_NAME": "leadnod-sandbox", "WEBHOOK_DLQ_URL": "https://q/dlq"}
    assert after["dev"] == before["dev"] and after["prod"] == before["prod"]
    assert after["sandbox"]["iam_policy_file"] == "policy-sandbox.json"


def test_writing_the_environment_again_replaces_old_values(config_copy):
    deploy.write_stage_environment("prod", {"TableName": "old"}, config_copy)
    environment = deploy.write_stage_environment("prod", {"TableName": "new"}, config_copy)
    assert environment["TABLE_NAME"] == "new"
    assert environment["LEADNOD_STAGE"] == "prod"


def test_deploy_refuses_the_dev_stage(capsys):
    with pytest.raises(SystemExit) as exit_:
        deploy.main(["--stage", "dev"])
    assert exit_.value.code == 2
    assert "local stack" in capsys.readouterr().err


def test_rest_api_id_comes_from_chalice_deployed_record(tmp_path):
    assert deploy.deployed_resources("sandbox", tmp_path) == []
    deployed = tmp_path / ".chalice" / "deployed"
    deployed.mkdir(parents=True)
    (deployed / "sandbox.json").write_text(json.dumps({"schema_version": "2.0", "resources": [
        {"name": "api_handler", "resource_type": "lambda_function", "lambda_arn": "arn:f"},
        {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc123",
         "rest_api_url": "https://abc123.execute-api.us-east-1.amazonaws.com/api/"}]}))
    assert deploy.rest_api_id(deploy.deployed_resources("sandbox", tmp_path)) == "abc123"
    assert deploy.rest_api_id([]) == ""


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")
def test_infra_stack_is_created_then_left_alone_then_updated_with_the_rest_api(session, tmp_path):
    # moto's CloudFormation accepts the template but skips usage plans, API keys, secrets and
    # gateway responses (and their outputs): only the stack lifecycle is checked here. It has no
    # AWS::LanguageExtensions transform either, so it gets the key pools' loops expanded as
    # CloudFormation would expand them (AWS gets the file as written).
    expanded = tmp_path / "template.json"
    expanded.write_text(json.dumps(load_template()))
    outputs = deploy.deploy_stack(session, "sandbox", template_path=expanded)
    assert outputs["TableName"] == "leadnod-sandbox"
    assert outputs["TokenSigningKeyIds"] == "alias/leadnod-sandbox-token-signing"
    assert deploy.deploy_stack(session, "sandbox", template_path=expanded) == outputs
    deploy.deploy_stack(session, "sandbox", rest_api_id="abc123", template_path=expanded)
    stack = session.client("cloudformation").describe_stacks(StackName="leadnod-sandbox")
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Stacks"][0]["Parameters"]}
    assert parameters == {"Stage": "sandbox", "RestApiId": "abc123"}


def test_an_unchanged_stack_is_not_an_error():
    # moto updates silently; CloudFormation refuses an update that changes nothing.
    cfn = boto3.client("cloudformation", region_name="us-east-1")
    output = {"OutputKey": "TableName", "OutputValue": "leadnod-prod"}
    described = {"Stacks": [{"StackName": "leadnod-prod", "StackStatus": "UPDATE_COMPLETE",
                             "CreationTime": "2024-01-01T00:00:00Z", "Outputs": [output]}]}
    with Stubber(cfn) as stub:
        stub.add_response("describe_stacks", described)
        stub.add_client_error("update_stack", "ValidationError",
                              "No updates are to be performed.")
        stub.add_response("describe_stacks", described)
        outputs = deploy.deploy_stack(_OneClient(cfn), "prod")
    assert outputs == {"TableName": "leadnod-prod"}


class _OneClient:
    def __init__(self, client) -> None:
        self._client = client

    def client(self, service: str):
        return self._client


def chalice_like_api(session) -> str:
    """A REST API with one method and an `api` stage, as `chalice deploy` leaves it."""
    apigateway = session.client("apigateway")
    api_id = apigateway.create_rest_api(name="leadnod")["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    apigateway.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                          authorizationType="NONE")
    apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api_id, stageName="api")
    return api_id


def sqs_event_source(session, queue_url: str) -> str:
    role = session.client("iam").create_role(RoleName="leadnod-sandbox",
                                             AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "")
    lambda_client = session.client("lambda")
    function = lambda_client.create_function(
        FunctionName="leadnod-sandbox-webhooks", Runtime="python3.12", Role=role,
        Handler="app.handler", Code={"ZipFile": code.getvalue()})["FunctionArn"]
    queue_arn = session.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return lambda_client.create_event_source_mapping(EventSourceArn=queue_arn,
                                                     FunctionName=function)["UUID"]


def test_post_deploy_reapplies_what_chalice_deploy_resets(session):
    outputs = provision("sandbox", session)
    api_id = chalice_like_api(session)
    mapping = sqs_event_source(session, outputs["WebhookQueueUrl"])
    plans = deploy.usage_plan_ids(outputs)
    apigateway = session.client("apigateway")
    deployments = len(apigateway.get_deployments(restApiId=api_id)["items"])

    for _ in range(2):  # every deploy runs it; the second run changes nothing
        deploy.post_deploy(session, "sandbox", rest_api_id=api_id, api_stage="api",
                           usage_plan_ids=plans, event_source_uuids=[mapping])

    assert apigateway.get_rest_api(restApiId=api_id)["apiKeySource"] == "AUTHORIZER"
    assert len(plans) == 3
    for plan in plans:
        stages = apigateway.get_usage_plan(usagePlanId=plan)["apiStages"]
        assert stages == [{"apiId": api_id, "stage": "api"}]
    expected = {r["Properties"]["ResponseType"]: r["Properties"]
                for r in load_template()["Resources"].values()
                if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    for response_type, props in expected.items():
        found = apigateway.get_gateway_response(restApiId=api_id, responseType=response_type)
        assert found["responseTemplates"] == props["ResponseTemplates"]
        assert found["responseParameters"] == props["ResponseParameters"]
        assert found.get("statusCode") == props.get("StatusCode")
    assert len(apigateway.get_deployments(restApiId=api_id)["items"]) == deployments + 2
    found = session.client("lambda").get_event_source_mapping(UUID=mapping)
    assert found["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_deploy_refuses_a_shell_pointed_at_the_local_stack(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    with pytest.raises(SystemExit):
        deploy.main(["--stage", "sandbox"])
    assert "local stack" in capsys.readouterr().err


def test_the_chalice_record_travels_through_the_artifact_bucket(session, tmp_path):
    from deploy.artifacts import artifact_bucket

    s3 = session.client("s3")
    bucket = artifact_bucket(session.client("cloudformation"), "sandbox")
    first, second = tmp_path / "first", tmp_path / "second"
    assert deploy.fetch_record(s3, bucket, "sandbox", second) is False
    record = first / ".chalice" / "deployed" / "sandbox.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"resources": [{"resource_type": "rest_api", "rest_api_id": "abc"}]}')
    deploy.store_record(s3, bucket, "sandbox", first)
    assert deploy.fetch_record(s3, bucket, "sandbox", second) is True  # another clone
    assert deploy.rest_api_id(deploy.deployed_resources("sandbox", second)) == "abc"


def test_functions_without_a_record_stop_the_chalice_path(session):
    lambda_client = session.client("lambda")
    deploy.refuse_unrecorded_functions(lambda_client, "sandbox")  # nothing deployed: go on
    role = session.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "")
    lambda_client.create_function(
        FunctionName="leadnod-sandbox-api_handler", Runtime="python3.11",
        Role=role["Role"]["Arn"], Handler="app.app", Code={"ZipFile": code.getvalue()})
    with pytest.raises(SystemExit, match="no chalice record"):
        deploy.refuse_unrecorded_functions(lambda_client, "sandbox")
