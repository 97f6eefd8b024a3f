"""Times in requests: RFC 3339 text (ISO-8601's internet profile) and nothing else.

Pydantic on its own would also read numbers and digit strings as Unix times (`?to=0.5`), and
Python's `fromisoformat` the basic (`20240115`) and week-date forms the OpenAPI document does
not describe. Every date or date-time field of a request body or query string uses one of these.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?"
                        r"([Zz]|[+-]\d{2}:\d{2})$")
_DATE_TIME_SCHEMA = {"type": "string", "format": "date-time"}
_DATE_SCHEMA = {"type": "string", "format": "date"}


def _moment(value: Any) -> datetime | None:
    """An RFC 3339 date-time (offset required) in UTC, else None."""
    if not (isinstance(value, str) and _DATE_TIME.match(value)):
        return None
    text = value.upper()
    if text[17:19] == "60":  # RFC 3339 allows a leap second; Python does not
        text = text[:17] + "59" + text[19:]
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:  # e.g. month 13, hour 24
        return None


def _day(value: Any) -> date | None:
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# chalicelib/validation.py words these errors, naming the parameter by its alias (`from`).
def _not_an_instant() -> PydanticCustomError:
    return PydanticCustomError("iso_date_time", "not an RFC 3339 date-time")


def _not_a_day() -> PydanticCustomError:
    return PydanticCustomError("iso_day", "neither a date nor an RFC 3339 date-time")


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:  # built in code, not parsed
        return value
    moment = _moment(value)
    if moment is None:
        raise _not_an_instant()
    return moment


def _instant_or_day(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    day = _day(value)
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) if day else \
        _moment(value)
    if moment is None:
        raise _not_a_day()
    return moment


def _utc_day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    day = _day(value)
    if day is None:
        moment = _moment(value)
        if moment is None:
            raise _not_a_day()
        day = moment.date()
    return day


# An instant: `2024-01-15T10:30:00Z` (any offset; answered in UTC).
Instant = Annotated[datetime, BeforeValidator(_instant), WithJsonSchema(_DATE_TIME_SCHEMA)]
# A range bound: an instant, or a date meaning 00:00 UTC that day.
InstantOrDay = Annotated[datetime, BeforeValidator(_instant_or_day),
                         WithJsonSchema({"anyOf": [_DATE_TIME_SCHEMA, _DATE_SCHEMA]})]
# A UTC day: `2024-01-15`, or an instant whose UTC day is taken.
Day = Annotated[date, BeforeValidator(_utc_day),
                WithJsonSchema({"anyOf": [_DATE_SCHEMA, _DATE_TIME_SCHEMA]})]
