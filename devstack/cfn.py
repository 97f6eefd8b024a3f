"""Read infra/template.yaml and resolve its intrinsic functions without CloudFormation.

Only what the template uses is supported; anything else raises instead of being ignored,
so the local stack cannot silently drift from what CloudFormation would build.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from devstack.cfn_loops import expand_loops

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"
NO_VALUE = object()  # AWS::NoValue: the property is dropped

_SHORT_TAGS = ("Ref", "Condition", "Sub", "GetAtt", "If", "Equals", "Not", "And", "Or",
               "Join", "Select", "Split", "Base64", "FindInMap", "GetAZs", "ImportValue")


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads `!Ref x` as `{"Ref": x}`, `!Sub s` as `{"Fn::Sub": s}`, ..."""


def _short_tag(name: str):
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "GetAtt":  # !GetAtt Table.StreamArn
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


for _tag in _SHORT_TAGS:
    _Loader.add_constructor(f"!{_tag}", _short_tag(_tag))


def load_template(path: str | Path = TEMPLATE_PATH,
                  loop_parameters: dict[str, str] | None = None) -> dict:
    """The template as CloudFormation runs it: its `Fn::ForEach` loops expanded (with the
    defaults of their list parameters, or `loop_parameters`) by devstack/cfn_loops.py."""
    return expand_loops(load_raw_template(path), loop_parameters)


def load_raw_template(path: str | Path = TEMPLATE_PATH) -> dict:
    """The file as written, loops and `Transform` included."""
    return yaml.load(Path(path).read_text(), Loader=_Loader)


def expect_properties(props: dict, *known: str) -> None:
    """Refuse properties a local creator does not know, rather than drop them unnoticed."""
    unknown = props.keys() - set(known) - {"Tags"}  # tags change nothing locally
    if unknown:
        raise NotImplementedError(f"properties not provisioned locally: {sorted(unknown)}")


def output_env(outputs: dict) -> dict[str, str]:
    """`TokenSigningKeyIds` -> `TOKEN_SIGNING_KEY_IDS`, `WebhookDlqUrl` -> `WEBHOOK_DLQ_URL`."""
    return {_upper_snake(name): str(value) for name, value in outputs.items()}


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).upper()


def references(value: Any) -> set[str]:
    """Names a value points at through Ref, Fn::GetAtt or Fn::Sub (resources, parameters...)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref":
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0])
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                found |= {m.group(2).split(".")[0] for m in _SUB.finditer(text) if not m.group(1)}
            found |= references(arg)
    return found


def creation_order(template: dict) -> list[str]:
    """Logical ids of the template's resources, each after the resources it refers to."""
    resources = template["Resources"]
    order: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in order:
            return
        if logical_id in visiting:
            raise ValueError(f"circular reference through {logical_id}")
        visiting.add(logical_id)
        resource = resources[logical_id]
        depends_on = resource.get("DependsOn", [])
        needs = references(resource.get("Properties", {})) | set(
            [depends_on] if isinstance(depends_on, str) else depends_on)
        for dependency in sorted(needs & resources.keys()):
            visit(dependency)
        order.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return order


_SUB = re.compile(r"\$\{(!?)([^}]*)\}")


class Stack:
    """What intrinsics resolve against: parameters, pseudo parameters and created resources.

    The creator of a resource records its `Ref` value in `refs` and its attributes in `attrs`.
    """

    def __init__(self, template: dict, parameters: dict[str, str], *, account_id: str,
                 region: str, name: str) -> None:
        self.template = template
        self.parameters = self._parameters(template.get("Parameters", {}), parameters)
        self.pseudo = {"AWS::AccountId": account_id, "AWS::Region": region,
                       "AWS::StackName": name, "AWS::Partition": "aws",
                       "AWS::URLSuffix": "amazonaws.com"}
        self.name = name
        self.refs: dict[str, Any] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        self._conditions: dict[str, bool] = {}

    @staticmethod
    def _parameters(declared: dict, given: dict[str, str]) -> dict[str, str]:
        unknown = given.keys() - declared.keys()
        if unknown:
            raise ValueError(f"unknown parameters: {sorted(unknown)}")
        values = {}
        for name, spec in declared.items():
            if name not in given and "Default" not in spec:
                raise ValueError(f"parameter {name} has no value")
            value = str(given.get(name, spec.get("Default")))
            if "AllowedValues" in spec and value not in spec["AllowedValues"]:
                raise ValueError(f"{name}={value!r} is not one of {spec['AllowedValues']}")
            values[name] = value
        return values

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = self._truth(self.template["Conditions"][name])
        return self._conditions[name]

    def included(self, resource_or_output: dict) -> bool:
        name = resource_or_output.get("Condition")
        return name is None or self.condition(name)

    def outputs(self) -> dict[str, str]:
        return {name: str(self.resolve(output["Value"]))
                for name, output in self.template.get("Outputs", {}).items()
                if self.included(output)}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in map(self.resolve, value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self._ref(arg)
            if key.startswith("Fn::"):
                function = self._FUNCTIONS.get(key)
                if function is None:
                    raise NotImplementedError(f"{key} is not supported by devstack.cfn")
                return function(self, arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        for scope in (self.pseudo, self.parameters, self.refs):
            if name in scope:
                return scope[name]
        raise KeyError(f"Ref {name}: not a parameter, pseudo parameter or created resource")

    def _get_att(self, arg: list) -> Any:
        logical_id, attribute = arg[0], self.resolve(arg[1])
        try:
            return self.attrs[logical_id][attribute]
        except KeyError:
            raise KeyError(f"Fn::GetAtt {logical_id}.{attribute} is not known") from None

    def _sub(self, arg: str | list) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match) -> str:
            literal, name = match.groups()
            if literal:  # ${!Literal} stays ${Literal}
                return "${" + name + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self._get_att(name.split(".", 1)))
            return str(self._ref(name))

        return _SUB.sub(replace, text)

    def _truth(self, expression: Any) -> bool:
        if isinstance(expression, dict) and set(expression) == {"Condition"}:
            return self.condition(expression["Condition"])
        value = self.resolve(expression)
        if not isinstance(value, bool):
            raise ValueError(f"condition expression {expression!r} is not a boolean")
        return value

    def _if(self, arg: list) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(name) else when_false)

    _FUNCTIONS = {
        "Fn::GetAtt": _get_att,
        "Fn::Sub": _sub,
        "Fn::If": _if,
        "Fn::Equals": lambda self, arg: self.resolve(arg[0]) == self.resolve(arg[1]),
        "Fn::Not": lambda self, arg: not self._truth(arg[0]),
        "Fn::And": lambda self, arg: all(self._truth(a) for a in arg),
        "Fn::Or": lambda self, arg: any(self._truth(a) for a in arg),
        "Fn::Join": lambda self, arg: str(arg[0]).join(map(str, self.resolve(arg[1]))),
        "Fn::Select": lambda self, arg: self.resolve(arg[1])[int(self.resolve(arg[0]))],
        "Fn::Split": lambda self, arg: self.resolve(arg[1]).split(arg[0]),
    }
