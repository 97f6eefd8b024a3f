"""The summary's AWS calls against issue #20's read budget (3, the authorizer's GetItem and the
rate limiter's UpdateItem included), with the same answers its Queries gave."""
from __future__ import annotations

from collections import Counter

import pytest

from .builders import (activity_event, apply, as_written_before_the_counters, at, days_ago,
                       engagement_event, money_event, open_account, put_engagement,
                       put_open_opportunity, send_interest)

AUTHORIZER_AND_RATE_LIMIT = Counter({"GetItem": 1, "UpdateItem": 1})
STATUS_AFTER = {"created": "pending", "started": "active", "completed": "completed"}


@pytest.fixture(scope="module")
def accounts(module_services, new_party):
    """Accounts opened since the counters (as sign-up opens them): a client with an active
    engagement with `pro` and a completed one with another pro; `pro` sent three interests."""
    services = module_services
    client, pro, other_pro = new_party("client"), new_party("sales_pro"), new_party("sales_pro")
    for party in (client, pro, other_pro):
        open_account(services, party.user_id)
    active = put_engagement(services, client.user_id, pro.user_id, commission_rate=0.2)
    done = put_engagement(services, client.user_id, other_pro.user_id)
    for eng, verbs in ((active, ("created", "started")), (done, ("created", "started",
                                                                  "completed"))):
        for verb in verbs:
            apply(services, engagement_event(eng, verb, STATUS_AFTER[verb]))
    apply(services, activity_event(active, "deal_closed", at(days_ago(5)), value=20_000))
    apply(services, money_event(active, "escrow.funded", 10_000))
    for n in range(3):
        send_interest(services, put_open_opportunity(services, client.user_id), pro.user_id,
                      at(days_ago(3 * n)))
    return {"client": client, "pro": pro}


def summary(api, aws_calls, party, query: str = "") -> tuple[dict, Counter]:
    aws_calls.clear()
    answer = api.get(f"/v1/analytics/summary{query}", token=party.token)
    assert answer.status == 200, answer.body
    return answer.json(), Counter(aws_calls)


def test_a_client_summary_is_the_authorizer_the_rate_limit_and_one_batchgetitem(
        api, aws_calls, accounts):
    body, calls = summary(api, aws_calls, accounts["client"])
    assert calls == AUTHORIZER_AND_RATE_LIMIT + Counter({"BatchGetItem": 1})
    assert body["active_sales_pros"] == 1 and body["engagements_created"] == 2
    assert body["escrow"] == {"funded": 10_000, "released": 0, "available": 10_000}


def test_a_sales_pro_summary_is_the_authorizer_the_rate_limit_and_one_batchgetitem(
        api, aws_calls, accounts):
    body, calls = summary(api, aws_calls, accounts["pro"])
    assert calls == AUTHORIZER_AND_RATE_LIMIT + Counter({"BatchGetItem": 1})
    assert (body["interests_sent"], body["interest_to_engagement_conversion"]) == (3, 0.3333)
    assert body["earnings"]["pending"] == 10_000


@pytest.mark.parametrize("who", ["client", "pro"])
def test_a_ranged_summary_adds_only_the_day_items_query(api, aws_calls, accounts, who):
    body, calls = summary(api, aws_calls, accounts[who], f"?from={days_ago(5)}")
    assert calls == AUTHORIZER_AND_RATE_LIMIT + Counter({"BatchGetItem": 1, "Query": 1})
    assert body["deals_closed"] == 1
    if who == "pro":  # sent today and 3 days ago; the third, 6 days ago, is outside
        assert body["interests_sent"] == 2


def test_a_client_without_any_aggregates_is_still_three_calls(api, aws_calls, new_party):
    body, calls = summary(api, aws_calls, new_party("client"))
    assert calls == AUTHORIZER_AND_RATE_LIMIT + Counter({"BatchGetItem": 1})
    assert body["active_sales_pros"] == 0


def test_totals_written_before_the_counters_are_answered_by_the_queries(
        api, aws_calls, services, accounts, new_party):
    client = new_party("client")
    eng = put_engagement(services, client.user_id, accounts["pro"].user_id)
    apply(services, engagement_event(eng, "started", "active"))
    as_written_before_the_counters(services, client.user_id)
    body, calls = summary(api, aws_calls, client)
    assert calls == AUTHORIZER_AND_RATE_LIMIT + Counter({"BatchGetItem": 1, "Query": 1})
    assert body["active_sales_pros"] == 1
