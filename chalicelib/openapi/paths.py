"""`paths`: every route of the Chalice app, read from its `@operation` declaration."""
from __future__ import annotations

import re
from typing import Any, Iterator

from chalice import Chalice

from ..api.operations import Operation, operation_of
from ..api.routing import NOT_ALLOWED_PREFIX
from .responses import READ_METHODS, error_responses, success_responses
from .schemas import Schemas, inline, without_null

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Makes the request safe to retry: the first request with a key runs, later "
                   "ones with the same key and body get its stored answer (24 h). A UUID is a "
                   "good choice.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": "^[\\x21-\\x7e]+$"},
}


def operations(app: Chalice) -> Iterator[tuple[str, str, Operation]]:
    """(path, method, operation) of every route, the generated 405 answers aside. A route
    without an `@operation` declaration is an error: the document must cover every route."""
    for path in sorted(app.routes):
        for method in sorted(app.routes[path], key=METHOD_ORDER.index):
            entry = app.routes[path][method]
            if entry.view_name.startswith(NOT_ALLOWED_PREFIX):
                continue
            if getattr(entry.view_function, "page", False):  # a web page (/dashboard), no API
                continue
            op = operation_of(entry.view_function)
            if op is None:
                raise ValueError(f"{method} {path} ({entry.view_name}) is not declared with "
                                 "@operation (chalicelib/api/operations.py)")
            yield path, method, op


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True,
             "description": f"The {name.removesuffix('_id').replace('_', ' ')}'s id.",
             "schema": {"type": "string", "minLength": 1}}
            for name in re.findall(r"{(\w+)}", path)]


def _query_parameters(op: Operation) -> list[dict[str, Any]]:
    if op.query is None:
        return []
    schema = inline(op.query)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = without_null(prop)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            param["description"] = prop.pop("description")
        params.append(param)
    return params


def _request_body(op: Operation, schemas: Schemas) -> dict[str, Any]:
    model = op.body
    assert model is not None
    # A model may declare more required than pydantic enforces (the token request).
    required = any(field.is_required() for field in model.model_fields.values()) or bool(
        model.model_json_schema(mode="validation").get("required"))
    ref = schemas.ref(model, "validation")
    return {"required": required,
            "content": {media: {"schema": ref} for media in op.content_types}}


def path_operation(method: str, op: Operation, schemas: Schemas) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": op.operation_id(method), "summary": op.summary, "tags": [op.tag],
        "responses": {**success_responses(op, schemas), **error_responses(op, method, schemas)},
    }
    if op.description:
        document["description"] = op.description
    parameters = _path_parameters(op.path) + _query_parameters(op)
    if op.accepts_idempotency_key:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if parameters:
        document["parameters"] = parameters
    if op.body is not None and method not in READ_METHODS:
        document["requestBody"] = _request_body(op, schemas)
    if not op.public:  # middleware._check_scope: GET needs read, everything else write
        document["security"] = [{"oauth2": ["read" if method in READ_METHODS else "write"]}]
    return document
