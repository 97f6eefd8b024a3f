"""`make package`'s template, stage by stage: it lints clean and declares every production
setting issue #14 lists (docs/deploy.md), instead of a later step setting it."""
from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.api.routing import AUTHORIZER_TTL_SECONDS
from deploy.package import RUNTIME, chalice_config, stage_region
from devstack.cfn import load_template, output_env

from .packaged import app_functions, of_kind, package_copy
from .test_template import cfn_lint

STAGES = ("sandbox", "prod")
API_FUNCTIONS = ("APIHandler", "OauthBearer")
API_GATEWAY_TIMEOUT = 29


@pytest.fixture(scope="module", params=STAGES)
def packaged(request, tmp_path_factory) -> tuple[str, Any, dict[str, Any]]:
    stage = request.param
    path, template = package_copy(stage, tmp_path_factory.mktemp(stage))
    return stage, path, template


def resources_of(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def events_of(template: dict[str, Any], kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Event source name -> (function, properties) for every event of type `kind`."""
    return {event: (name, spec["Properties"])
            for name, function in resources_of(template, "AWS::Serverless::Function").items()
            for event, spec in function["Properties"].get("Events", {}).items()
            if spec["Type"] == kind}


def test_the_packaged_template_lints_without_errors_or_warnings(packaged):
    stage, path, _ = packaged
    assert cfn_lint(path, regions=[stage_region(stage)]) == []


def test_it_deploys_only_its_own_stage_and_needs_no_parameter(packaged):
    stage, _, template = packaged
    assert template["Parameters"] == {"Stage": {
        "Type": "String", "AllowedValues": [stage], "Default": stage,
        "Description": "Deployment stage; every physical name is derived from it."}}
    assert "Conditions" not in template or "HasRestApi" not in template["Conditions"]


def test_every_sqs_source_reports_batch_item_failures_from_its_own_queue(packaged):
    _, _, template = packaged
    sources = events_of(template, "SQS")
    # matching, payments, webhooks, exports: every consumer answers with process_records
    assert {function for function, _ in sources.values()} == of_kind("sqs")
    queues = set()
    for _, (function, props) in sources.items():
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], function
        queue = props["Queue"]["Fn::GetAtt"]
        assert queue[1] == "Arn" and template["Resources"][queue[0]]["Type"] == "AWS::SQS::Queue"
        queues.add(queue[0])
    assert queues == {"MatchingQueue", "PaymentsQueue", "WebhookQueue", "ExportsQueue"}


def test_every_stream_source_bisects_retries_a_bounded_number_of_times_then_moves_on(packaged):
    _, _, template = packaged
    sources = events_of(template, "DynamoDB")
    # one reader per shard: the fan-out, escrow follow-ups and analytics are its parts
    assert {function for function, _ in sources.values()} == of_kind("stream") == {"TableStream"}
    for _, (function, props) in sources.items():
        assert props["Stream"] == {"Fn::GetAtt": ["AppTable", "StreamArn"]}, function
        assert props["BisectBatchOnFunctionError"] is True
        assert 0 < props["MaximumRetryAttempts"] <= 10
        assert 60 <= props["MaximumRecordAgeInSeconds"] < 86400  # less than the stream keeps
        assert props["DestinationConfig"] == {
            "OnFailure": {"Destination": {"Fn::GetAtt": ["StreamDLQ", "Arn"]}}}
    filtered = {function for function, props in sources.values() if "FilterCriteria" in props}
    assert filtered == {"TableStream"}  # its patterns: test_stream_filters.py
    assert all(props["ParallelizationFactor"] == 2 for _, props in sources.values())


def _alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["Properties"] for a in resources_of(template, "AWS::CloudWatch::Alarm").values()]


def _dimension(alarm: dict[str, Any], name: str) -> Any:
    return next(d["Value"] for d in alarm["Dimensions"] if d["Name"] == name)


def test_every_dlq_has_a_depth_alarm_that_notifies(packaged):
    _, _, template = packaged
    dlqs = {name for name, q in resources_of(template, "AWS::SQS::Queue").items()
            if json.dumps(q["Properties"]["QueueName"]).endswith('-dlq"}')}
    assert dlqs == {"WebhookDLQ", "MatchingDLQ", "PaymentsDLQ", "ExportsDLQ", "StreamDLQ"}
    watched = {_dimension(a, "QueueName")["Fn::GetAtt"][0] for a in _alarms(template)
               if a["MetricName"] == "ApproximateNumberOfMessagesVisible"}
    assert watched == dlqs
    for alarm in _alarms(template):
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_every_function_has_error_and_throttle_alarms_and_the_api_a_5xx_alarm(packaged):
    _, _, template = packaged
    functions = set(resources_of(template, "AWS::Serverless::Function"))
    assert functions == set(app_functions())
    for metric in ("Errors", "Throttles"):
        watched = {_dimension(a, "FunctionName")["Ref"] for a in _alarms(template)
                   if a["Namespace"] == "AWS/Lambda" and a["MetricName"] == metric}
        assert watched == functions
    (api,) = [a for a in _alarms(template) if a["Namespace"] == "AWS/ApiGateway"]
    assert api["MetricName"] == "5XXError"
    assert _dimension(api, "ApiName") == {"Fn::Sub": "leadnod-${Stage}"}
    assert template["Resources"]["RestAPI"]["Properties"]["Name"] == {"Fn::Sub": "leadnod-${Stage}"}


def test_every_function_logs_to_a_group_kept_as_long_as_its_stage_says(packaged):
    stage, _, template = packaged
    days = chalice_config()["stages"][stage]["log_retention_in_days"]
    groups = resources_of(template, "AWS::Logs::LogGroup").values()
    named = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups}
    functions = resources_of(template, "AWS::Serverless::Function")
    assert named == {"/aws/lambda/${%s}" % name for name in functions}
    assert {g["Properties"]["RetentionInDays"] for g in groups} == {days}


def test_functions_run_the_pinned_runtime_and_api_functions_end_before_api_gateway(packaged):
    _, _, template = packaged
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        props = function["Properties"]
        assert props["Runtime"] == RUNTIME, name
        if name in API_FUNCTIONS:
            assert props["Timeout"] < API_GATEWAY_TIMEOUT, name


def test_the_authorizer_cache_is_the_declared_one(packaged):
    _, _, template = packaged
    definition = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizer = definition["securityDefinitions"]["oauth_bearer"]
    assert authorizer["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"] \
        == AUTHORIZER_TTL_SECONDS == 60


def test_the_api_definition_holds_the_key_source_and_the_gateway_responses(packaged):
    _, _, template = packaged
    definition = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert definition["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    declared = {r["Properties"]["ResponseType"]: r["Properties"]
                for r in load_template()["Resources"].values()
                if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    responses = definition["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == set(declared)
    for kind, props in declared.items():
        assert responses[kind]["responseTemplates"] == props["ResponseTemplates"]
        assert responses[kind]["responseParameters"] == props["ResponseParameters"]
        assert responses[kind].get("statusCode") == props.get("StatusCode")
    assert not resources_of(template, "AWS::ApiGateway::GatewayResponse")


def test_usage_plans_are_attached_to_the_api_stage(packaged):
    _, _, template = packaged
    plans = resources_of(template, "AWS::ApiGateway::UsagePlan")
    assert len(plans) == 3
    for plan in plans.values():
        assert plan["Properties"]["ApiStages"] == [
            {"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}]


def test_every_function_gets_the_environment_the_local_stack_exports(packaged):
    stage, _, template = packaged
    expected = set(output_env({name: "" for name in load_template()["Outputs"]}))
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert expected <= set(variables), name
        assert variables["LEADNOD_STAGE"] == stage
        assert variables["TABLE_NAME"] == {"Ref": "AppTable"}


def test_each_function_has_a_role_of_its_own(packaged):
    _, _, template = packaged
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0]
             for f in resources_of(template, "AWS::Serverless::Function").values()]
    assert len(set(roles)) == len(roles) == len(app_functions())
    for role in roles:
        assert template["Resources"][role]["Type"] == "AWS::IAM::Role"


def test_the_stateful_resources_survive_a_stack_deletion_but_not_a_failed_first_create(packaged):
    _, _, template = packaged
    for name in ("AppTable", "TokenSigningKey"):
        assert template["Resources"][name]["DeletionPolicy"] == "RetainExceptOnCreate"
        assert template["Resources"][name]["UpdateReplacePolicy"] == "Retain"


def test_the_deployment_package_holds_the_route_manifest(packaged):
    """app.py registers the routes from chalicelib/api/routes.json at import: a package without
    it would answer nothing."""
    import zipfile

    _, path, _ = packaged
    [archive] = path.parent.glob("*.zip")
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
    assert {"app.py", "chalicelib/api/routes.json", "chalicelib/api/lazy_routes.py"} <= names
