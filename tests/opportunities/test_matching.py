"""Matching: the queue consumer computes and stores ranked, explainable candidates; the read is
one Query; profile changes, interest and opportunity changes re-score; only owners see it."""
from __future__ import annotations

import json
import uuid

import pytest

from chalicelib.auth.caller import Caller
from chalicelib.models.matching import MatchListParams
from support.streams import StreamTap


def unique_skill() -> str:
    return f"widget{uuid.uuid4().hex[:8]} sales"


def caller_for(account) -> Caller:
    return Caller(account.user_id, account.type, "professional", frozenset({"read", "write"}),
                  account.client_id)


def matches(market, opp, owner) -> dict:
    answer = market.api.get(f"/v1/opportunities/{opp['id']}/matches?limit=100", token=owner.token)
    assert answer.status == 200, answer.json()
    return answer.json()


def by_pro(page: dict) -> dict[str, dict]:
    return {m["sales_pro_id"]: m for m in page["data"]}


@pytest.fixture(scope="module")
def cast(market):
    """A unique skill and four pros, made once for the module: the tests only read them (a test
    that changes a profile makes its own pro)."""
    skill = unique_skill()
    pros = {
        "best": market.account("sales_pro", industry="logistics", profile={
            "skills": [skill.title()], "years_experience": 8,
            "compensation_models": ["commission"]}),
        "skilled_elsewhere": market.account("sales_pro", industry="energy", profile={
            "skills": [skill], "years_experience": 10, "compensation_models": ["commission"]}),
        "same_industry": market.account("sales_pro", industry="logistics", profile={
            "skills": ["Cold calling"], "years_experience": 3, "availability": "limited",
            "compensation_models": ["hybrid"]}),
        "unavailable": market.account("sales_pro", industry="logistics", profile={
            "years_experience": 1, "availability": "unavailable"}),
    }
    return pros, skill


@pytest.fixture
def logistics(market, cast):
    """A fresh client's logistics opportunity asking for the cast's skill; deleted (and its
    items cleaned) afterwards so later tests' profile changes do not fan out to it."""
    market.matching.discard()
    pros, skill = cast
    owner = market.account("client")
    opp = market.opportunity(owner, title="Freight AE", industry="logistics",
                             compensation_model="commission",
                             requirements=["7+ years experience", skill])
    cleanup = StreamTap(market.services, "matching_cleanup")
    yield owner, opp, pros, skill
    market.api.delete(f"/v1/opportunities/{opp['id']}", token=owner.token)
    cleanup.deliver()
    market.matching.run()


def test_worker_stores_ranked_explainable_candidates(market, logistics):
    owner, opp, pros, _ = logistics
    assert market.matching.run() >= 1  # the opportunity's first run
    page = matches(market, opp, owner)
    ranked = [m["sales_pro_id"] for m in page["data"]]
    ours = [uid for uid in ranked if uid in {p.user_id for p in pros.values()}]
    assert ours == [pros[k].user_id for k in ("best", "skilled_elsewhere", "same_industry",
                                              "unavailable")]
    found = by_pro(page)
    assert found[pros["best"].user_id]["breakdown"] == {
        "industry": 20, "skills": 30, "experience": 15, "availability": 10, "compensation": 10,
        "track_record": 0, "interest": 0}
    assert found[pros["best"].user_id]["score"] == 85
    assert found[pros["skilled_elsewhere"].user_id]["score"] == 65
    assert found[pros["same_industry"].user_id]["breakdown"] == {
        "industry": 20, "skills": 0, "experience": 6.4, "availability": 5, "compensation": 5,
        "track_record": 0, "interest": 0}
    assert found[pros["unavailable"].user_id]["score"] == 27.1
    for match in page["data"]:
        assert 0 <= match["score"] <= 100
        assert match["score"] == pytest.approx(sum(match["breakdown"].values()), abs=0.05)
        assert match["sales_pro"]["id"] == match["sales_pro_id"]
        assert "email" not in match["sales_pro"] and match["sales_pro"]["type"] == "sales_pro"
    scores = [m["score"] for m in page["data"]]
    assert scores == sorted(scores, reverse=True)
    assert page["matched_at"] and page["has_more"] is False
    assert "opportunity.matched" in market.event_types(owner.user_id)


def test_reading_matches_is_one_query(market, logistics, dynamodb_calls):
    owner, opp, _, _ = logistics
    market.matching.run()
    dynamodb_calls.clear()
    page = market.services.matching.matches(caller_for(owner), opp["id"],
                                            MatchListParams(limit=100))
    assert len(page.data) >= 4
    assert [name for name, _ in dynamodb_calls] == ["Query"]


