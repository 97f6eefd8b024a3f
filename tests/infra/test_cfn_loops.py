"""devstack.cfn_loops expands Fn::ForEach as the AWS::LanguageExtensions transform does."""
from __future__ import annotations

import pytest

from devstack.cfn import load_raw_template, load_template
from devstack.cfn_loops import expand_loops

LISTS = {"Parameters": {"Stage": {"Type": "String"},
                        "Slots": {"Type": "CommaDelimitedList", "Default": "a, b"}}}


def test_a_loop_over_a_list_parameter_writes_a_resource_per_item_and_pins_the_list():
    template = {**LISTS, "Transform": "AWS::LanguageExtensions", "Resources": {
        "Plan": {"Type": "AWS::ApiGateway::UsagePlan"},
        "Fn::ForEach::Keys": ["Slot", {"Ref": "Slots"}, {
            "Key${Slot}": {"Type": "AWS::ApiGateway::ApiKey",
                           "Properties": {"Name": {"Fn::Sub": "k-${Stage}-${Slot}"},
                                          "Tags": [{"Key": "slot", "Value": {"Ref": "Slot"}}]}},
            "PlanKey${Slot}": {"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {
                "KeyId": {"Ref": {"Fn::Sub": "Key${Slot}"}}, "UsagePlanId": {"Ref": "Plan"}}}}],
    }, "Outputs": {"Slots": {"Value": {"Fn::Join": [",", {"Ref": "Slots"}]}}}}
    expanded = expand_loops(template)
    assert list(expanded["Resources"]) == ["Plan", "Keya", "PlanKeya", "Keyb", "PlanKeyb"]
    assert expanded["Resources"]["Keyb"]["Properties"] == {
        "Name": {"Fn::Sub": "k-${Stage}-b"}, "Tags": [{"Key": "slot", "Value": "b"}]}
    assert expanded["Resources"]["PlanKeyb"]["Properties"]["KeyId"] == {"Ref": "Keyb"}
    assert expanded["Outputs"]["Slots"]["Value"] == {"Fn::Join": [",", ["a", "b"]]}
    assert set(expanded["Parameters"]) == {"Stage"} and "Transform" not in expanded


def test_nested_loops_and_a_given_list():
    template = {**LISTS, "Resources": {"Fn::ForEach::Plans": ["Plan", ["P", "E"], {
        "Fn::ForEach::Slots": ["Slot", {"Ref": "Slots"}, {
            "${Plan}Key&{Slot}": {"Type": "AWS::SNS::Topic"}}]}]}}
    expanded = expand_loops(template, {"Slots": "x-1,y"})
    assert list(expanded["Resources"]) == ["PKeyx1", "PKeyy", "EKeyx1", "EKeyy"]


def test_other_transforms_stay():
    template = {"Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"],
                "Resources": {}}
    assert expand_loops(template)["Transform"] == "AWS::Serverless-2016-10-31"


@pytest.mark.parametrize("template, error", [
    ({**LISTS, "Resources": {"Fn::ForEach::L": ["S", ["a", "a"], {"R${S}": {}}]}}, ValueError),
    ({**LISTS, "Resources": {"Fn::ForEach::L": ["S", {"Ref": "Stage"}, {"R${S}": {}}]}},
     ValueError),
    ({**LISTS, "Resources": {"Fn::ForEach::L": ["S", {"Fn::Split": [",", "a"]}, {"R${S}": {}}]}},
     NotImplementedError),
])
def test_what_it_cannot_expand_raises(template, error):
    with pytest.raises(error):
        expand_loops(template)


def test_the_template_declares_its_pools_as_loops_and_reads_expanded():
    raw = load_raw_template()
    assert raw["Transform"] == "AWS::LanguageExtensions"
    assert {k for k in raw["Resources"] if k.startswith("Fn::ForEach::")} == {
        "Fn::ForEach::ProfessionalKeyPool", "Fn::ForEach::EnterpriseKeyPool",
        "Fn::ForEach::CustomKeyPool"}
    resources = load_template()["Resources"]
    assert not any(k.startswith("Fn::") for k in resources)
    assert sum(r["Type"] == "AWS::ApiGateway::UsagePlanKey" for r in resources.values()) == 48
