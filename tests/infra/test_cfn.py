from __future__ import annotations

import pytest

from devstack.cfn import Stack, creation_order, load_template, output_env


def make_stack(template: dict, **parameters: str) -> Stack:
    return Stack(template, parameters, account_id="123456789012", region="eu-west-1",
                 name="leadnod-test")


TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]},
                   "Extra": {"Type": "String", "Default": ""}},
    "Conditions": {"IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
                   "HasExtra": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Extra"}, ""]}]},
                   "DevWithExtra": {"Fn::And": [{"Condition": "IsDev"},
                                                {"Condition": "HasExtra"}]}},
    "Resources": {},
}


def test_short_tags_load_as_their_long_forms(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("A: !Ref X\nB: !GetAtt T.StreamArn\nC: !Sub 'a-${X}'\n"
                    "D: !If [C, 1, 2]\nE: !Join [',', [a, b]]\nF: !Not [!Equals [a, b]]\n")
    assert load_template(path) == {
        "A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["T", "StreamArn"]}, "C": {"Fn::Sub": "a-${X}"},
        "D": {"Fn::If": ["C", 1, 2]}, "E": {"Fn::Join": [",", ["a", "b"]]},
        "F": {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}}


def test_sub_reads_parameters_pseudo_parameters_attributes_and_its_own_variables():
    stack = make_stack(TEMPLATE, Stage="dev")
    stack.attrs["Queue"] = {"Arn": "arn:q"}
    assert stack.resolve({"Fn::Sub": "leadnod-${Stage}-${AWS::Region}-${AWS::AccountId}"}) \
        == "leadnod-dev-eu-west-1-123456789012"
    assert stack.resolve({"Fn::Sub": "${Queue.Arn}|${!Literal}"}) == "arn:q|${Literal}"
    assert stack.resolve({"Fn::Sub": ["${Name}-${Stage}", {"Name": {"Ref": "AWS::StackName"}}]}) \
        == "leadnod-test-dev"


def test_conditions_if_and_no_value():
    dev, prod = make_stack(TEMPLATE, Stage="dev", Extra="x"), make_stack(TEMPLATE, Stage="prod")
    assert dev.condition("IsDev") and dev.condition("DevWithExtra")
    assert not prod.condition("IsDev") and not prod.condition("HasExtra")
    value = {"A": {"Fn::If": ["IsDev", False, True]},
             "B": {"Fn::If": ["IsDev", {"Ref": "AWS::NoValue"}, "kept"]}}
    assert dev.resolve(value) == {"A": False}
    assert prod.resolve(value) == {"A": True, "B": "kept"}


def test_join_select_and_get_att():
    stack = make_stack(TEMPLATE, Stage="dev")
    stack.refs["Table"], stack.attrs["Table"] = "t", {"StreamArn": "arn:s"}
    assert stack.resolve({"Fn::Join": ["/", [{"Ref": "Table"}, "x"]]}) == "t/x"
    assert stack.resolve({"Fn::Select": [1, ["a", {"Fn::GetAtt": ["Table", "StreamArn"]}]]}) \
        == "arn:s"


def test_unknown_functions_and_references_raise_instead_of_passing_through():
    stack = make_stack(TEMPLATE, Stage="dev")
    with pytest.raises(NotImplementedError):
        stack.resolve({"Fn::GetAZs": ""})
    with pytest.raises(KeyError):
        stack.resolve({"Ref": "NotCreatedYet"})


def test_parameters_are_validated_against_the_template():
    with pytest.raises(ValueError):
        make_stack(TEMPLATE, Stage="staging")
    with pytest.raises(ValueError):
        make_stack(TEMPLATE)
    with pytest.raises(ValueError):
        make_stack(TEMPLATE, Stage="dev", Unknown="1")


def test_creation_order_puts_referenced_resources_first():
    order = creation_order(load_template())
    assert order.index("WebhookDLQ") < order.index("WebhookQueue")
    assert order.index("TokenSigningKey") < order.index("TokenSigningKeyAlias")


def test_output_env_maps_camel_case_to_upper_snake():
    assert output_env({"TokenSigningKeyIds": "alias/k", "WebhookDlqUrl": "u", "TableName": "t",
                       "UsagePlanProfessionalId": "p", "SQSUrl": 1}) == {
        "TOKEN_SIGNING_KEY_IDS": "alias/k", "WEBHOOK_DLQ_URL": "u", "TABLE_NAME": "t",
        "USAGE_PLAN_PROFESSIONAL_ID": "p", "SQS_URL": "1"}