def test_a_run_reads_postings_not_every_pro(market, logistics, dynamodb_calls):
    _, opp, _, skill = logistics
    dynamodb_calls.clear()
    result = market.services.matching.run(opp["id"])
    assert result.candidates >= 4 and result.scored >= 4
    assert "Scan" not in [name for name, _ in dynamodb_calls]
    partitions = [value["S"] for name, params in dynamodb_calls if name == "Query"
                  for value in params["ExpressionAttributeValues"].values()
                  if value.get("S", "").startswith(("SEARCH#", "OPP#"))]
    searched = [p for p in partitions if p.startswith("SEARCH#")]
    assert "SEARCH#industry:logistics" in searched
    assert f"SEARCH#skill:{skill}" in searched and "SEARCH#all" not in searched
    assert len(searched) <= 8  # the industry and the phrases of one skill requirement


def test_matches_page_and_only_the_owner_sees_them(market, logistics):
    owner, opp, _, _ = logistics
    market.matching.run()
    path = f"/v1/opportunities/{opp['id']}/matches"
    first = market.api.get(f"{path}?limit=2", token=owner.token).json()
    assert len(first["data"]) == 2 and first["has_more"]
    second = market.api.get(f"{path}?limit=2&cursor={first['next_cursor']}", token=owner.token)
    assert second.status == 200
    assert not {m["sales_pro_id"] for m in first["data"]} & {
        m["sales_pro_id"] for m in second.json()["data"]}
    forged = market.api.get(f"/v1/opportunities/{opp['id']}/matches?cursor={first['next_cursor']}",
                            token=market.client2.token)
    assert forged.status == 404
    assert market.api.get(path, token=market.pro.token).status == 403  # may see the opportunity
    assert market.api.get(path, token=market.client2.token).status == 404
    assert market.api.get("/v1/opportunities/opp_nope/matches", token=owner.token).status == 404


def test_profile_changes_that_matter_rescore_and_what_is_shown_refreshes(market, logistics):
    owner, opp, _, skill = logistics
    pro = market.account("sales_pro", industry="logistics", profile={
        "skills": ["Cold calling"], "years_experience": 3, "availability": "limited",
        "compensation_models": ["hybrid"]})
    market.matching.run()
    before = by_pro(matches(market, opp, owner))[pro.user_id]
    market.api.patch("/v1/users/me", token=pro.token,
                     json_body={"profile": {"skills": ["Cold calling", skill]}})
    market.matching.run()
    after = by_pro(matches(market, opp, owner))[pro.user_id]
    assert after["breakdown"]["skills"] == 30 and after["score"] == before["score"] + 30
    market.api.patch("/v1/users/me", token=pro.token, json_body={"name": "Renamed Pro"})
    market.matching.run()
    renamed = by_pro(matches(market, opp, owner))[pro.user_id]
    assert renamed["sales_pro"]["name"] == "Renamed Pro" and renamed["score"] == after["score"]
    market.api.patch("/v1/users/me", token=pro.token,
                     json_body={"profile": {"availability": "unavailable"}})
    market.matching.run()
    assert by_pro(matches(market, opp, owner))[pro.user_id]["breakdown"]["availability"] == 0


def test_interest_adds_an_outside_pro_to_the_matches(market, logistics):
    owner, opp, _, _ = logistics
    market.matching.run()
    outsider = market.account("sales_pro", industry="media", profile={"years_experience": 7})
    answer = market.api.post(f"/v1/opportunities/{opp['id']}/interest", token=outsider.token)
    assert answer.status == 201
    market.matching.run()
    match = by_pro(matches(market, opp, owner))[outsider.user_id]
    assert match["breakdown"]["interest"] == 5 and match["breakdown"]["industry"] == 0
    assert market.event_types(owner.user_id).count("opportunity.matched") == 2


def test_changing_the_requirements_reruns_matching(market, logistics):
    owner, opp, pros, _ = logistics
    market.matching.run()
    market.api.patch(f"/v1/opportunities/{opp['id']}", token=owner.token,
                     json_body={"requirements": ["Cold calling"]})
    market.matching.run()
    found = by_pro(matches(market, opp, owner))
    assert found[pros["same_industry"].user_id]["breakdown"]["skills"] == 30
    assert found[pros["best"].user_id]["breakdown"]["skills"] == 0
    assert found[pros["best"].user_id]["breakdown"]["experience"] == 12  # 8 of 10 years


def test_an_unchanged_rerun_writes_nothing_and_an_older_run_cannot_publish(market, logistics):
    owner, opp, _, _ = logistics
    market.matching.run()
    again = market.services.matching.run(opp["id"])
    assert again.changed is False and again.stored >= 4
    repo = market.services.matches_repo
    older = int(repo.start_run(opp["id"])["match_runs"])
    newer = int(repo.start_run(opp["id"])["match_runs"])
    fake = {"sales_pro_id": "usr_fake", "score": 1.0, "breakdown": {}, "sales_pro": {}}
    repo.write_generation(opp["id"], newer, [{**fake, "sales_pro_id": "usr_newer"}])
    repo.write_generation(opp["id"], older, [{**fake, "sales_pro_id": "usr_older"}])
    assert repo.publish(opp["id"], newer, "2026-01-01T00:00:00.000000Z", []) is True
    assert repo.publish(opp["id"], older, "2026-01-01T00:00:00.000000Z", []) is False
    _, published = repo.read(opp["id"])
    assert [m["sales_pro_id"] for m in published] == ["usr_newer"]


