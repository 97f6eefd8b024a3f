"""`Fn::ForEach` (the `AWS::LanguageExtensions` transform) expanded without CloudFormation.

infra/template.yaml declares the API key pools with `Fn::ForEach` over a `CommaDelimitedList`
parameter, so their size is one parameter. CloudFormation expands the loops itself when it gets
the file (the `chalice deploy` path's infra stack). Everything else reads the template expanded
here, as the transform would: the local stack's provisioning, packaging (so the one stack's
template is plain CloudFormation + SAM, and moto's CloudFormation can run it) and the tests.
Expanding pins the loop parameters: their `Ref`s become the list expanded, and the parameters
go, so nothing can later be given a value that disagrees with the resources written.
Only what the template uses is supported: loops in Resources, Outputs and Conditions, nested
loops, `${Id}` / `&{Id}` in keys and strings, `Ref: Id`, and `Ref`/`GetAtt` of a `Fn::Sub`.
"""
from __future__ import annotations

import re
from typing import Any

TRANSFORM = "AWS::LanguageExtensions"
LOOP = "Fn::ForEach::"
SECTIONS = ("Resources", "Outputs", "Conditions")


def expand_loops(template: dict[str, Any],
                 parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """The template with every `Fn::ForEach` expanded and its loop parameters pinned."""
    template = dict(template)
    declared = template.get("Parameters", {})
    given = dict(parameters or {})
    pinned: dict[str, list[str]] = {}

    def collection(value: Any) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value]
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in declared:
            name = value["Ref"]
            if declared[name].get("Type") != "CommaDelimitedList":
                raise ValueError(f"Fn::ForEach over {name}: not a CommaDelimitedList")
            text = str(given.get(name, declared[name].get("Default", "")))
            pinned[name] = [part.strip() for part in text.split(",") if part.strip()]
            return pinned[name]
        raise NotImplementedError(f"Fn::ForEach collection {value!r} is not supported")

    def section(entries: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in entries.items():
            if not key.startswith(LOOP):
                out[key] = value
                continue
            identifier, items, fragment = value
            for item in collection(items):
                for new_key, new_value in section(fragment).items():
                    new_key = _substitute(new_key, identifier, item)
                    if new_key in out:
                        raise ValueError(f"Fn::ForEach {key} writes {new_key} twice")
                    out[new_key] = _resolved(_replace(new_value, identifier, item))
        return out

    for name in SECTIONS:
        if name in template:
            template[name] = section(template[name])
    unknown = set(given) - set(pinned)
    if unknown:
        raise ValueError(f"not loop parameters: {sorted(unknown)}")
    if pinned:
        template = _pin(template, pinned)
        template["Parameters"] = {k: v for k, v in declared.items() if k not in pinned}
    transforms = template.pop("Transform", [])
    rest = [t for t in ([transforms] if isinstance(transforms, str) else transforms)
            if t != TRANSFORM]
    if rest:
        template["Transform"] = rest[0] if len(rest) == 1 else rest
    return template


def _substitute(text: str, identifier: str, item: str) -> str:
    text = text.replace("${%s}" % identifier, item)
    return text.replace("&{%s}" % identifier, re.sub(r"[^A-Za-z0-9]", "", item))


def _replace(value: Any, identifier: str, item: str) -> Any:
    if isinstance(value, str):
        return _substitute(value, identifier, item)
    if isinstance(value, list):
        return [_replace(v, identifier, item) for v in value]
    if isinstance(value, dict):
        if value == {"Ref": identifier}:
            return item
        return {_substitute(k, identifier, item): _replace(v, identifier, item)
                for k, v in value.items()}
    return value


def _resolved(value: Any) -> Any:
    """`Ref: {Fn::Sub: "Name7"}` -> `Ref: Name7` once the loop left no variable in the name
    (what the transform does with a logical id built from the identifier); GetAtt alike."""
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _resolved(v) for k, v in value.items()}
    if set(value) == {"Ref"} and _literal_sub(value["Ref"]):
        return {"Ref": value["Ref"]["Fn::Sub"]}
    if set(value) == {"Fn::GetAtt"} and _literal_sub(value["Fn::GetAtt"][0]):
        return {"Fn::GetAtt": [value["Fn::GetAtt"][0]["Fn::Sub"], *value["Fn::GetAtt"][1:]]}
    return value


def _literal_sub(value: Any) -> bool:
    return (isinstance(value, dict) and set(value) == {"Fn::Sub"}
            and isinstance(value["Fn::Sub"], str) and "${" not in value["Fn::Sub"])


def _pin(value: Any, pinned: dict[str, list[str]]) -> Any:
    if isinstance(value, list):
        return [_pin(v, pinned) for v in value]
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in pinned:
            return list(pinned[value["Ref"]])
        for text in _sub_texts(value):
            for name in pinned:
                if "${%s}" % name in text:
                    raise NotImplementedError(f"Fn::Sub of the list parameter {name}")
        return {k: _pin(v, pinned) for k, v in value.items()}
    return value


def _sub_texts(value: dict[str, Any]) -> list[str]:
    sub = value.get("Fn::Sub")
    if isinstance(sub, str):
        return [sub]
    return [sub[0]] if isinstance(sub, list) and sub and isinstance(sub[0], str) else []
