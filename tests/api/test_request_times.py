"""Dates and date-times in requests are RFC 3339 text only (chalicelib/models/times.py)."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from chalicelib.errors import InvalidParameter
from chalicelib.http import parse_body, parse_data
from chalicelib.models.common import QueryParams, RequestBody
from chalicelib.models.times import Day, Instant, InstantOrDay

UTC = timezone.utc


class Body(RequestBody):
    at: Instant | None = None


class Query(QueryParams):
    bound: InstantOrDay | None = None
    day: Day | None = None


# Numbers and digit strings were read as Unix times; the other forms are ISO-8601 but not the
# RFC 3339 profile the OpenAPI document's `format: date-time` / `date` describe.
NOT_TEXT_TIMES = [0.5, 1700000000, "0.5", "1700000000", "20240115", "20240115T103000Z",
                  "2024-W03-1", "2024-01-15 10:30:00Z", "2024-01-15T10:30Z", "yesterday", "",
                  "2024-01-15T10:30:00", "2024-13-01T00:00:00Z", True]


def parse_json_body(data: dict) -> Body:
    """As a route parses a body: from the raw JSON text, strictly."""
    return parse_body(SimpleNamespace(raw_body=json.dumps(data).encode()), Body)


@pytest.mark.parametrize("value", NOT_TEXT_TIMES)
def test_an_instant_is_rfc_3339_text_with_an_offset(value):
    with pytest.raises(InvalidParameter) as refused:
        parse_json_body({"at": value})
    assert refused.value.param == "at"
    assert "ISO-8601 date-time with a time zone" in refused.value.message


@pytest.mark.parametrize("value, expected", [
    ("2024-01-15T10:30:00Z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
    ("2024-01-15t10:30:00z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
    ("2024-01-15T12:30:00.5+02:00", datetime(2024, 1, 15, 10, 30, 0, 500000, tzinfo=UTC)),
    ("2024-01-15T10:30:00.123456789Z", datetime(2024, 1, 15, 10, 30, 0, 123456, tzinfo=UTC)),
    ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),  # leap second
])
def test_instants_are_read_in_utc(value, expected):
    assert parse_json_body({"at": value}).at == expected


@pytest.mark.parametrize("value", NOT_TEXT_TIMES)
def test_range_bounds_and_days_refuse_what_is_not_a_date_or_an_instant(value):
    for name in ("bound", "day"):
        with pytest.raises(InvalidParameter) as refused:
            parse_data({name: value}, Query)
        assert refused.value.param == name
        assert "must be a date (YYYY-MM-DD) or an ISO-8601 date-time" in refused.value.message


def test_a_range_bound_is_an_instant_or_the_start_of_a_utc_day():
    assert parse_data({"bound": "2024-01-15"}, Query).bound == datetime(2024, 1, 15, tzinfo=UTC)
    assert parse_data({"bound": "2024-01-15T01:00:00+02:00"}, Query).bound == \
        datetime(2024, 1, 14, 23, tzinfo=UTC)


def test_a_day_is_a_date_or_the_utc_day_of_an_instant():
    assert parse_data({"day": "2024-01-15"}, Query).day == date(2024, 1, 15)
    assert parse_data({"day": "2024-01-15T01:00:00+02:00"}, Query).day == date(2024, 1, 14)


def test_the_schemas_say_what_is_accepted():
    body = Body.model_json_schema()["properties"]["at"]["anyOf"][0]
    query = Query.model_json_schema()["properties"]
    assert body == {"type": "string", "format": "date-time"}
    assert query["bound"]["anyOf"][:2] == [{"type": "string", "format": "date-time"},
                                           {"type": "string", "format": "date"}]
    assert query["day"]["anyOf"][:2] == [{"type": "string", "format": "date"},
                                         {"type": "string", "format": "date-time"}]


def test_every_request_time_field_uses_these_types():
    """A plain `datetime`/`date` field would take Unix times again."""
    from chalicelib.models import analytics, engagements, messages, opportunities, payments
    from chalicelib.models import users, webhooks
    ours = re.compile(r"BeforeValidator\(func=<function _(instant|instant_or_day|utc_day) ")
    plain, checked = [], 0
    for module in (analytics, engagements, messages, opportunities, payments, users, webhooks):
        for model in vars(module).values():
            if not (isinstance(model, type) and issubclass(model, (RequestBody, QueryParams))):
                continue
            for name, field in model.model_fields.items():
                text = repr(field.annotation)
                if re.search(r"\bdatetime\.(datetime|date)\b", text):
                    checked += 1
                    if not ours.search(text):
                        plain.append(f"{model.__name__}.{name}")
    assert plain == [] and checked >= 5
