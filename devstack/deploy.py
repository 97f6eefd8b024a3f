"""`make chalice-deploy STAGE=sandbox|prod`, the `chalice deploy` path: the infra stack, then
`chalice deploy`, then what Chalice cannot express. Each step is a function; docs/deploy.md
explains why they run in this order, and what this path lacks next to `make deploy`'s one stack.

`chalice deploy` knows what it created only from `.chalice/deployed/<stage>.json`. That record
is kept in the stage's artifact bucket (fetched before, stored after), so a run from another
clone or from CI updates what exists instead of creating a second API and second event source
mappings; a run that finds the stage's functions but no record stops instead.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from devstack.cfn import TEMPLATE_PATH, Stack, load_template, output_env
from devstack.provision import put_gateway_response

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_PATH = PROJECT_DIR / ".chalice" / "config.json"
DEPLOY_STAGES = ("sandbox", "prod")  # dev is the local stack only


def stack_name(stage: str) -> str:
    return f"leadnod-{stage}"


# ---------------------------------------------------------------- 1 and 5: the infra stack
def deploy_stack(session: boto3.Session, stage: str, *, rest_api_id: str = "",
                 template_path: Path = TEMPLATE_PATH) -> dict[str, str]:
    """Create or update the stage's infra stack, wait for it, and return its Outputs."""
    cfn, name = session.client("cloudformation"), stack_name(stage)
    parameters = {"Stage": stage, "RestApiId": rest_api_id}
    # The file as written: CloudFormation runs its AWS::LanguageExtensions transform (the key
    # pools' Fn::ForEach), which needs CAPABILITY_AUTO_EXPAND.
    request = dict(StackName=name, TemplateBody=Path(template_path).read_text(),
                   Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                                 "CAPABILITY_AUTO_EXPAND"],
                   Parameters=[{"ParameterKey": k, "ParameterValue": v}
                               for k, v in parameters.items()])
    status = _stack_status(cfn, name)
    if status == "ROLLBACK_COMPLETE":  # a failed first create can only be deleted
        cfn.delete_stack(StackName=name)
        cfn.get_waiter("stack_delete_complete").wait(StackName=name)
        status = None
    if status is None:
        cfn.create_stack(**request)
        _wait(cfn, "stack_create_complete", name)
    else:
        try:
            cfn.update_stack(**request)
            _wait(cfn, "stack_update_complete", name)
        except ClientError as error:
            # CloudFormation reports "nothing to change" only through this message.
            if "No updates are to be performed" not in str(error):
                raise
    return stack_outputs(cfn, name)


def _stack_status(cfn, name: str) -> str | None:
    try:
        return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ValidationError":  # "does not exist"
            return None
        raise


def _wait(cfn, waiter: str, name: str) -> None:
    cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 360})


