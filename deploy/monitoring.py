"""The stack's alarms, generated so that every function and every dead-letter queue has its own
(a function or a DLQ added later is covered without anyone writing one). Each notifies the
stage's `AlarmTopic` (infra/stack.yaml); docs/deploy.md says what each means.
"""
from __future__ import annotations

from typing import Any

FIVE_MINUTES = 300
# A 5xx the API answers (a function error, a timeout, an integration failure): one now and then
# is noise, five in five minutes is a user-visible failure.
API_5XX_PER_FIVE_MINUTES = 5


def alarms(template: dict[str, Any]) -> dict[str, Any]:
    """Logical id -> AWS::CloudWatch::Alarm for the packaged template's functions, DLQs, API."""
    resources = template["Resources"]
    found: dict[str, Any] = {}
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            for metric in ("Errors", "Throttles"):
                found[f"{name}{metric}Alarm"] = _alarm(
                    f"{name}: {metric.lower()}", "AWS/Lambda", metric, "Sum", 1,
                    {"FunctionName": {"Ref": name}})
        elif resource["Type"] == "AWS::SQS::Queue" and _is_dlq(resource):
            found[f"{name}DepthAlarm"] = _alarm(
                f"{name}: messages are waiting to be looked at (docs/deploy.md)", "AWS/SQS",
                "ApproximateNumberOfMessagesVisible", "Maximum", 1,
                {"QueueName": {"Fn::GetAtt": [name, "QueueName"]}})
    found["Api5xxAlarm"] = _alarm(
        "REST API: 5xx answers", "AWS/ApiGateway", "5XXError", "Sum", API_5XX_PER_FIVE_MINUTES,
        {"ApiName": {"Fn::Sub": "leadnod-${Stage}"}, "Stage": {"Ref": "RestAPI.Stage"}})
    return found


def _is_dlq(queue: dict[str, Any]) -> bool:
    name = queue["Properties"]["QueueName"]
    return str(name.get("Fn::Sub", name) if isinstance(name, dict) else name).endswith("-dlq")


def _alarm(description: str, namespace: str, metric: str, statistic: str, threshold: int,
           dimensions: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": {"Fn::Sub": f"leadnod-${{Stage}} {description}"},
        "Namespace": namespace, "MetricName": metric, "Statistic": statistic,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Period": FIVE_MINUTES, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        # No data is no failure: an idle function, an empty queue.
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}