def test_paused_or_closed_opportunities_are_not_matched(market, logistics):
    owner, opp, _, _ = logistics
    market.api.patch(f"/v1/opportunities/{opp['id']}", token=owner.token,
                     json_body={"status": "paused"})
    result = market.services.matching.run(opp["id"])
    assert result.generation is None and result.stored == 0


def test_deleting_an_opportunity_removes_its_matches_and_interests(market, logistics):
    from boto3.dynamodb.conditions import Key

    owner, opp, pros, _ = logistics
    cleanup = StreamTap(market.services, "matching_cleanup")
    market.api.post(f"/v1/opportunities/{opp['id']}/interest", token=pros["best"].token)
    market.matching.run()
    assert market.api.delete(f"/v1/opportunities/{opp['id']}", token=owner.token).status == 204
    # The request asked for nothing: the clean-up is asked for from the item's removal.
    assert market.matching.run() == 0
    assert cleanup.deliver() > 0
    assert market.matching.run() == 1
    left = list(market.services.store.query_all(Key("PK").eq(f"OPP#{opp['id']}")))
    assert left == []
    cleanup.redeliver()  # a retried batch asks again; the clean-up is idempotent
    assert market.matching.run() == 1
    assert list(market.services.store.query_all(Key("PK").eq(f"OPP#{opp['id']}"))) == []
    assert opp["id"] not in market.services.matches_repo.opportunities_matching(
        pros["best"].user_id)


def test_worker_reports_only_failed_messages_and_drops_unreadable_ones(market, monkeypatch):
    from app import app
    from chalicelib import wiring
    from devstack.pollers import lambda_context, sqs_event

    matching = wiring.container().matching
    real_run = matching.run
    monkeypatch.setattr(matching, "run", lambda opp_id: (_ for _ in ()).throw(
        RuntimeError("boom")) if opp_id == "opp_boom" else real_run(opp_id))
    bodies = {"m1": "not json", "m2": json.dumps({"type": "match_opportunity",
                                                  "opportunity_id": "opp_boom"}),
              "m3": json.dumps({"type": "match_opportunity", "opportunity_id": "opp_boom"}),
              "m4": json.dumps({"type": "match_opportunity", "opportunity_id": "opp_gone"}),
              "m5": json.dumps({"type": "rescore_candidate", "opportunity_id": "opp_gone",
                                "sales_pro_id": "usr_x"}),
              "m6": json.dumps({"type": "who_knows"})}
    event = sqs_event([{"MessageId": mid, "ReceiptHandle": mid, "Body": body}
                       for mid, body in bodies.items()],
                      "arn:aws:sqs:us-east-1:123456789012:leadnod-dev-matching")
    result = app.handler_map["matching_worker"](event, lambda_context("matching"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}


def test_operators_can_rematch_synchronously(market, logistics):
    from argparse import Namespace

    from chalicelib.admin import commands

    _, opp, _, _ = logistics
    result = commands.rematch(market.services, Namespace(opportunity_id=[opp["id"], "opp_gone"]))
    first, gone = result["runs"]
    assert first["opportunity_id"] == opp["id"] and first["stored"] >= 4
    assert gone["generation"] is None


def test_the_bound_from_postings_is_never_below_the_full_score():
    """The run's early stop is only exact if the bound from a search posting is an upper bound
    of the score computed from the profile and the track record."""
    import random

    from chalicelib.services.match_scoring import criteria_for, score, upper_bound
    from chalicelib.services.search_index import tokens_for

    rng = random.Random(3)
    opp = {"industry": "saas", "compensation_model": "hybrid",
           "requirements": ["5+ years experience", "Enterprise sales", "Salesforce CRM"]}
    criteria = criteria_for(opp, ["usr_7"])
    for n in range(300):
        user = {"id": f"usr_{n}", "type": "sales_pro", "name": f"Pro {n}",
                "industry": rng.choice(["saas", "fintech"]), "profile": {
                    "skills": rng.sample(["Enterprise sales", "salesforce", "CRM", "demos"], 2),
                    "years_experience": rng.randint(0, 15),
                    "availability": rng.choice(["available", "limited", "unavailable"]),
                    "compensation_models": rng.sample(["commission", "base", "hybrid"],
                                                      rng.randint(0, 2))}}
        record = {"engs_completed_lifetime": rng.randint(0, 9), "deals_closed": rng.randint(0, 40)}
        posting = next(iter(tokens_for(user).values()))
        total, breakdown = score(criteria, user, record)
        assert upper_bound(criteria, posting) >= total
        assert 0 <= total <= 100 and total == pytest.approx(sum(breakdown.values()), abs=0.05)
