"""OpenAPI `links` from the operations' `provides` declarations: what one answer gives the
next request (the created opportunity's id to `GET /v1/opportunities/{opportunity_id}`, a
funded escrow's `engagement_id` to the release body). Clients read them as documentation;
Schemathesis' stateful phase follows them to reach real objects instead of guessing ids."""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..api.operations import Operation
from .responses import READ_METHODS

Route = tuple[str, str, Operation]  # (path, method, operation)


def _path_parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _fields(model: type | None) -> set[str]:
    fields = getattr(model, "model_fields", None) or {}
    return {field.alias or name for name, field in fields.items()}


def check_provides(op: Operation) -> None:
    """A pointer's first step must be a field of every model the operation answers."""
    returned = op.returns if isinstance(op.returns, tuple) else (op.returns,)
    for name, pointer in op.provides:
        first = pointer.split("/")[1] if pointer.startswith("/") else None
        if first is None or any(first not in _fields(model) for model in returned):
            raise ValueError(f"{op.name} provides {name} at {pointer!r}, which its answer "
                             f"({op.returns!r}) does not have")


def link(source: Operation, target: Route, operation_id: str) -> dict[str, Any] | None:
    """The link from `source`'s answer to `target`, or None when the answer cannot fill the
    target's path or gives it nothing."""
    path, method, op = target
    given = {name: f"$response.body#{pointer}" for name, pointer in source.provides}
    needed = _path_parameters(path)
    if op is source or not set(needed) <= set(given):
        return None
    parameters = {f"path.{name}": given[name] for name in needed}
    if method in READ_METHODS:
        parameters.update({f"query.{name}": given[name]
                           for name in sorted(_fields(op.query) & set(given))})
    body = {name: given[name] for name in sorted(_fields(op.body) & set(given))} \
        if method not in READ_METHODS else {}
    if not parameters and not body:
        return None
    answer: dict[str, Any] = {"operationId": operation_id}
    if parameters:
        answer["parameters"] = parameters
    if body:
        answer["requestBody"] = body  # merged into the rest of the body
    return answer


def links(source: Operation, routes: Iterable[Route]) -> dict[str, Any]:
    """`source`'s links, by the target's operationId."""
    found = {}
    for path, method, op in routes:
        operation_id = op.operation_id(method)
        entry = link(source, (path, method, op), operation_id)
        if entry is not None:
            found[operation_id] = entry
    return found
