"""infra/template.yaml is valid CloudFormation, alone and merged into Chalice's SAM output."""
from __future__ import annotations

import json


from devstack.cfn import TEMPLATE_PATH, load_template



def cfn_lint(path, *, informational: bool = False, regions=("us-east-1",)) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    config = ManualArgs(include_checks=["I"] if informational else [], regions=list(regions))
    return [f"{m.rule.id} {m.message} (line {m.linenumber})"
            for m in lint(path.read_text(), config=config)]


def test_template_passes_cfn_lint_without_any_finding():
    assert cfn_lint(TEMPLATE_PATH, informational=True) == []


def test_gateway_responses_answer_in_the_api_error_format():
    resources = load_template()["Resources"]
    responses = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::GatewayResponse"]
    assert len(responses) == 10
    for response in responses:
        props = response["Properties"]
        assert response["Condition"] == "HasRestApi"
        error = json.loads(props["ResponseTemplates"]["application/json"])["error"]
        assert set(error) == {"code", "message", "param", "doc_url"}
        assert error["doc_url"] == f"https://docs.leadnod.com/errors/{error['code']}"
        assert "$" not in props["ResponseTemplates"]["application/json"]  # static, no VTL
        headers = props["ResponseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/json'"
        assert headers["gatewayresponse.header.X-Request-Id"] == "context.requestId"
