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


def state_machines() -> dict[str, dict]:
    return {name: r["Properties"]["Definition"] for name, r in load_template()["Resources"].items()
            if r["Type"] == "AWS::StepFunctions::StateMachine"}


def test_every_state_of_every_machine_is_reachable_and_every_target_exists():
    """Step Functions refuses a definition with a state nothing leads to, or a Next naming none."""
    for name, definition in state_machines().items():
        states = definition["States"]
        reached, todo = set(), [definition["StartAt"]]
        while todo:
            state = todo.pop()
            assert state in states, f"{name}: no state {state}"
            if state in reached:
                continue
            reached.add(state)
            body = states[state]
            todo += [body[key] for key in ("Next", "Default") if key in body]
            todo += [rule["Next"] for key in ("Choices", "Catch") for rule in body.get(key, [])]
        assert reached == set(states), f"{name}: unreachable {set(states) - reached}"


def test_no_state_moves_on_to_a_succeed_state_it_could_have_ended_in():
    """Standard workflows bill every state entered (docs/payments.md): a state whose next is a
    Succeed state ends the execution itself (`End: true`) instead. Choices may still pick one."""
    from bench._cost_model import success_path

    for name, definition in state_machines().items():
        succeed = {n for n, state in definition["States"].items() if state["Type"] == "Succeed"}
        movers = [n for n, state in definition["States"].items() if state.get("Next") in succeed]
        assert not movers, f"{name}: {movers}"
    paths = {name: len(success_path(definition))
             for name, definition in state_machines().items()}
    assert paths == {"FundStateMachine": 2, "ReleaseStateMachine": 1, "RefundStateMachine": 1,
                     "AutoReleaseStateMachine": 4, "DisputeStateMachine": 2}
