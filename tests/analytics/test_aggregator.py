"""The aggregator: events → counters, once each, through `apply` and through the stream."""
from __future__ import annotations

import copy
import os

from app import app
from chalicelib.storage.aggregates import marker_key
from devstack.pollers import dynamodb_stream_event, streams_client

from .builders import (activity_event, apply, at, days_ago, engagement_event, money_event,
                       put_engagement, record)


def day_item(services, pk: str, day) -> dict:
    return services.table.get_item(Key={"PK": pk, "SK": f"AGG#DAY#{day.isoformat()}"}).get(
        "Item", {})


def totals(services, pk: str) -> dict:
    return services.table.get_item(Key={"PK": pk, "SK": "AGG#ALL"}).get("Item", {})


def test_activity_counts_on_both_parties_and_the_engagement_day(services, client,
                                                                 pro):
    eng = put_engagement(services, client.user_id, pro.user_id,
                         commission_rate=0.15)
    day = days_ago(3)
    apply(services, activity_event(eng, "call", at(day)))
    apply(services, activity_event(eng, "deal_closed", at(day, 15), value=10_000))
    for pk in (f"USER#{client.user_id}", f"USER#{pro.user_id}", f"ENG#{eng['id']}"):
        item = day_item(services, pk, day)
        assert (item["activities"], item["act_call"], item["act_deal_closed"]) == (2, 1, 1)
        assert (item["revenue_usd"], item["commission_usd"]) == (10_000, 1_500)
    for pk in (f"USER#{client.user_id}", f"USER#{pro.user_id}"):
        assert totals(services, pk)["activities"] == 2
    # The engagement's analytics sum its day items: no lifetime counters of its own.
    assert "activities" not in totals(services, f"ENG#{eng['id']}")


def test_a_replayed_event_is_counted_once(services, client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id)
    payload = apply(services, activity_event(eng, "meeting", at(days_ago(1))))
    assert services.analytics_aggregator.apply(copy.deepcopy(payload)) is False
    assert day_item(services, f"ENG#{eng['id']}", days_ago(1))["act_meeting"] == 1
    marker = services.table.get_item(Key=marker_key(payload["id"]))["Item"]
    assert marker["ttl"] > 0 and marker["event_type"] == "activity.logged"


def test_stream_consumer_counts_new_outbox_items_and_ignores_the_rest(services, stream,
                                                                      client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id)
    stream.deliver()  # the engagement item itself: not an event
    record(services, *activity_event(eng, "demo", at(days_ago(2))))
    record(services, *money_event(eng, "escrow.funded", 50_000))
    record(services, "user.updated", {"user_id": pro.user_id, "changed": ["name"]},
           [pro.user_id])
    assert stream.deliver() >= 3
    assert day_item(services, f"ENG#{eng['id']}", days_ago(2))["act_demo"] == 1
    assert totals(services, f"USER#{client.user_id}")["escrow_funded_usd"] == 50_000


