"""/v1/opportunities: the docs' example, validation, visibility, lists, updates and deletes."""
from __future__ import annotations

import re

import pytest
from support.marketplace import DOCS_OPPORTUNITY

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_create_with_the_docs_example_echoes_every_field(market):
    answer = market.api.post("/v1/opportunities", token=market.client.token,
                             json_body=DOCS_OPPORTUNITY)
    assert answer.status == 201, answer.json()
    opp = answer.json()
    assert re.match(r"^opp_[0-9A-Za-z]{22}$", opp["id"])
    assert {k: opp[k] for k in DOCS_OPPORTUNITY} == DOCS_OPPORTUNITY
    assert opp["client_id"] == market.client.user_id and opp["status"] == "open"
    assert ISO_Z.match(opp["created_at"]) and ISO_Z.match(opp["updated_at"])
    assert opp["currency"] == "usd" and opp["interest_count"] == 0
    assert market.event_types(market.client.user_id)[-1] == "opportunity.created"


def test_only_title_is_required(market):
    answer = market.api.post("/v1/opportunities", token=market.client.token,
                             json_body={"title": "SDR"})
    assert answer.status == 201
    assert answer.json()["requirements"] == [] and answer.json()["industry"] is None


def test_sales_pro_cannot_create_opportunities(market):
    answer = market.api.post("/v1/opportunities", token=market.pro.token,
                             json_body=DOCS_OPPORTUNITY)
    assert answer.status == 403 and answer.error["code"] == "forbidden"


@pytest.mark.parametrize("change, param, code", [
    ({"title": None}, "title", "invalid_parameter"),
    ({"title": "   "}, "title", "invalid_parameter"),
    ({"title": "x" * 201}, "title", "invalid_parameter"),
    ({"industry": "basket weaving"}, "industry", "invalid_parameter"),
    ({"compensation_model": "equity"}, "compensation_model", "invalid_parameter"),
    ({"base_salary_range": {"min": 120000, "max": 80000}}, "base_salary_range",
     "invalid_parameter"),
    ({"base_salary_range": {"min": -1, "max": 10}}, "base_salary_range.min", "invalid_parameter"),
    ({"base_salary_range": {"min": 10}}, "base_salary_range.max", "missing_parameter"),
    ({"base_salary_range": {"min": 1.5, "max": 10}}, "base_salary_range.min", "invalid_parameter"),
    ({"base_salary_range": [1, 2]}, "base_salary_range", "invalid_parameter"),
    ({"commission_rate": 1.5}, "commission_rate", "invalid_parameter"),
    ({"commission_rate": -0.1}, "commission_rate", "invalid_parameter"),
    ({"commission_rate": "0.1"}, "commission_rate", "invalid_parameter"),
    ({"duration": "forever"}, "duration", "invalid_parameter"),
    ({"requirements": "Enterprise sales"}, "requirements", "invalid_parameter"),
    ({"requirements": ["x" * 101]}, "requirements", "invalid_parameter"),
    ({"requirements": [""]}, "requirements", "invalid_parameter"),
    ({"requirements": [f"r{i}" for i in range(21)]}, "requirements", "invalid_parameter"),
    ({"requirements": [5]}, "requirements.0", "invalid_parameter"),
    ({"description": "x" * 10_001}, "description", "invalid_parameter"),
    ({"currency": "USD"}, "currency", "invalid_parameter"),
    ({"status": "open"}, "status", "invalid_parameter"),
    ({"client_id": "usr_someone"}, "client_id", "invalid_parameter"),
    ({"budget": 5}, "budget", "invalid_parameter"),
])
def test_create_refuses_bad_fields(market, change, param, code):
    answer = market.api.post("/v1/opportunities", token=market.client.token,
                             json_body={**DOCS_OPPORTUNITY, **change})
    assert answer.status == 400, answer.json()
    assert answer.error["code"] == code and answer.error["param"] == param
    assert answer.error["message"].endswith(".")


def test_missing_title_and_bad_json_use_the_error_format(market):
    answer = market.api.post("/v1/opportunities", token=market.client.token,
                             json_body={"industry": "saas"})
    assert answer.status == 400 and answer.error == {
        "code": "missing_parameter", "message": "The 'title' field is required.", "param": "title",
        "doc_url": "https://docs.leadnod.com/errors/missing_parameter"}
    broken = market.api.post("/v1/opportunities", token=market.client.token, body="{nope",
                             headers={"Content-Type": "application/json"})
    assert broken.status == 400 and broken.error["code"] == "invalid_json"


