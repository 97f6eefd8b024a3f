"""Small shared types: the `NOT_GIVEN` sentinel and how arguments become query strings and
JSON bodies."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, Mapping, TypeVar, Union

T = TypeVar("T")


class NotGiven:
    """The default of arguments that are left out of a request entirely. Update methods use
    it so that `None` can mean "send null" (clear the field) while leaving an argument out
    means "do not change it"."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

#: `Omittable[X]`: an argument that may be `X` or left out (`NOT_GIVEN`).
Omittable = Union[T, NotGiven]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(_text(item) for item in value)
    return str(value)


def query(**params: Any) -> Dict[str, str]:
    """Query-string parameters: `None`/`NOT_GIVEN` are left out, lists are comma-joined,
    dates are ISO-8601. A trailing underscore is dropped (`from_` is sent as `from`)."""
    return {name.rstrip("_"): _text(value) for name, value in params.items()
            if value is not None and not isinstance(value, NotGiven)}


def _json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(item) for item in value]
    if hasattr(value, "model_dump"):  # one of our models, passed back in
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return value


def body(*, omit_none: bool = True, **fields: Any) -> Dict[str, Any]:
    """A JSON body: `NOT_GIVEN` is always left out; `None` too unless `omit_none=False`
    (updates, where null clears a field). A trailing underscore is dropped (`from_`)."""
    return {name.rstrip("_"): _json(value) for name, value in fields.items()
            if not isinstance(value, NotGiven) and not (omit_none and value is None)}


def path_id(value: str, name: str) -> str:
    """An object id for a URL path: refuses empty ids, which would change the route."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"'{name}' must be a non-empty string, got {value!r}")
    from urllib.parse import quote

    return quote(value, safe="")


__all__ = ["NOT_GIVEN", "NotGiven", "Omittable", "query", "body", "path_id"]
