"""Real answers, and the events webhooks deliver, validate against the OpenAPI document (a
walk through the main operations on the Chalice test client; Schemathesis covers the rest)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app import app
from chalicelib.openapi import build

BASE = "urn:leadnod-openapi"


@pytest.fixture(scope="module")
def conforms() -> Any:
    document = build(app)
    registry = Registry().with_resource(BASE, Resource(document, DRAFT202012))

    def validate(schema: dict[str, Any], instance: Any, where: str) -> None:
        rooted = json.loads(json.dumps(schema).replace('"#/components/', f'"{BASE}#/components/'))
        errors = [e.message for e in Draft202012Validator(rooted, registry=registry)
                  .iter_errors(instance)]
        assert not errors, (where, errors[:5])

    def answer(method: str, path: str, response: Any) -> None:
        declared = document["paths"][path][method]["responses"]
        assert str(response.status) in declared, (method, path, response.status, response.body)
        entry = declared[str(response.status)]
        if "$ref" in entry:
            entry = document["components"]["responses"][entry["$ref"].rsplit("/", 1)[1]]
        schema = entry["content"]["application/json"]["schema"]
        validate(schema, response.json(), f"{method} {path} {response.status}")

    def event(payload: dict[str, Any]) -> None:
        body = document["webhooks"][payload["type"]]["post"]["requestBody"]
        validate(body["content"]["application/json"]["schema"], payload, payload["type"])

    answer.event = event  # type: ignore[attr-defined]
    return answer


def test_answers_and_events_match_the_document(api, conforms, client_account, sales_pro):
    client, pro = client_account.token, sales_pro.token

    def call(method: str, template: str, path: str | None = None, **kw: Any) -> Any:
        response = api.request(method.upper(), path or template, **kw)
        conforms(method, template, response)
        return response.json()

    call("get", "/v1/users/me", token=client)
    call("get", "/v1/users/{user_id}", f"/v1/users/{sales_pro.user_id}", token=client)
    call("get", "/v1/users/search", "/v1/users/search?industry=saas", token=client)
    call("patch", "/v1/users/me", token=client, json_body={"email": "not-an-email"})
    call("get", "/v1/users/me")  # 401 from the gateway
    opp = call("post", "/v1/opportunities", token=client, json_body={
        "title": "AE", "industry": "saas", "base_salary_range": {"min": 1, "max": 2}})["id"]
    call("get", "/v1/opportunities", token=client)
    call("post", "/v1/opportunities/bulk", token=client,
         json_body={"opportunities": [{"title": "SDR"}, {"nope": 1}]})      # 207
    call("post", "/v1/opportunities/bulk", token=client,
         json_body={"opportunities": [{"nope": 1}]})                        # 400 with data
    call("post", "/v1/opportunities/bulk", token=client)                   # 400, no body: no data
    call("post", "/v1/opportunities/{opportunity_id}/interest",
         f"/v1/opportunities/{opp}/interest", token=pro, json_body={})
    call("get", "/v1/opportunities/{opportunity_id}/matches",
         f"/v1/opportunities/{opp}/matches", token=client)
    eng = call("post", "/v1/engagements", token=client,
               json_body={"opportunity_id": opp, "sales_pro_id": sales_pro.user_id})["id"]
    call("post", "/v1/engagements/{engagement_id}/start", f"/v1/engagements/{eng}/start",
         token=pro)
    call("post", "/v1/engagements/{engagement_id}/activities",
         f"/v1/engagements/{eng}/activities", token=pro,
         json_body={"type": "deal_closed", "value": 100})
    call("get", "/v1/engagements/{engagement_id}/metrics", f"/v1/engagements/{eng}/metrics",
         token=pro)
    call("post", "/v1/messages/send", token=client,
         json_body={"recipient_id": sales_pro.user_id, "body": "Hi"})
    call("get", "/v1/messages/conversations", token=pro)
    call("post", "/v1/payments/escrow/fund", token=client,
         json_body={"engagement_id": eng, "amount": 1000})
    call("get", "/v1/payments/balance", f"/v1/payments/balance?engagement_id={eng}", token=pro)
    call("get", "/v1/payments", token=client)
    for token in (client, pro):
        call("get", "/v1/analytics/summary", token=token)
    call("get", "/v1/analytics/engagement/{engagement_id}", f"/v1/analytics/engagement/{eng}",
         token=client)
    call("post", "/v1/analytics/reports", token=client, json_body={"metrics": ["activities"]})
    call("post", "/v1/analytics/reports", token=client, json_body={      # 404: no such engagement
        "metrics": ["activities"], "filters": {"engagement_id": "eng_nope"}})
    call("get", "/v1/analytics/export", token=client)
    hook = call("post", "/v1/webhooks", token=client,
                json_body={"url": "http://127.0.0.1:9/hook", "events": ["*"]})["id"]
    call("post", "/v1/webhooks/{webhook_id}/test", f"/v1/webhooks/{hook}/test", token=client)
    call("post", "/oauth/token", json_body={
        "grant_type": "client_credentials", "client_id": client_account.client_id,
        "client_secret": client_account.client_secret})
    call("post", "/oauth/token", json_body={"grant_type": "password"})
    call("get", "/.well-known/jwks.json")

    events = [e for token in (client, pro)
              for e in call("get", "/v1/events", "/v1/events?limit=100", token=token)["data"]]
    assert {"opportunity.created", "engagement.started", "activity.logged",
            "message.received", "conversation.started"} <= {e["type"] for e in events}
    for payload in events:
        conforms.event(payload)