def test_every_documented_duration_and_industry_is_accepted(market):
    from chalicelib.models.common import INDUSTRIES
    from chalicelib.models.opportunities import DURATIONS

    for duration, industry in zip(DURATIONS * 4, INDUSTRIES, strict=False):
        answer = market.api.post("/v1/opportunities", token=market.client.token,
                                 json_body={"title": "AE", "duration": duration,
                                            "industry": industry})
        assert answer.status == 201, (duration, industry)


def test_visibility_owner_sales_pro_and_other_client(market):
    api = market.api
    opp = market.opportunity(market.client)
    path = f"/v1/opportunities/{opp['id']}"
    assert api.get(path, token=market.client.token).json() == opp
    assert api.get(path, token=market.pro.token).status == 200
    assert api.get(path, token=market.pro2.token).status == 200
    hidden = api.get(path, token=market.client2.token)
    assert hidden.status == 404 and hidden.error["code"] == "resource_missing"
    assert api.get("/v1/opportunities/opp_missing", token=market.client.token).status == 404
    api.patch(path, token=market.client.token, json_body={"status": "paused"})
    assert api.get(path, token=market.pro.token).status == 404  # pros see open ones only
    assert api.get(path, token=market.client.token).json()["status"] == "paused"


def test_client_lists_only_its_own_with_filters(market):
    api = market.api
    mine, theirs = market.account("client"), market.account("client")
    a = market.opportunity(mine, industry="fintech", compensation_model="commission")
    b = market.opportunity(mine, industry="saas")
    market.opportunity(theirs)
    api.patch(f"/v1/opportunities/{b['id']}", token=mine.token, json_body={"status": "paused"})
    listed = api.get("/v1/opportunities", token=mine.token).json()
    assert [o["id"] for o in listed["data"]] == [b["id"], a["id"]]  # newest first, any status
    assert listed["has_more"] is False and listed["next_cursor"] is None
    for query, expected in [("status=paused", [b["id"]]), ("status=open", [a["id"]]),
                            ("industry=fintech", [a["id"]]),
                            ("compensation_model=commission", [a["id"]]),
                            ("industry=saas&status=open", [])]:
        page = api.get(f"/v1/opportunities?{query}", token=mine.token).json()
        assert [o["id"] for o in page["data"]] == expected, query


def test_client_list_pages_with_a_cursor_bound_to_the_caller_and_filters(market):
    api = market.api
    mine = market.account("client")
    ids = [market.opportunity(mine, title=f"AE {i}")["id"] for i in range(5)]
    first = api.get("/v1/opportunities?limit=2", token=mine.token).json()
    assert first["has_more"] and len(first["data"]) == 2
    seen = [o["id"] for o in first["data"]]
    cursor = first["next_cursor"]
    stolen = api.get(f"/v1/opportunities?limit=2&cursor={cursor}", token=market.client2.token)
    assert stolen.status == 400 and stolen.error["code"] == "invalid_cursor"
    refiltered = api.get(f"/v1/opportunities?limit=2&status=open&cursor={cursor}",
                         token=mine.token)
    assert refiltered.status == 400 and refiltered.error["code"] == "invalid_cursor"
    while cursor:
        page = api.get(f"/v1/opportunities?limit=2&cursor={cursor}", token=mine.token).json()
        seen += [o["id"] for o in page["data"]]
        cursor = page["next_cursor"]
    assert seen == ids[::-1]


