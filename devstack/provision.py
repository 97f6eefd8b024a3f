"""Create the resources of infra/template.yaml with boto3 calls read from the template.

moto's CloudFormation skips usage plans, secrets, TTL, KMS key specs and state machine
substitutions, so each resource type gets a small creator that turns its resolved Properties
into API calls. Creators are idempotent: they look for the resource first and reuse it.
A property no creator knows raises, rather than being dropped without anyone noticing.
API Gateway's creators (usage plans, the API key pools, gateway responses) are in
devstack/provision_gateway.py; the template's `Fn::ForEach` loops arrive expanded (cfn_loops.py).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable

import boto3

from devstack.cfn import TEMPLATE_PATH, Stack, creation_order, load_template
from devstack.cfn import expect_properties as _expect
from devstack.provision_gateway import GATEWAY_CREATORS, Created
from devstack.provision_gateway import put_gateway_response as put_gateway_response


def provision(stage: str, session: boto3.Session | None = None,
              template_path: str | Path = TEMPLATE_PATH) -> dict[str, str]:
    """Create (or reuse) every resource of the template for `stage`; return its Outputs."""
    session = session or boto3.Session()
    aws = functools.cache(session.client)
    template = load_template(template_path)
    stack = Stack(template, {"Stage": stage},
                  account_id=aws("sts").get_caller_identity()["Account"],
                  region=session.region_name or "us-east-1", name=f"leadnod-{stage}")
    for logical_id in creation_order(template):
        resource = template["Resources"][logical_id]
        if not stack.included(resource):
            continue
        kind = resource["Type"]
        creator = _skipped_iam if kind.startswith("AWS::IAM::") else _CREATORS.get(kind)
        if creator is None:
            raise NotImplementedError(f"{logical_id}: {kind} is not provisioned locally; "
                                      "add a creator to devstack/provision.py")
        props = stack.resolve(resource.get("Properties", {}))
        stack.refs[logical_id], stack.attrs[logical_id] = creator(aws, props, stack, logical_id)
    return stack.outputs()


def _table(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
            "BillingMode", "TimeToLiveSpecification", "PointInTimeRecoverySpecification",
            "SSESpecification", "StreamSpecification", "DeletionProtectionEnabled")
    dynamodb, name = aws("dynamodb"), props["TableName"]
    create = {k: props[k] for k in ("TableName", "AttributeDefinitions", "KeySchema",
                                     "GlobalSecondaryIndexes", "BillingMode",
                                     "DeletionProtectionEnabled") if k in props}
    if "StreamSpecification" in props:
        create["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    if "SSESpecification" in props:
        sse = dict(props["SSESpecification"])
        create["SSESpecification"] = {"Enabled": sse.pop("SSEEnabled"), **sse}
    try:
        table = dynamodb.create_table(**create)["TableDescription"]
    except dynamodb.exceptions.ResourceInUseException:
        table = dynamodb.describe_table(TableName=name)["Table"]
    ttl = props.get("TimeToLiveSpecification")
    status = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if ttl and status["TimeToLiveStatus"] not in ("ENABLED", "ENABLING"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    if "PointInTimeRecoverySpecification" in props:
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification=props["PointInTimeRecoverySpecification"])
    return name, {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn")}


def _queue(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    # Every CloudFormation property of a queue except its name is an SQS attribute of the
    # same name; attribute values are strings (RedrivePolicy a JSON document).
    sqs, name = aws("sqs"), props["QueueName"]
    attributes = {key: _attribute(value) for key, value in props.items()
                  if key not in ("QueueName", "Tags")}
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, {"Arn": arn["Attributes"]["QueueArn"], "QueueName": name, "QueueUrl": url}


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def _bucket(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "BucketName", "BucketEncryption", "PublicAccessBlockConfiguration",
            "LifecycleConfiguration", "VersioningConfiguration")
    s3, name, region = aws("s3"), props["BucketName"], stack.pseudo["AWS::Region"]
    location = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=name, **location)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    if "BucketEncryption" in props:
        rules = [_encryption_rule(r)
                 for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
        s3.put_bucket_lifecycle_configuration(Bucket=name,
                                              LifecycleConfiguration={"Rules": rules})
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name,
                                 VersioningConfiguration=props["VersioningConfiguration"])
    return name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                  "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com"}


def _encryption_rule(rule: dict) -> dict:
    _expect(rule, "ServerSideEncryptionByDefault", "BucketKeyEnabled")
    converted = {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
    return {**converted, **({"BucketKeyEnabled": rule["BucketKeyEnabled"]}
                            if "BucketKeyEnabled" in rule else {})}


def _lifecycle_rule(rule: dict) -> dict:
    _expect(rule, "Id", "Status", "Prefix", "ExpirationInDays", "AbortIncompleteMultipartUpload")
    converted = {"ID": rule["Id"], "Status": rule["Status"],
                 "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return converted


def _kms_key(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "Description", "KeySpec", "KeyUsage", "KeyPolicy", "EnableKeyRotation")
    kms = aws("kms")
    # A key has no name: it is found again through the aliases the template gives it.
    for alias in _aliases_of(stack, logical_id):
        try:
            key = kms.describe_key(KeyId=alias)["KeyMetadata"]
            return key["KeyId"], {"Arn": key["Arn"], "KeyId": key["KeyId"]}
        except kms.exceptions.NotFoundException:
            pass
    key = kms.create_key(Description=props.get("Description", ""),
                         KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
                         KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
                         Policy=json.dumps(props["KeyPolicy"]))["KeyMetadata"]
    if props.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["KeyId"], {"Arn": key["Arn"], "KeyId": key["KeyId"]}


def _aliases_of(stack: Stack, key_id: str) -> list[str]:
    targets = ({"Ref": key_id}, {"Fn::GetAtt": [key_id, "Arn"]}, {"Fn::GetAtt": [key_id, "KeyId"]})
    return [stack.resolve(r["Properties"]["AliasName"])
            for r in stack.template["Resources"].values()
            if r["Type"] == "AWS::KMS::Alias" and r["Properties"]["TargetKeyId"] in targets]


def _kms_alias(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "AliasName", "TargetKeyId")
    kms = aws("kms")
    try:
        kms.create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
    except kms.exceptions.AlreadyExistsException:
        kms.update_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
    return props["AliasName"], {}


def _secret(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "Name", "Description", "GenerateSecretString", "SecretString")
    secrets = aws("secretsmanager")
    try:  # never regenerate: the value signs cursors already handed out
        arn = secrets.describe_secret(SecretId=props["Name"])["ARN"]
    except secrets.exceptions.ResourceNotFoundException:
        value = props.get("SecretString") or _generate(secrets, props["GenerateSecretString"])
        arn = secrets.create_secret(Name=props["Name"], Description=props.get("Description", ""),
                                    SecretString=value)["ARN"]
    return arn, {"Id": arn}


def _generate(secrets, spec: dict) -> str:
    spec = dict(spec)
    template, key = spec.pop("SecretStringTemplate", None), spec.pop("GenerateStringKey", None)
    password = secrets.get_random_password(**spec)["RandomPassword"]
    return json.dumps({**json.loads(template), key: password}) if template else password


def _state_machine(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "StateMachineName", "StateMachineType", "RoleArn", "Definition",
            "DefinitionString", "DefinitionSubstitutions")
    sfn = aws("stepfunctions")
    name = props.get("StateMachineName", f"{stack.name}-{logical_id}")
    definition = props.get("DefinitionString") or json.dumps(props["Definition"])
    for key, value in props.get("DefinitionSubstitutions", {}).items():  # moto ignores them
        definition = definition.replace("${%s}" % key, str(value))
    role = props.get("RoleArn", f"arn:aws:iam::{stack.pseudo['AWS::AccountId']}:role/local")
    arn = f"arn:aws:states:{stack.pseudo['AWS::Region']}:{stack.pseudo['AWS::AccountId']}" \
          f":stateMachine:{name}"
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
        sfn.update_state_machine(stateMachineArn=arn, definition=definition, roleArn=role)
    except sfn.exceptions.StateMachineDoesNotExist:
        arn = sfn.create_state_machine(name=name, definition=definition, roleArn=role,
                                       type=props.get("StateMachineType", "STANDARD"),
                                       )["stateMachineArn"]
    return arn, {"Arn": arn, "Name": name}


def _skipped_iam(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    """IAM is not enforced locally: only hand out the ARN the resource would have."""
    name = props.get("RoleName") or props.get("ManagedPolicyName") or logical_id
    kind = "role" if "RoleName" in props or "AssumeRolePolicyDocument" in props else "policy"
    arn = f"arn:aws:iam::{stack.pseudo['AWS::AccountId']}:{kind}/{name}"
    return (name if kind == "role" else arn), {"Arn": arn, "RoleId": name}


_CREATORS: dict[str, Callable[..., Created]] = {
    "AWS::DynamoDB::Table": _table,
    "AWS::SQS::Queue": _queue,
    "AWS::S3::Bucket": _bucket,
    "AWS::KMS::Key": _kms_key,
    "AWS::KMS::Alias": _kms_alias,
    "AWS::SecretsManager::Secret": _secret,
    **GATEWAY_CREATORS,
    "AWS::StepFunctions::StateMachine": _state_machine,
}