def stack_outputs(cfn, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


# ---------------------------------------------------------------- 2: .chalice/config.json
def write_stage_environment(stage: str, outputs: dict[str, str],
                            config_path: Path = CONFIG_PATH) -> dict[str, str]:
    """Merge the stack outputs, as env vars, into the stage's environment_variables."""
    config = json.loads(Path(config_path).read_text())
    environment = config["stages"][stage].setdefault("environment_variables", {})
    environment.update(output_env(outputs))
    Path(config_path).write_text(json.dumps(config, indent=2) + "\n")
    return environment


def api_gateway_stage(stage: str, config_path: Path = CONFIG_PATH) -> str:
    config = json.loads(Path(config_path).read_text())
    return config["stages"][stage].get("api_gateway_stage", config.get("api_gateway_stage", "api"))


# ---------------------------------------------------------------- 3: chalice deploy
def chalice_deploy(stage: str, project_dir: Path = PROJECT_DIR) -> None:
    env = {**os.environ, "LEADNOD_STAGE": stage}
    subprocess.run([*chalice_command(project_dir), "deploy", "--stage", stage],
                   cwd=project_dir, env=env, check=True)


def chalice_command(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The project venv's Chalice. Chalice has no runtime setting: the Lambda runtime is the
    version of the Python running it (python3.11 with `make`'s venv)."""
    return [str(Path(sys.executable).parent / "chalice")]


def deployed_resources(stage: str, project_dir: Path = PROJECT_DIR) -> list[dict]:
    """What `chalice deploy` recorded in .chalice/deployed/<stage>.json ([] before the first)."""
    path = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    return json.loads(path.read_text())["resources"] if path.exists() else []


def record_key(stage: str) -> str:
    return f"{stage}/chalice/deployed.json"


def fetch_record(s3, bucket: str, stage: str, project_dir: Path = PROJECT_DIR) -> bool:
    """Put the stored `.chalice/deployed/<stage>.json` in place; False when none is stored."""
    path = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    try:
        body = s3.get_object(Bucket=bucket, Key=record_key(stage))["Body"].read()
    except s3.exceptions.NoSuchKey:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return True


def store_record(s3, bucket: str, stage: str, project_dir: Path = PROJECT_DIR) -> None:
    path = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    s3.put_object(Bucket=bucket, Key=record_key(stage), Body=path.read_bytes())


def refuse_unrecorded_functions(lambda_client, stage: str) -> None:
    """Without a record `chalice deploy` creates a new API and new event source mappings next to
    the ones a lost or failed run left: stop, and say what to do (docs/deploy.md)."""
    try:
        lambda_client.get_function(FunctionName=f"leadnod-{stage}-api_handler")
    except lambda_client.exceptions.ResourceNotFoundException:
        return
    raise SystemExit(f"leadnod-{stage}-api_handler exists but no chalice record is stored for "
                     f"{stage}: see docs/deploy.md, 'chalice deploy path: a lost record'")


def rest_api_id(resources: list[dict]) -> str:
    return next((r["rest_api_id"] for r in resources if r["resource_type"] == "rest_api"), "")


# ---------------------------------------------------------------- 4: after chalice deploy
def post_deploy(session: boto3.Session, stage: str, *, rest_api_id: str, api_stage: str,
                usage_plan_ids: list[str], event_source_uuids: list[str],
                template_path: Path = TEMPLATE_PATH) -> None:
    """Re-apply what `chalice deploy` resets or cannot express, then redeploy the API stage."""
    apigateway = session.client("apigateway")
    stack = _stack(session, stage, rest_api_id, template_path)
    # Usage plans meter the key the authorizer returns (usageIdentifierKey), not x-api-key.
    apigateway.update_rest_api(restApiId=rest_api_id, patchOperations=[
        {"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"}])
    attach_usage_plans(apigateway, rest_api_id, api_stage, usage_plan_ids)
    put_gateway_responses(apigateway, stack)
    # Gateway responses and the key source only take effect in a new deployment.
    apigateway.create_deployment(restApiId=rest_api_id, stageName=api_stage,
                                 description="devstack.deploy post-deploy settings")
    enable_batch_item_failures(session.client("lambda"), event_source_uuids)


def attach_usage_plans(apigateway, rest_api_id: str, api_stage: str, plan_ids: list[str]) -> None:
    for plan_id in plan_ids:
        stages = apigateway.get_usage_plan(usagePlanId=plan_id).get("apiStages", [])
        if not any(s["apiId"] == rest_api_id and s["stage"] == api_stage for s in stages):
            apigateway.update_usage_plan(usagePlanId=plan_id, patchOperations=[
                {"op": "add", "path": "/apiStages", "value": f"{rest_api_id}:{api_stage}"}])


def _stack(session: boto3.Session, stage: str, rest_api_id: str, template_path: Path) -> Stack:
    return Stack(load_template(template_path), {"Stage": stage, "RestApiId": rest_api_id},
                 account_id=session.client("sts").get_caller_identity()["Account"],
                 region=session.region_name, name=stack_name(stage))


def put_gateway_responses(apigateway, stack: Stack) -> list[str]:
    """Every GatewayResponse of the template, rendered with the stack's RestApiId."""
    types = []
    for resource in stack.template["Resources"].values():
        if resource["Type"] == "AWS::ApiGateway::GatewayResponse" and stack.included(resource):
            put_gateway_response(apigateway, stack.resolve(resource["Properties"]))
            types.append(resource["Properties"]["ResponseType"])
    return types


def enable_batch_item_failures(lambda_client, event_source_uuids: list[str]) -> None:
    """Let SQS consumers return batchItemFailures (Chalice cannot turn this on)."""
    for uuid in event_source_uuids:
        mapping = lambda_client.get_event_source_mapping(UUID=uuid)
        if "ReportBatchItemFailures" in mapping.get("FunctionResponseTypes", []):
            continue
        for attempt in range(10):  # the mapping may still be settling from chalice deploy
            try:
                lambda_client.update_event_source_mapping(
                    UUID=uuid, FunctionResponseTypes=["ReportBatchItemFailures"])
                break
            except lambda_client.exceptions.ResourceInUseException:
                time.sleep(2 * (attempt + 1))
        else:
            raise RuntimeError(f"event source mapping {uuid} stayed busy")


def usage_plan_ids(outputs: dict[str, str]) -> list[str]:
    return [v for k, v in outputs.items() if k.startswith("UsagePlan") and k.endswith("Id")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy")
    parser.add_argument("--stage", required=True)
    stage = parser.parse_args(argv).stage
    if stage not in DEPLOY_STAGES:
        parser.error(f"--stage must be one of {', '.join(DEPLOY_STAGES)} "
                     "(dev is the local stack: make run)")
    if os.environ.get("AWS_ENDPOINT_URL"):
        parser.error("AWS_ENDPOINT_URL is set: this shell points at the local stack, not AWS")
    from deploy.artifacts import artifact_bucket
    from deploy.package import stage_region

    region = stage_region(stage)
    session = boto3.Session(region_name=region)
    os.environ["AWS_DEFAULT_REGION"] = region  # for chalice deploy
    api_stage = api_gateway_stage(stage)
    bucket = artifact_bucket(session.client("cloudformation"), stage)
    s3 = session.client("s3")
    if not fetch_record(s3, bucket, stage):
        refuse_unrecorded_functions(session.client("lambda"), stage)
    known_api = rest_api_id(deployed_resources(stage))
    print(f"[1/5] infra stack {stack_name(stage)}", flush=True)
    outputs = deploy_stack(session, stage, rest_api_id=known_api)
    print("[2/5] stack outputs -> .chalice/config.json", flush=True)
    write_stage_environment(stage, outputs)
    print("[3/5] chalice deploy", flush=True)
    chalice_deploy(stage)
    store_record(s3, bucket, stage)
    resources = deployed_resources(stage)
    api_id = rest_api_id(resources)
    if not api_id:
        sys.exit(f"chalice deploy recorded no rest_api in .chalice/deployed/{stage}.json")
    print(f"[4/5] post-deploy settings on API {api_id}", flush=True)
    post_deploy(session, stage, rest_api_id=api_id, api_stage=api_stage,
                usage_plan_ids=usage_plan_ids(outputs),
                event_source_uuids=[r["event_uuid"] for r in resources
                                    if r["resource_type"] == "sqs_event"])
    print("[5/5] infra stack with RestApiId", flush=True)
    deploy_stack(session, stage, rest_api_id=api_id)


if __name__ == "__main__":
    main()