def test_sales_pro_browses_open_opportunities_of_every_client_across_shards(market):
    api = market.api
    created = [market.opportunity(owner, compensation_model="base", title=f"Base AE {i}")
               for i, owner in enumerate([market.client, market.client2] * 4)]
    paused = created.pop()
    api.patch(f"/v1/opportunities/{paused['id']}", token=market.client2.token,
              json_body={"status": "paused"})
    seen, cursor = [], None
    while True:
        query = "compensation_model=base&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"/v1/opportunities?{query}", token=market.pro.token).json()
        assert len(page["data"]) <= 3 and page["has_more"] == bool(page["next_cursor"])
        seen += page["data"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    ids = [o["id"] for o in seen]
    assert len(ids) == len(set(ids)), "an opportunity was listed twice"
    assert {o["id"] for o in created} <= set(ids) and paused["id"] not in ids
    assert {o["client_id"] for o in created} == {market.client.user_id, market.client2.user_id}
    assert all(o["status"] == "open" and o["compensation_model"] == "base" for o in seen)
    stamps = [o["created_at"] for o in seen]
    assert stamps == sorted(stamps, reverse=True)
    assert api.get("/v1/opportunities?status=paused", token=market.pro.token).json()["data"] == []


def test_sales_pro_browses_one_industry(market):
    opp = market.opportunity(market.client, industry="telecom")
    page = market.api.get("/v1/opportunities?industry=telecom&limit=100",
                          token=market.pro.token).json()
    assert opp["id"] in [o["id"] for o in page["data"]]
    assert all(o["industry"] == "telecom" and o["status"] == "open" for o in page["data"])


@pytest.mark.parametrize("query, param", [
    ("status=gone", "status"), ("industry=x", "industry"), ("compensation_model=x",
                                                            "compensation_model"),
    ("limit=0", "limit"), ("limit=101", "limit"), ("colour=red", "colour"),
    ("cursor=abc", "cursor")])
def test_bad_list_parameters(market, query, param):
    answer = market.api.get(f"/v1/opportunities?{query}", token=market.pro.token)
    assert answer.status == 400 and answer.error["param"] == param


def test_owner_patches_partially_and_put_is_accepted(market):
    api, owner = market.api, market.client
    opp = market.opportunity(owner)
    path = f"/v1/opportunities/{opp['id']}"
    before = market.event_types(owner.user_id).count("opportunity.updated")
    patched = api.patch(path, token=owner.token, json_body={
        "title": "Senior AE", "commission_rate": 0.15, "description": None})
    assert patched.status == 200, patched.json()
    body = patched.json()
    assert body["title"] == "Senior AE" and body["commission_rate"] == 0.15
    assert body["description"] is None and body["industry"] == "saas"
    assert body["updated_at"] >= opp["updated_at"]
    put = api.put(path, token=owner.token, json_body={"duration": "6_months"})
    assert put.status == 200 and put.json()["duration"] == "6_months"
    assert put.json()["title"] == "Senior AE"
    assert api.patch(path, token=owner.token, json_body={}).json() == put.json()
    assert api.get(path, token=owner.token).json() == put.json()
    assert market.event_types(owner.user_id).count("opportunity.updated") == before + 2


def test_commission_rates_are_kept_to_six_decimals(market):
    """5e-166 was a 500: DynamoDB numbers stop at 1e-130 (Schemathesis found it)."""
    api, owner = market.api, market.client
    created = api.post("/v1/opportunities", token=owner.token, json_body={
        "title": "AE", "commission_rate": 0.12345678})
    assert created.status == 201 and created.json()["commission_rate"] == 0.123457
    path = f"/v1/opportunities/{created.json()['id']}"
    tiny = api.put(path, token=owner.token, json_body={"commission_rate": 5.34436917273815e-166})
    assert tiny.status == 200 and tiny.json()["commission_rate"] == 0.0
    engagement = api.post("/v1/engagements", token=owner.token, json_body={
        "opportunity_id": created.json()["id"], "sales_pro_id": market.pro.user_id,
        "terms": {"commission_rate": 1e-200}})
    assert engagement.status == 201 and engagement.json()["terms"]["commission_rate"] == 0.0


@pytest.mark.parametrize("body, param", [
    ({"title": None}, "title"), ({"status": None}, "status"), ({"status": "archived"}, "status"),
    ({"base_salary_range": {"min": 5, "max": 1}}, "base_salary_range"),
    ({"commission_rate": 2}, "commission_rate"), ({"requirements": [""]}, "requirements"),
    ({"id": "opp_x"}, "id"), ({"client_id": "usr_x"}, "client_id"),
    ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"), ({"nope": 1}, "nope"),
])
def test_patch_validates_like_create(market, body, param):
    opp = market.opportunity(market.client)
    answer = market.api.patch(f"/v1/opportunities/{opp['id']}", token=market.client.token,
                              json_body=body)
    assert answer.status == 400 and answer.error["param"] == param


def test_only_the_owner_changes_or_deletes(market):
    api = market.api
    opp = market.opportunity(market.client)
    path = f"/v1/opportunities/{opp['id']}"
    for method in (api.patch, api.put):
        assert method(path, token=market.pro.token, json_body={"title": "x"}).status == 403
        assert method(path, token=market.client2.token, json_body={"title": "x"}).status == 404
    assert api.delete(path, token=market.pro.token).status == 403
    assert api.delete(path, token=market.client2.token).status == 404
    assert api.get(path, token=market.client.token).json()["title"] == opp["title"]


def test_closing_emits_closed_and_is_final(market):
    api, owner = market.api, market.client
    opp = market.opportunity(owner)
    path = f"/v1/opportunities/{opp['id']}"
    closed = api.patch(path, token=owner.token, json_body={"status": "closed"})
    assert closed.status == 200 and closed.json()["status"] == "closed"
    assert market.event_types(owner.user_id)[-1] == "opportunity.closed"
    again = api.patch(path, token=owner.token, json_body={"status": "open"})
    assert again.status == 409 and again.error["code"] == "opportunity_closed"
    assert api.patch(path, token=owner.token, json_body={"status": "closed"}).status == 200
    browse = api.get("/v1/opportunities?limit=100&industry=saas", token=market.pro.token).json()
    assert opp["id"] not in [o["id"] for o in browse["data"]]


def test_pause_and_reopen_move_it_out_of_and_back_into_the_browse_list(market):
    api, owner = market.api, market.client
    opp = market.opportunity(owner, industry="retail")
    path = f"/v1/opportunities/{opp['id']}"

    def browsed() -> list[str]:
        page = api.get("/v1/opportunities?industry=retail&limit=100", token=market.pro.token)
        return [o["id"] for o in page.json()["data"]]
    api.patch(path, token=owner.token, json_body={"status": "paused"})
    assert opp["id"] not in browsed()
    api.patch(path, token=owner.token, json_body={"status": "open", "industry": "retail"})
    assert opp["id"] in browsed()


def test_delete_removes_it_everywhere(market):
    api, owner = market.api, market.client
    opp = market.opportunity(owner, industry="energy")
    path = f"/v1/opportunities/{opp['id']}"
    deleted = api.delete(path, token=owner.token)
    assert deleted.status == 204 and deleted.body == b""
    assert api.get(path, token=owner.token).status == 404
    assert api.delete(path, token=owner.token).status == 404
    assert api.patch(path, token=owner.token, json_body={"title": "x"}).status == 404
    mine = api.get("/v1/opportunities?limit=100", token=owner.token).json()["data"]
    browse = api.get("/v1/opportunities?industry=energy&limit=100", token=market.pro.token).json()
    assert opp["id"] not in [o["id"] for o in mine + browse["data"]]
    assert market.event_types(owner.user_id)[-1] == "opportunity.closed"


def test_unsupported_method_is_405_with_allow(market):
    answer = market.api.post("/v1/opportunities/opp_x", token=market.client.token, json_body={})
    assert answer.status == 405 and "DELETE" in answer.headers["allow"]


def test_delete_is_one_read_and_one_transaction_and_asks_nothing_of_the_queue(market):
    """#20: the matching clean-up is asked for from the item's removal on the table stream
    (tests/opportunities/test_matching.py), so the request itself sends nothing: a crash after
    its commit cannot lose the clean-up."""
    from support.service_calls import read_caller

    opp = market.opportunity(market.client)
    made: list[str] = []

    def count(event_name: str, **_: object) -> None:
        made.append(event_name.split(".", 1)[1])
    emitters = {id(e): e for e in (market.services.table.meta.client.meta.events,
                                   market.services.match_requests._sqs.meta.events,
                                   market.services.session.events)}
    for emitter in emitters.values():
        emitter.register("before-call.*.*", count)
    try:
        owner = read_caller(market.client)
        market.services.opportunities.delete(owner, opp["id"])
    finally:
        for emitter in emitters.values():
            emitter.unregister("before-call.*.*", count)
    assert made == ["dynamodb.GetItem", "dynamodb.TransactWriteItems"]
