"""The request schemas in the OpenAPI document are no looser than what the API accepts
(found by Schemathesis: an enum, a format or `null` the document allowed and the API refused)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from app import app
from chalicelib.models.money import CURRENCIES
from chalicelib.models.text import LINE_NOT_BLANK
from chalicelib.openapi import build
from chalicelib.services.analytics.metrics import METRICS
from chalicelib.services.events import EVENT_TYPES


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build(app)


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]


def query(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    return next(p["schema"] for p in document["paths"][path]["get"]["parameters"]
                if p["name"] == name)


def nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or {"type": "null"} in prop.get("anyOf", [])


def test_vocabularies_are_enums(document):
    codes = sorted(CURRENCIES)
    assert query(document, "/v1/payments/balance", "currency")["enum"] == codes
    assert query(document, "/v1/analytics/summary", "currency")["enum"] == codes
    assert schema(document, "FundEscrow")["properties"]["currency"]["enum"] == codes
    assert schema(document, "OpportunityCreate")["properties"]["currency"]["anyOf"][0]["enum"] \
        == codes
    assert schema(document, "ReportCreate")["properties"]["metrics"]["items"]["enum"] == \
        list(METRICS)
    assert schema(document, "WebhookCreate")["properties"]["events"]["items"]["enum"] == \
        [*EVENT_TYPES, "*"]
    assert query(document, "/v1/events", "type")["enum"] == list(EVENT_TYPES)
    url = schema(document, "WebhookCreate")["properties"]["url"]
    assert (url["format"], url["minLength"], url["maxLength"]) == ("uri", 1, 2048)


@pytest.mark.parametrize("path, model, never_null", [
    ("/v1/opportunities/{opportunity_id}", "OpportunityUpdate", {"title", "status", "currency"}),
    ("/v1/users/me", "UserUpdate", {"name", "email"}),
    ("/v1/webhooks/{webhook_id}", "WebhookUpdate", {"url", "events", "status"}),
])
def test_update_fields_the_api_refuses_as_null_are_not_nullable(document, path, model,
                                                                never_null):
    assert document["paths"][path]["patch"]["requestBody"]["content"]["application/json"][
        "schema"] == {"$ref": f"#/components/schemas/{model}"}
    properties = schema(document, model)["properties"]
    assert {name for name, prop in properties.items() if not nullable(prop)} == never_null
    assert all("default" not in properties[name] for name in never_null)


def test_null_is_refused_where_the_document_leaves_it_out(api, client_account):
    token = client_account.token
    opp = api.post("/v1/opportunities", token=token, json_body={"title": "AE"}).json()["id"]
    hook = api.post("/v1/webhooks", token=token, json_body={
        "url": "http://127.0.0.1:9/hook", "events": ["*"]}).json()["id"]
    for path, fields in ((f"/v1/opportunities/{opp}", ("title", "status", "currency")),
                         ("/v1/users/me", ("name", "email")),
                         (f"/v1/webhooks/{hook}", ("url", "events", "status"))):
        for field in fields:
            answer = api.patch(path, token=token, json_body={field: None})
            assert (answer.status, answer.error["param"]) == (400, field), (path, field)
            assert answer.error["message"] == f"The '{field}' field cannot be null."


@pytest.mark.parametrize("path, body", [
    ("/v1/opportunities", {"title": "AE", "currency": "xyz"}),   # was any three letters
    ("/v1/analytics/reports", {"metrics": ["activities"], "filters": {"currency": "xyz"}}),
])
def test_currencies_outside_the_list_are_refused(api, client_account, path, body):
    answer = api.post(path, token=client_account.token, json_body=body)
    assert answer.status == 400 and answer.error["param"].endswith("currency"), answer.json()


def test_summary_currency_outside_the_list_is_refused(api, client_account):
    answer = api.get("/v1/analytics/summary?currency=xyz", token=client_account.token)
    assert (answer.status, answer.error["param"]) == (400, "currency")


def test_the_token_request_says_what_a_valid_one_is(document, api):
    body = document["paths"]["/oauth/token"]["post"]["requestBody"]
    token_request = schema(document, "TokenRequest")
    assert body["required"] is True and token_request["required"] == ["grant_type"]
    assert token_request["properties"]["grant_type"]["enum"] == ["client_credentials"]
    # ...while what is missing or wrong is still answered the RFC 6749 way.
    answer = api.post("/oauth/token", json_body={"client_id": "cli_x", "client_secret": "s"})
    assert (answer.status, answer.json()["error"]) == (400, "invalid_request")


# ECMA-262's `\s` (what JSON Schema's `pattern` means): WhiteSpace and LineTerminator.
ECMA_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)}


def test_not_blank_covers_every_character_python_strips():
    """NOT_BLANK names the characters `str.strip()` removes that ECMA's `\\s` does not."""
    from chalicelib.models.common import NOT_BLANK
    stripped = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert stripped - ECMA_SPACE == {"\x1c", "\x1d", "\x1e", "\x1f", "\x85"}
    assert NOT_BLANK == r"[^\s\x1c-\x1f\x85]"


