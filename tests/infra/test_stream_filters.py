"""The table stream consumer's event filters (infra/stack.yaml, packaged as written:
test_package.py) against the records the table really produces.

Lambda drops a record no filter matches before the function sees it, so a wrong pattern loses
follow-ups silently: the filters are checked here on the stream records of every event type's
outbox item (and on the records around them), of payments, disputes and deliveries, and must
let through everything one of the consumer's parts acts on, and little else.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from chalicelib.services.events import EVENT_TYPES
from chalicelib.storage.events import event_actions
from chalicelib.storage.stream_records import outbox_payloads

from deploy.package import infra_template

_serialize = TypeSerializer().serialize


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's filter rule for the syntax the template uses: a list is the values allowed
    (`[{"exists": false}]`: the field is absent), a mapping each of its keys matching (nested
    as the record is; None stands for an absent field)."""
    if isinstance(pattern, list):
        if pattern and all(isinstance(rule, dict) and "exists" in rule for rule in pattern):
            return (value is not None) == pattern[0]["exists"]
        if pattern and all(isinstance(rule, dict) and "anything-but" in rule for rule in pattern):
            return value is not None and value not in pattern[0]["anything-but"]
        return value is not None and value in pattern
    value = {} if value is None else value
    return isinstance(value, dict) and all(
        matches(sub, value.get(key)) for key, sub in pattern.items())


def stream_records(event_type: str) -> list[dict[str, Any]]:
    """The INSERT records of an event's items (its feed item and its outbox item), as Lambda
    hands them over, plus the outbox item's deletion (the webhook fan-out removes it)."""
    event = {"id": "evt_1", "type": event_type, "created": "2026-01-01T00:00:00Z",
             "api_version": "2024-06-01", "environment": "sandbox",
             "data": {"engagement_id": "eng_1"}}
    items = [action["Put"]["Item"] for action in event_actions(event, ["usr_1"], "t", 1)]
    records = [{"eventName": "INSERT", "dynamodb": {
        "Keys": {"PK": _serialize(item["PK"]), "SK": _serialize(item["SK"])},
        "NewImage": {name: _serialize(value) for name, value in item.items()}}}
        for item in items]
    outbox = records[-1]
    removal = {"eventName": "REMOVE", "dynamodb": {"Keys": outbox["dynamodb"]["Keys"],
                                                   "OldImage": outbox["dynamodb"]["NewImage"]}}
    return [*records, removal]


@pytest.fixture(scope="module")
def filters() -> list[Any]:
    template = infra_template("sandbox")
    found = {}
    for name, resource in template["Resources"].items():
        for event in resource["Properties"].get("Events", {}).values():
            criteria = event["Properties"].get("FilterCriteria")
            if criteria:
                found[name] = [json.loads(f["Pattern"]) for f in criteria["Filters"]]
    assert set(found) == {"TableStream"}  # the stream's one consumer; nothing else filters
    assert len(found["TableStream"]) <= 5  # Lambda's limit per event source mapping
    return found["TableStream"]


def passes(filters: list[Any], record: dict[str, Any]) -> bool:
    return any(matches(pattern, record) for pattern in filters)


def test_the_table_stream_is_read_by_one_consumer():
    from app import app

    readers = [source.name for source in app.event_sources
               if getattr(source, "stream_arn", None)]
    assert readers == ["table_stream"]


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_outbox_insert_passes_and_nothing_else_of_an_event(filters, event_type):
    """The fan-out and the aggregator take every event, the escrow follow-ups some; the feed
    items and the outbox item's removal are nobody's."""
    records = stream_records(event_type)
    passed = [passes(filters, record) for record in records]
    acted_on = [bool(list(outbox_payloads([record]))) for record in records]
    assert passed == acted_on and sum(passed) == 1


