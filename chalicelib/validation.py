"""Pydantic validation errors → the API's `invalid_parameter` / `missing_parameter` errors."""
from __future__ import annotations

import json
from typing import Any, Mapping

from pydantic import ValidationError

from .errors import ApiError, InvalidParameter, InvalidRequest, MissingParameter
from .models.text import RULES

_TYPE_WORDS = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "string_type": "a string",
    "bool_type": "a boolean", "bool_parsing": "a boolean", "list_type": "a list",
    "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object",
    "datetime_type": "an ISO-8601 date-time", "datetime_parsing": "an ISO-8601 date-time",
    "datetime_from_date_parsing": "an ISO-8601 date-time", "date_parsing": "a date (YYYY-MM-DD)",
    # models/common.py: Instant, InstantOrDay, Day
    "iso_date_time": "an ISO-8601 date-time with a time zone, e.g. 2024-01-15T10:30:00Z",
    "iso_day": "a date (YYYY-MM-DD) or an ISO-8601 date-time with a time zone",
    "url_parsing": "a valid absolute URL", "url_type": "a valid absolute URL",
    "url_scheme": "a URL with an http or https scheme",
}


def _param(loc: tuple[Any, ...]) -> str | None:
    # Models are validated directly (no "body"/"query" location prefix), so every part is a
    # field name — including fields called `body` (a message's text).
    parts = [str(p) for p in loc]
    return ".".join(parts) or None


def _message(param: str, error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _TYPE_WORDS:
        return f"The '{param}' field must be {_TYPE_WORDS[kind]}."
    if kind in ("literal_error", "enum"):
        return f"The '{param}' field must be one of: {ctx.get('expected', '')}."
    if kind == "string_too_short":
        return f"The '{param}' field must be at least {ctx['min_length']} characters long."
    if kind == "string_too_long":
        return f"The '{param}' field must be at most {ctx['max_length']} characters long."
    if kind == "too_short":
        return f"The '{param}' field must contain at least {ctx['min_length']} items."
    if kind == "too_long":
        return f"The '{param}' field must contain at most {ctx['max_length']} items."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "greater than or equal to", "greater_than": "greater than",
                 "less_than_equal": "less than or equal to", "less_than": "less than"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"The '{param}' field must be {words} {bound}."
    if kind == "extra_forbidden":
        return f"Received unknown parameter: '{param}'."
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])).rstrip(".") + "."
    if "param" in ctx:  # PydanticCustomError raised by our own validators
        return error["msg"].rstrip(".") + "."
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in RULES:  # models/text.py
        refused, allowed = RULES[ctx["pattern"]]
        found = refused.search(str(error.get("input", "")))
        where = f" (found U+{ord(found.group()):04X})" if found else ""
        return f"The '{param}' field must be {allowed}{where}."
    if kind == "string_pattern_mismatch":
        return f"The '{param}' field has an invalid format."
    return f"The '{param}' field is invalid: {error['msg'][0].lower()}{error['msg'][1:]}."


MAX_INT_DIGITS = 4300  # pydantic-core's JSON parser and Python's int() both stop there


class _TooLong(int):
    """An integer literal with more digits than the parsers convert."""


def _too_long(text: str) -> int:
    return _TooLong(0) if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


def _path_to(value: Any, kind: type) -> list[str] | None:
    """The path of the first `kind` in parsed JSON, in document order."""
    if isinstance(value, kind):
        return []
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _path_to(item, kind)
        if found is not None:
            return [str(key), *found]
    return None


def out_of_range_number(raw: bytes | str) -> ApiError | None:
    """The error for valid JSON that pydantic's parser refused because an integer literal is
    longer than 4300 digits (a limit Python's json shares): it names the field."""
    try:
        parsed = json.loads(raw, parse_int=_too_long)
    except ValueError:
        return None  # not JSON after all
    path = _path_to(parsed, _TooLong) if isinstance(parsed, dict) else None
    if not path:
        return None
    param = ".".join(path)
    return InvalidParameter(f"The '{param}' field is out of range.", param=param)


def to_api_error(exc: ValidationError, raw: bytes | str | None = None) -> ApiError:
    """The first error of a pydantic ValidationError, in the API's terms; `raw` is the JSON
    text it came from, if any."""
    errors = exc.errors(include_url=False)
    error = errors[0]
    if error["type"] == "json_invalid":
        return (raw is not None and out_of_range_number(raw)) or \
            InvalidRequest("The request body is not valid JSON.", code="invalid_json")
    ctx = error.get("ctx") or {}
    param = ctx.get("param") or _param(tuple(error["loc"]))
    if param is None:
        return InvalidRequest("The request body must be a JSON object.", code="invalid_json")
    if error["type"] == "missing":
        return MissingParameter(f"The '{param}' field is required.", param=param)
    return InvalidParameter(_message(param, error), param=param)