@pytest.mark.parametrize("model, field, value", [
    ("OpportunityCreate", "title", "\x1e"),             # Schemathesis' blank title
    ("UserUpdate", "name", " \x85"),
    ("TerminateBody", "reason", "\x1f"),
    ("SendMessage", "body", "\x00hi"),
    ("SendMessage", "body", "bell\x07"),
    ("OpportunityCreate", "title", "AE\x00"),
    ("OpportunityCreate", "title", "AE\nSDR"),
    ("OpportunityCreate", "description", "ok\tok\x1b"),
    ("UserUpdate", "name", "Ann\u2028"),
    ("UserUpdate", "company", "Acme\x00"),
    ("ProfileUpdate", "bio", "\x85"),
    ("ProfileUpdate", "headline", "AE\r"),
    ("ActivityCreate", "outcome", "\x00"),
    ("OpenDispute", "reason", "\x7f"),
    ("DisputeEvidence", "text", "\x9f"),
    ("InterestCreate", "message", "\x00"),
    ("ReleaseEscrow", "description", "\x00"),
    ("UserUpdate", "email", "a\x00b@example.com"),
    ("ProfileUpdate", "website", "https://example.com/\x00"),
    ("UserUpdate", "email", "not-an-email"),
    ("WebhookCreate", "secret", "short"),
    ("ProfileUpdate", "website", "ftp://example.com"),
])
def test_values_the_validators_refuse_do_not_match_the_document(document, model, field, value):
    assert re.search(pattern_of(document, model, field), value) is None


def pattern_of(document, model, field):
    """A field's `pattern`, also when it is nullable (`anyOf` with null)."""
    prop = schema(document, model)["properties"][field]
    return prop.get("pattern") or next(o["pattern"] for o in prop["anyOf"] if "pattern" in o)


def test_requirement_and_skill_items_say_their_bounds(document):
    requirements = schema(document, "OpportunityCreate")["properties"]["requirements"]
    skills = schema(document, "ProfileUpdate")["properties"]["skills"]
    assert requirements["items"] == {"type": "string", "minLength": 1, "maxLength": 100,
                                     "pattern": LINE_NOT_BLANK}
    assert skills["items"]["maxLength"] == 50 and skills["items"]["pattern"] == LINE_NOT_BLANK


@pytest.mark.parametrize("model, field, value", [
    ("OpportunityCreate", "title", "Ünïcode AE 😀 \u00a0"),
    ("OpportunityCreate", "description", "Line one\r\n\tLine two \u2028 \u202e"),
    ("SendMessage", "body", "  tabs\tand\r\nCRLF  "),
    ("UserUpdate", "name", "Zoë"),
])
def test_text_the_api_accepts_matches_the_document(document, model, field, value):
    assert re.search(pattern_of(document, model, field), value)
