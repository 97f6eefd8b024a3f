"""Request parsing and response building shared by every route."""
from __future__ import annotations

import json
from typing import Any, TypeVar

from chalice import Response
from pydantic import BaseModel, ValidationError

from .errors import UnsupportedMediaType
from .validation import to_api_error

M = TypeVar("M", bound=BaseModel)
JSON = "application/json"
JSON_HEADERS = {"Content-Type": JSON}


def media_type(request: Any, accepted: tuple[str, ...]) -> str | None:
    """Which of the `accepted` media types a request's body is (None: it has no body, and then
    needs no Content-Type). 415 for a body without Content-Type, of another type (`*/*`
    included), with a charset other than UTF-8 or another parameter (docs/errors.md)."""
    if not request.raw_body:
        return None
    header = (request.headers or {}).get("content-type")
    if header is None:
        raise UnsupportedMediaType(
            f"A request body needs a Content-Type header: send 'Content-Type: {accepted[0]}'.",
            param="Content-Type")
    kind, *parameters = (part.strip().lower() for part in header.split(";"))
    names_values = [(name.strip(), value.strip().strip('"')) for name, _, value in
                    (parameter.partition("=") for parameter in parameters if parameter)]
    if kind in accepted and all(pair == ("charset", "utf-8") for pair in names_values):
        return kind
    raise UnsupportedMediaType(
        f"The Content-Type '{header[:100]}' is not supported here: send "
        + " or ".join(f"'{kind}'" for kind in accepted) + " (optionally '; charset=utf-8').",
        param="Content-Type")


def parse_body(request: Any, model: type[M]) -> M:
    """Validate the raw JSON body (`media_type` has checked what it is); no body is `{}`."""
    raw = request.raw_body or b"{}"
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise to_api_error(exc, raw) from None


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
