"""What a request body may be (issue #12's black-box findings): its Content-Type, integers too
long to convert, and control characters in text fields (docs/errors.md)."""
from __future__ import annotations

import json

import pytest

from support.marketplace import DOCS_OPPORTUNITY


def assert_error(answer, status, code, param):
    assert answer.status == status, answer.body
    error = answer.error
    assert set(error) == {"code", "message", "param", "doc_url"}
    assert (error["code"], error["param"]) == (code, param) and error["message"]
    assert error["doc_url"] == f"https://docs.leadnod.com/errors/{code}"
    return error["message"]


def titles(market):
    listed = market.api.get("/v1/opportunities?limit=100", token=market.client.token).json()
    return {opp["title"] for opp in listed["data"]}


@pytest.mark.parametrize("content_type", [
    None, "*/*", "application/json; charset=utf-16", "text/plain", "application/*",
    "application/json; charset=latin-1", "application/json; version=2", "application/jsonx"])
def test_a_json_body_not_declared_as_utf8_json_is_415(market, content_type):
    title = f"Content-Type {content_type}"
    headers = {"Content-Type": content_type} if content_type else {}
    answer = market.api.post("/v1/opportunities", token=market.client.token, headers=headers,
                             body=json.dumps({**DOCS_OPPORTUNITY, "title": title}))
    message = assert_error(answer, 415, "unsupported_media_type", "Content-Type")
    assert "application/json" in message
    assert title not in titles(market)  # refused before the body was read


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_updates_check_the_content_type_too(market, method):
    opp = market.opportunity(market.client)
    answer = market.api.request(method, f"/v1/opportunities/{opp['id']}",
                                token=market.client.token, body='{"title": "Renamed"}',
                                headers={"Content-Type": "*/*"})
    assert_error(answer, 415, "unsupported_media_type", "Content-Type")
    me = market.api.patch("/v1/users/me", token=market.client.token, body='{"name": "X"}')
    assert_error(me, 415, "unsupported_media_type", "Content-Type")


@pytest.mark.parametrize("content_type", [
    "application/json", "Application/JSON", "application/json; charset=utf-8",
    'application/json;charset="UTF-8"', "APPLICATION/JSON ; CHARSET=UTF-8"])
def test_json_with_an_optional_utf8_charset_is_accepted(market, content_type):
    answer = market.api.post("/v1/opportunities", token=market.client.token,
                             body=json.dumps({"title": "Charset é"}),
                             headers={"Content-Type": content_type})
    assert answer.status == 201, answer.body
    assert answer.json()["title"] == "Charset é"


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "*/*"},
                                     {"Content-Type": "application/json"}])
def test_a_post_action_without_a_body_needs_no_content_type(market, headers):
    opp = market.opportunity(market.client)
    eng = market.api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id}).json()
    started = market.api.post(f"/v1/engagements/{eng['id']}/start", token=market.pro.token,
                              headers=headers)
    assert started.status == 200, started.body
    assert started.json()["status"] == "active"


@pytest.mark.parametrize("path, body, param", [
    ("/v1/opportunities", '{"title": "AE", "base_salary_range": {"min": %s, "max": 1}}',
     "base_salary_range.min"),
    ("/v1/opportunities", '{"title": "AE", "requirements": ["a", %s]}', "requirements.1"),
    ("/v1/opportunities", '{"title": "AE", "commission_rate": -%s}', "commission_rate"),
])
def test_an_integer_too_long_to_convert_is_a_validation_error_naming_the_field(
        market, path, body, param):
    answer = market.api.post(path, token=market.client.token, body=body % ("9" * 5_000),
                             headers={"Content-Type": "application/json"})
    message = assert_error(answer, 400, "invalid_parameter", param)
    assert "out of range" in message


def test_a_long_integer_in_a_nested_update_field_is_named(market):
    answer = market.api.patch("/v1/users/me", token=market.client.token,
                              body='{"profile": {"years_experience": %s}}' % ("1" * 4_301),
                              headers={"Content-Type": "application/json"})
    assert_error(answer, 400, "invalid_parameter", "profile.years_experience")
    at_the_limit = market.api.patch("/v1/users/me", token=market.client.token,
                                    body='{"profile": {"years_experience": %s}}' % ("1" * 4_300),
                                    headers={"Content-Type": "application/json"})
    assert_error(at_the_limit, 400, "invalid_parameter", "profile.years_experience")


def test_bodies_that_are_not_json_objects_stay_invalid_json(market):
    for body in ("[%s]" % ("9" * 5_000), '{"title": %s' % ("9" * 5_000)):
        answer = market.api.post("/v1/opportunities", token=market.client.token, body=body,
                                 headers={"Content-Type": "application/json"})
        assert_error(answer, 400, "invalid_json", None)


@pytest.mark.parametrize("path, body, param, found", [
    ("/v1/opportunities", {"title": "AE\x00"}, "title", "U+0000"),
    ("/v1/opportunities", {"title": "AE\nSDR"}, "title", "U+000A"),
    ("/v1/opportunities", {"title": "AE", "description": "ok\tok\r\nbell\x07"}, "description",
     "U+0007"),
    ("/v1/opportunities", {"title": "AE", "requirements": ["ok", "tab\there"]}, "requirements.1",
     "U+0009"),
    ("/v1/opportunities", {"title": "AE\u2028"}, "title", "U+2028"),
    ("/v1/users/me", {"name": "Ann\x00"}, "name", "U+0000"),
    ("/v1/users/me", {"company": "Acme\x1b[31m"}, "company", "U+001B"),
    ("/v1/users/me", {"profile": {"bio": "C1 \x85"}}, "profile.bio", "U+0085"),
    ("/v1/users/me", {"profile": {"location": "Paris\x7f"}}, "profile.location", "U+007F"),
    ("/v1/users/me", {"email": "a\x00b@example.com"}, "email", None),
    ("/v1/users/me", {"profile": {"website": "https://example.com/\x00"}}, "profile.website",
     None),
])
def test_control_characters_in_text_fields_are_refused(make_account, api, path, body, param,
                                                       found):
    account = make_account("client")
    send = api.post if path == "/v1/opportunities" else api.patch
    answer = send(path, token=account.token, json_body=body)
    message = assert_error(answer, 400, "invalid_parameter", param)
    if found:
        assert "control characters" in message and found in message, message


def test_sales_pro_profile_lists_and_headlines_refuse_control_characters(make_account, api):
    pro = make_account("sales_pro")
    for profile, param in (({"skills": ["Negotiation", "Cold\x00calling"]}, "profile.skills.1"),
                           ({"languages": ["en\n"]}, "profile.languages.0"),
                           ({"headline": "AE\r"}, "profile.headline")):
        answer = api.patch("/v1/users/me", token=pro.token, json_body={"profile": profile})
        assert_error(answer, 400, "invalid_parameter", param)


def test_multi_line_fields_keep_tabs_and_line_breaks_and_any_other_unicode(make_account, api):
    account = make_account("client")
    description = "Line one\r\n\tLine two\n\u202eRTL \u00a0 😀 \u2028"
    created = api.post("/v1/opportunities", token=account.token, json_body={
        "title": "Ünïcode AE 😀 \u00a0", "description": description})
    assert created.status == 201, created.body
    assert created.json()["description"] == description
    updated = api.patch("/v1/users/me", token=account.token, json_body={
        "name": "Zoë \u202e", "company": "Ça & Co", "profile": {"bio": "a\tb\nc"}})
    assert updated.status == 200, updated.body
    assert updated.json()["profile"]["bio"] == "a\tb\nc"
