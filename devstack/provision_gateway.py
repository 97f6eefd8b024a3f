"""devstack/provision.py's creators for API Gateway: usage plans, the API key pools (keys and
their usage plan keys) and gateway responses. Each finds what exists first, so provisioning
again reuses it (moto, unlike API Gateway, would accept a usage plan key twice)."""
from __future__ import annotations

from typing import Any, Callable

from devstack.cfn import Stack
from devstack.cfn import expect_properties as _expect

Created = tuple[Any, dict[str, Any]]  # (Ref value, {attribute: value})


def put_gateway_response(apigateway, props: dict) -> None:
    """PutGatewayResponse from the resolved Properties of an AWS::ApiGateway::GatewayResponse."""
    _expect(props, "RestApiId", "ResponseType", "StatusCode", "ResponseParameters",
            "ResponseTemplates")
    optional = {"statusCode": props["StatusCode"]} if "StatusCode" in props else {}
    apigateway.put_gateway_response(
        restApiId=props["RestApiId"], responseType=props["ResponseType"],
        responseParameters=props.get("ResponseParameters", {}),
        responseTemplates=props.get("ResponseTemplates", {}), **optional)


def _usage_plan(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "UsagePlanName", "Description", "Throttle", "Quota", "ApiStages")
    apigateway = aws("apigateway")
    for page in apigateway.get_paginator("get_usage_plans").paginate():
        for plan in page["items"]:
            if plan["name"] == props["UsagePlanName"]:
                return plan["id"], {"Id": plan["id"]}
    params = _camel_keys({k: v for k, v in props.items() if k != "UsagePlanName"})
    plan = apigateway.create_usage_plan(name=props["UsagePlanName"], **params)
    return plan["id"], {"Id": plan["id"]}


def _api_key(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "Name", "Value", "Enabled", "Description")
    apigateway = aws("apigateway")
    # nameQuery matches a prefix in API Gateway: compare the names.
    for page in apigateway.get_paginator("get_api_keys").paginate(nameQuery=props["Name"]):
        for key in page["items"]:
            if key["name"] == props["Name"]:
                return key["id"], {"APIKeyId": key["id"]}
    key = apigateway.create_api_key(**_camel_keys(props))
    return key["id"], {"APIKeyId": key["id"]}


def _usage_plan_key(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    _expect(props, "KeyId", "KeyType", "UsagePlanId")
    apigateway, plan, key = aws("apigateway"), props["UsagePlanId"], props["KeyId"]
    attached = {item["id"] for page in apigateway.get_paginator("get_usage_plan_keys").paginate(
        usagePlanId=plan) for item in page["items"]}
    if key not in attached:
        apigateway.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType=props["KeyType"])
    return f"{plan}:{key}", {"Id": f"{plan}:{key}"}


def _camel_keys(value: Any) -> Any:
    """{"Throttle": {"RateLimit": 1}} -> {"throttle": {"rateLimit": 1}} (API Gateway's casing)."""
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel_keys(v) for k, v in value.items()}
    return value


def _gateway_response(aws, props: dict, stack: Stack, logical_id: str) -> Created:
    put_gateway_response(aws("apigateway"), props)
    return f"{props['RestApiId']}:{props['ResponseType']}", {}


GATEWAY_CREATORS: dict[str, Callable[..., Created]] = {
    "AWS::ApiGateway::UsagePlan": _usage_plan,
    "AWS::ApiGateway::ApiKey": _api_key,
    "AWS::ApiGateway::UsagePlanKey": _usage_plan_key,
    "AWS::ApiGateway::GatewayResponse": _gateway_response,
}
