"""The stream sources' event filters (infra/stack.yaml, packaged as written: test_package.py)
against the records the table really produces.

Lambda drops a record no filter matches before the function sees it, so a wrong pattern loses
follow-ups silently: each filter is checked here on the stream records of every event type's
outbox item (and on the records around them), and must let through exactly what the
function's code acts on.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from chalicelib.services.events import EVENT_TYPES
from chalicelib.services.payments.followups import FOLLOWED_EVENTS
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
def filters() -> dict[str, list[Any]]:
    template = infra_template("sandbox")
    found = {}
    for name, resource in template["Resources"].items():
        for event in resource["Properties"].get("Events", {}).values():
            criteria = event["Properties"].get("FilterCriteria")
            if criteria:
                found[name] = [json.loads(f["Pattern"]) for f in criteria["Filters"]]
    return found


def test_only_the_escrow_follow_ups_filter_their_stream(filters):
    assert set(filters) == {"EscrowFollowups"}


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_the_escrow_filter_passes_exactly_the_outbox_inserts_of_an_engagement_end(
        filters, event_type):
    records = stream_records(event_type)
    passed = [any(matches(pattern, record) for pattern in filters["EscrowFollowups"])
              for record in records]
    acted_on = [any(event["type"] in FOLLOWED_EVENTS for event in outbox_payloads([record]))
                for record in records]
    assert passed == acted_on
    assert sum(passed) == (event_type in FOLLOWED_EVENTS)  # the outbox item's INSERT, once


def item_records(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The INSERT and a later MODIFY of one item, as Lambda hands them over."""
    image = {name: _serialize(value) for name, value in item.items()}
    keys = {"PK": image["PK"], "SK": image["SK"]}
    return {"INSERT": {"eventName": "INSERT", "dynamodb": {"Keys": keys, "NewImage": image}},
            "MODIFY": {"eventName": "MODIFY", "dynamodb": {"Keys": keys, "NewImage": image,
                                                           "OldImage": image}}}


@pytest.mark.parametrize("entity, status, passes", [
    ("payment", "processing", True), ("payment", "succeeded", False),
    ("dispute", "open", True), ("engagement", "active", False)])
def test_the_escrow_filter_passes_new_payments_and_disputes_to_start(filters, entity, status,
                                                                      passes):
    """Only INSERTs: an update of a payment still processing must not start it again."""
    item = {"PK": f"X#{entity}", "SK": "X", "entity": entity, "status": status, "id": "x_1"}
    records = item_records(item)
    passed = {kind: any(matches(pattern, record) for pattern in filters["EscrowFollowups"])
              for kind, record in records.items()}
    assert passed == {"INSERT": passes, "MODIFY": False}


def modify_record(item: dict[str, Any], before: dict[str, Any],
                  after: dict[str, Any]) -> dict[str, Any]:
    """A MODIFY of `item` from `before`'s attributes to `after`'s, as Lambda hands it over."""
    def image(attrs: dict[str, Any]) -> dict[str, Any]:
        return {name: _serialize(value) for name, value in {**item, **attrs}.items()}
    return {"eventName": "MODIFY", "dynamodb": {"NewImage": image(after),
                                                "OldImage": image(before)}}


@pytest.mark.parametrize("before, after, passes", [
    ({"status": "open"}, {"status": "open", "resolution": {"decided_at": "t"}}, True),
    ({"status": "under_review"}, {"status": "under_review", "resolution": {"decided_at": "t"}},
     True),
    ({"status": "open", "resolution": {"decided_at": "t"}},
     {"status": "resolved", "resolution": {"decided_at": "t"}}, False),
    ({"status": "open"}, {"status": "under_review"}, False)])
def test_the_escrow_filter_passes_a_dispute_newly_decided_to_settle(filters, before, after,
                                                                     passes):
    from chalicelib.storage.stream_records import newly_set

    record = modify_record({"PK": "DSP#dsp_1", "SK": "DSP", "entity": "dispute"}, before, after)
    assert any(matches(pattern, record) for pattern in filters["EscrowFollowups"]) == passes
    acted_on = [i for i in newly_set([record], "dispute", "resolution")
                if i["status"] != "resolved"]
    assert bool(acted_on) == passes


@pytest.mark.parametrize("before, after, passes", [
    ({"status": "processing"}, {"status": "failed", "failure_code": "charge_timeout"}, True),
    ({"status": "processing"}, {"status": "failed", "failure_code": "card_declined",
                                "failure_event_recorded": True}, False),
    ({"status": "failed", "failure_code": "charge_timeout"},
     {"status": "failed", "failure_code": "charge_timeout", "failure_event_recorded": True},
     False),
    ({"status": "processing"}, {"status": "succeeded"}, False)])
def test_the_escrow_filter_passes_a_payment_failed_without_its_event(filters, before, after,
                                                                      passes):
    from chalicelib.services.payments.followups import FAILURE_RECORDED
    from chalicelib.storage.stream_records import newly_set

    record = modify_record({"PK": "PAY#pay_1", "SK": "PAY", "entity": "payment"}, before, after)
    assert any(matches(pattern, record) for pattern in filters["EscrowFollowups"]) == passes
    acted_on = [i for i in newly_set([record], "payment", "failure_code")
                if i["status"] == "failed" and FAILURE_RECORDED not in i]
    assert bool(acted_on) == passes