def test_a_retried_stream_batch_counts_nothing_twice(services, client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id)
    streams = streams_client(services.session)
    arn = os.environ["TABLE_STREAM_ARN"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    record(services, *activity_event(eng, "proposal", at(days_ago(1))))
    records = streams.get_records(ShardIterator=iterator)["Records"]
    handler = app.handler_map["table_stream"]
    event = dynamodb_stream_event(records, arn)
    handler(event, None)
    handler(event, None)  # Lambda retrying the same batch
    assert day_item(services, f"ENG#{eng['id']}", days_ago(1))["act_proposal"] == 1


def test_engagement_statuses_move_once_even_out_of_order(services, client, pro,
                                                         other_pro):
    first = put_engagement(services, client.user_id, pro.user_id)
    second = put_engagement(services, client.user_id, other_pro.user_id)
    apply(services, engagement_event(first, "created", "pending"))
    apply(services, engagement_event(first, "started", "active"))
    # The stream does not order events of different items: completion may arrive first.
    apply(services, engagement_event(second, "completed", "completed"))
    apply(services, engagement_event(second, "started", "active"))
    apply(services, engagement_event(second, "created", "pending"))
    counts = totals(services, f"USER#{client.user_id}")
    assert {k: int(v) for k, v in counts.items() if k.startswith("eng_status_")} == {
        "eng_status_pending": 0, "eng_status_active": 1, "eng_status_completed": 1}
    assert counts["engs_created"] == 2 and counts["engs_started"] == 2
    assert services.aggregates.active_sales_pros(client.user_id) == 1
    assert totals(services, f"USER#{other_pro.user_id}")["eng_status_completed"] == 1


def test_status_move_retries_when_another_event_moved_it_first(services, client,
                                                               pro, monkeypatch):
    eng = put_engagement(services, client.user_id, pro.user_id)
    apply(services, engagement_event(eng, "created", "pending"))
    real_get, raced = services.aggregates.get, []

    def get_then_race(key, consistent=False):
        found = real_get(key, consistent)
        if not raced and key["SK"] == "AGG#ALL" and key["PK"].startswith("ENG#"):
            raced.append(True)  # a concurrent "started" lands between our read and write
            apply(services, engagement_event(eng, "started", "active"))
        return found

    monkeypatch.setattr(services.aggregates, "get", get_then_race)
    apply(services, engagement_event(eng, "terminated", "terminated"))
    counts = totals(services, f"USER#{client.user_id}")
    assert (counts["eng_status_pending"], counts["eng_status_active"],
            counts["eng_status_terminated"]) == (0, 0, 1)
    assert services.aggregates.active_sales_pros(client.user_id) == 0


def test_opportunity_statuses_follow_the_latest_event(services, client):
    def opp_event(kind: str, status: str, created: str) -> dict:
        return {"id": f"evt_{kind}{status}", "type": f"opportunity.{kind}", "created": created,
                "data": {"opportunity_id": "opp_x1", "client_id": client.user_id,
                         "status": status, "title": "SDR", "industry": "saas"}}

    aggregator = services.analytics_aggregator
    assert aggregator.apply(opp_event("created", "open", "2026-01-01T10:00:00Z"))
    assert aggregator.apply(opp_event("updated", "open", "2026-01-01T12:00:00Z"))
    assert aggregator.apply(opp_event("closed", "closed", "2026-01-03T10:00:00Z"))
    assert aggregator.apply(opp_event("updated", "paused", "2026-01-02T10:00:00Z"))  # late
    counts = totals(services, f"USER#{client.user_id}")
    assert (counts["opp_status_open"], counts["opp_status_closed"]) == (0, 1)
    assert "opp_status_paused" not in counts and counts["opps_created"] == 1


def test_money_events_count_per_currency(services, client, pro):
    eng = put_engagement(services, client.user_id, pro.user_id, currency="eur")
    apply(services, money_event(eng, "escrow.funded", 80_000))
    apply(services, money_event(eng, "payment.released", 30_000))
    apply(services, money_event(eng, "escrow.dispute", 5_000))
    apply(services, money_event(eng, "payment.received", 80_000))  # same funding: not counted
    pro = totals(services, f"USER#{pro.user_id}")
    assert (pro["escrow_funded_eur"], pro["escrow_released_eur"], pro["disputed_eur"],
            pro["disputes_opened"]) == (80_000, 30_000, 5_000, 1)


def test_unusable_events_are_skipped_not_retried(services, client):
    aggregator = services.analytics_aggregator
    assert aggregator.apply({"id": "evt_bad1", "type": "activity.logged",
                             "created": "2026-01-01T00:00:00Z", "data": {"type": "call"}}) is False
    assert aggregator.apply({"id": "evt_bad2", "type": "escrow.funded",
                             "created": "2026-01-01T00:00:00Z",
                             "data": {"engagement_id": "eng_x", "client_id": "usr_a",
                                      "sales_pro_id": "usr_b", "amount": -5,
                                      "currency": "usd"}}) is False
    assert aggregator.apply({"id": "evt_bad3", "type": "activity.logged",
                             "created": "2026-01-01T00:00:00Z",
                             "data": {"engagement_id": "eng_x", "client_id": "usr_a",
                                      "sales_pro_id": "usr_b", "type": "lunch",
                                      "occurred_at": "2026-01-01T00:00:00Z"}}) is False


def test_activity_without_parties_reads_them_from_the_engagement(services, client,
                                                                 pro):
    eng = put_engagement(services, client.user_id, pro.user_id)
    payload = record(services, *activity_event(eng, "email", at(days_ago(0))))
    del payload["data"]["client_id"], payload["data"]["sales_pro_id"]  # an older event's shape
    services.analytics_aggregator.apply(payload)
    assert day_item(services, f"USER#{client.user_id}", days_ago(0))["act_email"] == 1
