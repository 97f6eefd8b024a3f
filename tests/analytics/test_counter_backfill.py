"""`admin backfill-analytics-counters` on aggregates written before the summary's counters:
the counts it writes, re-runs and interrupted runs, and the stream moving pairs meanwhile."""
from __future__ import annotations

from argparse import Namespace
from collections import Counter

import pytest

from chalicelib.admin import commands
from chalicelib.services.analytics.counter_backfill import CounterBackfill
from chalicelib.storage.counter_backfill import CounterBackfillStore

from .builders import (apply, as_written_before_the_counters, at, days_ago, engagement_event,
                       open_account, put_engagement, put_interest, put_open_opportunity,
                       send_interest)


def totals(services, user_id: str) -> dict:
    return services.table.get_item(Key={"PK": f"USER#{user_id}", "SK": "AGG#ALL"}).get("Item", {})


def day(services, user_id: str, n: int) -> dict:
    return services.table.get_item(Key={"PK": f"USER#{user_id}",
                                        "SK": f"AGG#DAY#{days_ago(n).isoformat()}"}).get("Item", {})


def summary(api, aws_calls, party, query: str = "") -> tuple[dict, Counter]:
    aws_calls.clear()
    answer = api.get(f"/v1/analytics/summary{query}", token=party.token)
    assert answer.status == 200, answer.body
    return answer.json(), Counter(aws_calls)


@pytest.fixture
def backfill(services):
    return CounterBackfill(CounterBackfillStore(services.store))


@pytest.fixture
def old_client(services, new_party):
    """A client with three active engagements with two pros and an ended one with a third,
    whose totals were written the old way."""
    client = new_party("client")
    pros = [new_party("sales_pro").user_id for _ in range(3)]
    engagements = [put_engagement(services, client.user_id, pro)
                   for pro in (pros[0], pros[0], pros[1], pros[2])]
    for eng in engagements:
        apply(services, engagement_event(eng, "started", "active"))
    apply(services, engagement_event(engagements[3], "completed", "completed"))
    as_written_before_the_counters(services, client.user_id)
    return client, engagements


def test_a_client_is_recounted_from_its_pairs_then_answered_from_its_totals(
        api, aws_calls, services, backfill, old_client):
    client, engagements = old_client
    # Between the deploy and the backfill the stream moves the counter of an unmarked total.
    apply(services, engagement_event(engagements[2], "terminated", "terminated"))
    body, calls = summary(api, aws_calls, client)
    assert body["active_sales_pros"] == 1 and calls["Query"] == 1  # counted the old way
    assert backfill.client(client.user_id) == "backfilled"
    assert totals(services, client.user_id)["active_sales_pros"] == 1
    assert totals(services, client.user_id)["counters"] == "backfilled"
    after, calls = summary(api, aws_calls, client)
    assert after == body and "Query" not in calls and sum(calls.values()) == 3
    assert backfill.client(client.user_id) == "already"
    apply(services, engagement_event(engagements[0], "completed", "completed"))
    apply(services, engagement_event(engagements[1], "terminated", "terminated"))
    assert summary(api, aws_calls, client)[0]["active_sales_pros"] == 0


@pytest.mark.parametrize("moved_since_the_deploy", [False, True])
def test_a_pair_crossing_during_the_recount_makes_it_count_again(
        services, backfill, old_client, new_party, monkeypatch, moved_since_the_deploy):
    client, engagements = old_client
    expected = 3
    if moved_since_the_deploy:  # the counter has a version already
        apply(services, engagement_event(engagements[2], "terminated", "terminated"))
        expected = 2
    newcomer = put_engagement(services, client.user_id, new_party("sales_pro").user_id)
    store = backfill._store
    real_set, writes = store.set_active_sales_pros, []

    def stream_moves_first(client_id, count, version):
        if not writes:  # the stream applies a start after the backfill counted the pairs
            apply(services, engagement_event(newcomer, "started", "active"))
        writes.append(real_set(client_id, count, version))
        return writes[-1]

    monkeypatch.setattr(store, "set_active_sales_pros", stream_moves_first)
    assert backfill.client(client.user_id) == "backfilled"
    assert writes == [False, True]
    assert totals(services, client.user_id)["active_sales_pros"] == expected
    assert services.aggregates.active_sales_pros(client.user_id, consistent=True) == expected


def test_a_client_still_moving_after_every_attempt_is_reported_busy(services, old_client,
                                                                   monkeypatch):
    client, _ = old_client
    store = CounterBackfillStore(services.store)
    monkeypatch.setattr(store, "set_active_sales_pros", lambda *args: False)
    report = CounterBackfill(store, attempts=2).run([(client.user_id, "client")])
    assert report.busy == [client.user_id] and report.backfilled == 0


def test_writes_the_stream_keeps_cancelling_are_retried_then_reported_busy(
        services, old_client, monkeypatch):
    from botocore.exceptions import ClientError

    client, _ = old_client
    store = CounterBackfillStore(services.store)
    real_update, conflicts = services.store.update, []

    def conflicting(*args, **kwargs):
        if len(conflicts) < conflicts_wanted:
            conflicts.append(True)
            raise ClientError({"Error": {"Code": "TransactionConflictException"}}, "UpdateItem")
        return real_update(*args, **kwargs)

    monkeypatch.setattr(services.store, "update", conflicting)
    monkeypatch.setattr("chalicelib.storage.counter_backfill.time.sleep", lambda _: None)
    conflicts_wanted = 100
    assert CounterBackfill(store).run([(client.user_id, "client")]).busy == [client.user_id]
    conflicts.clear()
    conflicts_wanted = 1
    assert CounterBackfill(store).run([(client.user_id, "client")]).backfilled == 1