def item_records(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The INSERT and a later MODIFY of one item, as Lambda hands them over."""
    image = {name: _serialize(value) for name, value in item.items()}
    keys = {"PK": image["PK"], "SK": image["SK"]}
    return {"INSERT": {"eventName": "INSERT", "dynamodb": {"Keys": keys, "NewImage": image}},
            "MODIFY": {"eventName": "MODIFY", "dynamodb": {"Keys": keys, "NewImage": image,
                                                           "OldImage": image}}}


@pytest.mark.parametrize("entity, passes_filter", [
    ("payment", True), ("dispute", True), ("engagement", False), ("opportunity", False),
    ("conversation_member", False), ("analytics_day", False)])
def test_every_payment_and_dispute_record_passes_and_other_items_do_not(filters, entity,
                                                                         passes_filter):
    """Payments and disputes change a few times each: all their records pass (one pattern for
    four uses), and each part picks its own (the tests below)."""
    item = {"PK": f"X#{entity}", "SK": "X", "entity": entity, "status": "x", "id": "x_1"}
    records = item_records(item)
    assert {kind: passes(filters, record) for kind, record in records.items()} == {
        "INSERT": passes_filter, "MODIFY": passes_filter}


@pytest.mark.parametrize("entity, status, started", [
    ("payment", "processing", True), ("payment", "succeeded", False), ("dispute", "open", True)])
def test_only_new_payments_processing_and_new_disputes_are_started(filters, entity, status,
                                                                   started):
    from chalicelib.storage.stream_records import inserted

    item = {"PK": f"X#{entity}", "SK": "X", "entity": entity, "status": status, "id": "x_1"}
    records = item_records(item)
    for kind, record in records.items():
        assert passes(filters, record)
        acted_on = [i for i in inserted([record], entity)
                    if entity == "dispute" or i["status"] == "processing"]
        assert bool(acted_on) == (started and kind == "INSERT")


@pytest.mark.parametrize("entity, passes_filter", [
    ("opportunity", True), ("outbox", False), ("interest", False), ("delivery", False)])
def test_a_deleted_opportunity_passes_for_its_clean_up(filters, entity, passes_filter):
    """Its removal is the matching clean-up's cue; an opportunity's other records, and other
    items' removals (the fan-out deletes outbox items, TTL expires many), are not."""
    from chalicelib.storage.stream_records import removed

    item = {"PK": "OPP#opp_1", "SK": "OPP", "entity": entity, "id": "opp_1", "status": "open"}
    image = {name: _serialize(value) for name, value in item.items()}
    removal = {"eventName": "REMOVE", "dynamodb": {"Keys": {"PK": image["PK"], "SK": image["SK"]},
                                                   "OldImage": image}}
    assert passes(filters, removal) == passes_filter
    assert bool(list(removed([removal], "opportunity"))) == passes_filter
    if entity == "opportunity":
        assert not any(passes(filters, r) for r in item_records(item).values())


def modify_record(item: dict[str, Any], before: dict[str, Any],
                  after: dict[str, Any]) -> dict[str, Any]:
    """A MODIFY of `item` from `before`'s attributes to `after`'s, as Lambda hands it over."""
    def image(attrs: dict[str, Any]) -> dict[str, Any]:
        return {name: _serialize(value) for name, value in {**item, **attrs}.items()}
    return {"eventName": "MODIFY", "dynamodb": {"NewImage": image(after),
                                                "OldImage": image(before)}}


@pytest.mark.parametrize("before, after, expected", [
    ({"status": "open"}, {"status": "open", "resolution": {"decided_at": "t"}}, True),
    ({"status": "under_review"}, {"status": "under_review", "resolution": {"decided_at": "t"}},
     True),
    ({"status": "open", "resolution": {"decided_at": "t"}},
     {"status": "resolved", "resolution": {"decided_at": "t"}}, False),
    ({"status": "open"}, {"status": "under_review"}, False)])
def test_a_dispute_newly_decided_passes_to_be_settled(filters, before, after, expected):
    from chalicelib.storage.stream_records import newly_set

    record = modify_record({"PK": "DSP#dsp_1", "SK": "DSP", "entity": "dispute"}, before, after)
    assert passes(filters, record)
    acted_on = [i for i in newly_set([record], "dispute", "resolution")
                if i["status"] != "resolved"]
    assert bool(acted_on) == expected


@pytest.mark.parametrize("before, after, followed_up, entry", [
    ({"status": "processing"}, {"status": "failed", "failure_code": "charge_timeout"},
     True, True),
    ({"status": "processing"}, {"status": "failed", "failure_code": "card_declined",
                                "failure_event_recorded": True}, False, True),
    ({"status": "failed", "failure_code": "charge_timeout"},
     {"status": "failed", "failure_code": "charge_timeout", "failure_event_recorded": True},
     False, False),
    ({"status": "processing"}, {"status": "succeeded"}, False, True),
    ({"status": "processing"}, {"status": "processing", "execution": "arn"}, False, False)])
def test_a_payment_leaving_processing_is_acted_on(filters, before, after, followed_up, entry):
    """By its engagement's payment entry, and by the follow-ups when it failed without its
    event; nothing else about a payment is."""
    from chalicelib.services.payments.followups import FAILURE_RECORDED
    from chalicelib.storage.stream_records import newly_set, settled_or_new

    record = modify_record({"PK": "PAY#pay_1", "SK": "PAY", "entity": "payment"}, before, after)
    assert passes(filters, record)
    acted_on = [i for i in newly_set([record], "payment", "failure_code")
                if i["status"] == "failed" and FAILURE_RECORDED not in i]
    assert bool(acted_on) == followed_up
    assert bool(list(settled_or_new([record], "payment", "processing"))) == entry


@pytest.mark.parametrize("before, after, expected", [
    (None, {"mode": "manual", "status": "pending", "run": 1}, True),   # a test ping
    ({"mode": "automatic", "status": "failed", "run": 1},
     {"mode": "manual", "status": "pending", "run": 2}, True),          # a manual retry
    (None, {"mode": "automatic", "status": "pending", "run": 1}, False),  # the fan-out's own
    ({"mode": "manual", "status": "pending", "run": 2},
     {"mode": "manual", "status": "succeeded", "run": 2}, False)])      # its attempt
def test_a_manual_delivery_made_or_restarted_passes_to_be_queued(filters, before, after,
                                                                 expected):
    from chalicelib.storage.stream_records import new_runs

    item = {"PK": "WHK#whk_1", "SK": "DLV#dlv_1", "entity": "delivery"}
    if before is None:
        record = item_records({**item, **after})["INSERT"]
    else:
        record = modify_record(item, before, after)
    assert passes(filters, record) == expected
    acted_on = [d for d in new_runs([record], "delivery")
                if d.get("mode") == "manual" and d.get("status") == "pending"]
    assert bool(acted_on) == expected
