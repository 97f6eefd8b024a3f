"""Request parsing and response building shared by every route."""
from __future__ import annotations

import json
from typing import Any, TypeVar

from chalice import Response
from pydantic import BaseModel, ValidationError

from .validation import to_api_error

M = TypeVar("M", bound=BaseModel)
JSON_HEADERS = {"Content-Type": "application/json"}


def parse_body(request: Any, model: type[M]) -> M:
    """Validate the raw body (never `json_body`, which is None without a Content-Type)."""
    raw = request.raw_body or b"{}"
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise to_api_error(exc) from None


def parse_query(request: Any, model: type[M]) -> M:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise to_api_error(exc) from None


def parse_data(data: Any, model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise to_api_error(exc) from None


def respond(body: BaseModel | dict | list | None, status: int = 200,
            headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(body="", status_code=status, headers=dict(headers or {}))
    text = body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body)
    return Response(body=text, status_code=status, headers={**JSON_HEADERS, **(headers or {})})