@pytest.fixture
def old_pro(services, new_party):
    """A sales pro with three interests sent before the counters (two 10 days ago, one 20
    days ago) and one sent since (yesterday, counted)."""
    client, pro = new_party("client"), new_party("sales_pro")
    for n in (10, 10, 20):
        put_interest(services, put_open_opportunity(services, client.user_id), client.user_id,
                     pro.user_id, at(days_ago(n)))
    send_interest(services, put_open_opportunity(services, client.user_id), pro.user_id,
                  at(days_ago(1)))
    return pro


def test_a_pros_uncounted_interests_are_added_to_its_days_and_total_once(
        api, aws_calls, services, backfill, old_pro):
    body, calls = summary(api, aws_calls, old_pro)
    assert body["interests_sent"] == 4 and calls["Query"] == 1  # counted the old way
    assert backfill.sales_pro(old_pro.user_id) == ("backfilled", 3)
    assert totals(services, old_pro.user_id)["interests_sent"] == 4
    assert [day(services, old_pro.user_id, n).get("interests_sent") for n in (1, 10, 20)] \
        == [1, 2, 1]
    after, calls = summary(api, aws_calls, old_pro)
    assert after == body and sum(calls.values()) == 3
    ranged, calls = summary(api, aws_calls, old_pro, f"?from={days_ago(15)}")
    assert ranged["interests_sent"] == 3 and calls["Query"] == 1  # the day items only
    assert backfill.sales_pro(old_pro.user_id) == ("already", 0)
    assert totals(services, old_pro.user_id)["interests_sent"] == 4


def test_an_interrupted_backfill_finishes_on_the_next_run_without_adding_twice(
        services, old_pro, monkeypatch):
    store = CounterBackfillStore(services.store)
    real_total = store.add_to_total

    def crash(pro_id, count):
        raise ConnectionError("the operator's laptop went to sleep")

    monkeypatch.setattr(store, "add_to_total", crash)
    with pytest.raises(ConnectionError):
        CounterBackfill(store).sales_pro(old_pro.user_id)
    assert day(services, old_pro.user_id, 10)["interests_sent"] == 2
    monkeypatch.setattr(store, "add_to_total", real_total)
    assert CounterBackfill(store).sales_pro(old_pro.user_id) == ("backfilled", 3)
    assert day(services, old_pro.user_id, 10)["interests_sent"] == 2
    assert totals(services, old_pro.user_id)["interests_sent"] == 4


def test_an_account_opened_during_the_deploy_still_gets_its_old_interests(
        services, backfill, new_party):
    client, pro = new_party("client"), new_party("sales_pro")
    open_account(services, pro.user_id)  # signed up with the new code...
    put_interest(services, put_open_opportunity(services, client.user_id), client.user_id,
                 pro.user_id, at(days_ago(0)))  # ...but the old API wrote its first interest
    assert backfill.sales_pro(pro.user_id) == ("backfilled", 1)
    assert totals(services, pro.user_id)["interests_sent"] == 1


def test_the_command_backfills_the_accounts_named_with_queries_and_updates_only(
        aws_calls, services, old_client, old_pro):
    client, _ = old_client
    aws_calls.clear()
    report = commands.backfill_analytics_counters(
        services, Namespace(user_id=[client.user_id, old_pro.user_id]))
    assert report == {"clients": 1, "sales_pros": 1, "backfilled": 2, "already": 0,
                      "interests_added": 3, "busy": []}
    assert set(aws_calls) <= {"GetItem", "Query", "UpdateItem"}
    again = commands.backfill_analytics_counters(
        services, Namespace(user_id=[client.user_id, old_pro.user_id]))
    assert (again["backfilled"], again["already"]) == (0, 2)


def test_the_command_refuses_a_member_of_someone_elses_organization(services, client):
    member = f"{client.user_id}m"
    services.table.put_item(Item={"PK": f"USER#{member}", "SK": "PROFILE", "entity": "user",
                                  "id": member, "type": "client", "account_id": client.user_id})
    with pytest.raises(commands.CommandError, match="not an account"):
        commands.backfill_analytics_counters(services, Namespace(user_id=[member]))


def test_every_account_is_listed_from_gsi1_without_members(services):
    from chalicelib.ids import new_id

    owner, member, legacy, pro = (new_id("usr") for _ in range(4))
    for user_id, user_type, extra in ((owner, "client", {"account_id": owner}),
                                      (member, "client", {"account_id": owner}),
                                      (legacy, "client", {}), (pro, "sales_pro", {})):
        services.table.put_item(Item={
            "PK": f"USER#{user_id}", "SK": "PROFILE", "entity": "user", "id": user_id,
            "type": user_type, **extra, "created_at": "2026-01-01T00:00:00.000000Z",
            "GSI1PK": f"USERS#{user_type}",
            "GSI1SK": f"2026-01-01T00:00:00.000000Z#{user_id}"})
    store = CounterBackfillStore(services.store)
    clients = set(store.accounts("client"))
    assert {owner, legacy} <= clients and member not in clients
    assert pro in set(store.accounts("sales_pro"))
