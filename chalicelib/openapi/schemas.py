"""JSON Schemas from the pydantic models: request bodies in validation mode, answers in
serialization mode, all under `#/components/schemas` with stable, readable names."""
from __future__ import annotations

import re
from typing import Any, Iterable, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..models.common import Page

Mode = Literal["validation", "serialization"]
PREFIX = "#/components/schemas/"
_PAGE = re.compile(r"^Page_(\w+)_$")  # pydantic's name for Page[Opportunity]


def _readable(name: str) -> str:
    page = _PAGE.match(name)
    return f"{page.group(1)}Page" if page else name


def _walk(node: Any, visit: Any) -> Any:
    """A copy of `node` with `visit` applied to every dict, innermost first."""
    if isinstance(node, dict):
        return visit({key: _walk(value, visit) for key, value in node.items()})
    if isinstance(node, list):
        return [_walk(item, visit) for item in node]
    return node


def _allows_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        option.get("type") == "null" for option in schema.get("anyOf", []))


def _property(prop: dict[str, Any]) -> dict[str, Any]:
    """No `title` (pydantic's "Client Id" adds nothing to the name), and no `default: null`
    where null is not allowed (a field that may be omitted but not sent as null)."""
    drop = {"title"} | ({"default"} if prop.get("default", 0) is None
                        and not _allows_null(prop) else set())
    return {k: v for k, v in prop.items() if k not in drop}


def _tidy(node: dict[str, Any]) -> dict[str, Any]:
    """Readable `$ref` names and tidy properties."""
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith(PREFIX):
        node = {**node, "$ref": PREFIX + _readable(node["$ref"][len(PREFIX):])}
    if isinstance(node.get("properties"), dict):
        node = {**node, "properties": {
            name: _property(prop) if isinstance(prop, dict) else prop
            for name, prop in node["properties"].items()}}
    return node


def _described(schema: dict[str, Any]) -> dict[str, Any]:
    """A parametrised `Page[X]` has no docstring of its own: give it `Page`'s."""
    if str(schema.get("title", "")).startswith("Page[") and "description" not in schema:
        return {**schema, "description": " ".join((Page.__doc__ or "").split())}
    return schema


class Schemas:
    """Collects the models the document refers to; `build()` renders them all at once, so a
    model used in both modes gets pydantic's `-Input`/`-Output` names only if it differs."""

    def __init__(self) -> None:
        self._wanted: dict[tuple[type[BaseModel], Mode], None] = {}
        self._refs: dict[tuple[type[Any], Mode], str] | None = None
        self._defs: dict[str, Any] = {}

    def want(self, model: type[BaseModel], mode: Mode) -> None:
        if self._refs is not None:
            raise RuntimeError("schemas already built")
        self._wanted[(model, mode)] = None

    def build(self) -> None:
        order = sorted(self._wanted, key=lambda key: (key[0].__module__, key[0].__qualname__,
                                                     key[1]))
        key_map, schema = models_json_schema(order, ref_template=PREFIX + "{model}")
        self._refs = {key: _walk(ref, _tidy)["$ref"] for key, ref in key_map.items()}
        defs = schema.get("$defs", {})
        if len({_readable(name) for name in defs}) != len(defs):
            raise ValueError("two models render under the same schema name")
        self._defs = {_readable(name): _described(_walk(body, _tidy))
                      for name, body in defs.items()}

    def ref(self, model: type[BaseModel], mode: Mode) -> dict[str, str]:
        if self._refs is None:
            raise RuntimeError("build() first")
        return {"$ref": self._refs[(model, mode)]}

    def components(self) -> dict[str, Any]:
        return dict(sorted(self._defs.items()))


def inline(model: type[BaseModel]) -> dict[str, Any]:
    """A flat model's own validation schema (query strings), refusing nested models."""
    schema = model.model_json_schema(mode="validation")
    if "$defs" in schema:
        raise ValueError(f"{model.__name__}: query models must be flat")
    return _walk(schema, _tidy)


def without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` -> X: a query parameter is absent, never null."""
    options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    if "anyOf" in schema and len(options) == 1:
        return {**options[0], **rest}
    return rest if "anyOf" not in schema else {**rest, "anyOf": options}


def one_of(refs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    refs = list(refs)
    # anyOf, not oneOf: a subclass's answer (WebhookWithSecret) also matches its base.
    return refs[0] if len(refs) == 1 else {"anyOf": refs}
