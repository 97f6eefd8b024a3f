"""/v1/engagements: creation by the opportunity's owner, lists for both parties, the lifecycle
as conditional writes, and what a second client and a second sales pro can do."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def opp(market):
    return market.opportunity(market.client)


def engage(market, opp, pro=None, **body):
    pro = pro or market.pro
    return market.api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": pro.user_id, **body})


def test_owner_engages_a_pro_with_terms_from_the_opportunity(market, opp):
    answer = engage(market, opp)
    assert answer.status == 201, answer.json()
    eng = answer.json()
    assert re.match(r"^eng_[0-9A-Za-z]{22}$", eng["id"]) and eng["status"] == "pending"
    assert eng["client_id"] == market.client.user_id and eng["sales_pro_id"] == market.pro.user_id
    assert eng["opportunity_id"] == opp["id"] and eng["opportunity_title"] == opp["title"]
    assert eng["terms"] == {"compensation_model": "hybrid", "commission_rate": 0.1,
                            "base_salary_range": {"min": 80000, "max": 120000}}
    assert eng["currency"] == "usd" and eng["started_at"] is None
    for party in (market.client, market.pro):
        assert market.event_types(party.user_id)[-1] == "engagement.created"
        got = market.api.get(f"/v1/engagements/{eng['id']}", token=party.token)
        assert got.status == 200 and got.json() == eng
    # A new engagement's payments get entries in its partition from the start (engagement
    # analytics reads them in its one Query); the flag is not part of the answer.
    stored = market.services.engagements_repo.get(eng["id"])
    assert stored["payment_entries"] is True and "payment_entries" not in eng


def test_terms_given_override_the_opportunity(market, opp):
    answer = engage(market, opp, terms={"commission_rate": 0.2, "compensation_model": "commission"})
    assert answer.status == 201
    assert answer.json()["terms"] == {"compensation_model": "commission", "commission_rate": 0.2,
                                      "base_salary_range": {"min": 80000, "max": 120000}}


@pytest.mark.parametrize("body, status, param", [
    ({"sales_pro_id": None}, 400, "sales_pro_id"),
    ({"opportunity_id": 5}, 400, "opportunity_id"),
    ({"terms": {"commission_rate": 2}}, 400, "terms.commission_rate"),
    ({"terms": {"base_salary_range": {"min": 9, "max": 1}}}, 400, "terms.base_salary_range"),
    ({"terms": {"equity": 1}}, 400, "terms.equity"),
    ({"status": "active"}, 400, "status"),
    ({"sales_pro_id": "usr_nobody"}, 404, "sales_pro_id"),
    ({"opportunity_id": "opp_nothing"}, 404, "opportunity_id"),
])
def test_create_validates_the_body(market, opp, body, status, param):
    payload = {"opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id, **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    answer = market.api.post("/v1/engagements", token=market.client.token, json_body=payload)
    assert answer.status == status and answer.error["param"] == param, answer.json()


def test_ids_in_the_body_are_checked_like_ids_in_paths(market, opp):
    api = market.api
    theirs = market.opportunity(market.client2)
    other = api.post("/v1/engagements", token=market.client.token, json_body={
        "opportunity_id": theirs["id"], "sales_pro_id": market.pro.user_id})
    assert other.status == 404 and other.error["param"] == "opportunity_id"
    client_as_pro = engage(market, opp, pro=market.client2)
    assert client_as_pro.status == 400 and client_as_pro.error["param"] == "sales_pro_id"
    by_pro = api.post("/v1/engagements", token=market.pro.token, json_body={
        "opportunity_id": opp["id"], "sales_pro_id": market.pro.user_id})
    assert by_pro.status == 403


def test_one_open_engagement_per_pro_and_opportunity(market, opp):
    first = engage(market, opp).json()
    again = engage(market, opp)
    assert again.status == 409 and again.error["code"] == "engagement_exists"
    assert engage(market, opp, pro=market.pro2).status == 201
    market.api.post(f"/v1/engagements/{first['id']}/terminate", token=market.client.token,
                    json_body={"reason": "Wrong fit"})
    assert engage(market, opp).status == 201  # ended ones free the slot


def test_closed_opportunities_cannot_be_engaged_but_paused_ones_can(market, opp):
    market.api.patch(f"/v1/opportunities/{opp['id']}", token=market.client.token,
                     json_body={"status": "paused"})
    assert engage(market, opp).status == 201
    market.api.patch(f"/v1/opportunities/{opp['id']}", token=market.client.token,
                     json_body={"status": "closed"})
    closed = engage(market, opp, pro=market.pro2)
    assert closed.status == 409 and closed.error["code"] == "opportunity_closed"


def test_lists_show_each_party_its_own_with_filters(market):
    api = market.api
    client = market.account("client")
    pro = market.account("sales_pro")
    a = market.opportunity(client)
    b = market.opportunity(client)
    e1 = api.post("/v1/engagements", token=client.token, json_body={
        "opportunity_id": a["id"], "sales_pro_id": pro.user_id}).json()
    e2 = api.post("/v1/engagements", token=client.token, json_body={
        "opportunity_id": b["id"], "sales_pro_id": pro.user_id}).json()
    e3 = api.post("/v1/engagements", token=client.token, json_body={
        "opportunity_id": a["id"], "sales_pro_id": market.pro2.user_id}).json()
    api.post(f"/v1/engagements/{e2['id']}/start", token=pro.token)

    def ids(account, query=""):
        answer = api.get(f"/v1/engagements?{query}", token=account.token)
        assert answer.status == 200, answer.json()
        return [e["id"] for e in answer.json()["data"]]
    assert ids(client) == [e3["id"], e2["id"], e1["id"]]
    assert ids(pro) == [e2["id"], e1["id"]]
    assert ids(client, "status=active") == [e2["id"]]
    assert ids(pro, "status=pending") == [e1["id"]]
    assert ids(client, f"opportunity_id={a['id']}") == [e3["id"], e1["id"]]
    assert ids(pro, f"opportunity_id={a['id']}") == [e1["id"]]
    assert ids(client, f"opportunity_id={a['id']}&status=pending&limit=1") == [e3["id"]]
    assert ids(market.client2, f"opportunity_id={a['id']}") == []
    page = api.get("/v1/engagements?limit=2", token=client.token).json()
    rest = api.get(f"/v1/engagements?limit=2&cursor={page['next_cursor']}", token=client.token)
    assert [e["id"] for e in rest.json()["data"]] == [e1["id"]]
    stolen = api.get(f"/v1/engagements?limit=2&cursor={page['next_cursor']}", token=pro.token)
    assert stolen.status == 400
    assert api.get("/v1/engagements?status=done", token=client.token).status == 400


def test_non_parties_get_404_everywhere(market, opp):
    eng = engage(market, opp).json()
    for outsider in (market.client2, market.pro2):
        for method, suffix, body in [("GET", "", None), ("POST", "/start", {}),
                                     ("POST", "/complete", {}),
                                     ("POST", "/terminate", {"reason": "x"}),
                                     ("GET", "/activities", None),
                                     ("POST", "/activities", {"type": "call"}),
                                     ("GET", "/metrics", None)]:
            answer = market.api.request(method, f"/v1/engagements/{eng['id']}{suffix}",
                                        token=outsider.token, json_body=body)
            assert answer.status == 404, (outsider, method, suffix)
            assert answer.error["code"] == "resource_missing"
    assert market.api.get("/v1/engagements/eng_nope", token=market.client.token).status == 404


def test_lifecycle_start_complete_with_events_and_wrong_party_403(market, opp):
    api = market.api
    eng = engage(market, opp).json()
    base = f"/v1/engagements/{eng['id']}"
    assert api.post(f"{base}/start", token=market.client.token).status == 403
    started = api.post(f"{base}/start", token=market.pro.token)
    assert started.status == 200 and started.json()["status"] == "active"
    assert started.json()["started_at"]
    assert api.post(f"{base}/complete", token=market.pro.token).status == 403
    completed = api.post(f"{base}/complete", token=market.client.token)
    assert completed.status == 200 and completed.json()["status"] == "completed"
    for party in (market.client, market.pro):
        types = market.event_types(party.user_id)
        assert types[-2:] == ["engagement.started", "engagement.completed"]
    record = market.services.store.get({"PK": f"USER#{market.pro.user_id}", "SK": "AGG#TOTAL"})
    assert record["engs_completed_lifetime"] >= 1  # the pro's track record, read by matching


@pytest.mark.parametrize("steps, verb, status_now", [
    ([], "complete", "pending"),
    (["start"], "start", "active"),
    (["start", "complete"], "terminate", "completed"),
    (["terminate"], "start", "terminated"),
    (["terminate"], "terminate", "terminated"),
])
def test_bad_transitions_are_409_with_a_clear_message(market, opp, steps, verb, status_now):
    api = market.api
    eng = engage(market, opp).json()
    actor = {"start": market.pro, "complete": market.client, "terminate": market.client}
    body = {"terminate": {"reason": "Budget cut"}}
    for step in steps:
        assert api.post(f"/v1/engagements/{eng['id']}/{step}", token=actor[step].token,
                        json_body=body.get(step)).status == 200
    answer = api.post(f"/v1/engagements/{eng['id']}/{verb}", token=actor[verb].token,
                      json_body=body.get(verb))
    assert answer.status == 409 and answer.error["code"] == "invalid_state_transition"
    assert f"is {status_now}" in answer.error["message"]


def test_either_party_terminates_with_a_reason(market, opp):
    api = market.api
    eng = engage(market, opp).json()
    path = f"/v1/engagements/{eng['id']}/terminate"
    for body, param in [({}, "reason"), ({"reason": "  "}, "reason"), ({"reason": "x" * 1001},
                                                                       "reason")]:
        answer = api.post(path, token=market.pro.token, json_body=body)
        assert answer.status == 400 and answer.error["param"] == param
    done = api.post(path, token=market.pro.token, json_body={"reason": "Found a full-time role"})
    assert done.status == 200 and done.json()["status"] == "terminated"
    assert done.json()["termination_reason"] == "Found a full-time role"
    assert done.json()["terminated_by"] == market.pro.user_id
    assert market.event_types(market.client.user_id)[-1] == "engagement.terminated"


def test_start_and_complete_refuse_unknown_fields(market, opp):
    eng = engage(market, opp).json()
    answer = market.api.post(f"/v1/engagements/{eng['id']}/start", token=market.pro.token,
                             json_body={"force": True})
    assert answer.status == 400 and answer.error["param"] == "force"


def test_two_racing_transitions_cannot_both_win(market, opp, monkeypatch):
    """Both calls read the same state before either writes: the conditional write lets exactly
    one win (client completes while the pro terminates; the pro double-clicks start)."""
    from chalicelib.auth.caller import Caller
    from chalicelib.errors import Conflict
    from chalicelib.storage.engagements import TransitionRefused

    eng_id = engage(market, opp).json()["id"]
    market.api.post(f"/v1/engagements/{eng_id}/start", token=market.pro.token)
    repo = market.services.engagements_repo
    read_by_both = repo.get(eng_id, consistent=True)
    now = "2026-01-01T00:00:00.000000Z"
    repo.transition(read_by_both, to="completed", allowed_from=("active",),
                    actor_attr="client_id", actor_id=market.client.user_id,
                    changes={"updated_at": now, "completed_at": now}, events=[])
    with pytest.raises(TransitionRefused):
        repo.transition(read_by_both, to="terminated", allowed_from=("pending", "active"),
                        actor_attr="sales_pro_id", actor_id=market.pro.user_id,
                        changes={"updated_at": now, "terminated_at": now}, events=[])
    assert repo.get(eng_id, consistent=True)["status"] == "completed"

    # Through the service: a second `start` that also read `pending` is told what it is now.
    second = engage(market, market.opportunity(market.client)).json()["id"]
    stale = repo.get(second, consistent=True)
    market.api.post(f"/v1/engagements/{second}/start", token=market.pro.token)
    real_get = repo.get
    monkeypatch.setattr(repo, "get", lambda eng, consistent=False:
                        real_get(eng, True) if consistent else stale)
    pro = Caller(market.pro.user_id, "sales_pro", "professional", frozenset({"write"}), "")
    with pytest.raises(Conflict) as refused:
        market.services.engagements.transition(pro, second, "start")
    assert refused.value.code == "invalid_state_transition"
    assert "is active" in refused.value.message


def test_ending_an_engagement_leaves_its_escrow_follow_up_to_the_stream(market, opp,
                                                                        monkeypatch):
    """The POST answers once the transition commits and makes no escrow call; the table
    stream's consumer then asks escrow, once per end (tests/payments/test_followups.py has
    the money)."""
    from chalicelib.services.payments.escrow import EscrowService
    from support.streams import StreamTap

    asked: list[tuple[str, str]] = []
    for verb in ("completed", "terminated"):
        monkeypatch.setattr(EscrowService, f"on_engagement_{verb}",
                            lambda self, eng, verb=verb: asked.append((verb, eng["id"])))
    stream = StreamTap(market.services, "escrow_followups")
    completed = engage(market, opp).json()["id"]
    market.api.post(f"/v1/engagements/{completed}/start", token=market.pro.token)
    done = market.api.post(f"/v1/engagements/{completed}/complete", token=market.client.token)
    terminated = engage(market, opp, pro=market.pro2).json()["id"]
    ended = market.api.post(f"/v1/engagements/{terminated}/terminate",
                            token=market.client.token, json_body={"reason": "Budget cut"})
    assert (done.status, ended.status) == (200, 200) and asked == []
    stream.deliver()
    assert asked == [("completed", completed), ("terminated", terminated)]
