"""Users, opportunities and engagements through the SDK, sync and async."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from unittest.mock import ANY

import pytest

import leadnod
from leadnod.models import (Activity, BulkItemError, Engagement, Interest, Match, Metrics,
                            Opportunity, PublicUser, User)

from support.marketplace import DOCS_OPPORTUNITY, MatchingQueue

from .conftest import active_engagement


def test_users_me_update_retrieve_and_search(sdk, people):
    pro = sdk.client(people.new("sales_pro", industry="saas", profile={
        "skills": ["Cold calling"], "years_experience": 4}))
    client = sdk.client(people.client)

    me = sdk.run(pro.users.me())
    assert isinstance(me, User) and me.type == "sales_pro" and me.email
    updated = sdk.run(pro.users.update_me(name="Alex Rivera", profile={
        "headline": "SaaS closer", "skills": ["Negotiation", "Demos"]}))
    assert (updated.name, updated.profile.headline) == ("Alex Rivera", "SaaS closer")
    assert updated.profile.skills == ["Negotiation", "Demos"]
    assert updated.updated_at >= me.updated_at

    seen = sdk.run(client.users.retrieve(me.id))
    assert isinstance(seen, PublicUser) and not isinstance(seen, User)
    assert seen.name == "Alex Rivera" and not hasattr(seen, "email")

    found = sdk.all(client.users.search(industry="saas", skills=["Demos", "Negotiation"],
                                        min_experience=3, limit=2))
    assert me.id in [user.id for user in found]
    assert all(isinstance(user, PublicUser) for user in found)


def test_opportunities_from_creation_to_deletion(sdk, people, services):
    # Energy and a rare requirement: the scoring run reads few candidates (the table holds
    # every other test's sales pros).
    expert = people.new("sales_pro", industry="energy", profile={
        "skills": ["Grid storage"], "years_experience": 12, "availability": "available",
        "compensation_models": ["hybrid"]})
    client, pro = sdk.client(people.client), sdk.client(expert)
    matching = MatchingQueue(services)
    matching.discard()
    opp = sdk.run(client.opportunities.create(**{
        **DOCS_OPPORTUNITY, "industry": "energy", "requirements": ["Grid storage"]}))
    assert isinstance(opp, Opportunity) and opp.id.startswith("opp_")
    assert (opp.title, opp.status, opp.commission_rate) == (
        "Enterprise Account Executive", "open", 0.1)
    assert opp.base_salary_range.min == 80000 and opp.created_at.tzinfo is not None

    assert sdk.run(pro.opportunities.retrieve(opp.id)).id == opp.id
    changed = sdk.run(client.opportunities.update(opp.id, description=None, status="paused",
                                                  requirements=["Enterprise sales"]))
    assert (changed.description, changed.status) == (None, "paused")
    assert changed.requirements == ["Enterprise sales"] and changed.title == opp.title
    sdk.run(client.opportunities.update(opp.id, status="open"))
    listed = sdk.run(client.opportunities.list(industry="energy", limit=100))
    assert opp.id in [o.id for o in listed.data]

    interest = sdk.run(pro.opportunities.express_interest(opp.id, message="9 years of SaaS."))
    assert isinstance(interest, Interest) and interest.opportunity_id == opp.id
    interests = sdk.all(client.opportunities.interests(opp.id))
    assert [i.id for i in interests] == [interest.id]
    assert sdk.run(client.opportunities.retrieve(opp.id)).interest_count == 1

    assert sdk.run(client.opportunities.matches(opp.id)).matched_at is None
    assert matching.run() >= 1
    matches = sdk.run(client.opportunities.matches(opp.id, limit=3))
    assert matches.matched_at is not None and matches.extra == {"matched_at": ANY}
    every = sdk.all(client.opportunities.matches(opp.id, limit=3))  # other tests' pros too
    assert expert.user_id in [m.sales_pro_id for m in every]
    assert all(isinstance(m, Match) for m in every) and every[:3] == matches.data
    assert [m.score for m in every] == sorted((m.score for m in every), reverse=True)
    assert every[0].breakdown.industry >= 0 and every[0].sales_pro.name

    assert sdk.run(client.opportunities.delete(opp.id)) is None
    with pytest.raises(leadnod.NotFoundError) as missing:
        sdk.run(client.opportunities.retrieve(opp.id))
    assert missing.value.code == "resource_missing" and missing.value.request_id


def test_bulk_create_reports_each_item(sdk, people):
    client = sdk.client(people.client)
    result = sdk.run(client.opportunities.bulk_create(opportunities=[
        {**DOCS_OPPORTUNITY, "title": "Bulk one"},
        {"title": "Bulk two", "commission_rate": 7},
        {"title": "Bulk three", "industry": "fintech"},
    ]))
    assert [type(item) for item in result.data] == [Opportunity, BulkItemError, Opportunity]
    assert [o.title for o in result.created] == ["Bulk one", "Bulk three"]
    [error] = result.errors
    assert (error.index, error.error.code, error.error.param) == (
        1, "invalid_parameter", "commission_rate")

    with pytest.raises(leadnod.InvalidRequestError) as refused:
        sdk.run(client.opportunities.bulk_create(opportunities=[{"title": ""}]))
    assert refused.value.param == "opportunities"
    assert refused.value.body["data"][0]["error"]["param"] == "title"


def test_engagement_lifecycle_activities_and_metrics(sdk, people):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    opp = sdk.run(client.opportunities.create(**DOCS_OPPORTUNITY))
    pending = sdk.run(client.engagements.create(
        opportunity_id=opp.id, sales_pro_id=people.pro.user_id,
        terms={"commission_rate": 0.12}))
    assert isinstance(pending, Engagement) and pending.status == "pending"
    assert pending.terms.commission_rate == 0.12
    active = sdk.run(pro.engagements.start(pending.id))
    assert active.status == "active" and active.started_at is not None

    when = datetime.now(timezone(timedelta(hours=2)))  # sent with its offset
    call = sdk.run(pro.engagements.activities.log(
        active.id, type="call", description="Discovery call with Initech",
        outcome="Demo booked", occurred_at=when))
    deal = sdk.run(client.engagements.activities.log(
        active.id, type="deal_closed", description="Initech, 3-year contract", value=4800000))
    assert isinstance(call, Activity) and abs(call.occurred_at - when) < timedelta(seconds=1)
    assert deal.value == 4800000 and deal.logged_by == people.client.user_id
    logged = sdk.all(client.engagements.activities.list(active.id, limit=1))
    assert {a.id for a in logged} == {call.id, deal.id}

    metrics = sdk.run(client.engagements.metrics(active.id))
    assert isinstance(metrics, Metrics)
    assert (metrics.activities_total, metrics.deals_closed, metrics.revenue) == (2, 1, 4800000)
    assert metrics.commission_earned == 576000 and metrics.activity_counts["call"] == 1

    assert active.id in [e.id for e in sdk.all(pro.engagements.list(status="active"))]
    assert sdk.run(pro.engagements.retrieve(active.id)).status == "active"
    assert sdk.run(client.engagements.complete(active.id)).status == "completed"

    second = sdk.run(client.engagements.create(opportunity_id=opp.id,
                                               sales_pro_id=people.pro2.user_id))
    ended = sdk.run(client.engagements.terminate(second.id, reason="Role filled"))
    assert (ended.status, ended.termination_reason) == ("terminated", "Role filled")
    mine = sdk.all(client.engagements.list(opportunity_id=opp.id))
    assert {e.id: e.status for e in mine} == {active.id: "completed", second.id: "terminated"}


def test_state_and_permission_errors_carry_the_api_details(sdk, people):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    engagement = active_engagement(sdk, client, pro, people.pro.user_id)
    with pytest.raises(leadnod.ConflictError) as conflict:
        sdk.run(pro.engagements.start(engagement.id))
    assert conflict.value.status == 409 and conflict.value.code == "invalid_state_transition"
    with pytest.raises(leadnod.PermissionDeniedError) as forbidden:
        sdk.run(pro.opportunities.create(title="Pros cannot post"))
    error = forbidden.value
    assert (error.status, error.code) == (403, "forbidden")
    assert error.doc_url == "https://docs.leadnod.com/errors/forbidden" and error.request_id
    with pytest.raises(leadnod.InvalidRequestError) as invalid:
        sdk.run(client.users.update_me(email="not-an-email"))
    assert (invalid.value.param, invalid.value.code) == ("email", "invalid_parameter")
    assert invalid.value.message == "The 'email' field must be a valid email address."


def test_a_create_whose_answer_was_lost_makes_one_object(sdk, people, no_sleep):
    """Every POST carries an Idempotency-Key and the API honours it on every POST: the retry
    gets the first answer back instead of creating a second opportunity."""
    client = sdk.client(people.new("client", company="Retry Co", industry="saas"))
    sdk.transport.fail("/v1/opportunities", kind="drop")  # processed, answer lost
    opp = sdk.run(client.opportunities.create(**DOCS_OPPORTUNITY))
    first, retry = sdk.transport.sent("POST", "/v1/opportunities")
    assert first.status is None and retry.status == 201 and len(no_sleep) == 1
    assert retry.headers["idempotency-key"] == first.headers["idempotency-key"]
    assert [o.id for o in sdk.all(client.opportunities.list())] == [opp.id]
