"""The OpenAPI document: generated from the routes' @operation declarations, valid OpenAPI
3.1, complete, committed up to date, and served at /v1/openapi.json without a token."""
from __future__ import annotations

import json
from typing import Any

import pytest
from chalice import Blueprint, Chalice
from openapi_spec_validator import validate

from app import app
from chalicelib.openapi import build, render
from chalicelib.services.events import EVENT_TYPES
from support import ROOT

COMMITTED = ROOT / "docs" / "openapi.json"
PUBLIC = {"/oauth/token", "/.well-known/jwks.json", "/v1/openapi.json"}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build(app)


def test_committed_document_is_up_to_date(document):
    assert COMMITTED.read_text() == render(document), (
        "docs/openapi.json is stale: run `make openapi` and commit the result")


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_is_an_operation_with_an_id_and_responses(document):
    ids = []
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if entry.view_name.startswith("method_not_allowed_"):
                assert method.lower() not in document["paths"].get(path, {}), (method, path)
                continue
            if getattr(entry.view_function, "page", False):  # /dashboard: a web page, no API
                assert path not in document["paths"], path
                continue
            operation = document["paths"][path][method.lower()]
            assert operation["operationId"] and operation["summary"] and operation["tags"]
            assert any(status.startswith("2") for status in operation["responses"]), path
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids)) >= 60


def test_security_on_authenticated_operations_only(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path in PUBLIC:
                assert "security" not in operation, (method, path)
                assert "429" in operation["responses"], (method, path)  # per source address
                continue
            scope = "read" if method == "get" else "write"
            assert operation["security"] == [{"oauth2": [scope]}], (method, path)
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
    flow = document["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token" and set(flow["scopes"]) == {"read", "write"}


def test_rate_limit_headers_on_authenticated_answers_and_retry_after_on_429(document):
    answer = document["paths"]["/v1/users/me"]["get"]["responses"]["200"]
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
            "RateLimit-Policy", "RateLimit", "X-Request-Id"} <= set(answer["headers"])
    too_many = document["components"]["responses"]["TooManyRequests"]
    assert "Retry-After" in too_many["headers"]
    public = document["paths"]["/v1/openapi.json"]["get"]["responses"]["200"]
    assert "X-RateLimit-Limit" in public["headers"]  # counted per source address


def test_bodies_and_query_parameters_come_from_the_models(document):
    create = document["paths"]["/v1/opportunities"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OpportunityCreate"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Opportunity"}
    schema = document["components"]["schemas"]["OpportunityCreate"]
    assert schema["required"] == ["title"] and schema["additionalProperties"] is False
    listing = document["paths"]["/v1/opportunities"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100,
                                         "default": 20}
    assert "saas" in params["industry"]["schema"]["enum"]
    page = document["components"]["schemas"]["OpportunityPage"]
    assert set(page["required"]) == {"data", "has_more", "next_cursor"}
    fund = document["paths"]["/v1/payments/escrow/fund"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in fund["parameters"]
    assert {"201", "202", "409", "422"} <= set(fund["responses"])


def test_webhooks_section_has_every_event_type_with_its_data(document):
    webhooks = document["webhooks"]
    assert set(webhooks) == set(EVENT_TYPES) | {"ping"}
    schemas = document["components"]["schemas"]
    for event_type, item in webhooks.items():
        ref = item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        envelope = schemas[ref.rsplit("/", 1)[1]]
        assert envelope["properties"]["type"]["const"] == event_type
        assert set(envelope["required"]) == {"id", "type", "created", "api_version",
                                             "environment", "data"}
        headers = {p["$ref"].rsplit("/", 1)[1] for p in item["post"]["parameters"]}
        assert {"LeadNodSignature", "WebhookId", "WebhookTimestamp",
                "WebhookSignature"} <= headers
    dispute = schemas["EscrowDisputeData"]
    assert {"client_id", "sales_pro_id", "amount", "status"} <= set(dispute["required"])


def test_a_route_without_a_declaration_fails_the_build():
    bare = Chalice(app_name="bare")

    @bare.route("/v1/undeclared")
    def undeclared() -> dict:
        return {}

    with pytest.raises(ValueError, match="GET /v1/undeclared"):
        build(bare)


def test_served_without_a_token_and_counted_per_source_address(api, document):
    answer = api.get("/v1/openapi.json")
    assert answer.status == 200
    assert answer.json() == json.loads(render(document))
    assert "x-ratelimit-limit" in answer.headers  # docs/rate-limits.md, "Without an account"
    assert answer.headers["x-request-id"]


def test_links_lead_from_created_objects_to_the_operations_that_use_them(document):
    created = document["paths"]["/v1/opportunities"]["post"]["responses"]["201"]["links"]
    assert created["get_opportunity"] == {
        "operationId": "get_opportunity",
        "parameters": {"path.opportunity_id": "$response.body#/id"}}
    assert created["create_engagement"] == {
        "operationId": "create_engagement",
        "requestBody": {"opportunity_id": "$response.body#/id"}}
    funded = document["paths"]["/v1/payments/escrow/fund"]["post"]["responses"]["202"]["links"]
    assert funded["release_escrow"]["requestBody"] == {
        "engagement_id": "$response.body#/engagement_id"}
    assert funded["get_payment"]["parameters"] == {"path.payment_id": "$response.body#/id"}


def test_every_link_fills_its_target_path(document):
    by_id = {operation["operationId"]: (path, operation)
             for path, item in document["paths"].items() for operation in item.values()}
    count = 0
    for item in document["paths"].values():
        for operation in item.values():
            for response in operation["responses"].values():
                for name, entry in response.get("links", {}).items():
                    path, target = by_id[entry["operationId"]]
                    needed = {f"path.{p['name']}" for p in target.get("parameters", [])
                              if p.get("in") == "path"}
                    assert needed <= set(entry.get("parameters", {})), (name, path)
                    count += 1
    assert count >= 100


def test_a_provided_value_the_answer_does_not_have_is_refused():
    from chalicelib.api.operations import operation
    from chalicelib.models.opportunities import Opportunity
    from chalicelib.openapi.links import check_provides

    @operation(Blueprint(__name__), "POST", "/v1/things", returns=Opportunity,
               provides={"thing_id": "/thing"}, tag="Meta", summary="A thing")
    def make_thing() -> None:
        return None

    with pytest.raises(ValueError, match="does not have"):
        check_provides(make_thing.operation)
